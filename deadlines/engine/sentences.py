"""Verdicts: the appeal window, entry into force, release, parole and the end of restrictions.

Uncertain inputs (when custody began, when the convict received the verdict) are read at each
extreme; the deadline is the window between the earliest and the latest result, and every
reading keeps its arithmetic.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from core.partial_dates import PartialDate
from deadlines.engine.counting import (
    CUSTODY_TERM,
    PROCEDURAL,
    Roll,
    Term,
    add_term,
    day_label,
    months_and_days,
    subtract_terms,
    weekday_label,
)
from deadlines.engine.custody_time import (
    Bound,
    Segment,
    add,
    credit,
    first_day_reaching,
    scale,
    segments,
)
from deadlines.engine.derivation import Reading, Work, deadline_from, extremes, input_for
from deadlines.engine.facts import CustodyFact, HearingFact, Offence, SentenceFact
from deadlines.engine.results import Deadline, DeadlineKind, Gap, Input
from deadlines.engine.rules import SECURITY_LEVELS, Rule, RuleSet

SENTENCE_BOUND = "on {day}, the {bound} day the records allow"
STATED_RATIOS = {"1:1": Fraction(1), "1.5:1": Fraction(3, 2), "2:1": Fraction(2)}
CUSTODIAL = ("imprisonment",)
RESTRICTIONS = {"restriction": "Restriction of liberty", "ban": "Ban", "suspended": "Probation"}


@dataclass(frozen=True)
class InForce:
    """One reading of when the verdict entered into force."""

    label: str
    day: date
    work: Work
    appeal_last_day: date | None


@dataclass(frozen=True)
class Verdict:
    """What every deadline of one verdict shares."""

    sentence: SentenceFact
    custody: tuple[CustodyFact, ...]
    in_force: tuple[InForce, ...]
    inputs: tuple[Input, ...]
    uncertain_because: tuple[str, ...]
    held_at_verdict: bool


def verdict_deadlines(
    sentences: Sequence[SentenceFact],
    custody: Sequence[CustodyFact],
    hearings: Sequence[HearingFact],
    offences: Sequence[Offence],
    ruleset: RuleSet,
) -> tuple[list[Deadline], list[Gap]]:
    """Deadlines of one person's verdicts in one case."""
    deadlines: list[Deadline] = []
    gaps: list[Gap] = []
    seen_verdicts: set[str] = set()
    for sentence in sentences:
        verdict = _verdict(sentence, custody, hearings, ruleset)
        verdict_key = f"{sentence.case_id}-{sentence.person_id}-{sentence.pronounced.iso()}"
        if verdict_key not in seen_verdicts:
            seen_verdicts.add(verdict_key)
            deadlines.extend(_appeal_and_force(verdict, verdict_key))
        if sentence.kind in CUSTODIAL and sentence.term != Term():
            release, release_gap = _release(verdict, ruleset)
            deadlines.extend(release)
            gaps.extend(release_gap)
            parole, parole_gap = _parole(verdict, offences or sentence.offences, ruleset)
            if release and parole and parole[0].earliest >= release[0].earliest:
                parole = []  # the term ends before parole could begin
            deadlines.extend(parole)
            gaps.extend(parole_gap)
        restriction, restriction_gap = _restriction(verdict, ruleset)
        deadlines.extend(restriction)
        gaps.extend(restriction_gap)
    return deadlines, gaps


# -- entry into force ------------------------------------------------------------------------


