"""Partial dates: what a source said about when, and nothing more.

Sources say "in October", "in April 2018", "on 6 January 2020" or "between 1 and 6 October".
A `PartialDate` is the closed interval of days the statement allows. Its precision is derived
from the interval's shape, so the value cannot contradict itself: a whole calendar month is
"October 2019", a whole year is "2019", a single day is a day, anything else is a range.

Pure Python, no Django: the deadline engine and importers use it too.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_LOOKUP = {name.lower(): i for i, name in enumerate(ENGLISH_MONTHS, start=1)}
_MONTH_LOOKUP.update({name[:3].lower(): i for i, name in enumerate(ENGLISH_MONTHS, start=1)})
_MONTH_LOOKUP["sept"] = 9


class PartialDateError(ValueError):
    """Text that is not a partial date, or a day that does not exist."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """The days a source allows, `earliest` to `latest` inclusive."""

    earliest: date
    latest: date

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise PartialDateError(f"{self.latest} is before {self.earliest}")

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def day(cls, year: int, month: int, day: int) -> PartialDate:
        try:
            value = date(year, month, day)
        except (ValueError, OverflowError) as error:
            raise PartialDateError(f"{day} {_month_name(month)} {year} does not exist") from error
        return cls(value, value)

    @classmethod
    def of(cls, value: date) -> PartialDate:
        return cls(value, value)

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        if not 1 <= month <= 12 or not 1 <= year <= 9999:
            raise PartialDateError(f"month {month} of year {year} does not exist")
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def year(cls, year: int) -> PartialDate:
        if not 1 <= year <= 9999:
            raise PartialDateError(f"year {year} is out of range")
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def between(cls, earliest: PartialDate, latest: PartialDate) -> PartialDate:
        """From the start of one partial date to the end of another."""
        return cls(earliest.earliest, latest.latest)

    @classmethod
    def parse(cls, text: str, *, default_year: int | None = None) -> PartialDate:
        """Read ISO forms (2019, 2019-10, 2019-10-06, 2019-10-01/2019-10-06) and English
        ones (6 October 2019, October 6, 2019, October 2019, Oct 2019).

        `default_year` completes "6 December" or "October" from a report's own date."""
        cleaned = " ".join(text.replace(",", " ").split())
        if not cleaned:
            raise PartialDateError("empty date")
        ends = _RANGE_SEPARATOR.split(cleaned)
        if len(ends) > 2:
            raise PartialDateError(f"{text!r}: a range has two ends, a start and an end")
        if len(ends) == 2:
            start = cls.parse(ends[0], default_year=default_year)
            end = cls.parse(ends[1], default_year=default_year)
            if end.latest < start.earliest:
                raise PartialDateError(f"{text!r}: the range ends before it starts")
            return cls.between(start, end)
        parsed = _parse_single(cleaned, default_year)
        if parsed is None:
            raise PartialDateError(
                f"{text!r} is not a date; write 2019-10-06, 2019-10, 2019, "
                "6 October 2019, October 2019 or a range like 2019-10-01/2019-10-06"
            )
        return parsed

    # -- reading -----------------------------------------------------------------------------
    @property
    def precision(self) -> Precision:
        first, last = self.earliest, self.latest
        if first == last:
            return Precision.DAY
        # Not `(last + 1 day).day == 1`: that overflows on 9999-12-31.
        if first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]:
            if first.year == last.year and first.month == last.month:
                return Precision.MONTH
            if first.month == 1 and last.month == 12 and first.year == last.year:
                return Precision.YEAR
        return Precision.RANGE

    @property
    def is_exact(self) -> bool:
        return self.earliest == self.latest

    @property
    def sort_key(self) -> tuple[date, date]:
        return (self.earliest, self.latest)

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key < other.sort_key

    def contains(self, day: date) -> bool:
        return self.earliest <= day <= self.latest

    def overlaps(self, other: PartialDate) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest

    def iso(self) -> str:
        """The canonical text form; `parse(iso())` gives the same value back."""
        first = self.earliest
        match self.precision:
            case Precision.DAY:
                return first.isoformat()
            case Precision.MONTH:
                return f"{first.year:04d}-{first.month:02d}"
            case Precision.YEAR:
                return f"{first.year:04d}"
            case _:
                return f"{first.isoformat()}/{self.latest.isoformat()}"

    def label(self, month_names: Sequence[str] = ENGLISH_MONTHS) -> str:
        """Human form at the precision known: "6 January 2020", "October 2019", "2020"."""
        first, last = self.earliest, self.latest
        match self.precision:
            case Precision.DAY:
                return f"{first.day} {month_names[first.month - 1]} {first.year}"
            case Precision.MONTH:
                return f"{month_names[first.month - 1]} {first.year}"
            case Precision.YEAR:
                return str(first.year)
            case _:
                start = PartialDate.of(first).label(month_names)
                end = PartialDate.of(last).label(month_names)
                if first.year == last.year and first.month == last.month:
                    start = str(first.day)
                elif first.year == last.year:
                    start = f"{first.day} {month_names[first.month - 1]}"
                return f"{start} – {end}"

    def __str__(self) -> str:
        return self.label()


def _month_name(month: int) -> str:
    return ENGLISH_MONTHS[month - 1] if 1 <= month <= 12 else f"month {month}"


_RANGE_SEPARATOR = re.compile(r"/|\.\.")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?(?: (\d{4}))?$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?(?: (\d{4}))?$")


def _parse_single(text: str, default_year: int | None) -> PartialDate | None:
    lowered = text.lower()
    if m := _ISO_DAY.match(lowered):
        return PartialDate.day(int(m[1]), int(m[2]), int(m[3]))
    if m := _ISO_MONTH.match(lowered):
        return PartialDate.month(int(m[1]), int(m[2]))
    if m := _YEAR.match(lowered):
        return PartialDate.year(int(m[1]))
    for pattern, day_group, month_group, year_group in (
        (_DAY_MONTH_YEAR, 1, 2, 3),
        (_MONTH_DAY_YEAR, 2, 1, 3),
    ):
        if (m := pattern.match(lowered)) and m[month_group] in _MONTH_LOOKUP:
            year = _year_or_default(m[year_group], default_year, text)
            return PartialDate.day(year, _MONTH_LOOKUP[m[month_group]], int(m[day_group]))
    if (m := _MONTH_YEAR.match(lowered)) and m[1] in _MONTH_LOOKUP:
        year = _year_or_default(m[2], default_year, text)
        return PartialDate.month(year, _MONTH_LOOKUP[m[1]])
    return None


def _year_or_default(year: str | None, default_year: int | None, text: str) -> int:
    if year:
        return int(year)
    if default_year is None:
        raise PartialDateError(f"{text!r} has no year")
    return default_year
