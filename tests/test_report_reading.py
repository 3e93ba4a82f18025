"""Reading report files: text encodings, HTML, PDF with and without a text layer, and every
kind of file that is refused with one clear sentence."""

from __future__ import annotations

import codecs
import gzip
import io
import time
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter

from sources.reports.found import ReportError
from sources.reports.reading import MAX_REPORT_BYTES, guess_language, read_report, unwrap_lines

RUSSIAN = "6 декабря 2019 года Дархан Дильманов заявил, что Мусаханулы и Алимулы будут возвращены."


def make_pdf(lines: list[str], *, title: str = "") -> bytes:
    """A one-page PDF whose text layer holds `lines` (Latin-1 text, Helvetica), with a
    correct cross-reference table."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = (
        "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({line}) Tj T*" for line in escaped) + " ET"
        if lines
        else ""
    ).encode("latin-1")
    info = f"<< /Title ({title}) >>".encode("latin-1") if title else b"<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


WRAPPED_PDF_LINES = [
    "Kazakhstan must not return asylum-seekers",
    "",
    "Kaster Musakhanuly and Murager Alimuly were detained on October 14 in",
    "",
    "Almaty and held near the border. They have applied for asy-",
    "lum in Kazakhstan and the request is pending because of the trial.",
    "",
    "The hearing was adjourned.",
]


# -- plain text --------------------------------------------------------------------------------


def test_utf8_text_is_read_with_its_title_and_language() -> None:
    data = b"Skip to main content\nDonate Now\nKazakhstan: Improper Prosecution\n\nBody."
    report = read_report(data, "report.txt")
    assert report.format == "txt"
    assert report.encoding == "utf-8"
    assert report.title == "Kazakhstan: Improper Prosecution"
    assert report.language == "en"


def test_utf8_bom_is_dropped() -> None:
    report = read_report(codecs.BOM_UTF8 + "Қастер Мұсаханұлы және Мұрагер".encode(), "a.txt")
    assert report.text.startswith("Қастер")
    assert "\ufeff" not in report.text
    assert report.language == "kk"


def test_cp1251_russian_is_detected() -> None:
    report = read_report((RUSSIAN + " " + RUSSIAN).encode("cp1251"), "ru.txt")
    assert "Дархан Дильманов заявил" in report.text
    assert report.language == "ru"
    assert report.encoding.replace("-", "").replace("_", "").lower() in {"cp1251", "windows1251"}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding: str) -> None:
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    report = read_report(bom + "Darhan Dilmanov stated.\r\nLine two.".encode(encoding), "a.txt")
    assert report.text == "Darhan Dilmanov stated.\nLine two."


def test_newlines_control_characters_and_nfc() -> None:
    data = "Cafe\u0301 one.\r\nTwo.\rThree\x00\x07\tfour.".encode()
    assert read_report(data, "a.txt").text == "Café one.\nTwo.\nThree\tfour."


def test_hard_wrapped_lines_of_a_pdf_extraction_are_rejoined() -> None:
    text = (
        "Title of the statement\n\n"
        "On 6 December the director of the border service of the Committee of National \n\n"
        "Security of Kazakhstan stated that the two men who had fled XUAR in \n\n"
        "China would be returned.\n\n"
        "Kaster Musakhanuly claims that he was held in a camp."
    )
    joined = unwrap_lines(text)
    assert "Committee of National Security of Kazakhstan stated" in joined
    assert "fled XUAR in China would be returned." in joined
    assert joined.startswith("Title of the statement\n\nOn 6 December")
    assert "returned.\n\nKaster" in joined


def test_language_guess() -> None:
    assert guess_language("The court ruled.") == "en"
    assert guess_language(RUSSIAN) == "ru"
    assert guess_language("Қазақстан соты және үкімет бұл туралы айтты") == "kk"


# -- HTML --------------------------------------------------------------------------------------


def test_html_drops_page_furniture_and_keeps_paragraphs() -> None:
    html = b"""<!DOCTYPE html><html><head><title>Kazakhstan: Improper Prosecution</title>
    <style>p {color: red}</style><script>var donate = 1;</script></head>
    <body><header>Skip to main content</header><nav><a href="/">Home</a> Donate Now</nav>
    <article><h1>Headline</h1><p>On January 6, 2020, court hearings
    began in Zaysan.</p><p>The hearing was adjourned.<br>Second line.</p></article>
    <aside>Most viewed</aside><form><input name="q"></form><footer>Copyright</footer>
    <noscript>Enable JS</noscript></body></html>"""
    report = read_report(html, "page.html")
    assert report.format == "html"
    assert report.title == "Kazakhstan: Improper Prosecution"
    assert "On January 6, 2020, court hearings began in Zaysan." in report.text
    assert "began in Zaysan.\n\nThe hearing was adjourned.\nSecond line." in report.text
    for furniture in ("donate", "Skip to main", "Most viewed", "Copyright", "color", "Enable JS"):
        assert furniture not in report.text


def test_html_meta_charset_is_honoured() -> None:
    html = '<html><head><meta charset="windows-1251"><title>Суд</title></head><body><p>'
    data = (html + RUSSIAN + "</p></body></html>").encode("cp1251")
    report = read_report(data, "ru.htm")
    assert report.title == "Суд"
    assert RUSSIAN in report.text
    assert report.language == "ru"


def test_html_saved_as_txt_is_read_as_html() -> None:
    report = read_report(b"<!doctype html><html><body><p>Hello there.</p></body></html>", "a.txt")
    assert report.format == "html"
    assert report.text == "Hello there."


# -- PDF ---------------------------------------------------------------------------------------


def test_pdf_text_layer_is_read_and_wrapped_lines_rejoined() -> None:
    report = read_report(make_pdf(WRAPPED_PDF_LINES, title="Urgent action"), "brief.pdf")
    assert report.format == "pdf"
    assert report.title == "Urgent action"
    assert "detained on October 14 in Almaty and held near the border." in report.text
    assert "applied for asylum in Kazakhstan" in report.text  # hyphenation repaired
    assert report.language == "en"


def test_pdf_is_recognised_by_content_whatever_its_name() -> None:
    assert read_report(make_pdf(["A report about the hearing in Zaysan."]), "x").format == "pdf"


def test_pdf_without_text_layer_is_a_scan() -> None:
    with pytest.raises(ReportError, match="has no text layer; it is probably a scan: run OCR"):
        read_report(make_pdf([]), "scan.pdf")


def test_encrypted_pdf_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Secret text here."]))))
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ReportError, match="encrypted"):
        read_report(buffer.getvalue(), "locked.pdf")


# -- refusals ----------------------------------------------------------------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "text")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.txt", "The file is empty."),
        (_zip(), "report.txt", "zip archive"),
        (gzip.compress(b"hello"), "report.txt", "gzip archive"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "scan.pdf", "PNG image"),
        (b"Plain words, not a PDF.", "report.pdf", "is not a PDF (it does not start with %PDF)"),
        (b"%PDF-1.4\n1 0 obj garbage", "broken.pdf", "PDF"),
        (bytes(range(256)) * 20, "data.txt", "binary data"),
        (b"\x00\x01\x02\x03" * 500, "data.html", "binary data"),
        (b"Some text", "report.docx", "Files of type .docx are not supported"),
        (b"   \n\t\n", "blank.txt", "no text"),
    ],
)
def test_bad_input_gives_one_clear_sentence(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(ReportError) as caught:
        read_report(data, filename)
    text = str(caught.value)
    assert message in text
    assert text.endswith(".")
    assert text.count(". ") == 0  # one sentence


def test_huge_input_is_refused_before_parsing_and_quickly() -> None:
    data = b"%PDF-1.4\n" + b"0" * (100 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(ReportError, match="at most 20 MB"):
        read_report(data, "huge.pdf")
    assert time.perf_counter() - started < 0.5


def test_a_file_of_exactly_the_limit_is_read_not_refused_for_its_size() -> None:
    with pytest.raises(ReportError) as caught:
        read_report(bytes(MAX_REPORT_BYTES), "zeros.txt")
    assert "binary data" in str(caught.value)
    with pytest.raises(ReportError, match="at most 20 MB"):
        read_report(bytes(MAX_REPORT_BYTES + 1), "zeros.txt")