def _verdict(
    sentence: SentenceFact,
    custody: Sequence[CustodyFact],
    hearings: Sequence[HearingFact],
    ruleset: RuleSet,
) -> Verdict:
    mine = tuple(
        c for c in custody if c.person_id == sentence.person_id and c.case_id == sentence.case_id
    )
    pronounced = sentence.pronounced
    held = any(
        c.kind in ("arrest", "pretrial", "prison", "other")
        # Held after the verdict's day: someone released that day is no convict in custody.
        and c.may_hold(begun_by=pronounced.latest, still_on=pronounced.latest + timedelta(days=1))
        for c in mine
    )
    inputs = [
        input_for("Verdict announced", pronounced, sentence.cited("pronounced")),
        Input("Sentence", _sentence_label(sentence), sentence.cited("term_years", "kind")),
    ]
    uncertain: list[str] = []
    if not pronounced.is_exact:
        uncertain.append(f"the verdict is dated only to {pronounced.label()}")
    appeal_rule = ruleset.at("verdict_appeal", pronounced.earliest)
    force_rule = ruleset.at("entry_into_force", pronounced.earliest)
    counting_rule = ruleset.at("counting", pronounced.earliest)
    days = appeal_rule.params["days"]
    readings: list[InForce] = []
    appeal_ruling = _appeal_ruling(sentence, hearings)
    if sentence.entered_into_force is not None:
        recorded = sentence.entered_into_force
        inputs.append(
            input_for("Entered into force", recorded, sentence.cited("entered_into_force"))
        )
        for label, day in extremes(recorded, SENTENCE_BOUND):
            work = Work()
            work.note(f"The records give the day it entered into force: {day_label(day)}.")
            readings.append(InForce(label, day, work, None))
        if not recorded.is_exact:
            uncertain.append(f"the entry into force is dated only to {recorded.label()}")
    elif appeal_ruling is not None:
        for label, day in extremes(appeal_ruling.date, SENTENCE_BOUND):
            work = Work()
            work.note(
                f"The appeal court ruled on {day_label(day)}; the verdict entered into force "
                "that day.",
                force_rule,
            )
            readings.append(InForce(label, day, work, None))
    else:
        bases: list[tuple[str, date, str]] = []
        if sentence.copy_received is not None:
            inputs.append(
                input_for(
                    "Copy of the verdict received",
                    sentence.copy_received,
                    sentence.cited("copy_received"),
                )
            )
            bases.append(("", sentence.copy_received, "the copy of the verdict was received"))
        elif held:
            copy_rule = ruleset.at("verdict_copy", pronounced.earliest)
            inputs.append(Input("Copy of the verdict received", "not recorded", (), uncertain=True))
            uncertain.append("the day the convict in custody received the copy of the verdict")
            latest_copy = pronounced.latest + timedelta(days=copy_rule.params["days"])
            bases.append(
                (
                    "copy received the day of the verdict",
                    pronounced.earliest,
                    "the verdict was announced (the copy taken as received that day)",
                )
            )
            bases.append(
                (
                    f"copy received {copy_rule.params['days']} days after the verdict",
                    latest_copy,
                    f"the copy was received at the latest ({copy_rule.article}, unverified)",
                )
            )
        else:
            bases.extend(
                (label, day, "the verdict was announced")
                for label, day in extremes(pronounced, SENTENCE_BOUND)
            )
        for label, base, what in bases:
            work = Work()
            if held and sentence.copy_received is None and base != pronounced.earliest:
                work.note(
                    f"No record says when the copy of the verdict reached the convict; taken as "
                    f"{day_label(base)} at the latest.",
                    ruleset.at("verdict_copy", pronounced.earliest),
                )
            work.note(
                f"The appeal term is {days} days from the day {what}"
                + (" (the convict was in custody)" if held else "")
                + f" ({appeal_rule.article}).",
                appeal_rule,
            )
            last = work.count_days(
                base, days, PROCEDURAL, ruleset.calendar, counting_rule, "The appeal term"
            )
            in_force = last + timedelta(days=1)
            work.note(
                f"No appeal is recorded, so the verdict enters into force the next day, "
                f"{day_label(in_force)}.",
                force_rule,
            )
            readings.append(InForce(label, in_force, work, last))
    return Verdict(sentence, mine, tuple(readings), tuple(inputs), tuple(uncertain), held)


