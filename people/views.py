from __future__ import annotations

from datetime import date

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from core.access import AuthenticatedRequest, get_person_for_user
from deadlines.collect import deadlines_for_person
from deadlines.timeline import deadline_entries
from people.models import Person
from people.timeline_filters import LATEST_ENTRIES, TimelinePage, timeline_page


class HtmxRequest(AuthenticatedRequest):
    htmx: HtmxDetails


def person_detail(request: HtmxRequest, pk: int) -> TemplateResponse:
    """The person's page; a filter change made through htmx gets only the timeline back."""
    person = get_person_for_user(request.user, pk)
    # `?all=1` (the "earlier entries" link) lists every entry the filters keep.
    latest = None if request.GET.get("all") == "1" else LATEST_ENTRIES
    timeline = _timeline(person, request, timezone.localdate(), latest=latest)
    template = "people/person_detail.html"
    if request.htmx:
        template += "#timeline-results"
    response = TemplateResponse(request, template, {"person": person, "timeline": timeline})
    patch_vary_headers(response, ["HX-Request"])
    return response


def person_timeline_print(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    """The timeline, filtered as on the person's page, laid out for paper."""
    person = get_person_for_user(request.user, pk)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "people/person_timeline_print.html",
        {"person": person, "timeline": _timeline(person, request, today), "today": today},
    )


def _timeline(
    person: Person, request: AuthenticatedRequest, today: date, latest: int | None = None
) -> TimelinePage:
    """The person's records with their deadlines, computed now from those same records."""
    report = deadlines_for_person(person, today=today)
    return timeline_page(
        person, request.GET, today, extra=deadline_entries(report, today), latest=latest
    )
