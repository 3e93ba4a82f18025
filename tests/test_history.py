"""History written by database triggers: every save, bulk update, raw SQL update and delete of a
legal record leaves an event with the old and new values, and the acting user when known."""

from __future__ import annotations

from typing import Any

import pghistory
import pytest
from django.db import connection, models
from pghistory.models import Events, MiddlewareEvents

from cases.models import Case
from core.partial_dates import PartialDate
from hearings.models import Hearing, HearingStatus
from people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


# (factory, field, first value, second value) for each tracked model under test
TRACKED: dict[str, tuple[Any, str, str, str]] = {
    "person": (factories.PersonFactory, "display_name", "Kaster Musakhanuly", "Qaster Musaqanuly"),
    "case": (factories.CaseFactory, "title", "Border case", "Musakhanuly and Alimuly, border"),
    "hearing": (factories.HearingFactory, "outcome", "", "Adjourned: no interpreter"),
}


@pytest.fixture(params=list(TRACKED))
def tracked(request: pytest.FixtureRequest) -> tuple[models.Model, str, str, str]:
    factory, field, old, new = TRACKED[request.param]
    return factory.create(**{field: old}), field, old, new


def history(model: type[models.Model], pk: Any) -> list[Events]:
    return list(Events.objects.tracks(model(pk=pk)).order_by("pgh_id"))


def last_event(obj: models.Model) -> Events:
    return history(type(obj), obj.pk)[-1]


def test_creation_is_recorded_with_its_values(tracked: tuple[models.Model, str, str, str]) -> None:
    obj, field, old, _ = tracked
    events = history(type(obj), obj.pk)
    assert [event.pgh_label for event in events] == ["insert"]
    assert events[0].pgh_data[field] == old


def test_save_records_old_and_new_values(tracked: tuple[models.Model, str, str, str]) -> None:
    obj, field, old, new = tracked
    setattr(obj, field, new)
    obj.save()
    event = last_event(obj)
    assert event.pgh_label == "update"
    assert event.pgh_diff[field] == [old, new]
    assert event.pgh_data[field] == new


def test_bulk_update_records_old_and_new_values(
    tracked: tuple[models.Model, str, str, str],
) -> None:
    obj, field, old, new = tracked
    type(obj)._default_manager.filter(pk=obj.pk).update(**{field: new})
    event = last_event(obj)
    assert event.pgh_label == "update"
    assert event.pgh_diff == {field: [old, new]}


def test_delete_records_the_last_values(tracked: tuple[models.Model, str, str, str]) -> None:
    obj, field, _, new = tracked
    setattr(obj, field, new)
    obj.save()
    pk = obj.pk
    obj.delete()
    events = history(type(obj), pk)
    assert [event.pgh_label for event in events] == ["insert", "update", "delete"]
    assert events[-1].pgh_data[field] == new
    assert events[-1].pgh_data["id"] == pk


def test_change_inside_a_context_names_the_user(
    tracked: tuple[models.Model, str, str, str],
) -> None:
    obj, field, _, new = tracked
    user = factories.UserFactory.create()
    with pghistory.context(user=user.pk):
        setattr(obj, field, new)
        obj.save()
    event = last_event(obj)
    assert event.pgh_context == {"user": user.pk}
    assert MiddlewareEvents.objects.tracks(obj).order_by("pgh_id").last().user == user


def test_bulk_update_inside_a_context_names_the_user() -> None:
    person = factories.PersonFactory.create(ethnicity="Kazakh")
    user = factories.UserFactory.create()
    with pghistory.context(user=user.pk, command="merge_persons"):
        Person.objects.filter(pk=person.pk).update(ethnicity="Uyghur")
    event = last_event(person)
    assert event.pgh_diff == {"ethnicity": ["Kazakh", "Uyghur"]}
    assert event.pgh_context == {"user": user.pk, "command": "merge_persons"}


def test_change_outside_any_context_names_no_user() -> None:
    person = factories.PersonFactory.create()
    Person.objects.filter(pk=person.pk).update(notes="Checked against the court register.")
    assert last_event(person).pgh_context is None


def test_raw_sql_update_is_recorded() -> None:
    person = factories.PersonFactory.create(ethnicity="Kazakh")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Person._meta.db_table} SET ethnicity = %s WHERE id = %s",
            ["Uyghur", person.pk],
        )
    assert last_event(person).pgh_diff == {"ethnicity": ["Kazakh", "Uyghur"]}


def test_update_that_changes_nothing_is_not_recorded() -> None:
    person = factories.PersonFactory.create(ethnicity="Kazakh")
    Person.objects.filter(pk=person.pk).update(ethnicity="Kazakh")
    assert [event.pgh_label for event in history(Person, person.pk)] == ["insert"]


def test_partial_date_change_is_recorded_as_the_days_allowed() -> None:
    hearing = factories.HearingFactory.create(date=PartialDate.month(2020, 1))
    Hearing.objects.filter(pk=hearing.pk).update(date=PartialDate.day(2020, 1, 20))
    old, new = last_event(hearing).pgh_diff["date"]
    assert (old, new) == ("[2020-01-01,2020-02-01)", "[2020-01-20,2020-01-21)")


def test_history_of_a_hearing_shows_its_adjournment() -> None:
    hearing = factories.HearingFactory.create()
    later = factories.HearingFactory.create(case=hearing.case, date=PartialDate.day(2020, 1, 20))
    Hearing.objects.filter(pk=hearing.pk).update(status=HearingStatus.ADJOURNED, adjourned_to=later)
    assert last_event(hearing).pgh_diff == {
        "status": [HearingStatus.SCHEDULED, HearingStatus.ADJOURNED],
        "adjourned_to_id": [None, later.pk],
    }


def test_case_history_is_kept_apart_from_other_cases() -> None:
    case = factories.CaseFactory.create()
    other = factories.CaseFactory.create()
    Case.objects.update(summary="Bulk edit")
    assert [event.pgh_label for event in history(Case, case.pk)] == ["insert", "update"]
    assert {event.pgh_obj_id for event in history(Case, other.pk)} == {str(other.pk)}


@pytest.mark.django_db(transaction=True)
def test_change_after_the_context_ends_names_no_user() -> None:
    """Outside a test's wrapping transaction, as in production: the context is local to the
    transaction it ran in and does not leak into later changes."""
    person = factories.PersonFactory.create()
    user = factories.UserFactory.create()
    with pghistory.context(user=user.pk):
        Person.objects.filter(pk=person.pk).update(ethnicity="Uyghur")
    Person.objects.filter(pk=person.pk).update(ethnicity="Kazakh")
    first, second = history(Person, person.pk)[-2:]
    assert first.pgh_context == {"user": user.pk}
    assert second.pgh_context is None
