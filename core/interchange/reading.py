"""From bytes to a document: the size limit (checked before reading), the encoding (UTF-8,
with or without a byte-order mark; Windows-1251 recognised and refused by name), then JSON
or CSV by the file's extension."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from core.interchange.checks import json_path
from core.interchange.csv_formats import csv_document
from core.interchange.errors import ImportDataError

MAX_FILE_BYTES = 50 * 1024 * 1024
BOM = b"\xef\xbb\xbf"


def check_size(file: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ImportDataError.one(
            file,
            f"a file of at most {MAX_FILE_BYTES // (1024 * 1024)} MB; this one has "
            f"{size / (1024 * 1024):.1f} MB (split it into several files)",
        )


def read_path(path: Path) -> bytes:
    """The bytes of `path`, after checking its size on disk without reading it."""
    name = path.name
    try:
        check_size(name, path.stat().st_size)
        return path.read_bytes()
    except OSError as error:
        raise ImportDataError.one(name, f"a readable file: {error.strerror}") from error


def read_upload(name: str, size: int, handle: IO[bytes]) -> bytes:
    """An uploaded file's bytes; `size` is what the upload declared, checked first, and at
    most one byte past the limit is ever read."""
    check_size(name, size)
    data = handle.read(MAX_FILE_BYTES + 1)
    check_size(name, len(data))
    return data


def decode(file: str, data: bytes) -> str:
    if not data.strip():
        raise ImportDataError.one(file, "a file with data in it; this one is empty")
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if b"\x00" in data:
        raise ImportDataError.one(
            file, "a text file (UTF-8 JSON or CSV); this one holds binary data"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _looks_like_cp1251(data):
            raise ImportDataError.one(
                file,
                "UTF-8 text; this file looks like Windows-1251 (cp1251) Cyrillic: save it as "
                "UTF-8 and import it again",
            ) from error
        raise ImportDataError.one(
            file,
            f"UTF-8 text; byte {error.start} ({data[error.start : error.start + 1]!r}) is not "
            "UTF-8 (binary data, or another encoding)",
        ) from error


def _looks_like_cp1251(data: bytes) -> bool:
    """Mostly ASCII plus bytes that cp1251 maps to Cyrillic letters (0xC0-0xFF, Ё, ё)."""
    high = [b for b in data if b >= 0x80]
    if not high:
        return False
    cyrillic = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8))
    return cyrillic / len(high) > 0.9


def parse(file: str, data: bytes) -> tuple[Any, Callable[[str, int, str], str]]:
    """The document in `data` and how its issues name places: JSON paths, or CSV lines."""
    text = decode(file, data)
    if file.lower().endswith(".csv"):
        return csv_document(file, text)
    if "\\u0000" in text:
        raise ImportDataError.one(file, "text without NUL characters (\\u0000)")
    try:
        return json.loads(text), json_path
    except json.JSONDecodeError as error:
        raise ImportDataError.one(
            file,
            f"valid JSON: {error.msg}",
            where=f"line {error.lineno}, column {error.colno}",
        ) from error
    except RecursionError as error:
        raise ImportDataError.one(file, "JSON nested less deeply") from error
