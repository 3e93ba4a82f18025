"""iCalendar feeds of hearings and deadlines, for calendar apps.

Two addresses serve the same kind of calendar: a user's secret address (`/calendar/<token>.ics`,
read without a session because calendar apps have none) with everything that user may see now,
and one case's calendar (`/cases/<pk>/calendar.ics`) for a signed-in user who may see the case.

A user's feed covers the past twelve months and everything ahead (`FEED_PAST`): hearings from
then on, and the deadlines of the cases still live in that window (a hearing in it, or, not
closed, someone still held), as most calendar feeds do; the whole history stays on the case
pages. Without the window every reading computed and sent the
deadlines and hearings of the user's whole caseload, years of them (45 s for 5,000 cases). A
case's own calendar (`/cases/<pk>/calendar.ics`) keeps all of that case's events.

Every event keeps its UID from one reading to the next (`<deadline key>@vigil`,
`hearing-<pk>@vigil`), so calendar apps update events instead of adding copies. Deadlines are
all-day events; a window of days is one event spanning them (DTEND is the day after, as
iCalendar wants). Hearings carry their time when it is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.middleware import act_as
from cases.models import Case
from core.access import AuthenticatedRequest, get_case_for_user
from core.display import date_label
from deadlines import collect
from deadlines.engine.results import DeadlineKind
from deadlines.models import CalendarFeed
from deadlines.pages import DeadlineRow, day_label, row_for, rule_info
from hearings.models import Hearing, HearingStatus

if TYPE_CHECKING:
    from deadlines.collect import DeadlineReport

PRODID = "-//Vigil//Hearings and deadlines//EN"
UID_DOMAIN = "vigil"
ONE_DAY = timedelta(days=1)
# How far back a user's feed reaches; everything ahead is in it.
FEED_PAST = timedelta(days=365)
# Hearings are events of their own (with their time); the engine's "next hearing" deadlines
# would repeat them.
KINDS_LEFT_TO_HEARINGS = frozenset({DeadlineKind.NEXT_HEARING})


def deadline_uid(key: str) -> str:
    return f"{key}@{UID_DOMAIN}"


def hearing_uid(hearing: Hearing) -> str:
    return f"hearing-{hearing.pk}@{UID_DOMAIN}"


def build_calendar(
    *,
    name: str,
    hearings: Iterable[Hearing],
    report: DeadlineReport,
    today: date,
    now: datetime,
    absolute_url: Callable[[str], str],
) -> icalendar.Calendar:
    """A calendar of the given hearings and of the report's deadlines (all but those set aside
    and those that repeat a hearing)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    # Ask calendar apps to read the feed again within hours, not days: deadlines move.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", timedelta(hours=1))
    for hearing in hearings:
        calendar.add_component(hearing_event(hearing, absolute_url))
    for deadline in report.deadlines:
        if deadline.suppressed_because or deadline.kind in KINDS_LEFT_TO_HEARINGS:
            continue
        row = row_for(deadline, report, today)
        calendar.add_component(deadline_event(row, now, absolute_url))
    return calendar


def deadline_event(
    row: DeadlineRow, now: datetime, absolute_url: Callable[[str], str]
) -> icalendar.Event:
    deadline = row.deadline
    url = absolute_url(reverse("deadline_detail", args=[deadline.key]))
    event = icalendar.Event()
    event.add("uid", deadline_uid(deadline.key))
    event.add("dtstamp", now)
    event.add("dtstart", deadline.earliest)
    event.add("dtend", deadline.latest + ONE_DAY)  # exclusive: the day after the last
    summary = f"{row.kind_label}: {row.subject}" if row.subject else row.kind_label
    event.add("summary", summary)
    event.add("description", deadline_description(row, url))
    event.add("url", url)
    event.add("categories", [_("Deadline"), row.kind_label])
    event.add("transp", "TRANSPARENT")  # a date to keep in mind, not time taken
    event.add("class", "CONFIDENTIAL")
    return event


def deadline_description(row: DeadlineRow, url: str) -> str:
    """The derivation in short, as plain text: status, window, readings and their steps."""
    deadline = row.deadline
    lines = [deadline.title]
    lines.append(_("Status: %(status)s") % {"status": row.status_label})
    if row.case is not None:
        lines.append(_("Case: %(case)s") % {"case": row.case.title})
    if deadline.is_window:
        lines.append(_("Window: %(window)s") % {"window": date_label(deadline.window)})
        for reason in deadline.uncertain_because:
            lines.append(_("Window because: %(reason)s") % {"reason": reason})
    for caveat in deadline.unverified:
        lines.append(_("Unverified rule: %(rule)s") % {"rule": caveat})
    for scenario in deadline.scenarios:
        lines.append("")
        lines.append(f"{scenario.label or _('The computed date')}: {day_label(scenario.date)}")
        for number, step in enumerate(scenario.steps, start=1):
            rule = f" [{_rule_citation(step.rule_id)}]" if step.rule_id else ""
            lines.append(f"{number}. {step.text}{rule}")
    if deadline.actual is not None:
        lines.append("")
        lines.append(_("What happened: %(date)s") % {"date": date_label(deadline.actual)})
    lines.append("")
    lines.append(_("Derivation: %(url)s") % {"url": url})
    return "\n".join(lines)


