"""An uploaded report keeps its file as received, under a name the server chose, outside the
static files; admins get it back only as a download. Archives and mismatched files are refused
before anything is read or written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from sources.models import Source
from sources.reports import ingest

TEXT = "On 14 October 2019 two men were detained in Almaty, their lawyer said."


def upload(client: Client, *files: SimpleUploadedFile) -> str:
    response = client.post(reverse("report_import"), {"files": list(files), "kind": "other"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_original_is_kept_under_a_server_chosen_name(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    upload(client, SimpleUploadedFile("../../etc/passwd.txt", TEXT.encode()))

    source = Source.objects.get()
    stored = Path(settings.PRIVATE_UPLOAD_ROOT) / source.original_file
    assert stored.read_bytes() == TEXT.encode()
    assert "passwd" not in source.original_file
    assert not stored.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())

    response = client.get(reverse("upload_original", args=[source.original_file]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == TEXT.encode()  # type: ignore[attr-defined]

    page = client.get(source.get_absolute_url()).content.decode()
    assert reverse("upload_original", args=[source.original_file]) in page


def test_the_same_report_again_keeps_one_original(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    upload(client, SimpleUploadedFile("a.txt", TEXT.encode()))
    upload(client, SimpleUploadedFile("b.txt", TEXT.encode()))
    assert Source.objects.count() == 1
    assert len(list(Path(settings.PRIVATE_UPLOAD_ROOT).iterdir())) == 1


def test_an_archive_is_refused_whatever_its_name(client: Client, admin_user: User) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("report.txt", TEXT)
    client.force_login(admin_user)
    page = upload(client, SimpleUploadedFile("report.txt", archive.getvalue()))
    assert "archive" in page.lower()
    assert not Source.objects.exists()
    assert not any(Path(settings.PRIVATE_UPLOAD_ROOT).iterdir())


def test_a_failed_import_leaves_no_stored_file(
    monkeypatch: pytest.MonkeyPatch, admin_user: User
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("extraction failed")

    monkeypatch.setattr(ingest, "extract_facts", broken)
    with pytest.raises(RuntimeError):
        ingest.import_report(TEXT.encode(), "a.txt", user=admin_user)
    assert not Source.objects.exists()
    assert not any(Path(settings.PRIVATE_UPLOAD_ROOT).iterdir())
