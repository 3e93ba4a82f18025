"""Asylum: applying after arrival, registration of a detainee's claim, the decision and its
extension, how long a claim has been pending, and the month to leave after a final refusal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from core.partial_dates import PartialDate
from deadlines.engine.counting import CALENDAR, Term, add_term, day_label
from deadlines.engine.derivation import Reading, Work, deadline_from, extremes, input_for
from deadlines.engine.facts import ClaimFact, CrossingFact, CustodyFact
from deadlines.engine.results import Deadline, DeadlineKind, Gap, Input
from deadlines.engine.rules import RuleSet

FINAL_STEPS = ("granted", "refused", "withdrawn")


def application_due(
    crossing: CrossingFact, claims: Sequence[ClaimFact], ruleset: RuleSet
) -> Deadline | None:
    if crossing.date is None:
        return None
    rule = ruleset.at("asylum_application", crossing.date.earliest)
    days = rule.params["apply_days"]
    readings = []
    for label, day in extremes(crossing.date, "crossed on {day}"):
        work = Work()
        last = day + timedelta(days=days)
        work.note(
            f"Arrived on {day_label(day)}: {days} calendar days ({CALENDAR.describe()}) end on "
            f"{day_label(last)} ({rule.article}).",
            rule,
        )
        readings.append(Reading(label, last, work))
    forced = Work()
    hours = rule.params["forced_crossing_hours"]
    forced_day = crossing.date.earliest + timedelta(hours=hours)
    forced.note(
        f"After a forced crossing away from a checkpoint: {hours} hours, {day_label(forced_day)} "
        f"({rule.article}).",
        rule,
    )
    claim = next(
        (
            c
            for c in claims
            if c.person_id == crossing.person_id and c.host_country == crossing.to_country
        ),
        None,
    )
    return deadline_from(
        DeadlineKind.ASYLUM_APPLICATION,
        f"asylum_application:{crossing.ref}",
        "Apply for asylum after arrival",
        readings,
        inputs=[input_for("Crossed the border", crossing.date, crossing.cited("date"))],
        uncertain_because=["the day of the crossing"] if not crossing.date.is_exact else (),
        others=[
            Reading(f"forced crossing away from a checkpoint ({hours} hours)", forced_day, forced)
        ],
        person_id=crossing.person_id,
        case_id=crossing.case_id,
        actual=claim.filed if claim else None,
        done=claim is not None,
    )


def claim_deadlines(
    claim: ClaimFact, custody: Sequence[CustodyFact], ruleset: RuleSet, today: date
) -> tuple[list[Deadline], list[Gap]]:
    found: list[Deadline] = []
    gaps: list[Gap] = []
    registration = _registration(claim, custody, ruleset)
    if registration is not None:
        found.append(registration)
    if claim.registered is None:
        if claim.open:
            gaps.append(
                Gap(
                    DeadlineKind.ASYLUM_DECISION,
                    f"asylum_decision:{claim.ref}",
                    "the day the claim was registered",
                    claim.person_id,
                    claim.case_id,
                )
            )
    else:
        found.extend(_decision(claim, ruleset, today))
    leave = _leave_after_refusal(claim, ruleset)
    if leave is not None:
        found.append(leave)
    return found, gaps


def _held_on(custody: Sequence[CustodyFact], person_id: int, day: PartialDate) -> bool:
    return any(
        c.person_id == person_id
        and c.kind in ("arrest", "pretrial", "prison", "other")
        and c.may_hold(begun_by=day.latest, still_on=day.earliest)
        for c in custody
    )


def _registration(
    claim: ClaimFact, custody: Sequence[CustodyFact], ruleset: RuleSet
) -> Deadline | None:
    """A detainee's claim: the authority is told within a day and registers within two."""
    if claim.filed is None or not _held_on(custody, claim.person_id, claim.filed):
        return None
    rule = ruleset.at("asylum_application", claim.filed.earliest)
    notify, register = rule.params["notify_days"], rule.params["register_days"]
    readings = []
    for label, day in extremes(claim.filed, "filed on {day}"):
        work = Work()
        told = day + timedelta(days=notify)
        last = told + timedelta(days=register)
        work.note(
            f"Asked for asylum in custody on {day_label(day)}: the authority is told within "
            f"{notify} day ({day_label(told)}) and registers the claim within {register} calendar "
            f"days: {day_label(last)} ({rule.article}).",
            rule,
        )
        readings.append(Reading(label, last, work))
    return deadline_from(
        DeadlineKind.ASYLUM_REGISTRATION,
        f"asylum_registration:{claim.ref}",
        "The claim must be registered",
        readings,
        inputs=[input_for("Claim filed", claim.filed, claim.cited("filed"))],
        person_id=claim.person_id,
        case_id=claim.case_id,
        actual=claim.registered,
        done=claim.registered is not None or not claim.open,
    )


