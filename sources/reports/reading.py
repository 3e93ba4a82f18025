"""Bytes of a report file to clean text (pure Python, no Django).

`read_report(data, filename)` accepts plain text (.txt, .text), HTML (.html, .htm) and PDF
with a text layer (.pdf). The type is decided from the content and the extension together: a
.pdf must start with ``%PDF``, archives and images are refused by their magic bytes whatever
they are called, and an HTML document saved as .txt is read as HTML.

Text is decoded from UTF-8 (with or without BOM), UTF-16/32 with a BOM, an HTML
``<meta charset>`` declaration, or else the encoding charset-normalizer finds (cp1251 for
Russian, say). The result has ``\\n`` newlines, no NULs or control characters other than
``\\n`` and ``\\t``, and is NFC-normalised. Lines hard-wrapped by a PDF extraction (a sentence
broken over lines with blank lines between) are joined again, so that a sentence is one unit.

Every refusal is a `ReportError` whose message is one sentence a user can act on.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePath

from sources.reports.found import ReportError, ReportText

MAX_REPORT_BYTES = 20 * 1024 * 1024
# PDFs longer than this are refused rather than parsed for minutes.
MAX_PDF_PAGES = 2000

TEXT_EXTENSIONS = {".txt", ".text"}
HTML_EXTENSIONS = {".html", ".htm"}
PDF_EXTENSIONS = {".pdf"}

# Magic bytes of formats that are never a report's text.
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (or a Word/OpenDocument file)"),
    (b"PK\x05\x06", "a zip archive"),
    (b"PK\x07\x08", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"{\\rtf", "an RTF document"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
# More control characters than this share of the text: binary data, not a text file.
_MAX_CONTROL_SHARE = 0.01


def read_report(data: bytes, filename: str) -> ReportText:
    """The text of a report file, or `ReportError` saying in one sentence why it is unreadable."""
    if not data:
        raise ReportError("The file is empty.")
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(
            f"The file is {len(data) / (1024 * 1024):.0f} MB; reports may be at most "
            f"{MAX_REPORT_BYTES // (1024 * 1024)} MB."
        )
    extension = PurePath(filename or "").suffix.lower()
    head = data[:16]
    for magic, what in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise ReportError(f"The file is {what}, not a report: upload a .txt, .html or .pdf.")
    is_pdf = data[:1024].lstrip().startswith(b"%PDF")
    if extension in PDF_EXTENSIONS or is_pdf:
        if not is_pdf:
            raise ReportError(
                "The file is named .pdf but is not a PDF (it does not start with %PDF)."
            )
        return _read_pdf(data)
    known = TEXT_EXTENSIONS | HTML_EXTENSIONS
    if extension and extension not in known:
        raise ReportError(
            f"Files of type {extension} are not supported: upload a .txt, .html or .pdf."
        )
    if extension in HTML_EXTENSIONS or _looks_like_html(data):
        return _read_html(data)
    text, encoding = _decode(data)
    text = unwrap_lines(clean_text(text))
    if not text.strip():
        raise ReportError("The file holds no text.")
    return ReportText(
        text=text,
        format="txt",
        title=guess_title(text),
        language=guess_language(text),
        encoding=encoding,
    )


# -- decoding ----------------------------------------------------------------------------------


def _decode(data: bytes, declared: str = "") -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding)), encoding
            except UnicodeDecodeError as error:
                raise ReportError(
                    f"The file starts with a {encoding} byte-order mark "
                    f"but is not valid {encoding}."
                ) from error
    if declared:
        try:
            return _checked(data.decode(declared)), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: detect instead
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReportError(
            "The file holds binary data or text in an unknown encoding: "
            "save it as UTF-8 text and upload it again."
        )
    try:
        return _checked(str(best)), best.encoding
    except UnicodeDecodeError as error:  # pragma: no cover - charset-normalizer checked it
        raise ReportError("The file's text could not be decoded.") from error


def _checked(text: str) -> str:
    """The decoded text, unless it is mostly control characters (binary data)."""
    if not text:
        return text
    controls = len(_BINARY_CONTROLS.findall(text))
    if controls > max(2, _MAX_CONTROL_SHARE * len(text)):
        raise ReportError("The file holds binary data, not text: upload a .txt, .html or .pdf.")
    return text


# Control characters (Unicode category Cc) other than the white-space ones, and surrogates.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85|\f|\v")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u3000]+$", re.M)
_DROPPED = re.compile(r"[\u200b\u200e\u200f\ufeff\u00ad]")


def clean_text(text: str) -> str:
    """Newlines as ``\\n``, control characters except ``\\n`` and ``\\t`` dropped, NFC,
    trailing spaces removed from lines."""
    text = _NEWLINES.sub("\n", text)
    text = _DROPPED.sub("", text)
    text = _CONTROLS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return _TRAILING_SPACE.sub("", text).strip("\n")


# -- hard-wrapped lines ------------------------------------------------------------------------

_TERMINAL = tuple(".!?:;…»”\"')]")
_BREAK = re.compile(r"\n(?:[ \t]*\n)*")
_BULLET = re.compile(r"^\s*(?:[-•*–—▪●]|\d+[.)]\s|[a-z][.)]\s)")


def unwrap_lines(text: str) -> str:
    """Join lines that a PDF extraction broke in the middle of a sentence.

    A line break (with or without blank lines after it) is removed when the line before it is
    as long as the text's wrapped lines and does not end a sentence, or ends with a comma or a
    hyphen, or when the next line starts in lower case. A word hyphenated across the break is
    joined without its hyphen. Headings, list items and short lines keep their breaks."""
    lines = [line.strip() for line in text.split("\n")]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return text
    wrap_width = lengths[int(0.9 * (len(lengths) - 1))]
    long_line = max(40, int(0.7 * wrap_width))
    pieces: list[str] = []
    position = 0
    for match in _BREAK.finditer(text):
        before = text[position : match.start()]
        position = match.end()
        line_end = text.find("\n", position)
        following = text[position : line_end if line_end >= 0 else len(text)].strip()
        joint = _join(before.rstrip(), following, long_line, match.group())
        if joint == _HYPHEN:
            before, joint = before.rstrip()[:-1], ""
        elif joint == " ":
            before = before.rstrip(" \t")
        pieces.append(before)
        pieces.append(joint)
    pieces.append(text[position:])
    return "".join(pieces)


_HYPHEN = "hyphen"


def _join(previous: str, following: str, long_line: int, original: str) -> str:
    if not previous or not following:
        return original
    last_line = previous.rsplit("\n", 1)[-1]
    if _BULLET.match(following) or previous.endswith(_TERMINAL):
        return original
    first = following[0]
    if (
        last_line.endswith("-")
        and len(last_line) > 1
        and last_line[-2].isalpha()
        and first.islower()
    ):
        return _HYPHEN
    if first.islower() or last_line.endswith((",", "—", "–")):
        return " "
    if len(last_line) >= long_line and not last_line.isupper():
        return " "
    return original


# -- HTML --------------------------------------------------------------------------------------

_DROPPED_TAGS = (
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
)
_BLOCK_TAGS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "figure",
    "figcaption",
    "address",
    "hr",
)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            try:
                head = head.decode(encoding, errors="ignore").encode("utf-8")
            except LookupError:  # pragma: no cover
                return False
            break
    return bool(_HTML_START.match(head))


def _read_html(data: bytes) -> ReportText:
    from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

    declared = ""
    if match := _META_CHARSET.search(data[:4096]):
        declared = match.group(1).decode("ascii", errors="ignore")
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = ""
    markup, encoding = _decode(data, declared)
    try:
        soup = BeautifulSoup(markup, "html.parser")
    except Exception as error:  # any parser failure: unreadable
        raise ReportError("The HTML file could not be parsed.") from error
    title = ""
    if soup.title is not None:
        title = " ".join(soup.title.get_text(" ").split())
    for tag in soup.find_all(["title", *_DROPPED_TAGS]):
        tag.decompose()
    for node in soup.find_all(string=True):
        if isinstance(node, Comment | Doctype) or type(node).__name__ in (
            "CData",
            "ProcessingInstruction",
            "Declaration",
        ):
            node.extract()
            continue
        if isinstance(node, NavigableString) and node.find_parent("pre") is None:
            node.replace_with(re.sub(r"\s+", " ", str(node)))
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        if isinstance(tag, Tag):
            tag.insert_before("\n\n")
            tag.insert_after("\n\n")
    if title == "" and (heading := soup.find("h1")) is not None:
        title = " ".join(heading.get_text(" ").split())
    raw = soup.get_text("")
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    text = clean_text(text)
    if not text.strip():
        raise ReportError("The HTML file holds no readable text.")
    return ReportText(
        text=text,
        format="html",
        title=_short(clean_text(title)) or guess_title(text),
        language=guess_language(text),
        encoding=encoding,
    )


# -- PDF ---------------------------------------------------------------------------------------


def _read_pdf(data: bytes) -> ReportText:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as error:  # an encryption pypdf cannot open
                raise ReportError(
                    "The PDF is encrypted: save an unprotected copy and upload that."
                ) from error
            if not opened:
                raise ReportError(
                    "The PDF is encrypted with a password: "
                    "save an unprotected copy and upload that."
                )
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ReportError(f"The PDF has more than {MAX_PDF_PAGES} pages.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = ""
        metadata = reader.metadata
        if metadata is not None and metadata.title:
            title = str(metadata.title)
    except ReportError:
        raise
    except (FileNotDecryptedError, PdfReadError) as error:
        raise ReportError(f"The PDF could not be read: {_first_sentence(error)}.") from error
    except Exception as error:  # pypdf raises many kinds
        raise ReportError("The PDF is damaged and could not be read.") from error
    text = clean_text("\n\n".join(page.strip("\n") for page in pages))
    if sum(char.isalpha() for char in text) < 20:
        raise ReportError(
            "The PDF has no text layer; it is probably a scan: run OCR first and upload the result."
        )
    text = unwrap_lines(text)
    return ReportText(
        text=text,
        format="pdf",
        title=_short(clean_text(title)) or guess_title(text),
        language=guess_language(text),
    )


def _first_sentence(error: Exception) -> str:
    message = " ".join(str(error).split()).rstrip(".") or type(error).__name__
    return message[:150]


# -- title and language ------------------------------------------------------------------------

_FURNITURE = {
    "skip to main content",
    "skip to content",
    "skip to navigation",
    "donate",
    "donate now",
    "menu",
    "main menu",
    "search",
    "share",
    "share this",
    "print",
    "home",
    "close",
    "sign in",
    "log in",
    "login",
    "subscribe",
    "newsletter",
    "most viewed",
    "region / country",
    "topic",
    "related content",
    "cookie settings",
    "accept cookies",
    "english",
    "русский",
    "қазақша",
}


def guess_title(text: str) -> str:
    """The first substantial line that is not page furniture ("Skip to main content")."""
    fallback = ""
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not line or line.casefold().strip(" :|›»") in _FURNITURE:
            continue
        letters = sum(char.isalpha() for char in line)
        if letters < 3:
            continue
        fallback = fallback or line
        if len(line.split()) >= 3 and letters >= 12:
            return _short(line)
    return _short(fallback)


def _short(title: str, limit: int = 300) -> str:
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0] + "…"


_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_KAZAKH_WORDS = {"және", "мен", "бұл", "үшін", "жылы", "деп", "туралы", "бойынша", "болып", "оның"}
_RUSSIAN_WORDS = {"и", "в", "не", "что", "на", "с", "по", "был", "были", "года", "который"}


def guess_language(text: str) -> str:
    """ "en", "ru" or "kk", from the script of the letters and a few common words."""
    sample = text[:20000]
    cyrillic = latin = kazakh = 0
    for char in sample:
        if not char.isalpha():
            continue
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
            if char in _KAZAKH_LETTERS:
                kazakh += 1
        elif char.isascii():
            latin += 1
    if cyrillic <= latin:
        return "en"
    words = _words(sample.casefold())
    kazakh_words = sum(1 for word in words if word in _KAZAKH_WORDS)
    russian_words = sum(1 for word in words if word in _RUSSIAN_WORDS)
    if kazakh > 0.02 * cyrillic or kazakh_words > russian_words:
        return "kk"
    return "ru"


def _words(text: str) -> Iterable[str]:
    return re.findall(r"\w+", text)
