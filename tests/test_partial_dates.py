"""Partial dates as sources give them: parsing, precision, labels and ordering (no database)."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.partial_dates import PartialDate, PartialDateError, Precision

# -- strategies ------------------------------------------------------------------------------

days = st.dates(min_value=date.min, max_value=date.max).map(PartialDate.of)
months = st.builds(PartialDate.month, st.integers(1, 9999), st.integers(1, 12))
years = st.builds(PartialDate.year, st.integers(1, 9999))


@st.composite
def ranges(draw: st.DrawFn) -> PartialDate:
    first = draw(st.dates(min_value=date.min, max_value=date.max))
    last = draw(st.dates(min_value=first, max_value=date.max))
    return PartialDate(first, last)


partial_dates = st.one_of(days, months, years, ranges())


# -- parsing every accepted form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 January 2020", PartialDate.day(2020, 1, 6)),
        ("January 6, 2020", PartialDate.day(2020, 1, 6)),
        ("Jan 6 2020", PartialDate.day(2020, 1, 6)),
        ("6th January 2020", PartialDate.day(2020, 1, 6)),
        ("2020-01-06", PartialDate.day(2020, 1, 6)),
        ("  6   JANUARY  2020 ", PartialDate.day(2020, 1, 6)),
        ("October 2019", PartialDate.month(2019, 10)),
        ("Oct 2019", PartialDate.month(2019, 10)),
        ("Oct. 2019", PartialDate.month(2019, 10)),
        ("Sept 2019", PartialDate.month(2019, 9)),
        ("2019-10", PartialDate.month(2019, 10)),
        ("2019", PartialDate.year(2019)),
        (
            "2019-10-01/2019-10-06",
            PartialDate(date(2019, 10, 1), date(2019, 10, 6)),
        ),
        (
            "2019-10-01..2019-10-06",
            PartialDate(date(2019, 10, 1), date(2019, 10, 6)),
        ),
        (
            "October 2019/November 2019",
            PartialDate(date(2019, 10, 1), date(2019, 11, 30)),
        ),
    ],
)
def test_parse_reads_every_accepted_form(text: str, expected: PartialDate) -> None:
    assert PartialDate.parse(text) == expected


def test_day_without_a_year_takes_the_default_year() -> None:
    assert PartialDate.parse("6 December", default_year=2019) == PartialDate.day(2019, 12, 6)
    assert PartialDate.parse("October", default_year=2019) == PartialDate.month(2019, 10)


def test_explicit_year_wins_over_the_default_year() -> None:
    assert PartialDate.parse("6 December 2018", default_year=2019) == PartialDate.day(2018, 12, 6)


def test_day_without_a_year_and_no_default_is_rejected() -> None:
    with pytest.raises(PartialDateError, match="has no year"):
        PartialDate.parse("6 December")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31 February 2020", "31 February 2020 does not exist"),
        ("February 31, 2020", "31 February 2020 does not exist"),
        ("2019-02-29", "29 February 2019 does not exist"),
        ("2019-13", "month 13 of year 2019 does not exist"),
        ("0 October 2019", "0 October 2019 does not exist"),
        ("0000", "year 0 is out of range"),
    ],
)
def test_days_that_do_not_exist_are_rejected_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(PartialDateError, match=message):
        PartialDate.parse(text)


def test_29_february_of_a_leap_year_is_accepted() -> None:
    value = PartialDate.parse("2020-02-29")
    assert value == PartialDate.day(2020, 2, 29)
    assert value.label() == "29 February 2020"


@pytest.mark.parametrize("text", ["", "   ", ",", "garbage", "Octember 2019", "1 2019", "99999"])
def test_empty_or_garbage_text_is_rejected(text: str) -> None:
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


def test_garbage_message_shows_the_forms_that_work() -> None:
    with pytest.raises(PartialDateError, match="2019-10-06, 2019-10, 2019"):
        PartialDate.parse("next Tuesday")


def test_range_that_ends_before_it_starts_is_rejected() -> None:
    with pytest.raises(PartialDateError, match="ends before it starts"):
        PartialDate.parse("2019-10-06/2019-10-01")


def test_range_with_three_ends_is_rejected() -> None:
    with pytest.raises(PartialDateError, match="two ends"):
        PartialDate.parse("2019-10-01/2019-10-06/2019-10-07")


@pytest.mark.parametrize("text", ["/", "2019/", "/2019", ".."])
def test_range_with_a_missing_end_is_rejected(text: str) -> None:
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


def test_constructing_a_value_that_ends_before_it_starts_is_rejected() -> None:
    with pytest.raises(PartialDateError):
        PartialDate(date(2019, 10, 6), date(2019, 10, 1))


def test_day_constructor_rejects_absurd_numbers_with_partial_date_error() -> None:
    with pytest.raises(PartialDateError):
        PartialDate.day(2019, 1, 10**20)


# -- precision, labels, iso ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "label", "iso"),
    [
        (PartialDate.day(2020, 1, 6), Precision.DAY, "6 January 2020", "2020-01-06"),
        (PartialDate.month(2019, 10), Precision.MONTH, "October 2019", "2019-10"),
        (PartialDate.month(2020, 2), Precision.MONTH, "February 2020", "2020-02"),
        (PartialDate.year(2019), Precision.YEAR, "2019", "2019"),
        (
            PartialDate(date(2019, 10, 1), date(2019, 10, 6)),
            Precision.RANGE,
            "1 – 6 October 2019",
            "2019-10-01/2019-10-06",
        ),
        (
            PartialDate(date(2019, 10, 28), date(2019, 11, 2)),
            Precision.RANGE,
            "28 October – 2 November 2019",
            "2019-10-28/2019-11-02",
        ),
        (
            PartialDate(date(2019, 12, 30), date(2020, 1, 2)),
            Precision.RANGE,
            "30 December 2019 – 2 January 2020",
            "2019-12-30/2020-01-02",
        ),
        (
            PartialDate(date(2019, 10, 1), date(2019, 11, 30)),
            Precision.RANGE,
            "1 October – 30 November 2019",
            "2019-10-01/2019-11-30",
        ),
        (PartialDate.year(9999), Precision.YEAR, "9999", "9999"),
        (PartialDate.month(9999, 12), Precision.MONTH, "December 9999", "9999-12"),
        (PartialDate.year(1), Precision.YEAR, "1", "0001"),
    ],
)
def test_precision_label_and_iso(
    value: PartialDate, precision: Precision, label: str, iso: str
) -> None:
    assert value.precision == precision
    assert value.label() == label
    assert str(value) == label
    assert value.iso() == iso


def test_whole_month_written_as_a_range_is_a_month() -> None:
    """Precision is derived from the days, so the value cannot contradict itself."""
    assert PartialDate.parse("2019-10-01/2019-10-31").precision == Precision.MONTH
    assert PartialDate.parse("2019-01-01/2019-12-31").precision == Precision.YEAR


def test_label_uses_the_month_names_given() -> None:
    russian = (
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    )  # fmt: skip
    assert PartialDate.day(2020, 1, 6).label(russian) == "6 января 2020"


def test_only_a_single_day_is_exact() -> None:
    assert PartialDate.day(2020, 1, 6).is_exact
    assert not PartialDate.month(2020, 1).is_exact


def test_contains_and_overlaps() -> None:
    october = PartialDate.month(2019, 10)
    assert october.contains(date(2019, 10, 1))
    assert october.contains(date(2019, 10, 31))
    assert not october.contains(date(2019, 11, 1))
    assert october.overlaps(PartialDate.parse("2019-09-20/2019-10-01"))
    assert not october.overlaps(PartialDate.parse("2019-11"))


def test_month_sorts_after_the_first_day_of_that_month_and_before_the_second() -> None:
    october = PartialDate.month(2019, 10)
    first = PartialDate.day(2019, 10, 1)
    second = PartialDate.day(2019, 10, 2)
    assert sorted([second, october, first]) == [first, october, second]


# -- properties ---------------------------------------------------------------------------------


@given(partial_dates)
def test_iso_round_trips_through_parse(value: PartialDate) -> None:
    assert PartialDate.parse(value.iso()) == value


@given(st.one_of(days, months, years).filter(lambda value: value.earliest.year >= 1000))
def test_label_of_a_day_month_or_year_reads_back_as_the_same_value(value: PartialDate) -> None:
    """What the user sees can be typed back in. Ranges ("1 – 6 October 2019") and years
    before 1000 are not read back."""
    assert PartialDate.parse(value.label()) == value


@given(st.integers(1, 9999), st.integers(1, 12))
def test_month_constructor_gives_month_precision(year: int, month: int) -> None:
    value = PartialDate.month(year, month)
    assert value.precision == Precision.MONTH
    assert (value.earliest.year, value.earliest.month, value.earliest.day) == (year, month, 1)
    assert (value.latest.year, value.latest.month) == (year, month)


@given(st.integers(1, 9999))
def test_year_constructor_gives_year_precision(year: int) -> None:
    value = PartialDate.year(year)
    assert value.precision == Precision.YEAR
    assert value.earliest == date(year, 1, 1)
    assert value.latest == date(year, 12, 31)


@given(st.dates(min_value=date.min, max_value=date.max))
def test_day_constructor_gives_day_precision(day: date) -> None:
    value = PartialDate.day(day.year, day.month, day.day)
    assert value.precision == Precision.DAY
    assert value == PartialDate.of(day)
    assert value.is_exact


@given(st.lists(partial_dates, max_size=20))
def test_sorting_follows_the_earliest_day(values: list[PartialDate]) -> None:
    ordered = sorted(values)
    earliest = [value.earliest for value in ordered]
    assert earliest == sorted(earliest)
    assert ordered == sorted(values, key=lambda value: value.sort_key)


@given(partial_dates, partial_dates)
def test_between_contains_both_ends(a: PartialDate, b: PartialDate) -> None:
    first, second = sorted([a, b])
    if second.latest < first.latest:  # second lies inside first: its end is not the last
        first, second = second, first
    if second.latest < first.earliest:
        with pytest.raises(PartialDateError):
            PartialDate.between(first, second)
        return
    span = PartialDate.between(first, second)
    assert span.contains(first.earliest)
    assert span.contains(second.latest)
    assert span.overlaps(first)
    assert span.overlaps(second)


@given(partial_dates, partial_dates)
def test_overlaps_is_symmetric_and_agrees_with_contains(a: PartialDate, b: PartialDate) -> None:
    assert a.overlaps(b) == b.overlaps(a)
    assert a.overlaps(PartialDate.of(b.earliest)) == a.contains(b.earliest)


@given(st.text())
def test_parse_of_any_text_gives_a_date_or_partial_date_error(text: str) -> None:
    with contextlib.suppress(PartialDateError):  # anything else fails the test
        assert isinstance(PartialDate.parse(text), PartialDate)


@given(
    st.text(alphabet=st.sampled_from("0123456789-/. ,octobernaujJFMASOND"), max_size=30),
    st.one_of(st.none(), st.integers(-5, 10_005)),
)
def test_parse_of_date_like_text_gives_a_date_or_partial_date_error(
    text: str, default_year: int | None
) -> None:
    with contextlib.suppress(PartialDateError):
        PartialDate.parse(text, default_year=default_year)


@given(partial_dates)
def test_label_is_never_empty(value: PartialDate) -> None:
    assert value.label().strip()
