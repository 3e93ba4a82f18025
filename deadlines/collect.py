"""From records to the engine's facts, and back to what pages show.

Deadlines are computed on every read from the records as they are now, so a corrected date
shows at once: there is no stored copy to go stale. Reading costs a fixed number of queries
however many records there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from cases.models import (
    AsylumClaim,
    AsylumClaimStep,
    Case,
    CaseParticipant,
    CaseStatus,
    Charge,
    ChargeStatus,
    CustodyInterval,
)
from core.access import citations_for
from deadlines.engine import compute
from deadlines.engine.counting import Term
from deadlines.engine.facts import (
    CaseFile,
    ClaimFact,
    ClaimStep,
    CrossingFact,
    CustodyFact,
    HearingFact,
    Offence,
    SentenceFact,
)
from deadlines.engine.results import Deadline, Gap, SourceRef
from hearings.models import Hearing, Sentence
from people.models import LifeEvent, LifeEventKind, Person

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class DeadlineReport:
    deadlines: list[Deadline]
    gaps: list[Gap]
    persons: dict[int, Person] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)


# -- records to facts --------------------------------------------------------------------------


def _sources(record: Any) -> dict[str, tuple[SourceRef, ...]]:
    """The record's prefetched citations, by the field they support."""
    by_field: dict[str, list[SourceRef]] = {}
    for citation in record.citations.all():
        ref = SourceRef(
            title=str(citation.source),
            source_id=citation.source_id,
            quote=citation.quote,
            reported=citation.reported_value,
        )
        by_field.setdefault(citation.field, []).append(ref)
    return {name: tuple(refs) for name, refs in by_field.items()}


def custody_fact(interval: CustodyInterval) -> CustodyFact:
    return CustodyFact(
        f"custody-{interval.pk}",
        person_id=interval.person_id,
        case_id=interval.case_id,
        kind=interval.kind,
        start=interval.start,
        end=interval.end,
        end_unknown=interval.end_unknown,
        started_at=interval.started_at,
        sources=_sources(interval),
    )


def sentence_fact(
    sentence: Sentence, hearing_sources: dict[int, dict[str, tuple[SourceRef, ...]]]
) -> SentenceFact:
    sources = _sources(sentence)
    # The day of the verdict is usually cited on the hearing that pronounced it.
    if sentence.hearing_id is not None and "pronounced" not in sources:
        sources["pronounced"] = hearing_sources.get(sentence.hearing_id, {}).get("date", ())
    return SentenceFact(
        f"sentence-{sentence.pk}",
        person_id=sentence.defendant_id,
        case_id=sentence.case_id,
        kind=sentence.kind,
        pronounced=sentence.pronounced,
        term=Term(sentence.term_years, sentence.term_months, sentence.term_days),
        institution=sentence.institution_type,
        credit_stated=sentence.custody_credit,
        probation_months=sentence.probation_months,
        copy_received=sentence.copy_received,
        entered_into_force=sentence.entered_into_force,
        sources=sources,
    )


def hearing_fact(hearing: Hearing) -> HearingFact:
    return HearingFact(
        f"hearing-{hearing.pk}",
        case_id=hearing.case_id,
        date=hearing.date,
        kind=hearing.kind,
        status=hearing.status,
        time=hearing.time,
        adjourned_to=hearing.adjourned_to.date if hearing.adjourned_to else None,
        sources=_sources(hearing),
    )


def claim_fact(claim: AsylumClaim) -> ClaimFact:
    return ClaimFact(
        f"asylum-{claim.pk}",
        person_id=claim.person_id,
        case_id=claim.case_id,
        host_country=str(claim.host_country),
        status=claim.status,
        filed=claim.filed,
        registered=claim.registered,
        decided=claim.decided,
        steps=tuple(ClaimStep(step.status, step.date) for step in claim.steps.all()),
        sources=_sources(claim),
    )


def crossing_fact(event: LifeEvent) -> CrossingFact:
    return CrossingFact(
        f"event-{event.pk}",
        person_id=event.person_id,
        case_id=event.case_id,
        date=event.date,
        to_country=str(event.to_country),
        sources=_sources(event),
    )


