"""The audit log: every sign-in, failed sign-in, refusal, export and read of a person or case
page leaves one row (who, what, when, from where, never a name or a search term), rows can
be neither changed nor deleted, and admins read them in the admin."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from deadlines.models import CalendarFeed
from tests import factories
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) Vigil-test"


def only_event() -> AuditEvent:
    events = list(AuditEvent.objects.all())
    assert len(events) == 1, events
    return events[0]


def events_after(client: Client, *args, **kwargs) -> list[AuditEvent]:
    """The events a request adds."""
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(*args, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7", **kwargs)
    return list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))


# -- signing in ---------------------------------------------------------------------------------


def test_sign_in_is_logged_with_the_user(lawyer_on_case) -> None:
    client_for(lawyer_on_case)
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor == lawyer_on_case
    assert event.username == "lawyer_on_case"


def test_failed_sign_in_keeps_the_username_typed_and_never_the_password(lawyer_on_case) -> None:
    response = Client().post(
        reverse("login"),
        {"username": "lawyer_on_case", "password": "not-the-password-123"},
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.username == "lawyer_on_case"
    assert event.actor is None
    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == BROWSER
    assert event.path == "/login/"
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert not any("not-the-password" in str(value) for value in row.values())


def test_a_long_user_agent_is_cut(lawyer_on_case) -> None:
    Client().post(reverse("login"), {"username": "x", "password": "y"}, HTTP_USER_AGENT="A" * 5000)
    assert len(AuditEvent.objects.get().user_agent) == 200


# -- reads and exports ----------------------------------------------------------------------------


def test_reading_a_case_page_is_logged_with_one_insert(case, lawyer_on_case) -> None:
    client = client_for(lawyer_on_case)
    with CaptureQueriesContext(connection) as queries:
        client.get(case.get_absolute_url(), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    audit_queries = [q["sql"] for q in queries.captured_queries if "audit_auditevent" in q["sql"]]
    assert len(audit_queries) == 1
    assert audit_queries[0].startswith("INSERT")
    event = AuditEvent.objects.get(action=AuditAction.VIEW_CASE)
    assert (event.actor, event.object_type, event.object_id) == (
        lawyer_on_case,
        "cases.case",
        case.pk,
    )
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", BROWSER)
    assert event.path == case.get_absolute_url()


def test_reading_a_person_page_is_logged(case, lawyer_on_case) -> None:
    person = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=person)
    [event] = events_after(client_for(lawyer_on_case), person.get_absolute_url())
    assert event.action == AuditAction.VIEW_PERSON
    assert (event.object_type, event.object_id) == ("people.person", person.pk)
    # Only ids: the person's name is nowhere in the row.
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert not any("Kaster" in str(value) for value in row.values())


def test_a_hidden_person_answers_404_and_is_not_logged_as_a_read(lawyer_colleague) -> None:
    person = factories.PersonFactory.create()
    assert events_after(client_for(lawyer_colleague), person.get_absolute_url()) == []


def test_other_pages_cost_no_audit_query(lawyer_on_case) -> None:
    client = client_for(lawyer_on_case)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries.captured_queries if "audit_auditevent" in q["sql"]]


def test_a_csv_export_is_logged_without_its_filters(case, lawyer_on_case) -> None:
    response_events = events_after(
        client_for(lawyer_on_case), reverse("case_export"), {"status": "open"}
    )
    [event] = response_events
    assert event.action == AuditAction.EXPORT
    assert event.object_type == "cases.case"
    assert event.path == "/cases/export.csv"


def test_the_people_export_is_logged(lawyer_on_case) -> None:
    [event] = events_after(client_for(lawyer_on_case), reverse("person_export"))
    assert (event.action, event.object_type) == (AuditAction.EXPORT, "people.person")


def test_a_case_calendar_is_logged_as_an_export(case, lawyer_on_case) -> None:
    [event] = events_after(client_for(lawyer_on_case), reverse("case_calendar", args=[case.pk]))
    assert (event.action, event.object_id) == (AuditAction.EXPORT, case.pk)


def test_a_secret_calendar_address_is_logged_as_its_owner_without_the_token(
    lawyer_on_case,
) -> None:
    _feed, token = CalendarFeed.objects.create_for(lawyer_on_case)
    [event] = events_after(Client(), reverse("calendar_feed", args=[token]))
    assert event.action == AuditAction.EXPORT
    assert event.actor == lawyer_on_case
    assert token not in event.path
    assert event.path == "/calendar/<token>.ics"


def test_export_data_command_is_logged(tmp_path) -> None:
    call_command("export_data", output=tmp_path / "export.json", stderr=io.StringIO())
    event = only_event()
    assert (event.action, event.path) == (AuditAction.EXPORT, "manage.py export_data")
    assert event.username


# -- refusals -------------------------------------------------------------------------------------


def test_a_refused_page_is_logged(lawyer_on_case) -> None:
    client = client_for(lawyer_on_case)
    before = AuditEvent.objects.count()
    response = client.get(reverse("import_data"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert (event.action, event.actor, event.path) == (
        AuditAction.PERMISSION_DENIED,
        lawyer_on_case,
        "/import/",
    )


def test_a_forged_form_is_logged_as_a_refusal(lawyer_on_case) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lawyer_on_case)
    response = client.post(reverse("name_search"), {"name_search": "Kaster"})
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED)
    assert event.path == "/search/"
    assert "Kaster" not in str(AuditEvent.objects.filter(pk=event.pk).values().get())


# -- append-only ----------------------------------------------------------------------------------


def test_the_database_refuses_to_change_an_event(lawyer_on_case) -> None:
    client_for(lawyer_on_case)
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone_else")
    event.action = AuditAction.EXPORT
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert AuditEvent.objects.get().username == "lawyer_on_case"


def test_the_database_refuses_to_delete_an_event(lawyer_on_case) -> None:
    client_for(lawyer_on_case)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_deleting_a_user_keeps_their_events(db) -> None:
    user = factories.UserFactory.create(username="leaving")
    client_for(user)
    get_user_model().objects.filter(pk=user.pk).delete()
    assert AuditEvent.objects.get().username == "leaving"


# -- admin ----------------------------------------------------------------------------------------


def test_admins_read_and_filter_the_log(admin_user, lawyer_on_case) -> None:
    client_for(lawyer_on_case)
    admin = client_for(admin_user)
    url = reverse("admin:audit_auditevent_changelist")
    page = admin.get(url, {"action": AuditAction.SIGN_IN, "q": "lawyer_on"})
    assert page.status_code == 200
    assert [e.username for e in page.context["cl"].result_list] == ["lawyer_on_case"]
    assert "Add audit event" not in page.content.decode()
    failed = admin.get(url, {"action": AuditAction.SIGN_IN_FAILED})
    assert list(failed.context["cl"].result_list) == []


def test_nobody_adds_changes_or_deletes_events_in_the_admin(admin_user) -> None:
    admin = client_for(admin_user)
    event = AuditEvent.objects.get()
    assert admin.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert admin.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    page = admin.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_lawyers_cannot_open_the_log(admin_user, lawyer_on_case) -> None:
    response = client_for(lawyer_on_case).get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 302
