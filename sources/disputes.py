"""When sources disagree: citations of the same field of one fact reporting different values.

Pure Python over already-fetched citations: both claims stay visible, side by side.

Sources word things differently, so "different" means incompatible, not merely spelled
otherwise:
- dates disagree when they cannot both be true: 1 and 6 October 2019 disagree, while
  "6 December 2019" and "December 2019" agree (one only narrows the other);
- other values are compared by their words, ignoring case, punctuation, a few filler words
  and word endings (the first five letters of each word stand for it): they disagree when
  neither value's words include the other's. "pending" and "still pending" agree, so do
  "illegally crossing the border" and "illegal border crossing"; "director of the border
  service" and "deputy chief of the National Security Committee" do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from core.partial_dates import PartialDate


class Reported(Protocol):
    @property
    def field(self) -> str: ...

    @property
    def reported_value(self) -> str: ...

    @property
    def reported_date(self) -> PartialDate | None: ...


R = TypeVar("R", bound=Reported)
C = TypeVar("C")


@dataclass(frozen=True)
class ReportedValue(Generic[C]):
    """One value and the citations that report it: `value` as the first of them worded it
    (blank when it gave only a date)."""

    value: str
    reported_date: PartialDate | None
    citations: tuple[C, ...]


@dataclass(frozen=True)
class Disagreement(Generic[C]):
    field: str
    values: tuple[ReportedValue[C], ...]


_WORD = re.compile(r"\w+")
_FILLER = frozenset({"a", "an", "the", "of", "to", "in", "on", "at", "and", "for", "s"})
STEM = 5


def _words(text: str) -> frozenset[str]:
    """The value's words cut to their stems; numbers stay whole ("1" is not "10")."""
    return frozenset(
        word if word.isdigit() else word[:STEM]
        for word in _WORD.findall(text.casefold())
        if word not in _FILLER
    )


def compatible(first: Reported, second: Reported) -> bool:
    """Whether two reported values can both be true."""
    if first.reported_date is not None and second.reported_date is not None:
        return first.reported_date.overlaps(second.reported_date)
    a, b = _words(first.reported_value), _words(second.reported_value)
    return a <= b or b <= a


def _has_value(citation: Reported) -> bool:
    return citation.reported_date is not None or bool(_words(citation.reported_value))


def _group(citations: Sequence[R]) -> list[list[R]]:
    """Citations grouped by the value they report, in first-cited order: a citation joins the
    first group whose first value it agrees with."""
    groups: list[list[R]] = []
    for citation in citations:
        for group in groups:
            if compatible(group[0], citation):
                group.append(citation)
                break
        else:
            groups.append([citation])
    return groups


# A name spelled two ways is not a dispute: every spelling is kept as a name variant.
SPELLING_FIELDS = frozenset({"display_name", "name", "text"})


def disagreements(
    citations: Iterable[R], *, ignore: frozenset[str] = SPELLING_FIELDS
) -> list[Disagreement[R]]:
    """The fields on which the citations report incompatible values, in first-cited order."""
    by_field: dict[str, list[R]] = {}
    for citation in citations:
        if citation.field not in ignore and _has_value(citation):
            by_field.setdefault(citation.field, []).append(citation)
    found: list[Disagreement[R]] = []
    for field, cited in by_field.items():
        groups = _group(cited)
        if len(groups) > 1:
            values = tuple(
                ReportedValue(
                    value=group[0].reported_value,
                    reported_date=group[0].reported_date,
                    citations=tuple(group),
                )
                for group in groups
            )
            found.append(Disagreement(field=field, values=values))
    return found