def _appeal_ruling(sentence: SentenceFact, hearings: Sequence[HearingFact]) -> HearingFact | None:
    rulings = [
        h
        for h in hearings
        if h.case_id == sentence.case_id
        and h.kind == "appeal"
        and h.status == "held"
        and h.date.earliest > sentence.pronounced.latest
    ]
    return min(rulings, key=lambda h: h.date.sort_key) if rulings else None


def _appeal_and_force(verdict: Verdict, verdict_key: str) -> list[Deadline]:
    sentence = verdict.sentence
    found = []
    appeal = [
        Reading(f.label, f.appeal_last_day, f.work) for f in verdict.in_force if f.appeal_last_day
    ]
    if appeal:
        found.append(
            deadline_from(
                DeadlineKind.APPEAL_VERDICT,
                f"appeal_verdict:{verdict_key}",
                "Last day to appeal the verdict",
                appeal,
                inputs=verdict.inputs,
                uncertain_because=verdict.uncertain_because,
                person_id=sentence.person_id,
                case_id=sentence.case_id,
                done=True,
            )
        )
    found.append(
        deadline_from(
            DeadlineKind.VERDICT_IN_FORCE,
            f"verdict_in_force:{verdict_key}",
            "The verdict enters into force",
            [Reading(f.label, f.day, f.work) for f in verdict.in_force],
            inputs=verdict.inputs,
            uncertain_because=verdict.uncertain_because,
            person_id=sentence.person_id,
            case_id=sentence.case_id,
            actual=sentence.entered_into_force,
            done=True,
        )
    )
    return found


# -- release -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    custody: Fraction
    house: Fraction
    why: str
    rule_ids: tuple[str, ...]


def _rates(verdict: Verdict, start: date, until: date, ruleset: RuleSet, work: Work) -> Rate | None:
    """The credit rate: the most lenient version of Art. 62(3) in force from the start of
    custody to the end of the credit (Art. 6), for the institution type."""
    sentence = verdict.sentence
    versions = ruleset.in_force_between("custody_credit", start, until) or [
        ruleset.at("custody_credit", start)
    ]
    house_rule = ruleset.at("house_arrest_credit", until)
    institution = sentence.institution
    stated = STATED_RATIOS.get(sentence.credit_stated)
    if institution not in SECURITY_LEVELS:
        if stated is None:
            return None
        work.note(
            f"No institution type is recorded; the court's stated rate is used: one day of "
            f"custody counts as {_ratio(stated)} days."
        )
        return Rate(stated, house_rule.params["ratio"], "as the court stated", ())
    chosen = max(versions, key=lambda rule: rule.params["ratio"][institution])
    ratio: Fraction = chosen.params["ratio"][institution]
    first_version = ruleset.at("custody_credit", start)
    text = (
        f"{chosen.article} ({chosen.legal_source.split(', ', 1)[-1]}): in a "
        f"{institution}-security institution one day of custody counts as {_days(ratio)} "
        "of imprisonment."
    )
    work.note(text, chosen)
    if chosen is not first_version:
        lenient = ruleset.at("lenient_law", until)
        work.note(
            f"This text came into force after custody began ({day_label(start)}); as the more "
            f"lenient law it applies to the whole period ({lenient.article}).",
            lenient,
        )
    if stated is not None and stated != ratio:
        work.note(
            f"The court stated {_ratio(stated)} days per day; the rule gives {_ratio(ratio)}: "
            "the rule is used here. Check the verdict's text."
        )
    return Rate(ratio, house_rule.params["ratio"], institution, (chosen.id,))


def _ratio(value: Fraction) -> str:
    return str(float(value)).removesuffix(".0")


def _days(value: Fraction) -> str:
    return "1 day" if value == 1 else f"{_ratio(value)} days"


