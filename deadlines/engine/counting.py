"""How the law counts days: named conventions, a working-day calendar, and terms of months.

Every convention is a value with a name, so a derivation can say which one it used: "15 days,
start day not counted, moved to the next working day".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta

from core.partial_dates import ENGLISH_MONTHS

ONE_DAY = timedelta(days=1)
# Derivations are written in English whatever the machine's locale (strftime follows it).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Roll(StrEnum):
    """Where a term that ends on a day off goes."""

    FORWARD = "forward"  # to the next working day (procedural terms, CPC Art. 48)
    BACKWARD = "backward"  # to the preceding working day (release, PEC Art. 165)
    NONE = "none"  # stays put (custody and house-arrest terms)


@dataclass(frozen=True, slots=True)
class Counting:
    """A counting convention: whether the start day counts, and where a day off rolls."""

    name: str
    start_day_counted: bool
    roll: Roll
    working_days: bool = False  # count only working days (no rule here needs it yet)

    def describe(self) -> str:
        parts = ["start day counted" if self.start_day_counted else "start day not counted"]
        parts.append("working days only" if self.working_days else "calendar days")
        parts.append(
            {
                Roll.FORWARD: "a day off moves it to the next working day",
                Roll.BACKWARD: "a day off moves it to the preceding working day",
                Roll.NONE: "never moved",
            }[self.roll]
        )
        return ", ".join(parts)


# CPC Art. 48: procedural terms.
PROCEDURAL = Counting("procedural", start_day_counted=False, roll=Roll.FORWARD)
# CPC Art. 48: custody and house-arrest terms count the first day and never move.
CUSTODY_TERM = Counting("custody term", start_day_counted=True, roll=Roll.NONE)
# Law on Refugees: calendar days, nothing moves.
CALENDAR = Counting("calendar", start_day_counted=False, roll=Roll.NONE)


class WorkingCalendar:
    """Working days of one country, with transferred days off and working weekends."""

    def __init__(self, country: str) -> None:
        self.country = country

    @cache  # noqa: B019 - one calendar per country lives for the process
    def _holidays(self, year: int) -> holidays.HolidayBase:
        # Names in English whatever the process locale (the package follows LANG otherwise).
        return holidays.country_holidays(self.country, years=[year], language="en_US")

    def is_working_day(self, day: date) -> bool:
        return bool(self._holidays(day.year).is_working_day(day))

    def day_off_reason(self, day: date) -> str:
        """Why a day is not worked: "Saturday", or the holiday's name."""
        name = self._holidays(day.year).get(day)
        return str(name) if name else WEEKDAYS[day.weekday()]

    def roll(self, day: date, roll: Roll) -> date:
        if roll is Roll.NONE:
            return day
        step = ONE_DAY if roll is Roll.FORWARD else -ONE_DAY
        while not self.is_working_day(day):
            day += step
        return day


@dataclass(frozen=True, slots=True, order=True)
class Term:
    """A term in years, months and days, as courts state them."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def normalised(self) -> Term:
        """Whole months as months, days beyond 30 carried over (courts count a month as 30
        days when they add or subtract terms)."""
        months = self.total_months + self.days // 30
        return Term(0, months, self.days % 30)

    def as_relativedelta(self) -> relativedelta:
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def __str__(self) -> str:
        return term_label(self)


def term_label(term: Term) -> str:
    parts = []
    for amount, unit in ((term.years, "year"), (term.months, "month"), (term.days, "day")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    return " ".join(parts) if parts else "0 days"


def months_and_days(start: date, end_exclusive: date) -> Term:
    """The time from `start` up to (not including) `end_exclusive`, in months and days."""
    delta = relativedelta(end_exclusive, start)
    return Term(0, delta.years * 12 + delta.months, delta.days)


def add_term(start: date, term: Term) -> date:
    """`start` plus the term, clamped to the end of a shorter month (31 Jan + 1 month = 29 Feb)."""
    return start + term.as_relativedelta()


def subtract_terms(whole: Term, part: Term) -> Term | None:
    """What is left of `whole` after `part`, borrowing 30 days per month; None when `part`
    covers it all."""
    whole_days = whole.total_months * 30 + whole.days
    part_days = part.total_months * 30 + part.days
    left = whole_days - part_days
    if left <= 0:
        return None
    return Term(0, left // 30, left % 30)


def day_label(day: date) -> str:
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def weekday_label(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day_label(day)}"
