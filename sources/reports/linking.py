"""Which existing record a fact read from a report is about, and whether the dates agree.

A `LinkIndex` fetches, once for all the facts of a report, every record that could match them
(life events, custody intervals, cases and their hearings, sentences, statements, asylum claims
and their steps, name variants), with their citations, so linking costs the same number of
queries however many facts a report yields.

Matching is per person for facts that belong to a person (a border crossing of two men is two
life events), per case for hearings, per speaker for statements:
- same kind and overlapping dates: the record is linked (accepting adds a citation);
- same kind, one candidate, dates that cannot both be true (1 vs 6 October): linked with a
  conflict, so that accepting adds a citation with the reported date and both claims stay
  visible side by side (sources/disputes.py);
- nothing suitable: no link (accepting creates the record).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from cases.models import AsylumClaim, AsylumClaimStep, CaseParticipant, CustodyInterval, CustodyKind
from core.partial_dates import PartialDate
from hearings.models import Hearing, Sentence
from people.models import LifeEvent, NameVariant, Statement
from sources.reports.found import FactKind

# A custody kind as extraction names it → the interval kinds it may be.
CUSTODY_KINDS: dict[str, tuple[str, ...]] = {
    "detention": (CustodyKind.ARREST, CustodyKind.PRETRIAL),
    "arrest": (CustodyKind.ARREST,),
    "pretrial": (CustodyKind.PRETRIAL,),
    "house_arrest": (CustodyKind.HOUSE_ARREST,),
    "prison": (CustodyKind.PRISON,),
    "imprisonment": (CustodyKind.PRISON,),
    "abroad": (CustodyKind.ABROAD,),
    "camp": (CustodyKind.ABROAD,),
    "other": (CustodyKind.OTHER,),
}

# The date field of each kind of record a fact cites.
DATE_FIELDS: dict[type[models.Model], str] = {
    LifeEvent: "date",
    Hearing: "date",
    Sentence: "pronounced",
    Statement: "date",
    AsylumClaimStep: "date",
}


@dataclass(frozen=True)
class FactQuery:
    """What linking needs of a fact: a `CandidateFact`, or a proposal with an admin's edits."""

    kind: str
    date: PartialDate | None
    person_ids: tuple[int, ...]
    values: dict[str, Any] = field(default_factory=dict)

    def value_id(self, key: str) -> int | None:
        value = self.values.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
        return None

    @property
    def edge(self) -> str:
        return "end" if self.values.get("edge") == "end" else "start"


@dataclass(frozen=True)
class Match:
    """The existing record for one person (or case, or speaker), or None: create it."""

    record: models.Model | None
    date_field: str
    conflict: str = ""
    person_id: int | None = None
    case_id: int | None = None
    claim: AsylumClaim | None = None


def _label(value: PartialDate | None) -> str:
    return value.label() if value is not None else "?"


def _date_conflict(
    record: models.Model, date_field: str, date: PartialDate | None, *, this_source: int | None
) -> str:
    """Why the report's date cannot stand with the record's, or with another source's."""
    if date is None:
        return ""
    current = getattr(record, date_field, None)
    if isinstance(current, PartialDate) and not current.overlaps(date):
        return f"The record says {current.label()}; this report says {date.label()}."
    others = sorted(
        {
            c.reported_date
            for c in getattr(record, "_prefetched_objects_cache", {}).get("citations", [])
            if c.field == date_field
            and c.reported_date is not None
            and c.source_id != this_source
            and not c.reported_date.overlaps(date)
        }
    )
    if others:
        said = ", ".join(d.label() for d in others)
        return f"Other sources say {said}; this report says {date.label()}."
    return ""


def _overlaps(value: object, date: PartialDate | None) -> bool:
    if date is None or value is None:
        return True
    return isinstance(value, PartialDate) and value.overlaps(date)