def _release(verdict: Verdict, ruleset: RuleSet) -> tuple[list[Deadline], list[Gap]]:
    sentence = verdict.sentence
    key = f"release:{sentence.ref}"
    if not any(c.start is not None for c in verdict.custody):
        gap = Gap(
            DeadlineKind.RELEASE, key, "the day custody began", sentence.person_id, sentence.case_id
        )
        return [], [gap]
    readings: list[Reading] = []
    labels = {
        "most": "custody read as long as the records allow",
        "least": "custody read as short as the records allow",
    }
    bounds: list[Bound] = ["most", "least"] if _custody_uncertain(verdict.custody) else ["most"]
    for bound, force in itertools.product(bounds, verdict.in_force):
        label = "; ".join(
            part for part in (labels[bound] if len(bounds) > 1 else "", force.label) if part
        )
        reading = _release_reading(
            verdict, bound, force.day, force.work, ruleset, label=label or ""
        )
        if isinstance(reading, str):
            return [], [
                Gap(
                    DeadlineKind.RELEASE,
                    key,
                    reading,
                    sentence.person_id,
                    sentence.case_id,
                )
            ]
        readings.append(reading)
    first, last = min(readings, key=lambda r: r.day), max(readings, key=lambda r: r.day)
    others = [r for r in readings if r is not first and r is not last]
    others.extend(_to_verdict_readings(verdict, ruleset))
    uncertain = list(verdict.uncertain_because)
    if len(bounds) > 1:
        uncertain.append(_custody_uncertainty(verdict.custody))
    actual, held_now = _actual_release(verdict)
    deadline = deadline_from(
        DeadlineKind.RELEASE,
        key,
        f"Release at the end of the term ({sentence.term})",
        [first, last],
        inputs=(*verdict.inputs, *_custody_inputs(verdict.custody)),
        uncertain_because=uncertain,
        others=others,
        person_id=sentence.person_id,
        case_id=sentence.case_id,
        actual=actual,
        # Overdue only when the records still show the person held, or show nothing after a
        # verdict that found them in custody.
        done=held_now is False,
    )
    return [deadline], []


