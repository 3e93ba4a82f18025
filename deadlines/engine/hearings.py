"""Hearings that are still ahead, or that passed with no outcome recorded."""

from __future__ import annotations

from deadlines.engine.counting import day_label
from deadlines.engine.derivation import Reading, Work, deadline_from, input_for
from deadlines.engine.facts import HearingFact
from deadlines.engine.results import Deadline, DeadlineKind

HEARING_LABELS = {
    "preliminary": "Preliminary hearing",
    "trial": "Trial session",
    "verdict": "Verdict",
    "custody": "Custody hearing",
    "appeal": "Appeal hearing",
}


def next_hearing(hearing: HearingFact) -> Deadline | None:
    """A scheduled hearing: upcoming, due today, or overdue when its day passed and no
    outcome was logged."""
    if hearing.status != "scheduled":
        return None
    kind = HEARING_LABELS.get(hearing.kind, "Hearing")
    readings = []
    for day in sorted({hearing.date.earliest, hearing.date.latest}):
        work = Work()
        at = f" at {hearing.time:%H:%M}" if hearing.time else ""
        work.note(f"{kind} scheduled for {day_label(day)}{at}; an outcome is due once it is held.")
        readings.append(Reading("" if hearing.date.is_exact else f"on {day_label(day)}", day, work))
    return deadline_from(
        DeadlineKind.NEXT_HEARING,
        f"next_hearing:{hearing.ref}",
        f"{kind} scheduled",
        readings,
        inputs=[input_for("Scheduled for", hearing.date, hearing.cited("date"))],
        uncertain_because=["the hearing is dated only to " + hearing.date.label()]
        if not hearing.date.is_exact
        else (),
        case_id=hearing.case_id,
    )
