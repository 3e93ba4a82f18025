"""Time in custody: which days count, and what they are worth against a sentence."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal

from deadlines.engine.counting import Term, day_label, months_and_days
from deadlines.engine.facts import CustodyFact

CUSTODY = ("arrest", "pretrial", "prison", "other")
HOUSE_ARREST = "house_arrest"
Bound = Literal["most", "least"]


@dataclass(frozen=True, slots=True)
class Segment:
    """Days held without a break, `start` included, `end` excluded."""

    start: date
    end: date
    house_arrest: bool = False

    def clipped(self, until: date) -> Segment | None:
        if until <= self.start:
            return None
        return Segment(self.start, min(self.end, until), self.house_arrest)

    def describe(self) -> str:
        what = "Under house arrest" if self.house_arrest else "In custody"
        last = self.end - timedelta(days=1)
        return f"{what} from {day_label(self.start)} to {day_label(last)}"


def segments(intervals: Iterable[CustodyFact], bound: Bound, until: date) -> list[Segment]:
    """The days held before `until`: "most" reads every uncertain end as late as a source
    allows, "least" as early. Overlapping or touching intervals merge."""
    found: dict[bool, list[Segment]] = {False: [], True: []}
    for interval in intervals:
        if interval.start is None or interval.kind not in (*CUSTODY, HOUSE_ARREST):
            continue
        start = interval.start.earliest if bound == "most" else interval.start.latest
        if interval.end is not None:
            last = interval.end.latest if bound == "most" else interval.end.earliest
            end = last + timedelta(days=1)
        else:
            # Still held, or released on a day no source gives: a release before `until`
            # would be the very thing being computed, so the custody runs to `until`.
            end = until
        segment = Segment(start, end, interval.kind == HOUSE_ARREST).clipped(until)
        if segment is not None and segment.end > segment.start:
            found[segment.house_arrest].append(segment)
    merged = _merge(found[False])
    held = [(s.start, s.end) for s in merged]
    # A day under house arrest that is also a day in custody counts once, as custody.
    for segment in _merge(found[True]):
        merged.extend(_subtract(segment, held))
    return sorted(merged, key=lambda s: (s.start, s.house_arrest))


def _merge(items: Sequence[Segment]) -> list[Segment]:
    result: list[Segment] = []
    for segment in sorted(items, key=lambda s: s.start):
        if result and segment.start <= result[-1].end:
            last = result[-1]
            result[-1] = Segment(last.start, max(last.end, segment.end), last.house_arrest)
        else:
            result.append(segment)
    return result


def _subtract(segment: Segment, held: Sequence[tuple[date, date]]) -> list[Segment]:
    pieces = [segment]
    for start, end in held:
        next_pieces = []
        for piece in pieces:
            if end <= piece.start or start >= piece.end:
                next_pieces.append(piece)
                continue
            if piece.start < start:
                next_pieces.append(Segment(piece.start, start, True))
            if end < piece.end:
                next_pieces.append(Segment(end, piece.end, True))
        pieces = next_pieces
    return pieces


def scale(term: Term, ratio: Fraction) -> Term:
    """A term multiplied the way courts do it: months and days each times the ratio, half a
    month as 15 days, a part of a day rounded up (in the convict's favour)."""
    if ratio == 1:
        return term  # a day for a day: the calendar's own months and days
    months = Fraction(term.total_months) * ratio
    whole_months = int(months)
    days = (months - whole_months) * 30 + Fraction(term.days) * ratio
    whole_days = -(-days.numerator // days.denominator)  # ceiling
    return Term(0, whole_months, whole_days).normalised()


def add(*terms: Term) -> Term:
    """The sum, days carried into months at 30; a single term stays as the calendar gave it
    (2 months 30 days is less than 3 months when the month had 31)."""
    terms = tuple(term for term in terms if term != Term()) or (Term(),)
    if len(terms) == 1:
        return terms[0]
    return Term(0, sum(t.total_months for t in terms), sum(t.days for t in terms)).normalised()


def _order(term: Term) -> tuple[int, int]:
    return (term.total_months, term.days)


def credit(held: Sequence[Segment], custody_ratio: Fraction, house_ratio: Fraction) -> Term:
    custody = add(*(months_and_days(s.start, s.end) for s in held if not s.house_arrest))
    house = add(*(months_and_days(s.start, s.end) for s in held if s.house_arrest))
    return add(scale(custody, custody_ratio), scale(house, house_ratio))


def first_day_reaching(
    target: Term, served_until: Callable[[date], Term], low: date, high: date
) -> date | None:
    """The first day `d` in [low, high] with `served_until(d) >= target` (served is
    monotone in `d`), or None."""
    goal = _order(target)
    if _order(served_until(high)) < goal:
        return None
    while low < high:
        middle = low + (high - low) // 2
        if _order(served_until(middle)) >= goal:
            high = middle
        else:
            low = middle + timedelta(days=1)
    return low