def _release_reading(
    verdict: Verdict,
    bound: Bound,
    credit_until: date,
    prelude: Work,
    ruleset: RuleSet,
    *,
    label: str,
    credit_note: str = "",
    only_kinds: tuple[str, ...] = (),
) -> Reading | str:
    """One reading of the release date, or what is missing to compute it.

    Credit counts as time already served: the term is reckoned from a day that lies the credit
    before serving began, so that a month is a calendar month throughout."""
    sentence = verdict.sentence
    work = Work(list(prelude.steps), list(prelude.rules))
    pool = [c for c in verdict.custody if not only_kinds or c.kind in only_kinds]
    held = segments(pool, bound, credit_until)
    window_rule = ruleset.at("credit_window", credit_until)
    release_rule = ruleset.at("release", credit_until)
    work.note(
        credit_note
        or f"Custody is credited until the verdict enters into force, {day_label(credit_until)} "
        f"({window_rule.article}).",
        None if credit_note else window_rule,
    )
    serving_from = _serving_from(verdict, credit_until, work, release_rule)
    credited = Term()
    rate: Rate | None = None
    if held:
        rate = _rates(verdict, held[0].start, credit_until, ruleset, work)
        if rate is None:
            return "the institution type or the court's credit rate"
        credit_rule = ruleset.by_id.get(rate.rule_ids[0]) if rate.rule_ids else None
        for segment in held:
            work.note(
                f"{segment.describe()}: {months_and_days(segment.start, segment.end)}.",
                credit_rule,
            )
        custody_total = add(*(months_and_days(s.start, s.end) for s in held if not s.house_arrest))
        credited = credit(held, rate.custody, rate.house)
        work.note(
            f"{custody_total} × {_ratio(rate.custody)} = {scale(custody_total, rate.custody)} of "
            f"imprisonment (days beyond 30 carried into months).",
            credit_rule,
        )
        if any(s.house_arrest for s in held):
            house_rule = ruleset.at("house_arrest_credit", credit_until)
            work.note(
                f"House arrest counts at {_ratio(rate.house)} ({house_rule.article}); "
                f"in all {credited}.",
                house_rule,
            )
    if credited == Term():
        work.note(f"No custody to credit: the term runs from {day_label(serving_from)}.")
        end = add_term(serving_from, sentence.term)
        work.note(
            f"{day_label(serving_from)} + {sentence.term} = {day_label(end)}, "
            "the anniversary date.",
            release_rule,
        )
    else:
        left = subtract_terms(sentence.term, credited)
        if left is not None:
            work.note(
                f"{sentence.term} − {credited} = {left} left to serve, as courts state it "
                "(a month counted as 30 days).",
                release_rule,
            )
        origin = back(serving_from, credited)
        # Held without a break at a day for a day: the term simply runs from the arrest
        # (subtracting months again could land a day off at a month's end).
        one_for_one = rate is not None and rate.custody == 1
        if (
            one_for_one
            and len(held) == 1
            and not held[0].house_arrest
            and held[0].end == serving_from
        ):
            origin = held[0].start
        end = add_term(origin, sentence.term)
        if end > serving_from:
            work.note(
                f"The credit counts as time served before {day_label(serving_from)}: the term is "
                f"reckoned from {day_label(serving_from)} − {credited} = {day_label(origin)}.",
                release_rule,
            )
            work.note(
                f"{day_label(origin)} + {sentence.term} = {day_label(end)}, the anniversary date.",
                release_rule,
            )
        else:
            assert rate is not None
            end = _served_by_credit(sentence.term, held, rate, work, credit_until)
    if end <= sentence.pronounced.earliest:
        work.note(
            f"The term was served before the verdict of {day_label(sentence.pronounced.earliest)}: "
            "release in the courtroom that day.",
            release_rule,
        )
        return Reading(label, sentence.pronounced.earliest, work)
    last_day = end - timedelta(days=1)
    work.note(
        f"The last day of the term is the day before: {weekday_label(last_day)} "
        f"({release_rule.article}).",
        release_rule,
    )
    release = ruleset.calendar.roll(last_day, Roll.BACKWARD)
    if release != last_day:
        work.note(
            f"{day_label(last_day)} is a day off ({ruleset.calendar.day_off_reason(last_day)}), so "
            f"release is on the preceding working day: {weekday_label(release)}.",
            release_rule,
        )
    return Reading(label, release, work)


def back(day: date, term: Term) -> date:
    """`day` minus the term, undoing "months, then days" in reverse order, so that
    `back(add_term(start, t), t) == start` for a term measured from `start`."""
    return (day - timedelta(days=term.days)) - relativedelta(months=term.total_months)


def _serving_from(verdict: Verdict, credit_until: date, work: Work, release_rule: Rule) -> date:
    """Where serving the term begins: at the end of the credit when the person is held then,
    otherwise when a later prison term begins."""
    if verdict.held_at_verdict or any(
        c.kind != "house_arrest" and c.may_hold(begun_by=credit_until, still_on=credit_until)
        for c in verdict.custody
    ):
        return credit_until
    later = [
        c.start.earliest
        for c in verdict.custody
        if c.start is not None and c.kind != "house_arrest" and c.start.earliest > credit_until
    ]
    if not later:
        work.note(
            "No custody is recorded after the verdict: the term is taken to begin when it "
            f"enters into force, {day_label(credit_until)}.",
            release_rule,
        )
        return credit_until
    work.note(
        f"Not held when the verdict entered into force; the prison term began on "
        f"{day_label(min(later))}.",
        release_rule,
    )
    return min(later)


