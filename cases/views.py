from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cases.filters import (
    DEFAULT_CASE_SORT,
    CaseFilter,
    at_risk_names,
    case_sorts,
    next_hearing_subquery,
    queryset_without,
    today,
)
from cases.models import Case, CaseKind, CaseStatus
from core.access import AuthenticatedRequest, get_case_for_user
from core.keyset import InvalidCursor, paginate_request

CSV_CHUNK = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def case_detail(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    case = get_case_for_user(request.user, pk)
    return TemplateResponse(request, "cases/case_detail.html", {"case": case})


# -- shared by the case and person lists -------------------------------------------------------


def safe_cell(value: object) -> str:
    """A spreadsheet cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow([safe_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def bad_cursor(request: AuthenticatedRequest, template: str) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {"cursor_error": _("This page address is not valid: it was changed or is out of date.")},
        status=400,
    )


# -- the case list -----------------------------------------------------------------------------


def facet_counts(
    queryset: QuerySet[Case], active_status: str, active_kind: str
) -> tuple[Counter[str], Counter[str]]:
    """The counts beside each status and each kind, from one query grouped by both: a status
    counts the cases of the chosen kind (any kind when none is chosen), and the other way
    round, as if each filter were counted with the other one applied."""
    rows = queryset.order_by().values("status", "kind").annotate(n=Count("pk"))
    by_status: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for row in rows.values_list("status", "kind", "n"):
        status, kind, n = str(row[0]), str(row[1]), int(row[2])
        if not active_kind or kind == active_kind:
            by_status[status] += n
        if not active_status or status == active_status:
            by_kind[kind] += n
    return by_status, by_kind


def _filtered_cases(request: AuthenticatedRequest, day: date) -> CaseFilter:
    return CaseFilter(
        request.GET,
        queryset=Case.objects.visible_to(request.user),
        request=request,
        user=request.user,
        today=day,
    )


def _with_columns(queryset: QuerySet[Case], day: date) -> QuerySet[Case]:
    return (
        queryset.select_related("court")
        .annotate(next_hearing=next_hearing_subquery(day, lower=False))
        .annotate(at_risk=at_risk_names())
    )


def case_list(request: AuthenticatedRequest) -> HttpResponse:
    """The cases the user may see, filtered by the address, a page at a time."""
    day = today()
    filterset = _filtered_cases(request, day)
    sorts = case_sorts(day)
    sort = sorts.get(request.GET.get("sort", ""), sorts[DEFAULT_CASE_SORT])
    try:
        page = paginate_request(request, _with_columns(filterset.qs, day), scope="cases", sort=sort)
    except InvalidCursor:
        return bad_cursor(request, "cases/case_list.html")
    active_status = filterset.form.cleaned_data.get("status") or ""
    active_kind = filterset.form.cleaned_data.get("kind") or ""
    status_counts, kind_counts = facet_counts(
        queryset_without(filterset, "status", "kind"), active_status, active_kind
    )
    context = {
        "filter": filterset,
        "page": page,
        "sort": sort.name,
        "status_facets": [(v, label, status_counts.get(v, 0)) for v, label in CaseStatus.choices],
        "kind_facets": [(v, label, kind_counts.get(v, 0)) for v, label in CaseKind.choices],
        "active_status": active_status,
        "active_kind": active_kind,
    }
    return TemplateResponse(request, "cases/case_list.html", context)


def case_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered case list as CSV, every visible row, streamed in chunks."""
    day = today()
    filterset = _filtered_cases(request, day)
    sorts = case_sorts(day)
    sort = sorts.get(request.GET.get("sort", ""), sorts[DEFAULT_CASE_SORT])
    queryset = sort.apply(_with_columns(filterset.qs, day))
    header = [
        _("id"),
        _("title"),
        _("kind"),
        _("status"),
        _("jurisdiction"),
        _("court"),
        _("reference"),
        _("opened"),
        _("closed"),
        _("next hearing"),
        _("defendants and applicants"),
        _("address"),
    ]

    def rows() -> Iterator[list[object]]:
        case: Any
        for case in queryset.iterator(chunk_size=CSV_CHUNK):
            yield [
                case.pk,
                case.title,
                case.get_kind_display(),
                case.get_status_display(),
                str(case.jurisdiction),
                case.court.name if case.court else "",
                case.reference,
                case.opened.iso() if case.opened else "",
                case.closed.iso() if case.closed else "",
                case.next_hearing.iso() if case.next_hearing else "",
                case.at_risk or "",
                request.build_absolute_uri(case.get_absolute_url()),
            ]

    return stream_csv("cases.csv", header, rows())
