"""Uploads: extension and content must agree, archives are refused, hostile names are only
ever shown (cleaned), originals are kept under server-chosen names in a private folder and
come back only to admins, as attachments browsers will not render."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from core.uploads import (
    DATA_KINDS,
    HEAD_BYTES,
    MAX_UPLOAD_BYTES,
    REPORT_KINDS,
    UploadRefused,
    check_upload,
    download_original,
    shown_name,
    store_original,
    stored_path,
)
from people.models import Person

ALL_KINDS = DATA_KINDS | REPORT_KINDS
JSON_DATA = b'{"format": "vigil/1", "persons": []}'
PDF_DATA = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
HTML_DATA = b"<!DOCTYPE html><html><head><title>Report</title></head><body>Text</body></html>"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("persons.csv", "id,display_name\nperson:a,A\n")
    return buffer.getvalue()


def tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("persons.csv")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"a,b"))
    return buffer.getvalue()


ARCHIVES = {
    "zip": zip_bytes(),
    "gzip": gzip.compress(JSON_DATA),
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(40),
    "rar": b"Rar!\x1a\x07\x01\x00" + bytes(40),
    "tar": tar_bytes(),
}


def check(name: str, data: bytes, allowed=ALL_KINDS) -> str:
    return check_upload(name, data[:HEAD_BYTES], len(data), allowed=allowed)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("persons.json", JSON_DATA, "json"),
        ("Persons.JSON", b"\xef\xbb\xbf  [1, 2]", "json"),
        ("persons-2020.csv", "id,display_name\nperson:a,Айдос\n".encode(), "csv"),
        ("report.txt", "Суд отложил заседание.".encode(), "txt"),
        ("report.html", HTML_DATA, "html"),
        ("report.htm", b"\n  <html lang='ru'>", "html"),
        ("report.pdf", PDF_DATA, "pdf"),
    ],
)
def test_each_kind_is_accepted_when_name_and_content_agree(name, data, kind):
    assert check(name, data) == kind


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("persons.json", HTML_DATA, "not JSON"),
        ("persons.json", PDF_DATA, "PDF"),
        ("persons.csv", HTML_DATA, "HTML page"),
        ("persons.csv", JSON_DATA, "is JSON"),
        ("persons.csv", b"\x89PNG\r\n\x1a\n" + bytes(20), "PNG"),
        ("report.pdf", HTML_DATA, "not a PDF"),
        ("report.html", b"just text, no markup", "not an HTML page"),
        ("report.txt", b"text\x00with a NUL", "binary data"),
        ("report.txt", b"<script>alert(1)</script>", "HTML page"),
        ("report.txt", b"MZ\x90\x00\x03", "Windows program"),
    ],
)
def test_content_that_disagrees_with_the_extension_is_refused(name, data, reason):
    with pytest.raises(UploadRefused, match=reason):
        check(name, data)


@pytest.mark.parametrize("archive", sorted(ARCHIVES))
@pytest.mark.parametrize("name", ["persons.csv", "report.pdf", "data.zip", "report.txt"])
def test_archives_are_refused_whatever_they_are_called(archive, name):
    with pytest.raises(UploadRefused, match="archives are not accepted"):
        check(name, ARCHIVES[archive])


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("report.pdf", DATA_KINDS),
        ("persons.json", REPORT_KINDS),
        ("persons.json.exe", ALL_KINDS),
        ("persons", ALL_KINDS),
        ("persons.jsonx", ALL_KINDS),
        ("report.pdf ", ALL_KINDS),
        ("report.рdf", ALL_KINDS),  # a Cyrillic р
        ("report.ｐｄｆ", ALL_KINDS),  # fullwidth letters
        ("report.svg", ALL_KINDS),
    ],
)
def test_only_the_kinds_a_page_allows_are_accepted(name, allowed):
    with pytest.raises(UploadRefused, match="files are accepted here"):
        check(name, PDF_DATA if "pdf" in name else JSON_DATA, allowed)


def test_the_size_is_checked_before_anything_is_looked_at():
    with pytest.raises(UploadRefused, match="at most 50 MB"):
        check_upload("persons.json", b"", MAX_UPLOAD_BYTES + 1, allowed=DATA_KINDS)
    with pytest.raises(UploadRefused, match="empty"):
        check_upload("persons.json", b"", 0, allowed=DATA_KINDS)


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.json", "dir/persons.json", "persons\x00.json", "evil\u202enosj.json"],
)
def test_names_with_paths_or_control_characters_are_refused(name):
    with pytest.raises(UploadRefused, match="control characters or a path"):
        check(name, JSON_DATA)


def test_a_shown_name_is_cleaned_and_short():
    assert shown_name("C:\\Users\\me\\persons.json") == "persons.json"
    assert shown_name("../../etc/passwd") == "passwd"
    assert shown_name("a\x00b\u202ec\nd") == "abcd"
    assert shown_name("") == "upload"
    assert len(shown_name("x" * 10_000)) == 80


HOSTILE_NAMES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=5000),
    st.builds(
        lambda stem, ext: stem + ext,
        st.sampled_from(["../", "..\\", "/etc/", "C:\\", "\x00", "\u202e", "%2e%2e/", ""]).flatmap(
            lambda prefix: st.text(max_size=40).map(lambda rest: prefix + rest)
        ),
        st.sampled_from(
            [".json", ".csv", ".txt", ".html", ".pdf", ".JSON", ".рdf", ".ｊｓｏｎ", ".zip", ""]
        ),
    ),
    st.just("x" * 100_000 + ".json"),
    st.sampled_from(
        [
            "'; DROP TABLE people_person; --.csv",
            '<script>alert("x")</script>.html',
            "persons.json\r\nContent-Type: text/html",
        ]
    ),
)
HEADS = st.one_of(
    st.binary(max_size=HEAD_BYTES),
    st.sampled_from([JSON_DATA, PDF_DATA, HTML_DATA, *ARCHIVES.values()]),
    st.builds(lambda a, b: a + b, st.sampled_from([JSON_DATA, PDF_DATA]), st.binary()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=HOSTILE_NAMES,
    head=HEADS,
    size=st.integers(min_value=-10, max_value=2 * MAX_UPLOAD_BYTES),
    allowed=st.sampled_from([DATA_KINDS, REPORT_KINDS, ALL_KINDS, frozenset()]),
)
def test_any_name_head_and_size_is_accepted_as_an_allowed_kind_or_refused_cleanly(
    name, head, size, allowed
):
    try:
        kind = check_upload(name, head, size, allowed=allowed)
    except UploadRefused as refusal:
        refused: UploadRefused | None = refusal
    else:
        refused = None
    if refused is not None:
        assert len(str(refused)) < 300
        assert not re.search(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]", str(refused))
        assert "/" not in refused.name
        assert "\\" not in refused.name
        return
    assert kind in allowed
    assert 0 < size <= MAX_UPLOAD_BYTES
    assert os.path.splitext(name)[1].lower().lstrip(".") in (kind, "htm")
    assert not head.startswith((b"PK", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!"))


# -- the private store ---------------------------------------------------------------------


@pytest.fixture
def private_root(settings, tmp_path: Path) -> Path:
    settings.PRIVATE_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.PRIVATE_UPLOAD_ROOT


def test_originals_are_kept_under_new_names_readable_only_by_the_server(private_root):
    first = store_original(PDF_DATA, "pdf")
    second = store_original(SimpleUploadedFile("../../x.pdf", PDF_DATA), "pdf")

    assert first != second
    for name in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name)
        path = private_root / name
        assert path.read_bytes() == PDF_DATA
        assert path.stat().st_mode & 0o077 == 0
    assert private_root.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in private_root.iterdir()) == sorted([first, second])


def test_the_private_folder_is_never_inside_the_static_root(settings, tmp_path: Path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PRIVATE_UPLOAD_ROOT = tmp_path / "static" / "uploads"
    with pytest.raises(RuntimeError, match="STATIC_ROOT"):
        store_original(PDF_DATA, "pdf")


def test_the_private_folder_is_outside_everything_served_as_static(settings):
    from core.uploads import private_root as root

    folder = root().resolve()
    if not hasattr(settings, "PRIVATE_UPLOAD_ROOT"):
        assert folder == (Path(settings.BASE_DIR) / "var" / "uploads").resolve()
    served = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    assert not any(folder.is_relative_to(Path(path).resolve()) for path in served)
    assert not any(Path(path).resolve().is_relative_to(folder) for path in served)


@pytest.mark.parametrize(
    "name",
    ["../../config/settings.py", "0" * 32 + ".py", "0" * 32 + ".pdf/..", "x.pdf", "", "%2e%2e"],
)
def test_only_names_the_store_made_can_be_fetched(private_root, name):
    with pytest.raises(Http404):
        stored_path(name)


def test_admins_get_an_original_back_as_an_attachment_never_rendered(private_root, admin_user):
    name = store_original(HTML_DATA, "html")
    request = RequestFactory().get("/")
    request.user = admin_user

    response = download_original(request, name)  # type: ignore[arg-type]

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue() == HTML_DATA


@pytest.mark.parametrize("who", ["lawyer_on_case", "ngo_staff", "outsider"])
def test_no_one_else_gets_an_original(private_root, request, who):
    name = store_original(PDF_DATA, "pdf")
    fake = RequestFactory().get("/")
    fake.user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        download_original(fake, name)  # type: ignore[arg-type]


# -- the import page -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("persons.json", ARCHIVES["zip"], "archives are not accepted"),
        ("persons.json", ARCHIVES["gzip"], "archives are not accepted"),
        ("persons.txt", JSON_DATA, "only .csv or .json files"),
        ("persons.json", HTML_DATA, "not JSON"),
    ],
)
def test_the_import_page_refuses_what_check_upload_refuses_and_writes_nothing(
    client: Client, admin_user: User, name, data, reason
):
    client.force_login(admin_user)
    upload = SimpleUploadedFile(name, data)

    page = client.post(reverse("import_data"), {"files": [upload]}).content.decode()

    assert reason in page
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_the_import_page_still_imports_a_good_file(client: Client, admin_user: User):
    client.force_login(admin_user)
    data = {
        "format": "vigil/1",
        "persons": [{"id": "person:upload-test", "display_name": "Upload Test"}],
    }
    upload = SimpleUploadedFile("persons.json", json.dumps(data).encode())

    client.post(reverse("import_data"), {"files": [upload]})

    assert Person.objects.filter(external_id="person:upload-test").exists()