def _served_by_credit(
    term: Term, held: Sequence[Segment], rate: Rate, work: Work, credit_until: date
) -> date:
    """The day the credited custody covers the whole term."""
    if len(held) == 1 and not held[0].house_arrest:
        needed = scale(term, 1 / rate.custody)
        reached = add_term(held[0].start, needed)
        work.note(
            f"{term} ÷ {_ratio(rate.custody)} = {needed} of custody covers the whole term: "
            f"{day_label(held[0].start)} + {needed} = {day_label(reached)}."
        )
    else:

        def covered(day: date) -> bool:
            so_far = credit(
                [s for s in (x.clipped(day) for x in held) if s], rate.custody, rate.house
            )
            return add_term(back(day, so_far), term) <= day

        low, high = held[0].start, credit_until
        while low < high:
            middle = low + (high - low) // 2
            if covered(middle):
                high = middle
            else:
                low = middle + timedelta(days=1)
        reached = low
        work.note(f"The credit reaches the whole term of {term} on {day_label(reached)}.")
    work.note("The term is served by custody before the verdict enters into force.")
    return reached


def _to_verdict_readings(verdict: Verdict, ruleset: RuleSet) -> list[Reading]:
    """The credit stopped at the verdict, as courts often count it: shown for comparison."""
    sentence = verdict.sentence
    day = sentence.pronounced.earliest
    note = (
        f"Credit counted only to the day of the verdict, {day_label(day)}, as courts often do "
        "(Art. 62(3) runs it to the entry into force: shown for comparison)."
    )
    readings = []
    pretrial = tuple(c for c in verdict.custody if c.kind == "pretrial")
    if pretrial:
        first = (
            min(c.start.earliest for c in pretrial if c.start)
            if any(c.start for c in pretrial)
            else None
        )
        reading = _release_reading(
            verdict,
            "least",
            day,
            Work(),
            ruleset,
            label=f"Pretrial custody only, from {day_label(first)}, credited to the verdict"
            if first
            else "Pretrial custody only, credited to the verdict",
            credit_note=note,
            only_kinds=("pretrial",),
        )
        if isinstance(reading, Reading):
            readings.append(reading)
    starts = [c.start.earliest for c in verdict.custody if c.start]
    if starts:
        reading = _release_reading(
            verdict,
            "most",
            day,
            Work(),
            ruleset,
            label=f"All custody from {day_label(min(starts))}, credited to the verdict",
            credit_note=note,
        )
        if isinstance(reading, Reading) and all(r.day != reading.day for r in readings):
            readings.append(reading)
    return readings


def _custody_uncertain(custody: Sequence[CustodyFact]) -> bool:
    return any(
        (c.start is not None and not c.start.is_exact) or (c.end is not None and not c.end.is_exact)
        for c in custody
    )


def _custody_uncertainty(custody: Sequence[CustodyFact]) -> str:
    parts = []
    for c in custody:
        if c.start is not None and not c.start.is_exact:
            parts.append(f"{_kind(c.kind)} began {c.start.label()}")
        if c.end is not None and not c.end.is_exact:
            parts.append(f"{_kind(c.kind)} ended {c.end.label()}")
    return "when custody began or ended: " + "; ".join(parts)


def _kind(kind: str) -> str:
    return {
        "arrest": "detention on arrest",
        "pretrial": "pretrial custody",
        "house_arrest": "house arrest",
        "prison": "the prison term",
    }.get(kind, "custody")


def _custody_inputs(custody: Sequence[CustodyFact]) -> list[Input]:
    inputs = []
    for c in sorted(custody, key=lambda c: c.start.sort_key if c.start else (date.min, date.min)):
        if c.start is None:
            continue
        end = c.end.label() if c.end else ("end not dated" if c.end_unknown else "still held")
        inputs.append(
            Input(
                _kind(c.kind).capitalize(),
                f"{c.start.label()} – {end}",
                c.cited("start", "end"),
                uncertain=not c.start.is_exact or (c.end is not None and not c.end.is_exact),
            )
        )
    return inputs