def _rule_citation(rule_id: str) -> str:
    rule = rule_info(rule_id)
    return f"{rule.article}, {rule_id}" if rule.article else rule_id


def hearing_event(hearing: Hearing, absolute_url: Callable[[str], str]) -> icalendar.Event:
    """A hearing at its time when the day and time are known; otherwise all-day, over every day
    the sources allow ("February 2020" spans the month)."""
    case = hearing.case
    url = absolute_url(f"{case.get_absolute_url()}#hearing-{hearing.pk}")
    event = icalendar.Event()
    event.add("uid", hearing_uid(hearing))
    event.add("dtstamp", hearing.updated_at)
    event.add("created", hearing.created_at)
    event.add("last-modified", hearing.updated_at)
    day = hearing.date
    if day.is_exact and hearing.time is not None:
        local = datetime.combine(day.earliest, hearing.time, tzinfo=ZoneInfo(settings.TIME_ZONE))
        event.add("dtstart", local.astimezone(ZoneInfo("UTC")))
    else:
        event.add("dtstart", day.earliest)
        event.add("dtend", day.latest + ONE_DAY)
    summary = _("%(kind)s: %(case)s") % {"kind": hearing.get_kind_display(), "case": case.title}
    if hearing.status != HearingStatus.SCHEDULED:
        summary += f" ({hearing.get_status_display().lower()})"
    if not day.is_exact:
        summary += " " + _("(day not known: %(date)s)") % {"date": date_label(day)}
    event.add("summary", summary)
    lines = [
        _("Hearing: %(kind)s") % {"kind": hearing.get_kind_display()},
        _("Status: %(status)s") % {"status": hearing.get_status_display()},
    ]
    if hearing.court is not None:
        event.add("location", hearing.court.name)
        lines.append(_("Court: %(court)s") % {"court": hearing.court.name})
    if hearing.outcome:
        lines.append(hearing.outcome)
    if hearing.adjourned_to is not None:
        lines.append(_("Adjourned to %(date)s") % {"date": date_label(hearing.adjourned_to.date)})
    lines += ["", url]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CANCELLED" if hearing.status == HearingStatus.CANCELLED else "CONFIRMED")
    event.add("categories", [_("Hearing")])
    event.add("class", "CONFIDENTIAL")
    return event


def calendar_response(calendar: icalendar.Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The feed holds names of people at risk: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _hearings(cases: QuerySet[Case]) -> QuerySet[Hearing]:
    return (
        Hearing.objects.filter(case__in=cases)
        .select_related("case", "court", "adjourned_to")
        .order_by("date", "time", "pk")
    )


# -- views -------------------------------------------------------------------------------------


@login_not_required
@require_safe
def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's calendar at their secret address: only what that user may see now."""
    feed = CalendarFeed.objects.by_token(token)
    if feed is None:
        raise Http404
    user = feed.user
    act_as(request, user)  # the audit log names the feed's owner
    today = timezone.localdate()
    since = today - FEED_PAST
    report = collect.report_for_feed(user, today=today, since=since)
    hearings = _hearings(Case.objects.visible_to(user)).filter(
        date__overlap=DateRange(since, None, "[)")
    )
    calendar = build_calendar(
        name=_("Vigil: hearings and deadlines"),
        hearings=hearings,
        report=report,
        today=today,
        now=timezone.now(),
        absolute_url=request.build_absolute_uri,
    )
    return calendar_response(calendar, "vigil.ics")


@require_safe
def case_feed(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One case's calendar, for a signed-in user who may see the case."""
    case = get_case_for_user(request.user, pk)
    today = timezone.localdate()
    report = collect.report_for_user(request.user, today=today, case_id=case.pk)
    calendar = build_calendar(
        name=_("Vigil: %(case)s") % {"case": case.title},
        hearings=case.hearings.all(),
        report=report,
        today=today,
        now=timezone.now(),
        absolute_url=request.build_absolute_uri,
    )
    return calendar_response(calendar, f"case-{case.pk}.ics")
