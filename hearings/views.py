"""Hearing pages for the people who record them: log what happened at a hearing, schedule one
announced for later, and see the deadlines that follow from it.

Only an admin or a lawyer assigned to the case may open these pages: anyone else who may read
the case gets 403 (a forged POST included), anyone who may not read it 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.middleware import HtmxDetails

from accounts.middleware import restored_post
from cases.models import Case
from core.access import AuthenticatedRequest
from deadlines.collect import report_for_user
from deadlines.engine.results import Status
from deadlines.pages import DeadlineRow, kind_label, row_for
from hearings.forms import DefendantRow, ScheduleForm
from hearings.models import Hearing, Sentence
from hearings.outcome_page import OutcomeEntry, StaleNotice, stale_notice
from hearings.outcomes import StaleHearing, record_hearing_outcome, schedule_hearing
from people.models import Person

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from accounts.models import User

# Shown when a form posted after the session ended comes back after signing in again.
RESTORED_MESSAGE = _(
    "Your session ended before this was saved. What you entered is back below: check it and "
    "save again."
)


class HtmxRequest(AuthenticatedRequest):
    htmx: HtmxDetails


class CanRecord(TypedDict):
    user_can_record: bool


def _can_record(user: User, case_field: str) -> Exists:
    return Exists(Case.objects.writable_by(user).filter(pk=OuterRef(case_field)))


def get_hearing_to_record(user: User, pk: int) -> Hearing:
    """A hearing the user may record, with what its form shows: 404 when its case is not
    visible to the user, 403 when the user may read but not record it."""
    queryset = (
        Hearing.objects.filter(case__in=Case.objects.visible_to(user))
        .select_related("case__court", "court", "adjourned_to", "judge", "prosecutor")
        .prefetch_related(Prefetch("sentences", queryset=Sentence.objects.order_by("pk")))
        .annotate(user_can_record=_can_record(user, "case_id"))
    )
    hearing: WithAnnotations[Hearing, CanRecord] | None = queryset.filter(pk=pk).first()
    if hearing is None:
        raise Http404
    if not hearing.user_can_record:
        raise PermissionDenied
    return hearing


def get_case_to_record(user: User, pk: int) -> Case:
    """A case whose hearings the user may record; 404 or 403 as for a hearing."""
    queryset = (
        Case.objects.visible_to(user)
        .select_related("court")
        .annotate(user_can_record=_can_record(user, "pk"))
    )
    case: WithAnnotations[Case, CanRecord] | None = queryset.filter(pk=pk).first()
    if case is None:
        raise Http404
    if not case.user_can_record:
        raise PermissionDenied
    return case


# -- log an outcome ----------------------------------------------------------------------------


def hearing_outcome(request: HtmxRequest, pk: int) -> HttpResponse:
    """The outcome form. A POST with `add_line` only adds a sentence line (htmx gets that
    defendant's row back); any other POST saves, refused with 409 when a colleague saved the
    hearing since the form was opened."""
    user = request.user
    hearing = get_hearing_to_record(user, pk)
    posted = request.method == "POST"
    restored = None if posted else restored_post(request)
    if restored is not None:
        messages.warning(request, RESTORED_MESSAGE)
    entry = OutcomeEntry(hearing, user, request.POST if posted else restored)
    stale: StaleNotice | None = None
    if posted and entry.adding_line is not None:
        row = entry.row(entry.adding_line)
        if request.htmx and row is not None:
            return _outcome_page(request, hearing, entry, row=row)
    elif posted and entry.is_valid():
        try:
            record_hearing_outcome(
                hearing,
                user=user,
                outcome=entry.outcome(),
                expected_version=entry.form.cleaned_data["version"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            entry.add_errors(error)
        except StaleHearing as error:
            entry.with_version(error.current.version)
            stale = stale_notice(error)
        else:
            return redirect("hearing_saved", hearing.pk)
    return _outcome_page(request, hearing, entry, stale=stale)


def _outcome_page(
    request: HtmxRequest,
    hearing: Hearing,
    entry: OutcomeEntry,
    *,
    stale: StaleNotice | None = None,
    row: DefendantRow | None = None,
) -> TemplateResponse:
    template = "hearings/hearing_outcome.html"
    if row is not None:
        template += "#defendant-row"
    response = TemplateResponse(
        request,
        template,
        {"hearing": hearing, "case": hearing.case, "entry": entry, "stale": stale, "row": row},
        status=409 if stale is not None else 200,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- after a save: the hearing and the deadlines that follow -------------------------------------


@dataclass(frozen=True)
class DeadlineGroup:
    person: Person | None
    rows: list[DeadlineRow]
    gaps: list[tuple[str, str]]  # (what cannot be computed, what it waits for)

    @property
    def current(self) -> list[DeadlineRow]:
        return [row for row in self.rows if row.status != Status.PASSED]

    @property
    def passed(self) -> list[DeadlineRow]:
        return [row for row in self.rows if row.status == Status.PASSED]


def hearing_saved(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    """What was saved, and the case's deadlines recomputed from the records as they are now."""
    user = request.user
    hearing = get_hearing_to_record(user, pk)
    today = timezone.localdate()
    report = report_for_user(user, today=today, case_id=hearing.case_id)
    groups: dict[int | None, DeadlineGroup] = {}

    def group(person_id: int | None) -> DeadlineGroup:
        if person_id not in groups:
            person = report.persons.get(person_id) if person_id is not None else None
            groups[person_id] = DeadlineGroup(person, [], [])
        return groups[person_id]

    for deadline in sorted(report.deadlines, key=lambda d: (d.earliest, d.latest, d.key)):
        if not deadline.suppressed_because:
            group(deadline.person_id).rows.append(row_for(deadline, report, today))
    for gap in report.gaps:
        group(gap.person_id).gaps.append((kind_label(gap.kind), gap.missing))
    ordered = sorted(
        groups.values(),
        key=lambda g: (g.person is None, g.person.display_name if g.person else ""),
    )
    return TemplateResponse(
        request,
        "hearings/hearing_saved.html",
        {"hearing": hearing, "case": hearing.case, "groups": ordered, "today": today},
    )


# -- schedule a hearing ------------------------------------------------------------------------


def hearing_schedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A hearing the court announced for later."""
    user = request.user
    case = get_case_to_record(user, pk)
    posted = request.method == "POST"
    restored = None if posted else restored_post(request)
    if restored is not None:
        messages.warning(request, RESTORED_MESSAGE)
    form = ScheduleForm(request.POST if posted else restored, case=case, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hearing = schedule_hearing(
                case,
                user=user,
                when=data["when"],
                at=data.get("at"),
                kind=data["kind"],
                court=data.get("court"),
                notes=data.get("notes", "").strip(),
                source=form.source_choice(),
            )
        except ValidationError as error:
            form.add_errors(error)
        else:
            return redirect("hearing_saved", hearing.pk)
    return TemplateResponse(request, "hearings/hearing_schedule.html", {"case": case, "form": form})