def _actual_release(verdict: Verdict) -> tuple[PartialDate | None, bool | None]:
    """The end of custody after the verdict, and whether the person is still held (None when
    the records do not say)."""
    pronounced = verdict.sentence.pronounced
    after = [
        c
        for c in verdict.custody
        if c.kind != "house_arrest" and c.may_hold(begun_by=date.max, still_on=pronounced.earliest)
    ]
    if any(c.is_open for c in after):
        return None, True
    if any(c.end_unknown for c in after):
        return None, False
    ends = [c.end for c in after if c.end is not None and c.end.earliest > pronounced.latest]
    if not ends:
        return None, True if verdict.held_at_verdict else None
    return max(ends, key=lambda end: end.sort_key), False


# -- parole ------------------------------------------------------------------------------------


def offence_gravity(
    offences: Sequence[Offence], on: date, ruleset: RuleSet, work: Work
) -> str | None:
    rule = ruleset.at("gravity", on)
    ranks = ("small", "medium", "grave", "especially_grave")
    found: list[str] = []
    for offence in offences:
        key = (offence.article, offence.part)
        gravity = rule.params["offences"].get(key)
        unverified = rule.params["unverified_offences"].get(key)
        if gravity:
            work.note(
                f"{offence}: an offence of {gravity.replace('_', ' ')} gravity ({rule.article}).",
                rule,
            )
            found.append(gravity)
        elif unverified:
            work.note(
                f"{offence}: taken as {unverified.replace('_', ' ')} gravity (not verified).", rule
            )
            found.append(unverified)
    if not found:
        return None
    return max(found, key=ranks.index)


def _parole(
    verdict: Verdict, offences: Sequence[Offence], ruleset: RuleSet
) -> tuple[list[Deadline], list[Gap]]:
    sentence = verdict.sentence
    key = f"parole:{sentence.ref}"
    probe = Work()
    gravity = offence_gravity(offences, sentence.pronounced.earliest, ruleset, probe)
    if gravity is None:
        return [], [
            Gap(
                DeadlineKind.PAROLE,
                key,
                "the gravity of the offence (its article)",
                sentence.person_id,
                sentence.case_id,
            )
        ]
    if not any(c.start is not None for c in verdict.custody):
        return [], []
    rule = ruleset.at("parole", sentence.pronounced.earliest)
    fraction: Fraction = rule.params["fraction"][gravity]
    minimum = Term(0, rule.params["minimum_actual_months"], 0)
    needed = scale(sentence.term, fraction)
    readings = []
    bounds: list[Bound] = ["most", "least"] if _custody_uncertain(verdict.custody) else ["most"]
    for bound in bounds:
        for force in verdict.in_force:
            work = Work(list(force.work.steps), list(force.work.rules))
            for step in probe.steps:
                work.steps.append(step)
            work.rules.extend(r for r in probe.rules if r not in work.rules)
            held = segments(verdict.custody, bound, force.day)
            if not held:
                continue
            rate = _rates(verdict, held[0].start, force.day, ruleset, work)
            if rate is None:
                continue

            def served(
                day: date,
                held: list[Segment] = held,
                rate: object = rate,
                force_day: date = force.day,
            ) -> Term:
                assert isinstance(rate, Rate)
                before = credit(
                    [s for s in (x.clipped(min(day, force_day)) for x in held) if s],
                    rate.custody,
                    rate.house,
                )
                return add(before, months_and_days(force_day, day)) if day > force_day else before

            def actual(day: date, held: list[Segment] = held, force_day: date = force.day) -> Term:
                return add(
                    *(months_and_days(s.start, s.end) for s in _actually_held(held, force_day, day))
                )

            horizon = add_term(force.day, sentence.term)
            by_share = first_day_reaching(needed, served, held[0].start, horizon)
            by_minimum = first_day_reaching(
                minimum, actual, held[0].start, horizon + timedelta(days=200)
            )
            if by_share is None or by_minimum is None:
                continue
            work.note(
                f"Parole after serving {fraction} of {sentence.term} = {needed} ({rule.article}); "
                f"counting custody as credited, that is reached on {day_label(by_share)}.",
                rule,
            )
            work.note(
                f"Never before {minimum} actually served: reached on {day_label(by_minimum)}.", rule
            )
            eligible = max(by_share, by_minimum, force.day)
            if eligible == force.day and force.day > max(by_share, by_minimum):
                work.note(
                    f"Parole is decided on a verdict in force: not before {day_label(force.day)}.",
                    rule,
                )
            work.note(f"Eligible for parole from {day_label(eligible)}.", rule)
            label = "; ".join(
                p
                for p in (
                    (
                        "custody read as long as the records allow"
                        if bound == "most"
                        else "custody read as short as the records allow"
                    )
                    if len(bounds) > 1
                    else "",
                    force.label,
                )
                if p
            )
            readings.append(Reading(label, eligible, work))
    if not readings:
        return [], []
    return [
        deadline_from(
            DeadlineKind.PAROLE,
            key,
            "Eligible for parole",
            readings,
            inputs=(*verdict.inputs, *_custody_inputs(verdict.custody)),
            uncertain_because=verdict.uncertain_because,
            person_id=sentence.person_id,
            case_id=sentence.case_id,
            done=True,
        )
    ], []


