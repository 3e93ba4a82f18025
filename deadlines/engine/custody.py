"""Custody before trial: the arrest cap in hours, the pretrial limits and their extensions, the
appeal against a custody order, and the treaty hand-over window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from deadlines.engine.counting import CUSTODY_TERM, PROCEDURAL, Term, add_term, day_label
from deadlines.engine.derivation import Reading, Work, deadline_from, extremes, input_for
from deadlines.engine.facts import ClaimFact, CrossingFact, CustodyFact, HearingFact
from deadlines.engine.results import Deadline, DeadlineKind
from deadlines.engine.rules import RuleSet

GRAVITY_UNKNOWN = "unknown"


def arrest_cap(interval: CustodyFact, ruleset: RuleSet) -> Deadline | None:
    """48 hours (72 in the listed cases) from the moment of detention."""
    if interval.kind != "arrest" or interval.start is None:
        return None
    rule = ruleset.at("arrest_cap", interval.start.earliest)
    hours, extended = rule.params["hours"], rule.params["extended_hours"]
    readings = []
    if interval.started_at is not None:
        work = Work()
        started = interval.started_at
        if started.tzinfo is not None:
            started = started.astimezone(ruleset.time_zone)
        ends = started + timedelta(hours=hours)
        work.note(
            f"Detained at {started:%H:%M} on {day_label(started.date())}; "
            f"{hours} hours later is {ends:%H:%M} on {day_label(ends.date())} ({rule.article}).",
            rule,
        )
        readings.append(Reading("", ends.date(), work))
        late = Work()
        later = started + timedelta(hours=extended)
        late.note(
            f"In the listed cases (remoteness among them) {extended} hours: {later:%H:%M} on "
            f"{day_label(later.date())} ({rule.article}).",
            rule,
        )
        others = [Reading(f"{extended} hours, in the listed cases", later.date(), late)]
    else:
        for label, day in extremes(interval.start, "from {day}"):
            work = Work()
            end = day + timedelta(days=hours // 24)
            work.note(
                f"Detained on {day_label(day)}, hour not recorded: {hours} hours end on "
                f"{day_label(end)} at the latest hour of detention ({rule.article}).",
                rule,
            )
            readings.append(Reading(label, end, work))
        late = Work()
        last = interval.start.latest + timedelta(days=extended // 24)
        late.note(
            f"In the listed cases (remoteness among them) {extended} hours: {day_label(last)}.",
            rule,
        )
        others = [Reading(f"{extended} hours, in the listed cases", last, late)]
    return deadline_from(
        DeadlineKind.ARREST_CAP,
        f"arrest_cap:{interval.ref}",
        f"Detention on arrest may last {hours} hours",
        readings,
        inputs=[input_for("Detained", interval.start, interval.cited("start", "started_at"))],
        uncertain_because=["the day of detention"] if not interval.start.is_exact else (),
        others=others,
        person_id=interval.person_id,
        case_id=interval.case_id,
        actual=interval.end,
        done=not interval.is_open,
    )


def pretrial_limits(
    interval: CustodyFact,
    arrests: Sequence[CustodyFact],
    trial_start: date | None,
    gravity: str,
    ruleset: RuleSet,
    today: date,
) -> list[Deadline]:
    """The two-month limit, each extension the gravity allows up to the one that covers the
    custody, and for custody still running the last day to request the next extension."""
    if interval.kind not in ("pretrial", "house_arrest") or interval.start is None:
        return []
    rule = ruleset.at("pretrial_cap", interval.start.earliest)
    counting = ruleset.at("counting", interval.start.earliest)
    # The term counts from the detention when an arrest led straight into it.
    origin = interval.start
    origin_what = "pretrial custody began" if interval.kind == "pretrial" else "house arrest began"
    for arrest in arrests:
        if (
            arrest.start
            and arrest.start.earliest <= origin.earliest
            and (arrest.end is None or arrest.end.latest >= origin.earliest - timedelta(days=1))
        ):
            origin, origin_what = arrest.start, "the detention that led into it"
    stages = [(rule.params["months"], "")]
    stages += [
        (months, "extended")
        for months, allowed in rule.params["extensions"]
        if gravity == GRAVITY_UNKNOWN or gravity in allowed
    ]
    ended = interval.end.latest if interval.end else None
    stop = min(d for d in (ended, trial_start, today) if d is not None)
    found: list[Deadline] = []
    what = "custody" if interval.kind == "pretrial" else "house arrest"
    for months, extended in stages:
        readings = []
        for label, day in extremes(origin, "from {day}"):
            work = Work()
            work.note(f"The term counts from the day {origin_what}: {day_label(day)}.")
            last = add_term(day, Term(0, months, 0)) - timedelta(days=1)
            work.note(
                f"{months} months, the first day counted ({CUSTODY_TERM.describe()}): the last day "
                f"is {day_label(last)} ({rule.article}).",
                counting,
            )
            work.note(rule.note, rule)
            if gravity == GRAVITY_UNKNOWN and extended:
                work.note("The gravity of the charge is not recorded: every extension is shown.")
            readings.append(Reading(label, last, work))
        deadline = deadline_from(
            DeadlineKind.PRETRIAL_CAP,
            f"pretrial_cap:{interval.ref}:{months}",
            f"Pretrial {what} limit, {months} months" + (" (if extended)" if extended else ""),
            readings,
            inputs=[input_for(origin_what.capitalize(), origin, interval.cited("start"))],
            uncertain_because=["the day custody began"] if not origin.is_exact else (),
            person_id=interval.person_id,
            case_id=interval.case_id,
            actual=interval.end,
            done=not interval.is_open or (trial_start is not None),
        )
        found.append(deadline)
        if interval.is_open and trial_start is None and deadline.latest >= today:
            found.append(_extension_request(deadline, interval, ruleset))
        if deadline.latest >= stop:
            break
    return found


def _extension_request(limit: Deadline, interval: CustodyFact, ruleset: RuleSet) -> Deadline:
    rule = ruleset.at("pretrial_extension_request", limit.earliest)
    work = Work()
    work.note(
        f"The custody limit ends on {day_label(limit.latest)}; the extension must be requested "
        f"and granted before then ({rule.article}).",
        rule,
    )
    work.note(rule.note, rule)
    return deadline_from(
        DeadlineKind.PRETRIAL_EXTENSION_REQUEST,
        f"pretrial_extension_request:{limit.key}",
        "Last day for the custody extension request",
        [Reading("", limit.earliest - timedelta(days=1), work)],
        inputs=limit.inputs,
        person_id=interval.person_id,
        case_id=interval.case_id,
    )


def custody_order_appeal(
    interval: CustodyFact, order_hearing: HearingFact | None, ruleset: RuleSet
) -> Deadline | None:
    """Three days to appeal the order that placed the person in custody or house arrest."""
    if interval.kind not in ("pretrial", "house_arrest") or interval.start is None:
        return None
    rule = ruleset.at("custody_order_appeal", interval.start.earliest)
    counting = ruleset.at("counting", interval.start.earliest)
    order_date = order_hearing.date if order_hearing else interval.start
    readings = []
    for label, day in extremes(order_date, "from {day}"):
        work = Work()
        if order_hearing is None:
            work.note(
                f"No custody hearing is recorded: the order is taken as made the day the "
                f"measure began, {day_label(day)}."
            )
        last = work.count_days(
            day, rule.params["days"], PROCEDURAL, ruleset.calendar, counting, "The appeal term"
        )
        work.note(f"{rule.note} ({rule.article})", rule)
        readings.append(Reading(label, last, work))
    return deadline_from(
        DeadlineKind.APPEAL_CUSTODY_ORDER,
        f"appeal_custody_order:{interval.ref}",
        "Last day to appeal the custody order"
        if interval.kind == "pretrial"
        else "Last day to appeal the house-arrest order",
        readings,
        inputs=[input_for("Order made", order_date, interval.cited("start"))],
        uncertain_because=["the day of the order"] if not order_date.is_exact else (),
        person_id=interval.person_id,
        case_id=interval.case_id,
        done=True,
    )


def treaty_handover(
    detention: CustodyFact,
    crossing: CrossingFact,
    claims: Sequence[ClaimFact],
    ruleset: RuleSet,
) -> Deadline | None:
    """The (unverified) seven-day hand-over of border violators, set aside while an asylum
    claim is pending."""
    if detention.start is None:
        return None
    rule = ruleset.at("treaty_handover", detention.start.earliest)
    readings = []
    for label, day in extremes(detention.start, "from {day}"):
        work = Work()
        last = day + timedelta(days=rule.params["days"])
        work.note(
            f"Detained on {day_label(day)} after crossing the border: {rule.params['days']} days "
            f"later is {day_label(last)} ({rule.article}).",
            rule,
        )
        readings.append(Reading(label, last, work))
    pending = [c for c in claims if c.person_id == detention.person_id and c.open]
    suppressed = ""
    if pending:
        claim = pending[0]
        when = claim.registered or claim.filed
        suppressed = (
            "An asylum claim is pending"
            + (f" (since {when.label()})" if when else "")
            + ": no hand-over while it is (Law on Refugees Art. 8; Refugee Convention Art. 33)."
        )
    return deadline_from(
        DeadlineKind.TREATY_HANDOVER,
        f"treaty_handover:{detention.ref}",
        "Hand-over window under the border agreement (unverified rule)",
        readings,
        inputs=[
            input_for("Crossed the border", crossing.date, crossing.cited("date")),
            input_for("Detained", detention.start, detention.cited("start")),
        ],
        uncertain_because=["the day of detention"] if not detention.start.is_exact else (),
        person_id=detention.person_id,
        case_id=detention.case_id,
        done=True,
        suppressed_because=suppressed,
    )
