"""One factory per model, and each builds a record the model itself calls valid."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from factory.django import DjangoModelFactory
from pghistory.models import Event

from tests import factories

PROJECT_APPS = ("accounts", "sources", "people", "cases", "hearings", "deadlines")


def project_models() -> list[type[models.Model]]:
    return [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, Event)  # history tables written by triggers
    ]


def all_factories() -> dict[type[models.Model], type[DjangoModelFactory]]:
    found = {}
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, DjangoModelFactory):
            model = value._meta.model
            if model is not None:
                found[model] = value
    return found


def test_every_model_has_a_factory() -> None:
    missing = [m._meta.label for m in project_models() if m not in all_factories()]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_factory_builds_a_valid_record(model: type[models.Model]) -> None:
    record = all_factories()[model].create()
    record.full_clean()
