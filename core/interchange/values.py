"""Field values in files: the JSON type each field takes, its description for error
messages, and values compared as the database sees them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django_countries.fields import Country, CountryField

from core.fields import PartialDateField
from core.interchange.kinds import related_model


def json_type(model_field: Any) -> str:
    if isinstance(model_field, PartialDateField):
        return "a partial date as text: 2019-10-06, 2019-10, 2019 or 2019-10-01/2019-10-06"
    if isinstance(model_field, CountryField):
        if model_field.multiple:
            return 'a list of ISO country codes such as ["KZ", "CN"]'
        return "an ISO country code such as KZ"
    if isinstance(model_field, models.BooleanField):
        return "true or false"
    if isinstance(model_field, models.IntegerField):
        return "a whole number"
    if isinstance(model_field, models.DecimalField):
        return "a number"
    if isinstance(model_field, models.DateTimeField):
        return "a date and time with its offset: 2020-01-06T10:00:00+06:00"
    if isinstance(model_field, models.DateField):
        return "a date: 2020-01-06"
    if isinstance(model_field, models.TimeField):
        return "a time: 10:00"
    if model_field.choices:
        return "one of " + ", ".join(str(choice) for choice, _ in model_field.choices)
    return "text"


def has_json_type(model_field: Any, raw: Any) -> bool:
    if isinstance(model_field, CountryField) and model_field.multiple:
        return isinstance(raw, list) and all(isinstance(code, str) for code in raw)
    if isinstance(model_field, models.BooleanField):
        return isinstance(raw, bool)
    if isinstance(model_field, models.IntegerField):
        return isinstance(raw, int) and not isinstance(raw, bool)
    if isinstance(model_field, models.DecimalField):
        return isinstance(raw, int | float | str) and not isinstance(raw, bool)
    return isinstance(raw, str)


def max_length(model: type[models.Model], name: str) -> int:
    return int(getattr(model._meta.get_field(name), "max_length", None) or 10_000)


def message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def kind_name(model_field: Any) -> str:
    return str(related_model(model_field)._meta.verbose_name)


def comparable(value: Any) -> Any:
    """Values as the database sees them: countries by code, lists of them as tuples (a
    multiple CountryField reads as an iterable descriptor, not a list)."""
    if isinstance(value, Country):
        return value.code or ""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return tuple(comparable(v) for v in value)
    return value


def squash(text: str) -> str:
    return " ".join(text.split())
