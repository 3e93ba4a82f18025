"""Sessions: a new id at each sign-in step, 30 idle minutes, 12 hours at most, ended at once by
disabling the account or by an admin, and a password change needs the current password."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.mfa_helpers import PASSWORD, authenticator, code_for, password_step, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_mfa")]

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def lawyer(lawyer_on_case: User) -> User:
    authenticator(lawyer_on_case)
    return lawyer_on_case


def signed_in(client: Client) -> bool:
    response = client.get(reverse("home"))
    if response.status_code == 200:
        return True
    assert response["Location"].startswith(reverse("login"))
    return False


def test_each_sign_in_step_gives_a_new_session_id(lawyer: User) -> None:
    client = Client()
    session = client.session
    session["language"] = "en"
    session.save()
    before = client.cookies["sessionid"].value

    password_step(client, lawyer.username)
    after_password = client.cookies["sessionid"].value
    client.post(reverse("mfa_verify"), {"code": code_for(authenticator(lawyer))})
    after_code = client.cookies["sessionid"].value

    assert len({before, after_password, after_code}) == 3
    assert not Session.objects.filter(session_key__in=[before, after_password]).exists()
    assert signed_in(client)


def test_thirty_idle_minutes_end_the_session(lawyer: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        sign_in(client, lawyer)
        for _ in range(3):
            clock.shift(dt.timedelta(minutes=29))
            assert signed_in(client), "activity keeps the session going"
        clock.shift(dt.timedelta(minutes=31))
        assert not signed_in(client)
        page = client.get(reverse("login")).content.decode()
        assert "Your session ended" in page


def test_twelve_hours_end_the_session_however_active(lawyer: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        sign_in(client, lawyer)
        for _ in range(28):  # 11 hours 40 minutes
            clock.shift(dt.timedelta(minutes=25))
            assert signed_in(client)
        clock.shift(dt.timedelta(minutes=25))
        assert not signed_in(client)


def test_disabling_the_account_ends_its_sessions_at_once(lawyer: User) -> None:
    client = Client()
    sign_in(client, lawyer)
    lawyer.is_active = False
    lawyer.save()
    assert not signed_in(client)
    assert password_step(Client(), lawyer.username).status_code == 200, "and no new sign-in"


def test_an_admin_ends_every_session_of_a_user(lawyer: User, admin_user: User) -> None:
    with time_machine.travel(START, tick=True):
        phone, laptop = Client(), Client()
        sign_in(phone, lawyer)
        sign_in(laptop, lawyer, steps_ahead=1)
        admin = Client()
        sign_in(admin, admin_user)

        response = admin.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "end_sessions", "_selected_action": [lawyer.pk]},
        )

        assert response.status_code == 302
        assert not signed_in(phone)
        assert not signed_in(laptop)
        assert signed_in(admin)
        # The password still works: only the sessions ended.
        assert password_step(Client(), lawyer.username)["Location"].startswith(
            reverse("mfa_verify")
        )


def test_a_user_signs_out_everywhere_else(lawyer: User) -> None:
    with time_machine.travel(START, tick=True):
        here, there = Client(), Client()
        sign_in(here, lawyer)
        sign_in(there, lawyer, steps_ahead=1)
        here.post(reverse("end_other_sessions"))
        assert signed_in(here)
        assert not signed_in(there)


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    lawyer: User,
) -> None:
    with time_machine.travel(START, tick=True):
        here, there = Client(), Client()
        sign_in(here, lawyer)
        sign_in(there, lawyer, steps_ahead=1)
        new = "another long passphrase for vigil"
        response = here.post(
            reverse("password_change"),
            {"old_password": "a guess", "new_password1": new, "new_password2": new},
        )
        assert response.status_code == 200
        lawyer.refresh_from_db()
        assert lawyer.check_password(PASSWORD)

        response = here.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )

        assert response["Location"] == reverse("password_change_done")
        lawyer.refresh_from_db()
        assert lawyer.check_password(new)
        assert signed_in(here)
        assert not signed_in(there)


def test_the_account_page_offers_the_changes(lawyer: User) -> None:
    client = Client()
    sign_in(client, lawyer)
    page = client.get(reverse("account_security")).content.decode()
    for name in ("password_change", "mfa_backup_codes", "mfa_replace", "end_other_sessions"):
        assert reverse(name) in page