def _offences(charges: Iterable[Charge]) -> dict[tuple[int, int], tuple[Offence, ...]]:
    found: dict[tuple[int, int], list[Offence]] = {}
    for charge in charges:
        if charge.status in (ChargeStatus.DROPPED, ChargeStatus.ACQUITTED):
            continue
        provision = charge.provision
        found.setdefault((charge.case_id, charge.defendant_id), []).append(
            Offence(provision.instrument, provision.article, provision.part)
        )
    return {key: tuple(value) for key, value in found.items()}


def _is_crossing(event: LifeEvent) -> bool:
    return event.kind in (LifeEventKind.BORDER_CROSSING, LifeEventKind.ARRIVAL) and bool(
        event.to_country
    )


def case_file_for_person(person: Person) -> tuple[CaseFile, dict[int, Case]]:
    """The facts of a person fetched by `core.access.get_person_for_user`: no queries beyond
    the page's own prefetches."""
    cases = {p.case_id: p.case for p in person.participations.all()}
    hearings = [hearing for case in cases.values() for hearing in case.hearings.all()]
    hearing_sources = {hearing.pk: _sources(hearing) for hearing in hearings}
    case_file = CaseFile(
        custody=tuple(custody_fact(i) for i in person.custody_intervals.all()),
        sentences=tuple(sentence_fact(s, hearing_sources) for s in person.sentences.all()),
        hearings=tuple(hearing_fact(h) for h in hearings),
        claims=tuple(claim_fact(c) for c in person.asylum_claims.all()),
        crossings=tuple(crossing_fact(e) for e in person.life_events.all() if _is_crossing(e)),
        case_jurisdictions={pk: str(case.jurisdiction) for pk, case in cases.items()},
        case_offences=_offences(person.charges.all()),
    )
    return case_file, cases


def deadlines_for_person(person: Person, *, today: date) -> DeadlineReport:
    case_file, cases = case_file_for_person(person)
    result = compute(case_file, today=today)
    mine = [d for d in result.deadlines if d.person_id in (None, person.pk)]
    return DeadlineReport(
        list(mine),
        [g for g in result.gaps if g.person_id in (None, person.pk)],
        {person.pk: person},
        cases,
    )


# -- many persons and cases at once ---------------------------------------------------------


def _report(
    persons: QuerySet[Person],
    cases: QuerySet[Case],
    cites: Prefetch[Any],
    *,
    today: date,
) -> DeadlineReport:
    """Every deadline of these persons and cases: nine queries whatever their number."""
    case_rows = {case.pk: case for case in cases}
    person_rows = {person.pk: person for person in persons}
    in_scope = Q(case__isnull=True) | Q(case__in=list(case_rows))
    person_ids = list(person_rows)
    custody = CustodyInterval.objects.filter(in_scope, person__in=person_ids).prefetch_related(
        cites
    )
    sentences = Sentence.objects.filter(case__in=list(case_rows), defendant__in=person_ids)
    hearings = Hearing.objects.filter(case__in=list(case_rows)).select_related("adjourned_to")
    claims = AsylumClaim.objects.filter(in_scope, person__in=person_ids).prefetch_related(
        cites, Prefetch("steps", queryset=AsylumClaimStep.objects.all())
    )
    events = LifeEvent.objects.filter(
        in_scope,
        person__in=person_ids,
        kind__in=[LifeEventKind.BORDER_CROSSING, LifeEventKind.ARRIVAL],
    ).exclude(to_country="")
    charges = Charge.objects.filter(case__in=list(case_rows)).select_related("provision")
    hearing_rows = list(hearings.prefetch_related(cites))
    hearing_sources = {hearing.pk: _sources(hearing) for hearing in hearing_rows}
    case_file = CaseFile(
        custody=tuple(custody_fact(i) for i in custody),
        sentences=tuple(
            sentence_fact(s, hearing_sources) for s in sentences.prefetch_related(cites)
        ),
        hearings=tuple(hearing_fact(h) for h in hearing_rows),
        claims=tuple(claim_fact(c) for c in claims),
        crossings=tuple(crossing_fact(e) for e in events.prefetch_related(cites)),
        case_jurisdictions={pk: str(case.jurisdiction) for pk, case in case_rows.items()},
        case_offences=_offences(charges),
    )
    result = compute(case_file, today=today)
    return DeadlineReport(list(result.deadlines), list(result.gaps), person_rows, case_rows)


