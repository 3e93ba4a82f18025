"""Writing a derivation down while computing it, and turning readings into a window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.partial_dates import PartialDate
from deadlines.engine.counting import Counting, Roll, WorkingCalendar, day_label
from deadlines.engine.results import Deadline, DeadlineKind, Input, Scenario, SourceRef, Step
from deadlines.engine.rules import Rule


@dataclass
class Work:
    """The steps of one reading, and the rules they used."""

    steps: list[Step] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def note(self, text: str, rule: Rule | None = None) -> None:
        if rule is not None and rule not in self.rules:
            self.rules.append(rule)
        self.steps.append(Step(text, rule.id if rule else ""))

    def count_days(
        self,
        start: date,
        days: int,
        counting: Counting,
        calendar: WorkingCalendar,
        rule: Rule,
        what: str,
    ) -> date:
        """The last day of a term of `days` from `start`, under `counting`, with the sum
        written down."""
        end = start + timedelta(days=days - 1 if counting.start_day_counted else days)
        text = f"{what}: {days} days from {day_label(start)} ({counting.describe()}) end on "
        text += day_label(end)
        moved = calendar.roll(end, counting.roll)
        if moved != end:
            text += (
                f", a day off ({calendar.day_off_reason(end)}), so "
                f"{'the next' if counting.roll is Roll.FORWARD else 'the preceding'} working day: "
                f"{day_label(moved)}"
            )
        self.note(text + ".", rule)
        return moved


@dataclass(frozen=True)
class Reading:
    label: str
    day: date
    work: Work


def window(readings: Sequence[Reading]) -> tuple[Reading, Reading]:
    """The earliest and the latest reading (the same one when inputs are certain)."""
    ordered = sorted(readings, key=lambda reading: reading.day)
    return ordered[0], ordered[-1]


def deadline_from(
    kind: DeadlineKind,
    key: str,
    title: str,
    readings: Sequence[Reading],
    *,
    inputs: Sequence[Input],
    uncertain_because: Sequence[str] = (),
    others: Sequence[Reading] = (),
    person_id: int | None = None,
    case_id: int | None = None,
    actual: PartialDate | None = None,
    done: bool = False,
    suppressed_because: str = "",
) -> Deadline:
    first, last = window(readings)
    chosen = [first] if first.day == last.day else [first, last]
    rules: list[Rule] = []
    for reading in (*chosen, *others):
        for rule in reading.work.rules:
            if rule not in rules:
                rules.append(rule)
    return Deadline(
        kind=kind,
        key=key,
        title=title,
        earliest=first.day,
        latest=last.day,
        person_id=person_id,
        case_id=case_id,
        rule_ids=tuple(rule.id for rule in rules),
        inputs=tuple(inputs),
        scenarios=tuple(_scenario(r, len(chosen) == 1) for r in chosen),
        other_readings=tuple(_scenario(r, False) for r in others),
        uncertain_because=tuple(uncertain_because) if first.day != last.day else (),
        unverified=tuple(dict.fromkeys(rule.caveat for rule in rules if rule.caveat)),
        actual=actual,
        done=done,
        suppressed_because=suppressed_because,
    )


def _scenario(reading: Reading, only: bool) -> Scenario:
    return Scenario(
        label="" if only else reading.label, date=reading.day, steps=tuple(reading.work.steps)
    )


def input_for(
    label: str, value: PartialDate | date | str | None, sources: tuple[SourceRef, ...]
) -> Input:
    if isinstance(value, PartialDate):
        return Input(label, value.label(), sources, uncertain=not value.is_exact)
    if isinstance(value, date):
        return Input(label, day_label(value), sources)
    return Input(label, value or "not recorded", sources, uncertain=value is None)


def extremes(value: PartialDate, label: str) -> list[tuple[str, date]]:
    """The days to compute from: an exact date's one day, else the first and the last day the
    records allow, each named by `label` ("{day}" and "{bound}": earliest or latest)."""
    if value.is_exact:
        return [("", value.earliest)]
    return [
        (label.format(day=day_label(day), bound=bound), day)
        for bound, day in (("earliest", value.earliest), ("latest", value.latest))
    ]