class LinkIndex:
    """The records that facts about `person_ids` (and statements by `speaker_ids`) may match."""

    def __init__(self, facts: Iterable[FactQuery], *, source_id: int | None = None) -> None:
        facts = list(facts)
        self.source_id = source_id
        kinds = {f.kind for f in facts}
        person_ids = {pid for f in facts for pid in f.person_ids}
        person_ids |= {pid for f in facts if (pid := f.value_id("person_id")) is not None}
        speaker_ids = {sid for f in facts if (sid := f.value_id("speaker_id")) is not None}
        self.life_events: dict[int, list[LifeEvent]] = defaultdict(list)
        self.custody: dict[int, list[CustodyInterval]] = defaultdict(list)
        self.cases_of: dict[int, list[int]] = defaultdict(list)
        self.hearings: dict[int, list[Hearing]] = defaultdict(list)
        self.sentences: dict[int, list[Sentence]] = defaultdict(list)
        self.statements: dict[int, list[Statement]] = defaultdict(list)
        self.claims: dict[int, list[AsylumClaim]] = defaultdict(list)
        self.names: dict[int, set[str]] = defaultdict(set)
        if not person_ids and not speaker_ids:
            return
        if kinds & {FactKind.BORDER_CROSSING, FactKind.FLIGHT}:
            for event in LifeEvent.objects.filter(
                person__in=person_ids, kind__in=[FactKind.BORDER_CROSSING, FactKind.FLIGHT]
            ).prefetch_related("citations"):
                self.life_events[event.person_id].append(event)
        if FactKind.CUSTODY in kinds:
            for interval in CustodyInterval.objects.filter(person__in=person_ids).prefetch_related(
                "citations"
            ):
                self.custody[interval.person_id].append(interval)
        if kinds & {FactKind.HEARING, FactKind.VERDICT, FactKind.CUSTODY}:
            participations = CaseParticipant.objects.filter(person__in=person_ids).values_list(
                "person_id", "case_id"
            )
            for person_id, case_id in participations.order_by("case_id"):
                if case_id not in self.cases_of[person_id]:
                    self.cases_of[person_id].append(case_id)
            case_ids = {c for cases in self.cases_of.values() for c in cases}
            if FactKind.HEARING in kinds and case_ids:
                for hearing in Hearing.objects.filter(case__in=case_ids).prefetch_related(
                    "citations"
                ):
                    self.hearings[hearing.case_id].append(hearing)
        if FactKind.VERDICT in kinds:
            for sentence in Sentence.objects.filter(defendant__in=person_ids).prefetch_related(
                "citations"
            ):
                self.sentences[sentence.defendant_id].append(sentence)
        if FactKind.STATEMENT in kinds and speaker_ids:
            for statement in Statement.objects.filter(speaker__in=speaker_ids).prefetch_related(
                "citations"
            ):
                self.statements[statement.speaker_id].append(statement)
        if FactKind.ASYLUM_STEP in kinds:
            steps = AsylumClaimStep.objects.prefetch_related("citations")
            for claim in AsylumClaim.objects.filter(person__in=person_ids).prefetch_related(
                models.Prefetch("steps", queryset=steps)
            ):
                self.claims[claim.person_id].append(claim)
        if FactKind.NEW_VARIANT in kinds:
            for person_id, text in NameVariant.objects.filter(person__in=person_ids).values_list(
                "person_id", "text"
            ):
                self.names[person_id].add(text)

    # -- matching ------------------------------------------------------------------------------
    def matches(self, fact: FactQuery) -> list[Match]:
        """One match per person (per case for hearings, one for a statement or new person)."""
        match fact.kind:
            case FactKind.BORDER_CROSSING | FactKind.FLIGHT:
                return [self._life_event(fact, pid) for pid in fact.person_ids]
            case FactKind.CUSTODY:
                return [self._custody(fact, pid) for pid in fact.person_ids]
            case FactKind.VERDICT:
                return [self._sentence(fact, pid) for pid in fact.person_ids]
            case FactKind.HEARING:
                return [self._hearing(fact)]
            case FactKind.STATEMENT:
                return [self._statement(fact)]
            case FactKind.ASYLUM_STEP:
                return [self._asylum_step(fact, pid) for pid in fact.person_ids]
            case FactKind.NEW_VARIANT:
                return [self._variant(fact, pid) for pid in self._variant_persons(fact)]
            case _:
                return [Match(None, "")]

    def link(self, fact: FactQuery) -> tuple[models.Model | None, str]:
        """The record to show as linked (the first one found) and every conflict, in a line."""
        found = self.matches(fact)
        linked = next((m.record for m in found if m.record is not None), None)
        conflicts = list(dict.fromkeys(m.conflict for m in found if m.conflict))
        return linked, " ".join(conflicts)

    def default_case(self, fact: FactQuery, person_id: int | None = None) -> int | None:
        """The case the fact belongs to: the one named in its values, else the only case
        all its persons share."""
        named = fact.value_id("case_id")
        if named is not None:
            return named
        persons = [person_id] if person_id is not None else list(fact.person_ids)
        if not persons:
            return None
        shared = set(self.cases_of.get(persons[0], []))
        for pid in persons[1:]:
            shared &= set(self.cases_of.get(pid, []))
        return next(iter(shared)) if len(shared) == 1 else None

    def _pick(
        self, records: Sequence[Any], date_field: str, fact: FactQuery, **extra: Any
    ) -> Match:
        agreeing = [r for r in records if _overlaps(getattr(r, date_field), fact.date)]
        if agreeing:
            # The most precise agreeing record; a dated one before an undated one.
            def width(record: Any) -> int:
                value = getattr(record, date_field)
                return (value.latest - value.earliest).days if value else 10**6

            record = min(agreeing, key=width)
        elif len(records) == 1:
            record = records[0]
        else:
            return Match(None, date_field, **extra)
        conflict = _date_conflict(record, date_field, fact.date, this_source=self.source_id)
        return Match(record, date_field, conflict, **extra)

    def _life_event(self, fact: FactQuery, person_id: int) -> Match:
        events = [e for e in self.life_events.get(person_id, []) if e.kind == fact.kind]
        return self._pick(events, "date", fact, person_id=person_id)

    def _custody(self, fact: FactQuery, person_id: int) -> Match:
        wanted = CUSTODY_KINDS.get(str(fact.values.get("custody_kind", "")), ())
        intervals = [i for i in self.custody.get(person_id, []) if not wanted or i.kind in wanted]
        case_id = self.default_case(fact, person_id)
        if fact.edge == "end":
            # The end of detention: an interval that ended then, or the only one still open.
            ended = [i for i in intervals if i.end is not None]
            found = self._pick(ended, "end", fact, person_id=person_id, case_id=case_id)
            if found.record is not None and not found.conflict:
                return found
            still_open = [i for i in intervals if i.end is None and not i.end_unknown]
            if len(still_open) == 1:
                return Match(still_open[0], "end", person_id=person_id, case_id=case_id)
            return found
        return self._pick(intervals, "start", fact, person_id=person_id, case_id=case_id)

    def _sentence(self, fact: FactQuery, person_id: int) -> Match:
        case_id = self.default_case(fact, person_id)
        sentences = self.sentences.get(person_id, [])
        agreeing = [s for s in sentences if _overlaps(s.pronounced, fact.date)]
        if not agreeing and case_id is not None:
            sentences = [s for s in sentences if s.case_id == case_id]
        return self._pick(sentences, "pronounced", fact, person_id=person_id, case_id=case_id)

    def _hearing(self, fact: FactQuery) -> Match:
        case_id = self.default_case(fact)
        case_ids = (
            [case_id]
            if case_id is not None
            else list(dict.fromkeys(c for pid in fact.person_ids for c in self.cases_of[pid]))
        )
        if fact.date is None:
            return Match(None, "date", case_id=case_id)
        for cid in case_ids:
            same_day = [h for h in self.hearings.get(cid, []) if h.date.overlaps(fact.date)]
            if same_day:
                return Match(same_day[0], "date", case_id=cid)
        return Match(None, "date", case_id=case_id)

    def _statement(self, fact: FactQuery) -> Match:
        speaker_id = fact.value_id("speaker_id")
        if speaker_id is None or fact.date is None:
            return Match(None, "date", person_id=speaker_id)
        said = [s for s in self.statements.get(speaker_id, []) if _overlaps(s.date, fact.date)]
        if not said:
            return Match(None, "date", person_id=speaker_id)
        return Match(said[0], "date", person_id=speaker_id)

    def _asylum_step(self, fact: FactQuery, person_id: int) -> Match:
        claims = self.claims.get(person_id, [])
        claim = claims[0] if len(claims) == 1 else None
        status = str(fact.values.get("status", ""))
        for each in claims:
            steps = [s for s in each.steps.all() if s.status == status]
            found = [s for s in steps if _overlaps(s.date, fact.date)]
            if found:
                return Match(found[0], "date", person_id=person_id, claim=each)
        return Match(None, "date", person_id=person_id, claim=claim)

    def _variant_persons(self, fact: FactQuery) -> list[int]:
        named = fact.value_id("person_id")
        return [named] if named is not None else list(fact.person_ids[:1])

    def _variant(self, fact: FactQuery, person_id: int) -> Match:
        text = variant_text(fact.values)
        if text and text in self.names.get(person_id, set()):
            return Match(None, "", "This spelling is already recorded.", person_id=person_id)
        return Match(None, "", person_id=person_id)


def variant_text(values: dict[str, Any]) -> str:
    """The name a new-person or new-variant fact proposes."""
    for key in ("name", "variant", "text"):
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
