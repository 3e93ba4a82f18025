"""The deadline engine: facts and versioned rules in, explained deadlines out.

Pure Python (no Django): `compute(case_file, today=...)` takes plain facts
(`deadlines.engine.facts`) and returns every deadline with its derivation
(`deadlines.engine.results`). Rules are data in `deadlines.engine.rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from deadlines.engine import asylum, custody, hearings, sentences
from deadlines.engine.derivation import Work
from deadlines.engine.facts import CaseFile, CustodyFact, Offence, SentenceFact
from deadlines.engine.results import Deadline, Gap, Result
from deadlines.engine.rules import RULESETS, RuleSet
from deadlines.engine.sentences import offence_gravity

__all__ = ["compute"]

# A crossing and a detention this close together are one event: caught at the border.
RECENT = timedelta(days=30)


def compute(case_file: CaseFile, *, today: date) -> Result:
    deadlines: list[Deadline] = []
    gaps: list[Gap] = []
    jurisdictions = case_file.case_jurisdictions

    def rules_for_case(case_id: int | None) -> RuleSet | None:
        return RULESETS.get(jurisdictions.get(case_id, "")) if case_id is not None else None

    for hearing in case_file.hearings:
        if rules_for_case(hearing.case_id) is not None and (
            upcoming := hearings.next_hearing(hearing)
        ):
            deadlines.append(upcoming)

    by_person_case: dict[tuple[int, int], list[SentenceFact]] = defaultdict(list)
    for sentence in case_file.sentences:
        by_person_case[(sentence.person_id, sentence.case_id)].append(sentence)
    for (person_id, case_id), group in by_person_case.items():
        ruleset = rules_for_case(case_id)
        if ruleset is None:
            continue
        found, missing = sentences.verdict_deadlines(
            group,
            case_file.custody,
            [h for h in case_file.hearings if h.case_id == case_id],
            case_file.case_offences.get((case_id, person_id), ()),
            ruleset,
        )
        deadlines.extend(found)
        gaps.extend(missing)

    deadlines.extend(_custody_deadlines(case_file, today, rules_for_case))

    for crossing in case_file.crossings:
        ruleset = RULESETS.get(crossing.to_country)
        if ruleset is None or crossing.date is None:
            continue
        claimed = any(
            c.person_id == crossing.person_id and c.host_country == crossing.to_country
            for c in case_file.claims
        )
        # For someone with no claim the five days matter only while they can still be met.
        if (claimed or crossing.date.latest >= today - RECENT) and (
            found_one := asylum.application_due(crossing, case_file.claims, ruleset)
        ):
            deadlines.append(found_one)
    for claim in case_file.claims:
        ruleset = RULESETS.get(claim.host_country)
        if ruleset is None:
            continue
        claim_found, missing = asylum.claim_deadlines(claim, case_file.custody, ruleset, today)
        deadlines.extend(claim_found)
        gaps.extend(missing)

    unique = {d.key: d for d in deadlines}
    return Result(
        deadlines=tuple(sorted(unique.values(), key=lambda d: (d.earliest, d.latest, d.key))),
        gaps=tuple(gaps),
    )


def _custody_deadlines(
    case_file: CaseFile, today: date, rules_for_case: Callable[[int | None], RuleSet | None]
) -> list[Deadline]:
    found: list[Deadline] = []
    by_person_case: dict[tuple[int, int | None], list[CustodyFact]] = defaultdict(list)
    for interval in case_file.custody:
        by_person_case[(interval.person_id, interval.case_id)].append(interval)
    for (person_id, case_id), intervals in by_person_case.items():
        ruleset = rules_for_case(case_id)
        if ruleset is None:
            continue
        case_hearings = [h for h in case_file.hearings if h.case_id == case_id]
        trial = [
            h.date.earliest
            for h in case_hearings
            if h.kind in ("preliminary", "trial", "verdict") and h.status in ("held", "adjourned")
        ]
        order = next((h for h in case_hearings if h.kind == "custody" and h.status == "held"), None)
        offences = case_file.case_offences.get((case_id, person_id), ()) if case_id else ()
        gravity = _gravity_of(offences, ruleset, today)
        arrests = [i for i in intervals if i.kind == "arrest"]
        for interval in intervals:
            if (cap := custody.arrest_cap(interval, ruleset)) is not None:
                found.append(cap)
            found.extend(
                custody.pretrial_limits(
                    interval, arrests, min(trial) if trial else None, gravity, ruleset, today
                )
            )
            if (appeal := custody.custody_order_appeal(interval, order, ruleset)) is not None:
                found.append(appeal)
        found.extend(_handover(case_file, person_id, intervals, ruleset))
    return found


def _gravity_of(offences: tuple[Offence, ...], ruleset: RuleSet, today: date) -> str:
    return offence_gravity(offences, today, ruleset, Work()) or custody.GRAVITY_UNKNOWN


def _handover(
    case_file: CaseFile, person_id: int, intervals: list[CustodyFact], ruleset: RuleSet
) -> list[Deadline]:
    """The first detention after a crossing from China into Kazakhstan."""
    crossings = [
        c
        for c in case_file.crossings
        if c.person_id == person_id and c.to_country == ruleset.jurisdiction and c.date
    ]
    detentions = sorted(
        (i for i in intervals if i.kind in ("arrest", "pretrial") and i.start is not None),
        key=lambda i: i.start.sort_key if i.start else (date.min, date.min),
    )
    if not crossings or not detentions:
        return []
    crossing_day = crossings[0].date
    first_start = detentions[0].start
    assert crossing_day is not None
    assert first_start is not None
    if first_start.earliest - crossing_day.latest > RECENT:
        return []  # detained long after entering: not a border violator caught crossing
    found = custody.treaty_handover(detentions[0], crossings[0], case_file.claims, ruleset)
    return [found] if found else []