def _actually_held(held: Sequence[Segment], force_day: date, day: date) -> list[Segment]:
    """Days really spent in custody up to `day`: the credited custody, then the term served
    without a break from the entry into force."""
    pieces = [s for s in (x.clipped(min(day, force_day)) for x in held) if s and not s.house_arrest]
    if day > force_day:
        if pieces and pieces[-1].end == force_day:
            pieces[-1] = Segment(pieces[-1].start, day)
        else:
            pieces.append(Segment(force_day, day))
    return pieces


# -- probation and restrictions ----------------------------------------------------------------


def _restriction(verdict: Verdict, ruleset: RuleSet) -> tuple[list[Deadline], list[Gap]]:
    sentence = verdict.sentence
    what = RESTRICTIONS.get(sentence.kind)
    if what is None:
        return [], []
    key = f"restriction_end:{sentence.ref}"
    if sentence.kind == "suspended":
        if not sentence.probation_months:
            return [], [
                Gap(
                    DeadlineKind.RESTRICTION_END,
                    key,
                    "the probation period",
                    sentence.person_id,
                    sentence.case_id,
                )
            ]
        term = Term(0, sentence.probation_months, 0)
    else:
        term = sentence.term
        if term == Term():
            return [], [
                Gap(
                    DeadlineKind.RESTRICTION_END,
                    key,
                    "the term of the restriction",
                    sentence.person_id,
                    sentence.case_id,
                )
            ]
    rule = ruleset.at("restriction_start", sentence.pronounced.earliest)
    counting_rule = ruleset.at("counting", sentence.pronounced.earliest)
    readings = []
    for force in verdict.in_force:
        work = Work(list(force.work.steps), list(force.work.rules))
        work.note(f"{what} of {term} runs from the entry into force ({rule.article}).", rule)
        end = add_term(force.day, term) - timedelta(days=1)
        work.note(
            f"{day_label(force.day)} + {term}, the first day counted ({CUSTODY_TERM.describe()}): "
            f"the last day is {day_label(end)}.",
            counting_rule,
        )
        readings.append(Reading(force.label, end, work))
    return [
        deadline_from(
            DeadlineKind.RESTRICTION_END,
            key,
            f"{what} ends ({term})",
            readings,
            inputs=verdict.inputs,
            uncertain_because=verdict.uncertain_because,
            person_id=sentence.person_id,
            case_id=sentence.case_id,
            done=True,
        )
    ], []


def _sentence_label(sentence: SentenceFact) -> str:
    parts = [sentence.kind.replace("_", " ")]
    if sentence.term != Term():
        parts.append(str(sentence.term))
    if sentence.institution:
        parts.append(f"{sentence.institution} security")
    if sentence.credit_stated:
        parts.append(f"custody credit {sentence.credit_stated} as the court stated")
    return ", ".join(parts)
