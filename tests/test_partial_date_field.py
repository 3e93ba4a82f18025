"""`PartialDateField`: a partial date stored as a PostgreSQL daterange and read back unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from core.fields import PartialDateFormField
from core.partial_dates import PartialDate
from hearings.models import Hearing
from sources.models import Source, SourceKind
from tests import factories

pytestmark = pytest.mark.django_db

VALUES = [
    PartialDate.day(2020, 1, 6),
    PartialDate.month(2019, 10),
    PartialDate.year(2019),
    PartialDate.parse("2019-10-01/2019-10-06"),
    PartialDate.parse("2019-12-30/2020-01-02"),
    PartialDate.day(2019, 10, 1),
    PartialDate.day(2019, 10, 2),
    PartialDate.day(2019, 10, 31),
    PartialDate.month(2019, 9),
    PartialDate.day(1, 1, 1),
    PartialDate.year(9999),
    PartialDate.day(9999, 12, 31),
]


@pytest.mark.parametrize("value", VALUES, ids=[value.iso() for value in VALUES])
def test_value_is_read_back_as_saved(value: PartialDate) -> None:
    source = factories.SourceFactory.create(published=value)
    loaded = Source.objects.get(pk=source.pk)
    assert loaded.published == value
    assert loaded.published.precision == value.precision


def test_text_assigned_to_the_field_is_parsed_on_save() -> None:
    source = factories.SourceFactory.create(published="October 2019")
    source.refresh_from_db()
    assert source.published == PartialDate.month(2019, 10)


def test_null_stays_null() -> None:
    source = factories.SourceFactory.create(published=None)
    source.refresh_from_db()
    assert source.published is None


FIRST_DAYS_OF_OCTOBER = ["2019-10-01", "2019-10-01/2019-10-06", "October 2019", "2019-10-02"]


def _ordered_in_sql(values: list[PartialDate]) -> list[PartialDate]:
    Source.objects.bulk_create(
        Source(kind=SourceKind.OTHER, title=f"Report {i}", published=value)
        for i, value in enumerate(values)
    )
    return [s.published for s in Source.objects.order_by("published", "pk")]


def test_sql_order_of_fixed_values_equals_sort_key_order() -> None:
    ordered = _ordered_in_sql(VALUES)
    assert ordered == sorted(VALUES, key=lambda value: value.sort_key)
    # What a user sees in a list: "October 2019" comes after everything that starts on
    # 1 October and ends sooner, and before 2 October.
    position = [ordered.index(PartialDate.parse(text)) for text in FIRST_DAYS_OF_OCTOBER]
    assert position == sorted(position)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    first = draw(st.dates(min_value=date(2018, 1, 1), max_value=date(2021, 12, 31)))
    kind = draw(st.sampled_from(["day", "month", "year", "range"]))
    if kind == "day":
        return PartialDate.of(first)
    if kind == "month":
        return PartialDate.month(first.year, first.month)
    if kind == "year":
        return PartialDate.year(first.year)
    return PartialDate(first, draw(st.dates(min_value=first, max_value=date(2021, 12, 31))))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(partial_dates(), min_size=2, max_size=12))
def test_sql_order_equals_sort_key_order(db: None, values: list[PartialDate]) -> None:
    with transaction.atomic():
        assert _ordered_in_sql(values) == sorted(values, key=lambda value: value.sort_key)
        transaction.set_rollback(True)


def test_contains_lookup_finds_the_cases_whose_date_allows_the_day() -> None:
    october = factories.CaseFactory.create(opened=PartialDate.month(2019, 10))
    sixth = factories.CaseFactory.create(opened=PartialDate.day(2019, 10, 6))
    year = factories.CaseFactory.create(opened=PartialDate.year(2019))
    factories.CaseFactory.create(opened=PartialDate.month(2019, 11))
    found = Case.objects.filter(opened__contains=date(2019, 10, 6))
    assert set(found) == {october, sixth, year}


def test_exact_lookup_accepts_a_partial_date_or_its_text() -> None:
    october = factories.CaseFactory.create(opened=PartialDate.month(2019, 10))
    factories.CaseFactory.create(opened=PartialDate.day(2019, 10, 1))
    assert list(Case.objects.filter(opened=PartialDate.month(2019, 10))) == [october]
    assert list(Case.objects.filter(opened="October 2019")) == [october]


def test_form_field_parses_text() -> None:
    field = Case._meta.get_field("opened").formfield()
    assert isinstance(field, PartialDateFormField)
    assert field.clean("6 January 2020") == PartialDate.day(2020, 1, 6)
    assert field.clean("2019-10-01/2019-10-06") == PartialDate.parse("2019-10-01/2019-10-06")
    assert field.clean("") is None


def test_form_field_says_why_31_february_is_wrong() -> None:
    field = Case._meta.get_field("opened").formfield()
    with pytest.raises(ValidationError) as raised:
        field.clean("31 February 2020")
    assert raised.value.messages == ["31 February 2020 does not exist"]


def test_form_field_shows_the_stored_value_in_its_iso_form() -> None:
    field = Case._meta.get_field("opened").formfield()
    assert field.prepare_value(PartialDate.month(2019, 10)) == "2019-10"


def test_required_form_field_rejects_blank() -> None:
    field = Hearing._meta.get_field("date").formfield()
    with pytest.raises(ValidationError):
        field.clean("")


def test_model_validation_reports_a_day_that_does_not_exist() -> None:
    case = factories.CaseFactory.create()
    case.opened = "31 February 2020"
    with pytest.raises(ValidationError) as raised:
        case.full_clean()
    assert "31 February 2020 does not exist" in raised.value.message_dict["opened"]
