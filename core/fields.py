"""`PartialDateField`: a `PartialDate` stored as a PostgreSQL daterange.

The range is the set of days the source allows, so the database can order ("<" on ranges
compares the lower bound, then the upper), test containment and overlap, and constrain
("end not before start") with the range operators, while Python sees a `PartialDate`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.postgres.fields import DateRangeField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils.translation import gettext_lazy as _

from core.partial_dates import PartialDate, PartialDateError

DATE_HELP = _(
    "As precise as the source: 2020-01-06, 2019-10, 2019, 6 January 2020, October 2019, "
    "or a range 2019-10-01/2019-10-06."
)


def to_range(value: PartialDate) -> DateRange:
    # The day after 9999-12-31 does not exist in Python: store "through the last day" as an
    # open upper bound, which PostgreSQL orders after every other upper bound.
    if value.latest == date.max:
        return DateRange(value.earliest, None, "[)")
    return DateRange(value.earliest, value.latest + timedelta(days=1), "[)")


def from_range(value: DateRange) -> PartialDate:
    if value.upper is None:
        latest = date.max
    else:
        latest = value.upper if value.upper_inc else value.upper - timedelta(days=1)
    if value.lower is None:
        earliest = date.min
    else:
        earliest = value.lower if value.lower_inc else value.lower + timedelta(days=1)
    return PartialDate(earliest, latest)


class PartialDateFormField(forms.CharField):
    default_error_messages = {"invalid": _("%(error)s")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # max_length limits what the browser lets one type; CharField's length validators
        # would run on the parsed PartialDate, which has no length.
        self.validators = [
            v for v in self.validators if not isinstance(v, MaxLengthValidator | MinLengthValidator)
        ]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, PartialDate):
            return value.iso()
        if isinstance(value, DateRange):
            return from_range(value).iso()
        return value

    def to_python(self, value: Any) -> PartialDate | None:  # type: ignore[override]
        if isinstance(value, PartialDate):
            return value
        text = super().to_python(value)
        if not text:
            return None
        try:
            return PartialDate.parse(text)
        except PartialDateError as error:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"error": str(error)}
            ) from error


class PartialDateField(DateRangeField):
    description = _("Partial date (a day, a month, a year or a range of days)")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> PartialDate | None:
        if value is None or getattr(value, "isempty", False):
            return None
        return from_range(value)

    def to_python(self, value: Any) -> PartialDate | None:
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, DateRange):
            return from_range(value)
        if isinstance(value, date):
            return PartialDate.of(value)
        try:
            return PartialDate.parse(str(value))
        except PartialDateError as error:
            raise ValidationError(str(error), code="invalid") from error

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, str):
            value = self.to_python(value)
        if isinstance(value, PartialDate):
            return to_range(value)
        return super().get_prep_value(value)

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return value.iso() if isinstance(value, PartialDate) else ""

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.update(form_class=PartialDateFormField, max_length=40)
        kwargs.setdefault("help_text", self.help_text or DATE_HELP)
        return super().formfield(**kwargs)
