"""How the deadline engine counts: the working-day calendar of Kazakhstan, terms in months and
days, and custody time turned into credit (no database).

Every expected date is worked by hand in the comment next to it."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from core.partial_dates import PartialDate
from deadlines.engine.counting import (
    CALENDAR,
    CUSTODY_TERM,
    PROCEDURAL,
    Roll,
    Term,
    WorkingCalendar,
    add_term,
    day_label,
    months_and_days,
    subtract_terms,
    term_label,
    weekday_label,
)
from deadlines.engine.custody_time import (
    Segment,
    add,
    credit,
    first_day_reaching,
    scale,
    segments,
)
from deadlines.engine.derivation import Work
from deadlines.engine.facts import CustodyFact
from deadlines.engine.rules import KAZAKHSTAN, RULES_BY_ID

D = date
day = PartialDate.day
KZ = KAZAKHSTAN.calendar
COUNTING = RULES_BY_ID["kz.cpc.48"]


def custody(
    kind: str, start: PartialDate, end: PartialDate | None = None, *, end_unknown: bool = False
) -> CustodyFact:
    return CustodyFact(
        f"{kind}-1",
        person_id=1,
        case_id=1,
        kind=kind,
        start=start,
        end=end,
        end_unknown=end_unknown,
    )


# -- counting conventions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counting", "described"),
    [
        (
            PROCEDURAL,
            "start day not counted, calendar days, a day off moves it to the next working day",
        ),
        (CUSTODY_TERM, "start day counted, calendar days, never moved"),
        (CALENDAR, "start day not counted, calendar days, never moved"),
    ],
)
def test_each_counting_convention_describes_itself_in_words(counting, described) -> None:
    assert counting.describe() == described


# -- the working-day calendar ----------------------------------------------------------------


def test_a_transferred_working_sunday_is_a_working_day() -> None:
    # The day off of Sunday 5 January 2020 was moved to Friday 3 January.
    assert D(2020, 1, 5).strftime("%A") == "Sunday"
    assert KZ.is_working_day(D(2020, 1, 5))
    assert not KZ.is_working_day(D(2020, 1, 3))


def test_a_holiday_is_named_and_a_weekend_day_is_named_by_its_weekday() -> None:
    assert KZ.day_off_reason(D(2020, 7, 6)) == "Capital Day"
    assert KZ.day_off_reason(D(2020, 7, 4)) == "Saturday"
    assert KZ.day_off_reason(D(2020, 3, 21)) == "Nowruz Holiday"


@pytest.mark.parametrize(
    ("raw", "roll", "expected"),
    [
        # 1 Jan 2020 (New Year), 2 Jan (New Year), 3 Jan (day off moved from 5 Jan), 4 Jan
        # Saturday; Sunday 5 January 2020 is worked.
        (D(2020, 1, 1), Roll.FORWARD, D(2020, 1, 5)),
        # Nowruz: 21 March 2020 (Saturday) to 25 March (observed days): Thursday 26 March.
        (D(2020, 3, 21), Roll.FORWARD, D(2020, 3, 26)),
        # Monday 6 July 2020 is Capital Day after a weekend: Friday 3 July.
        (D(2020, 7, 6), Roll.BACKWARD, D(2020, 7, 3)),
        # Back across the new year: Tuesday 31 December 2019 is worked.
        (D(2020, 1, 1), Roll.BACKWARD, D(2019, 12, 31)),
        # Custody terms never move, even on a holiday.
        (D(2020, 7, 6), Roll.NONE, D(2020, 7, 6)),
        # A working day stays put whichever way.
        (D(2020, 2, 5), Roll.FORWARD, D(2020, 2, 5)),
        (D(2020, 2, 5), Roll.BACKWARD, D(2020, 2, 5)),
    ],
)
def test_a_day_off_rolls_the_way_the_convention_says(raw, roll, expected) -> None:
    assert KZ.roll(raw, roll) == expected


def test_a_calendar_for_another_country_uses_that_country() -> None:
    # Friday 3 July 2020: Independence Day (observed) in the United States, worked in Kazakhstan.
    assert not WorkingCalendar("US").is_working_day(D(2020, 7, 3))
    assert KZ.is_working_day(D(2020, 7, 3))


# -- terms in months and days ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "term", "expected"),
    [
        (D(2020, 1, 31), Term(0, 1, 0), D(2020, 2, 29)),  # clamped to the leap February
        (D(2019, 1, 31), Term(0, 1, 0), D(2019, 2, 28)),
        (D(2020, 2, 29), Term(1, 0, 0), D(2021, 2, 28)),
        (D(2019, 11, 30), Term(0, 3, 0), D(2020, 2, 29)),
        # The court's arithmetic: 21 January 2020 + 5 months 24 days = 21 June + 24 = 15 July.
        (D(2020, 1, 21), Term(0, 5, 24), D(2020, 7, 15)),
        # Months first, then days: 31 January + 1 month 1 day = 29 February + 1 = 1 March.
        (D(2020, 1, 31), Term(0, 1, 1), D(2020, 3, 1)),
    ],
)
def test_add_term_adds_months_then_days_clamping_to_the_month_end(start, term, expected) -> None:
    assert add_term(start, term) == expected


@pytest.mark.parametrize(
    ("start", "end_exclusive", "expected"),
    [
        # 18 October 2019 to 20 January 2020 inclusive: the court's "three months and three days".
        (D(2019, 10, 18), D(2020, 1, 21), Term(0, 3, 3)),
        # 14 October 2019 + 3 months = 14 January; to 6 February: 23 days.
        (D(2019, 10, 14), D(2020, 2, 6), Term(0, 3, 23)),
        (D(2020, 1, 31), D(2020, 2, 29), Term(0, 1, 0)),
        (D(2019, 10, 14), D(2019, 10, 15), Term(0, 0, 1)),
        (D(2019, 10, 14), D(2019, 10, 14), Term()),
        (D(2018, 10, 14), D(2020, 10, 15), Term(0, 24, 1)),  # years become months
    ],
)
def test_months_and_days_counts_whole_months_then_the_days_left(
    start, end_exclusive, expected
) -> None:
    assert months_and_days(start, end_exclusive) == expected


@pytest.mark.parametrize(
    ("whole", "part", "left"),
    [
        # The court: 1 year − 6 months 6 days = 5 months 24 days (a month as 30 days).
        (Term(1), Term(0, 6, 6), Term(0, 5, 24)),
        # 360 − (7 × 30 + 26) = 124 days = 4 months 4 days.
        (Term(1), Term(0, 7, 26), Term(0, 4, 4)),
        (Term(0, 6), Term(0, 6, 20), None),
        (Term(0, 6), Term(0, 6), None),
        (Term(0, 2), Term(0, 0, 1), Term(0, 1, 29)),
    ],
)
def test_subtract_terms_borrows_30_days_a_month_and_is_none_when_covered(whole, part, left) -> None:
    assert subtract_terms(whole, part) == left


def test_normalised_carries_days_beyond_30_into_months() -> None:
    assert Term(0, 6, 46).normalised() == Term(0, 7, 16)
    assert Term(1).normalised() == Term(0, 12, 0)
    assert Term(0, 2, 30).normalised() == Term(0, 3, 0)
    assert Term(2, 3, 4).total_months == 27


@pytest.mark.parametrize(
    ("term", "label"),
    [
        (Term(1), "1 year"),
        (Term(0, 5, 24), "5 months 24 days"),
        (Term(0, 0, 1), "1 day"),
        (Term(), "0 days"),
        (Term(2, 1, 0), "2 years 1 month"),
    ],
)
def test_terms_read_as_courts_write_them(term, label) -> None:
    assert term_label(term) == label
    assert str(term) == label


def test_day_labels_read_as_a_lawyer_writes_dates() -> None:
    assert day_label(D(2020, 7, 3)) == "3 July 2020"
    assert weekday_label(D(2020, 7, 3)) == "Friday 3 July 2020"


# -- counting a term of days and writing it down ---------------------------------------------


def test_count_days_procedural_does_not_count_the_start_day() -> None:
    # 21 January 2020 + 15 = 5 February 2020, a Wednesday: not moved.
    work = Work()
    last = work.count_days(D(2020, 1, 21), 15, PROCEDURAL, KZ, COUNTING, "The appeal term")
    assert last == D(2020, 2, 5)
    assert work.steps[-1].rule_id == "kz.cpc.48"
    assert work.steps[-1].text == (
        "The appeal term: 15 days from 21 January 2020 (start day not counted, calendar days, a "
        "day off moves it to the next working day) end on 5 February 2020."
    )


def test_count_days_moves_a_weekend_end_and_says_why() -> None:
    # Wednesday 16 October 2019 + 3 = Saturday 19 October: moved to Monday 21 October.
    work = Work()
    last = work.count_days(D(2019, 10, 16), 3, PROCEDURAL, KZ, COUNTING, "The appeal term")
    assert last == D(2019, 10, 21)
    assert "a day off (Saturday), so the next working day: 21 October 2019" in work.steps[-1].text


def test_count_days_custody_term_counts_the_first_day_and_never_moves() -> None:
    # 2 days from Friday 3 July 2020, the first day counted: 3 and 4 July; Saturday stays.
    work = Work()
    last = work.count_days(D(2020, 7, 3), 2, CUSTODY_TERM, KZ, COUNTING, "The term")
    assert last == D(2020, 7, 4)
    assert "day off" not in work.steps[-1].text


# -- custody time and its credit -------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "ratio", "expected"),
    [
        (Term(0, 3, 3), Fraction(2), Term(0, 6, 6)),  # the court's figure
        (Term(0, 3, 28), Fraction(2), Term(0, 7, 26)),  # 6 months 56 days
        (Term(0, 3, 0), Fraction(3, 2), Term(0, 4, 15)),  # half a month is 15 days
        (Term(0, 3, 1), Fraction(3, 2), Term(0, 4, 17)),  # 15 + 1.5 = 16.5, rounded up
        (Term(0, 3, 0), Fraction(1, 2), Term(0, 1, 15)),  # house arrest counts half
        (Term(0, 0, 1), Fraction(1, 2), Term(0, 0, 1)),  # half a day, in the convict's favour
        (Term(1), Fraction(1, 2), Term(0, 6, 0)),
        (Term(0, 2, 25), Fraction(2), Term(0, 5, 20)),  # 4 months 50 days
    ],
)
def test_scale_multiplies_months_and_days_rounding_a_part_day_up(term, ratio, expected) -> None:
    assert scale(term, ratio) == expected


def test_add_keeps_a_single_term_as_the_calendar_gave_it_and_carries_a_sum() -> None:
    assert add(Term(0, 2, 30)) == Term(0, 2, 30)
    assert add(Term(0, 0, 1), Term(0, 3, 19)) == Term(0, 3, 20)
    assert add(Term(0, 1, 20), Term(0, 2, 15)) == Term(0, 4, 5)


def test_touching_arrest_and_pretrial_custody_merge_into_one_stretch() -> None:
    # Read as long as possible: arrest 14–18 October, pretrial 18 October to 21 January.
    intervals = [
        custody("arrest", day(2019, 10, 14), PartialDate(D(2019, 10, 14), D(2019, 10, 18))),
        custody("pretrial", day(2019, 10, 18), day(2020, 1, 21)),
    ]
    assert segments(intervals, "most", D(2020, 2, 6)) == [Segment(D(2019, 10, 14), D(2020, 1, 22))]


def test_custody_read_as_short_as_possible_leaves_the_gap_between_intervals() -> None:
    # The arrest ended on 14 October at the earliest: that one day, then 18 October onwards.
    intervals = [
        custody("arrest", day(2019, 10, 14), PartialDate(D(2019, 10, 14), D(2019, 10, 18))),
        custody("pretrial", day(2019, 10, 18), None),
    ]
    assert segments(intervals, "least", D(2020, 2, 6)) == [
        Segment(D(2019, 10, 14), D(2019, 10, 15)),
        Segment(D(2019, 10, 18), D(2020, 2, 6)),
    ]


def test_an_ended_interval_with_no_end_date_runs_to_the_end_of_the_credit() -> None:
    # A release before `until` is what is being computed: custody read as running to it.
    intervals = [custody("pretrial", day(2020, 3, 1), None, end_unknown=True)]
    for bound in ("most", "least"):
        assert segments(intervals, bound, D(2020, 6, 1)) == [Segment(D(2020, 3, 1), D(2020, 6, 1))]


def test_custody_after_the_credit_ends_is_clipped_away() -> None:
    intervals = [custody("prison", day(2020, 1, 21), day(2020, 6, 22))]
    assert segments(intervals, "most", D(2020, 2, 6)) == [Segment(D(2020, 1, 21), D(2020, 2, 6))]
    assert segments(intervals, "most", D(2020, 1, 21)) == []


def test_a_day_under_house_arrest_and_in_custody_counts_once_as_custody() -> None:
    intervals = [
        custody("house_arrest", day(2020, 1, 1), day(2020, 3, 31)),
        custody("pretrial", day(2020, 2, 1), day(2020, 2, 29)),
    ]
    assert segments(intervals, "most", D(2020, 6, 1)) == [
        Segment(D(2020, 1, 1), D(2020, 2, 1), house_arrest=True),
        Segment(D(2020, 2, 1), D(2020, 3, 1)),
        Segment(D(2020, 3, 1), D(2020, 4, 1), house_arrest=True),
    ]


def test_detention_abroad_is_not_credited() -> None:
    intervals = [custody("abroad", day(2017, 4, 1), day(2018, 3, 1))]
    assert segments(intervals, "most", D(2020, 1, 1)) == []


def test_credit_of_the_reference_case_read_as_short_as_possible() -> None:
    # 14 October (1 day) + 18 October to 5 February (3 months 19 days) = 3 months 20 days;
    # × 2 = 6 months 40 days = 7 months 10 days.
    held = [Segment(D(2019, 10, 14), D(2019, 10, 15)), Segment(D(2019, 10, 18), D(2020, 2, 6))]
    assert credit(held, Fraction(2), Fraction(1, 2)) == Term(0, 7, 10)


def test_credit_adds_house_arrest_at_half() -> None:
    # 1 month in custody × 1 + 3 months under house arrest × ½ = 1 month + 1 month 15 days.
    held = [
        Segment(D(2020, 2, 1), D(2020, 5, 1), house_arrest=True),
        Segment(D(2020, 5, 1), D(2020, 6, 1)),
    ]
    assert credit(held, Fraction(1), Fraction(1, 2)) == Term(0, 2, 15)


def test_first_day_reaching_finds_the_first_day_the_credit_covers_a_term() -> None:
    # From 22 October 2019 at 2:1. Up to 21 January (exclusive): 2 months + 30 days (22 December
    # to 20 January) × 2 = 4 months 60 days = 6 months, a month as 30 days. Up to 20 January:
    # 2 months 29 days × 2 = 5 months 58 days, short of 6 months.
    held = [Segment(D(2019, 10, 22), D(2020, 2, 1))]

    def served(until: date) -> Term:
        clipped = [s for s in (x.clipped(until) for x in held) if s]
        return credit(clipped, Fraction(2), Fraction(1, 2))

    assert first_day_reaching(Term(0, 6), served, D(2019, 10, 22), D(2020, 2, 1)) == D(2020, 1, 21)
    assert first_day_reaching(Term(1), served, D(2019, 10, 22), D(2020, 2, 1)) is None