def _decision(claim: ClaimFact, ruleset: RuleSet, today: date) -> list[Deadline]:
    assert claim.registered is not None
    rule = ruleset.at("asylum_decision", claim.registered.earliest)
    inputs = [input_for("Claim registered", claim.registered, claim.cited("registered"))]
    decided = claim.decided
    if claim.open:
        since = claim.registered.earliest
        inputs.append(
            Input(
                "Pending",
                f"{(today - since).days} days since registration on {day_label(since)} "
                f"(status: {claim.status}; no decision recorded)",
            )
        )
    elif decided is not None:
        inputs.append(input_for(f"Decided ({claim.status})", decided, claim.cited("decided")))
        inputs.append(
            Input(
                "Pending",
                f"{(decided.earliest - claim.registered.earliest).days} days until the decision",
            )
        )
    found = []
    for kind, months, title in (
        (DeadlineKind.ASYLUM_DECISION, rule.params["months"], "Decision due on the asylum claim"),
        (
            DeadlineKind.ASYLUM_DECISION_EXTENDED,
            rule.params["extended_months"],
            "Decision due if the term was extended",
        ),
    ):
        readings = []
        for label, day in extremes(claim.registered, "registered on {day}"):
            work = Work()
            last = add_term(day, Term(0, months, 0))
            work.note(
                f"Registered on {day_label(day)}: {months} months later is {day_label(last)} "
                f"({rule.article}; a shorter month ends on its last day).",
                rule,
            )
            readings.append(Reading(label, last, work))
        found.append(
            deadline_from(
                kind,
                f"{kind}:{claim.ref}",
                title,
                readings,
                inputs=inputs,
                uncertain_because=["the day of registration"]
                if not claim.registered.is_exact
                else (),
                person_id=claim.person_id,
                case_id=claim.case_id,
                actual=decided,
                done=not claim.open,
            )
        )
    return found


def _leave_after_refusal(claim: ClaimFact, ruleset: RuleSet) -> Deadline | None:
    """One month to leave once a refusal is final: here, a refusal with no later appeal."""
    if claim.status != "refused":
        return None
    refusal = claim.decided or next(
        (step.date for step in reversed(claim.steps) if step.status == "refused" and step.date),
        None,
    )
    if refusal is None:
        return None
    rule = ruleset.at("leave_after_refusal", refusal.earliest)
    readings = []
    for label, day in extremes(refusal, "refused on {day}"):
        work = Work()
        work.note(
            "The refusal is taken as final: no appeal is recorded after it. An asylum seeker "
            f"may stay until the procedure ends ({rule.article})."
        )
        last = add_term(day, Term(0, rule.params["months"], 0))
        work.note(f"One month from {day_label(day)}: {day_label(last)} ({rule.article}).", rule)
        readings.append(Reading(label, last, work))
    return deadline_from(
        DeadlineKind.LEAVE_AFTER_REFUSAL,
        f"leave_after_refusal:{claim.ref}",
        "Time to leave after the final refusal ends",
        readings,
        inputs=[input_for("Claim refused", refusal, claim.cited("decided", "status"))],
        uncertain_because=[f"the refusal is dated only to {refusal.label()}"]
        if not refusal.is_exact
        else (),
        person_id=claim.person_id,
        case_id=claim.case_id,
        done=True,
    )
