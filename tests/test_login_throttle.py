"""Sign-in throttling (django-axes): five wrong passwords for one username from one address
within 15 minutes pause that pair for 15 minutes; other addresses are not affected."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.mfa_helpers import authenticator, password_step, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_mfa")]

ATTACKER = "203.0.113.7"
LAWYER_OFFICE = "198.51.100.20"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def fail(user: User, address: str, times: int = 1) -> None:
    for _ in range(times):
        response = password_step(Client(), user.username, "not the password", REMOTE_ADDR=address)
        assert response.status_code in (200, 429)


def signs_in(user: User, address: str) -> bool:
    response = password_step(Client(), user.username, REMOTE_ADDR=address)
    return response.status_code == 302 and response["Location"].startswith(reverse("mfa_verify"))


@pytest.fixture
def lawyer(lawyer_on_case: User) -> User:
    authenticator(lawyer_on_case)
    return lawyer_on_case


def test_four_wrong_passwords_do_not_lock(lawyer: User) -> None:
    fail(lawyer, ATTACKER, 4)
    assert signs_in(lawyer, ATTACKER)


def test_five_wrong_passwords_lock_that_user_from_that_address(lawyer: User) -> None:
    fail(lawyer, ATTACKER, 5)
    response = password_step(Client(), lawyer.username, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused" in page
    assert "15 minutes" in page
    assert "admin" in page


def test_the_user_still_signs_in_from_another_address(lawyer: User) -> None:
    fail(lawyer, ATTACKER, 10)
    assert signs_in(lawyer, LAWYER_OFFICE)


def test_other_users_still_sign_in_from_the_locked_address(lawyer: User, ngo_staff: User) -> None:
    authenticator(ngo_staff)
    fail(lawyer, ATTACKER, 5)
    assert signs_in(ngo_staff, ATTACKER)


def test_the_lock_lifts_after_15_minutes(lawyer: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        fail(lawyer, ATTACKER, 5)
        clock.shift(dt.timedelta(minutes=14))
        assert not signs_in(lawyer, ATTACKER)
        clock.shift(dt.timedelta(minutes=16))
        assert signs_in(lawyer, ATTACKER)


def test_failures_more_than_15_minutes_apart_do_not_add_up(lawyer: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        fail(lawyer, ATTACKER, 4)
        clock.shift(dt.timedelta(minutes=16))
        fail(lawyer, ATTACKER, 1)
        assert signs_in(lawyer, ATTACKER)


def test_an_admin_unlocks_the_user(lawyer: User, admin_user: User) -> None:
    fail(lawyer, ATTACKER, 5)
    assert not signs_in(lawyer, ATTACKER)
    admin = Client()
    sign_in(admin, admin_user)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [lawyer.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=lawyer.username).exists()
    assert signs_in(lawyer, ATTACKER)


def test_admins_see_the_lockouts_in_the_admin(lawyer: User, admin_user: User) -> None:
    fail(lawyer, ATTACKER, 5)
    admin = Client()
    sign_in(admin, admin_user)
    response = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert lawyer.username in response.content.decode()


def test_a_wrong_password_at_reauthentication_counts_too(lawyer: User) -> None:
    client = Client()
    sign_in(client, lawyer)
    for _ in range(5):
        client.post(reverse("confirm_password"), {"password": "guess"})
    response = client.post(
        reverse("confirm_password"), {"password": "correct horse battery staple"}
    )
    assert response.status_code == 429


def test_force_login_in_tests_is_not_throttled(lawyer: User) -> None:
    fail(lawyer, "127.0.0.1", 5)
    client = Client()
    client.force_login(lawyer)
    assert client.session.get("_auth_user_id") == str(lawyer.pk)
