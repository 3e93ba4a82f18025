"""What the engine returns: deadlines that carry their own derivation.

A deadline is a window of days (`earliest` to `latest`, equal when every input is certain). Each
scenario behind it lists its steps in plain words, each step naming the rule it applies, so a
lawyer can redo the arithmetic by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from core.partial_dates import PartialDate


class DeadlineKind(StrEnum):
    NEXT_HEARING = "next_hearing"
    APPEAL_VERDICT = "appeal_verdict"
    APPEAL_CUSTODY_ORDER = "appeal_custody_order"
    VERDICT_IN_FORCE = "verdict_in_force"
    RELEASE = "release"
    PAROLE = "parole"
    ARREST_CAP = "arrest_cap"
    PRETRIAL_CAP = "pretrial_cap"
    PRETRIAL_EXTENSION_REQUEST = "pretrial_extension_request"
    ASYLUM_APPLICATION = "asylum_application"
    ASYLUM_REGISTRATION = "asylum_registration"
    ASYLUM_DECISION = "asylum_decision"
    ASYLUM_DECISION_EXTENDED = "asylum_decision_extended"
    RESTRICTION_END = "restriction_end"
    LEAVE_AFTER_REFUSAL = "leave_after_refusal"
    TREATY_HANDOVER = "treaty_handover"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


def gettext_noop(text: str) -> str:
    """Marks a label for translation; pages translate it when they show it."""
    return text


KIND_LABELS = {
    DeadlineKind.NEXT_HEARING: gettext_noop("Hearing"),
    DeadlineKind.APPEAL_VERDICT: gettext_noop("Appeal against the verdict"),
    DeadlineKind.APPEAL_CUSTODY_ORDER: gettext_noop("Appeal against the custody order"),
    DeadlineKind.VERDICT_IN_FORCE: gettext_noop("Verdict enters into force"),
    DeadlineKind.RELEASE: gettext_noop("Release"),
    DeadlineKind.PAROLE: gettext_noop("Parole eligibility"),
    DeadlineKind.ARREST_CAP: gettext_noop("Detention on arrest ends"),
    DeadlineKind.PRETRIAL_CAP: gettext_noop("Pretrial custody limit"),
    DeadlineKind.PRETRIAL_EXTENSION_REQUEST: gettext_noop("Custody extension must be requested"),
    DeadlineKind.ASYLUM_APPLICATION: gettext_noop("Asylum application due"),
    DeadlineKind.ASYLUM_REGISTRATION: gettext_noop("Asylum claim registration due"),
    DeadlineKind.ASYLUM_DECISION: gettext_noop("Asylum decision due"),
    DeadlineKind.ASYLUM_DECISION_EXTENDED: gettext_noop("Asylum decision, extended limit"),
    DeadlineKind.RESTRICTION_END: gettext_noop("Restriction ends"),
    DeadlineKind.LEAVE_AFTER_REFUSAL: gettext_noop("Time to leave after a final refusal ends"),
    DeadlineKind.TREATY_HANDOVER: gettext_noop("Treaty hand-over window closes"),
}


# The rule (by its key in `rules.py`) each kind of deadline is named after.
MAIN_RULE_KEY = {
    DeadlineKind.APPEAL_VERDICT: "verdict_appeal",
    DeadlineKind.APPEAL_CUSTODY_ORDER: "custody_order_appeal",
    DeadlineKind.VERDICT_IN_FORCE: "entry_into_force",
    DeadlineKind.RELEASE: "release",
    DeadlineKind.PAROLE: "parole",
    DeadlineKind.ARREST_CAP: "arrest_cap",
    DeadlineKind.PRETRIAL_CAP: "pretrial_cap",
    DeadlineKind.PRETRIAL_EXTENSION_REQUEST: "pretrial_extension_request",
    DeadlineKind.ASYLUM_APPLICATION: "asylum_application",
    DeadlineKind.ASYLUM_REGISTRATION: "asylum_application",
    DeadlineKind.ASYLUM_DECISION: "asylum_decision",
    DeadlineKind.ASYLUM_DECISION_EXTENDED: "asylum_decision",
    DeadlineKind.RESTRICTION_END: "restriction_start",
    DeadlineKind.LEAVE_AFTER_REFUSAL: "leave_after_refusal",
    DeadlineKind.TREATY_HANDOVER: "treaty_handover",
}


class Status(StrEnum):
    UPCOMING = "upcoming"  # still ahead
    DUE = "due"  # today falls inside the window
    OVERDUE = "overdue"  # past, and what it waits for has not happened
    PASSED = "passed"  # past, and nothing is waiting on it any more


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source an input comes from, as the page shows it."""

    title: str
    source_id: int | None = None
    quote: str = ""
    reported: str = ""  # the value this source gives, when it differs from others


@dataclass(frozen=True, slots=True)
class Input:
    """One fact the deadline depends on, as the records state it."""

    label: str
    value: str
    sources: tuple[SourceRef, ...] = ()
    uncertain: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the derivation: a rule applied, or one sum."""

    text: str
    rule_id: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One reading of uncertain inputs (or of the law) and the date it gives."""

    label: str
    date: date
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    key: str  # stable across recomputations: calendar UIDs and links use it
    title: str
    earliest: date
    latest: date
    person_id: int | None = None
    case_id: int | None = None
    rule_ids: tuple[str, ...] = ()
    inputs: tuple[Input, ...] = ()
    scenarios: tuple[Scenario, ...] = ()  # the earliest and the latest reading, or the one
    other_readings: tuple[Scenario, ...] = ()  # e.g. the court's own arithmetic, for comparison
    uncertain_because: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()  # rules applied whose figure or dates are not verified
    actual: PartialDate | None = None  # what the records say happened
    done: bool = False  # what the deadline waits for has happened (or can no longer happen)
    suppressed_because: str = ""  # shown struck through, never on the dashboard

    @property
    def window(self) -> PartialDate:
        return PartialDate(self.earliest, self.latest)

    @property
    def is_window(self) -> bool:
        return self.earliest != self.latest

    def status(self, today: date) -> Status:
        if self.latest < today:
            return Status.PASSED if self.done or self.actual is not None else Status.OVERDUE
        if self.earliest <= today:
            return Status.DUE
        return Status.UPCOMING

    def actual_difference_days(self) -> int | None:
        """Days between what happened and the window (0 inside it, negative when earlier)."""
        if self.actual is None:
            return None
        happened = self.actual.earliest
        if happened < self.earliest:
            return (happened - self.earliest).days
        if happened > self.latest:
            return (happened - self.latest).days
        return 0


@dataclass(frozen=True, slots=True)
class Gap:
    """A deadline that cannot be computed yet, and the input it waits for."""

    kind: DeadlineKind
    key: str
    missing: str
    person_id: int | None = None
    case_id: int | None = None


@dataclass(frozen=True)
class Result:
    deadlines: tuple[Deadline, ...] = ()
    gaps: tuple[Gap, ...] = field(default=())
