"""Checks shared by every upload page, and the private store for the originals kept.

An upload is accepted only when its extension and its first bytes agree on one of the kinds
the page allows; archives are refused whatever they are called. The size is the one the
upload declared, checked before anything is read (the pages also stop reading past the limit
as the file arrives). The name the user's browser sent is shown in messages, cleaned, and
never used to store anything: originals are kept under server-chosen names (a UUID) in
`settings.PRIVATE_UPLOAD_ROOT`, outside the static root, and served back only to admins, as
attachments that browsers must not render or sniff.

    kind = check_upload(upload.name, upload.read(HEAD_BYTES), upload.size, allowed=REPORT_KINDS)
    upload.seek(0)
    stored = store_original(upload, kind)     # "3f2c…9a.pdf", for download_original
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404

from core.access import AuthenticatedRequest
from core.interchange.reading import MAX_FILE_BYTES

JSON, CSV, TXT, HTML, PDF = "json", "csv", "txt", "html", "pdf"
DATA_KINDS = frozenset({JSON, CSV})
REPORT_KINDS = frozenset({TXT, HTML, PDF})
KIND_OF_EXTENSION = {
    ".json": JSON,
    ".csv": CSV,
    ".txt": TXT,
    ".html": HTML,
    ".htm": HTML,
    ".pdf": PDF,
}
MAX_UPLOAD_BYTES = MAX_FILE_BYTES
# How much of the start of a file check_upload needs: enough for the tar magic at 257.
HEAD_BYTES = 4096
MAX_SHOWN_NAME = 80
BOM = b"\xef\xbb\xbf"

# Archives and compressed files: their content cannot be checked without unpacking them.
ARCHIVE_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"MSCF", "a cabinet archive"),
)
TAR_MAGIC_OFFSET = 257
# Other binary formats a text upload must not be.
BINARY_MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
HTML_START = re.compile(rb"\s*<(!doctype\s+html|html|head|body|script|!--|meta|title|iframe)", re.I)
STORED_NAME = re.compile(r"\A[0-9a-f]{32}\.(json|csv|txt|html|pdf)\Z")


class UploadRefused(ValueError):
    """An upload that is not accepted. The message names the file and says why, for the
    person uploading; `reason` is the why alone, for pages that show the name beside it."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def shown_name(name: object) -> str:
    """The uploaded file's name as it may be shown: its last part, without control or format
    characters (bidi overrides, NUL), cut short. Never used as a path."""
    text = name if isinstance(name, str) else ""
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "CZ" or c == " ")
    text = " ".join(text.split())
    if len(text) > MAX_SHOWN_NAME:
        text = text[: MAX_SHOWN_NAME - 1] + "…"
    return text or "upload"


def _describe(kinds: Iterable[str]) -> str:
    names = [f".{kind}" for kind in sorted(kinds)] or ["(none)"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def archive_kind(head: bytes) -> str:
    """What kind of archive `head` starts, or ""."""
    for magic, what in ARCHIVE_MAGIC:
        if head.startswith(magic):
            return what
    if head[TAR_MAGIC_OFFSET : TAR_MAGIC_OFFSET + 5] == b"ustar":
        return "a tar archive"
    return ""


def _binary_kind(head: bytes) -> str:
    for magic, what in BINARY_MAGIC:
        if head.startswith(magic):
            return what
    if b"\x00" in head:
        return "binary data"
    return ""


def _text_start(head: bytes) -> bytes:
    return head.removeprefix(BOM).lstrip()


def check_upload(name: str, head: bytes, size: int, *, allowed: Iterable[str]) -> str:
    """The kind of an upload (one of `allowed`: json, csv, txt, html, pdf), judged by both its
    extension and its first bytes (`head`, at least the first HEAD_BYTES or the whole file);
    `size` is the size the upload declared. Raises `UploadRefused` with a message naming the
    file otherwise. Reads nothing itself."""
    allowed = frozenset(allowed)
    shown = shown_name(name)
    if not isinstance(size, int) or size < 0 or size > MAX_UPLOAD_BYTES:
        mb = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise UploadRefused(shown, f"a file of at most {mb} MB is accepted; this one is larger.")
    if size == 0 or not head:
        raise UploadRefused(shown, "the file is empty.")
    archive = archive_kind(head)
    if archive:
        raise UploadRefused(
            shown, f"this is {archive}; archives are not accepted, upload the files themselves."
        )
    raw_name = name if isinstance(name, str) else ""
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in raw_name) or "/" in raw_name:
        raise UploadRefused(
            shown, "the file name holds control characters or a path; rename the file."
        )
    extension = os.path.splitext(raw_name)[1].lower()
    kind = KIND_OF_EXTENSION.get(extension)
    if kind is None or kind not in allowed:
        raise UploadRefused(shown, f"only {_describe(allowed)} files are accepted here.")
    problem = _content_problem(kind, head)
    if problem:
        raise UploadRefused(shown, f"the name says .{kind} but {problem}.")
    return kind


def _content_problem(kind: str, head: bytes) -> str:
    """Why the first bytes do not fit `kind`, or ""."""
    if kind == PDF:
        return "" if head.startswith(b"%PDF-") else "the content is not a PDF"
    binary = _binary_kind(head)
    if binary:
        return f"the content is {binary}"
    start = _text_start(head)
    looks_html = bool(HTML_START.match(head.removeprefix(BOM)))
    if kind == JSON and not start.startswith((b"{", b"[")):
        return "the content is not JSON (it starts with neither { nor [)"
    if kind == HTML and not looks_html:
        return "the content is not an HTML page"
    if kind in (CSV, TXT) and looks_html:
        return "the content is an HTML page"
    if kind == CSV and start.startswith((b"{", b"[")):
        return "the content is JSON"
    return ""


# -- the private store of originals ------------------------------------------------------------


class Chunked(Protocol):
    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


def private_root() -> Path:
    """Where originals are kept: `settings.PRIVATE_UPLOAD_ROOT` (default var/uploads),
    never under the static root or anything a web server serves."""
    default = Path(settings.BASE_DIR) / "var" / "uploads"
    root = Path(getattr(settings, "PRIVATE_UPLOAD_ROOT", default))
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root and root.resolve().is_relative_to(Path(static_root).resolve()):
        raise RuntimeError("PRIVATE_UPLOAD_ROOT must not lie inside STATIC_ROOT")
    return root


def store_original(data: bytes | Chunked | IO[bytes], kind: str) -> str:
    """Keep an accepted upload under a new server-chosen name and return that name
    (`<uuid hex>.<kind>`). `data` is the bytes, an uploaded file, or an open binary file."""
    if kind not in KIND_OF_EXTENSION.values():
        raise ValueError(f"unknown upload kind {kind!r}")
    root = private_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{kind}"
    path = root / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            if isinstance(data, bytes | bytearray):
                out.write(data)
            elif hasattr(data, "chunks"):
                for chunk in data.chunks():
                    out.write(chunk)
            else:
                for chunk in iter(lambda: data.read(1024 * 1024), b""):
                    out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return name


def stored_path(name: str) -> Path:
    """The file of a stored original; Http404 for any name store_original cannot have made."""
    if not isinstance(name, str) or not STORED_NAME.match(name):
        raise Http404
    path = private_root() / name
    if not path.is_file():
        raise Http404
    return path


def download_original(request: AuthenticatedRequest, name: str) -> FileResponse:
    """Admins only: a stored original, as a download the browser will not render."""
    if not request.user.is_vigil_admin:
        raise PermissionDenied
    path = stored_path(name)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"vigil-upload-{name}",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
