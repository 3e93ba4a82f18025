"""The person list and its CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cases.filters import asylum_claims, today
from cases.models import AsylumStatus, Case, CaseParticipant
from cases.views import CSV_CHUNK, bad_cursor, stream_csv
from core.access import AuthenticatedRequest
from core.keyset import InvalidCursor, paginate_request
from people.filters import DEFAULT_PERSON_SORT, PERSON_SORTS, PersonFilter, held_now_flag
from people.models import Person


def _filtered_people(request: AuthenticatedRequest) -> PersonFilter:
    return PersonFilter(
        request.GET,
        queryset=Person.objects.visible_to(request.user),
        request=request,
        user=request.user,
        today=today(),
    )


def _with_columns(queryset: QuerySet[Person], request: AuthenticatedRequest) -> QuerySet[Person]:
    """Annotated, so a page costs one query: held now, how many visible cases, and the status
    of the latest visible asylum claim."""
    user = request.user
    visible_cases = Case.objects.visible_to(user)
    case_count = Subquery(
        CaseParticipant.objects.filter(person=OuterRef("pk"), case__in=visible_cases)
        .order_by()
        .values("person")
        .annotate(n=Count("case", distinct=True))
        .values("n")
    )
    claim = Subquery(
        asylum_claims(user, today=today())
        .filter(person=OuterRef("pk"))
        .order_by("-filed", "-pk")
        .values("status")[:1]
    )
    return queryset.annotate(held=held_now_flag(user), case_count=case_count, asylum=claim)


def person_list(request: AuthenticatedRequest) -> HttpResponse:
    """The persons the user may see, filtered by the address, a page at a time."""
    filterset = _filtered_people(request)
    sort = PERSON_SORTS.get(request.GET.get("sort", ""), PERSON_SORTS[DEFAULT_PERSON_SORT])
    try:
        page = paginate_request(
            request, _with_columns(filterset.qs, request), scope="people", sort=sort
        )
    except InvalidCursor:
        return bad_cursor(request, "people/person_list.html")
    row: Any
    for row in page.rows:
        row.asylum_label = AsylumStatus(row.asylum).label if row.asylum else ""
    context = {"filter": filterset, "page": page, "sort": sort.name}
    return TemplateResponse(request, "people/person_list.html", context)


def person_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The filtered person list as CSV: every visible row, streamed in chunks."""
    filterset = _filtered_people(request)
    sort = PERSON_SORTS.get(request.GET.get("sort", ""), PERSON_SORTS[DEFAULT_PERSON_SORT])
    queryset = sort.apply(_with_columns(filterset.qs, request))
    header = [
        _("id"),
        _("name"),
        _("citizenships"),
        _("ethnicity"),
        _("held now"),
        _("cases"),
        _("asylum claim"),
        _("address"),
    ]

    def rows() -> Iterator[list[object]]:
        person: Any
        for person in queryset.iterator(chunk_size=CSV_CHUNK):
            yield [
                person.pk,
                person.display_name,
                " ".join(str(code) for code in person.citizenships),
                person.ethnicity,
                _("yes") if person.held else _("no"),
                person.case_count or 0,
                AsylumStatus(person.asylum).label if person.asylum else "",
                request.build_absolute_uri(person.get_absolute_url()),
            ]

    return stream_csv("people.csv", header, rows())