def report_for_user(
    user: User, *, today: date, case_id: int | None = None, person_id: int | None = None
) -> DeadlineReport:
    """Every deadline the user may see, optionally of one case or one person."""
    cases = Case.objects.visible_to(user)
    persons = Person.objects.visible_to(user)
    return _narrowed(persons, cases, citations_for(user), today, case_id, person_id)


def report_for_feed(user: User, *, today: date, since: date) -> DeadlineReport:
    """The deadlines of a user's calendar feed: those of the cases the user may see that are
    live (a hearing on or after `since`, or, not closed, someone still held) and of the persons in
    those cases, ending on or after `since`. A calendar shows what is coming and the recent
    past; a closed case from years ago is neither, and computing it on every reading of the
    feed made the feed's cost grow with the whole caseload."""
    window = DateRange(since, None, "[)")
    held = Exists(CustodyInterval.objects.open().filter(case=OuterRef("pk")))
    live = Q(Exists(Hearing.objects.filter(case=OuterRef("pk"), date__overlap=window))) | (
        Q(held) & ~Q(status=CaseStatus.CLOSED)
    )
    cases = Case.objects.visible_to(user).filter(live)
    persons = Person.objects.visible_to(user).filter(
        Exists(CaseParticipant.objects.filter(person=OuterRef("pk"), case__in=cases))
    )
    report = _report(persons, cases, citations_for(user), today=today)
    report.deadlines = [d for d in report.deadlines if d.latest >= since]
    return report


def report_for_all(
    *, today: date, case_id: int | None = None, person_id: int | None = None
) -> DeadlineReport:
    """Every deadline, for trusted operators (the management command)."""
    from sources.models import Citation

    cites = Prefetch("citations", queryset=Citation.objects.select_related("source"))
    return _narrowed(Person.objects.all(), Case.objects.all(), cites, today, case_id, person_id)


def _narrowed(
    persons: QuerySet[Person],
    cases: QuerySet[Case],
    cites: Prefetch[Any],
    today: date,
    case_id: int | None,
    person_id: int | None,
) -> DeadlineReport:
    if case_id is not None:
        cases = cases.filter(pk=case_id)
        persons = persons.filter(participations__case=case_id).distinct()
    if person_id is not None:
        persons = persons.filter(pk=person_id)
        cases = cases.filter(participants__person=person_id).distinct()
    report = _report(persons, cases, cites, today=today)
    if case_id is not None:
        report.deadlines = [d for d in report.deadlines if d.case_id == case_id]
        report.gaps = [g for g in report.gaps if g.case_id == case_id]
    if person_id is not None:
        report.deadlines = [d for d in report.deadlines if d.person_id in (None, person_id)]
        report.gaps = [g for g in report.gaps if g.person_id in (None, person_id)]
    return report


def find_deadline(user: User, key: str, *, today: date) -> tuple[Deadline, DeadlineReport]:
    """One deadline the user may see, by its key; 404 otherwise. Only the case or the person
    the key points to is computed, so the page costs the same however large the caseload."""
    case_id, person_id = _scope_of(key)
    report = report_for_user(user, today=today, case_id=case_id, person_id=person_id)
    for deadline in report.deadlines:
        if deadline.key == key:
            return deadline, report
    raise Http404


# What a key's fact reference ("sentence-12") belongs to: a case, or a person.
_KEY_SCOPES: dict[str, tuple[type[Any], str]] = {
    "sentence": (Sentence, "case_id"),
    "hearing": (Hearing, "case_id"),
    "custody": (CustodyInterval, "person_id"),
    "asylum": (AsylumClaim, "person_id"),
    "event": (LifeEvent, "person_id"),
}


def _scope_of(key: str) -> tuple[int | None, int | None]:
    """(case id, person id) to narrow the computation to, or (None, None) for everything."""
    parts = key.split(":")[1:]
    for ref in parts:
        name, _, number = ref.rpartition("-")
        if name in _KEY_SCOPES and number.isdigit():
            model, column = _KEY_SCOPES[name]
            owner = model.objects.filter(pk=int(number)).values_list(column, flat=True).first()
            if owner is None:
                raise Http404
            return (owner, None) if column == "case_id" else (None, owner)
    case = parts[0].partition("-")[0] if parts else ""  # verdicts: "<case>-<person>-<date>"
    return (int(case), None) if case.isdigit() else (None, None)
