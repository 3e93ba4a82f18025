"""The admin page that imports "vigil/1" JSON and CSV files, the same as `import_data`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.access import AuthenticatedRequest
from core.interchange import reading
from core.interchange.errors import ImportDataError, Issue
from core.interchange.imports import import_bytes
from core.interchange.reading import MAX_FILE_BYTES, read_upload
from core.interchange.report import LoadReport
from core.uploads import DATA_KINDS, HEAD_BYTES, UploadRefused, check_upload


class SizeLimitHandler(FileUploadHandler):
    """First of the upload handlers: a file that grows past the limit is skipped while it
    arrives (neither kept in memory nor written to disk) and named in `refused`."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.refused: dict[str, int] = {}

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > reading.MAX_FILE_BYTES:
            self.refused[str(self.file_name)] = self.received
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".json,.csv"}))
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ImportForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        help_text=_(
            "JSON in the vigil/1 format, or CSV of persons, organizations or sources "
            "(named persons….csv and so on). At most %(mb)s MB each."
        )
        % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: show what would change, write nothing"), required=False
    )


@dataclass
class FileResult:
    name: str
    report: LoadReport | None = None
    issues: list[Issue] = field(default_factory=list)


@csrf_exempt  # the CSRF check runs in _import_page, once the upload handlers are in place
def import_data(request: AuthenticatedRequest) -> HttpResponse:
    """Admins only (403 otherwise, before the body is read); files over the size limit are
    refused as they arrive, before they are read into memory or onto disk."""
    if not request.user.is_vigil_admin:
        raise PermissionDenied
    limit = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limit)
    return _import_page(request, limit)


@csrf_protect
def _import_page(request: AuthenticatedRequest, limit: SizeLimitHandler) -> TemplateResponse:
    results: list[FileResult] = []
    dry_run = False
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        mb = reading.MAX_FILE_BYTES // (1024 * 1024)
        for name in limit.refused:
            expected = f"a file of at most {mb} MB; this one is larger and was not read"
            results.append(FileResult(name, issues=[Issue(name, "", "", "", expected)]))
        if form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            for upload in request.FILES.getlist("files"):
                name = upload.name or "upload"
                result = FileResult(name)
                try:
                    check_upload(
                        name, upload.read(HEAD_BYTES), upload.size or 0, allowed=DATA_KINDS
                    )
                    upload.seek(0)
                    data = read_upload(name, upload.size or 0, upload)
                    result.report = import_bytes(name, data, dry_run=dry_run)
                except UploadRefused as error:
                    result.issues = [Issue(name, "", "", "", error.reason)]
                except ImportDataError as error:
                    result.issues = error.issues
                results.append(result)
    else:
        form = ImportForm()
    return TemplateResponse(
        request,
        "core/import_data.html",
        {"form": form, "results": results, "dry_run": dry_run},
    )
