"""The second factor: enrolment, verification, one-time codes, what an unverified session may
open, and that neither a password reset nor the admin's own login skips it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from core.demo import demo_backup_codes, demo_totp_key
from tests import factories
from tests.mfa_helpers import authenticator, code_for, password_step, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_mfa")]

FROZEN = dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC)


@pytest.fixture
def lawyer(lawyer_on_case: User) -> User:
    return lawyer_on_case


# -- enrolment ---------------------------------------------------------------------------------


def test_password_alone_leads_to_enrolment_and_opens_nothing(lawyer: User, case: Case) -> None:
    client = Client()
    response = password_step(client, lawyer.username)
    assert response["Location"] == f"{reverse('mfa_enrol')}?next=%2F"
    for url in (reverse("home"), case.get_absolute_url(), reverse("case_list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_enrol"))


def test_enrolment_shows_a_qr_code_and_secret_then_ten_backup_codes_once(lawyer: User) -> None:
    client = Client()
    password_step(client, lawyer.username)
    page = client.get(reverse("mfa_enrol")).content.decode()
    assert "<svg" in page
    assert "<script" not in page
    device = TOTPDevice.objects.get(user=lawyer, confirmed=False)
    assert mfa.secret_base32(device) in page
    assert client.get(reverse("home")).status_code == 302, "not yet confirmed"

    response = client.post(reverse("mfa_enrol"), {"code": code_for(device), "next": "/"})

    assert response.status_code == 200
    page = response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=lawyer).values_list("token", flat=True)
    )
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    # Shown once: the set-up page is gone for someone who has an authenticator.
    assert client.get(reverse("mfa_enrol"))["Location"].startswith(reverse("mfa_verify"))


def test_a_wrong_code_does_not_confirm_the_authenticator(lawyer: User) -> None:
    client = Client()
    password_step(client, lawyer.username)
    client.get(reverse("mfa_enrol"))
    response = client.post(reverse("mfa_enrol"), {"code": "000000"})
    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=lawyer, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_a_password_alone_cannot_add_an_authenticator_to_an_enrolled_account(lawyer: User) -> None:
    authenticator(lawyer)
    attacker = Client()
    password_step(attacker, lawyer.username)
    response = attacker.get(reverse("mfa_enrol"))
    assert response["Location"].startswith(reverse("mfa_verify"))
    response = attacker.post(reverse("mfa_enrol"), {"code": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=lawyer).count() == 1


# -- verification ------------------------------------------------------------------------------


def test_a_current_code_opens_the_pages(lawyer: User, case: Case) -> None:
    client = Client()
    authenticator(lawyer)
    response = password_step(client, lawyer.username)
    assert response["Location"] == f"{reverse('mfa_verify')}?next=%2F"
    assert client.get(case.get_absolute_url()).status_code == 302

    response = client.post(
        reverse("mfa_verify"), {"code": code_for(authenticator(lawyer)), "next": "/"}
    )

    assert response["Location"] == "/"
    assert client.get(case.get_absolute_url()).status_code == 200


def test_verification_goes_on_to_the_page_asked_for_but_not_off_site(
    lawyer: User, case: Case
) -> None:
    device = authenticator(lawyer)
    client = Client()
    client.get(case.get_absolute_url())
    password_step(client, lawyer.username)
    url = case.get_absolute_url()
    response = client.post(reverse("mfa_verify"), {"code": code_for(device), "next": url})
    assert response["Location"] == url

    other = Client()
    password_step(other, lawyer.username)
    response = other.post(
        reverse("mfa_verify"), {"code": code_for(device, 1), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused(lawyer: User) -> None:
    authenticator(lawyer)
    client = Client()
    password_step(client, lawyer.username)
    response = client.post(reverse("mfa_verify"), {"code": "000000"})
    assert response.status_code == 200
    assert "wrong, expired or already used" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_reused_code_is_refused(lawyer: User) -> None:
    device = authenticator(lawyer)
    with time_machine.travel(FROZEN, tick=False) as clock:
        code = code_for(device)
        first = Client()
        password_step(first, lawyer.username)
        assert first.post(reverse("mfa_verify"), {"code": code}).status_code == 302

        # Someone who saw the code (over a shoulder, a phishing page) replays it at once.
        second = Client()
        password_step(second, lawyer.username)
        response = second.post(reverse("mfa_verify"), {"code": code})
        assert response.status_code == 200
        assert "already used" in response.content.decode()
        assert second.get(reverse("home")).status_code == 302

        # The next code from the app works.
        clock.shift(dt.timedelta(seconds=30))
        response = second.post(reverse("mfa_verify"), {"code": code_for(device)})
        assert response.status_code == 302
        assert second.get(reverse("home")).status_code == 200


def test_guessing_codes_is_slowed_down(lawyer: User) -> None:
    device = authenticator(lawyer)
    with time_machine.travel(FROZEN, tick=False) as clock:
        client = Client()
        password_step(client, lawyer.username)
        client.post(reverse("mfa_verify"), {"code": "000000"})
        response = client.post(reverse("mfa_verify"), {"code": code_for(device)})
        assert "wait a few seconds" in response.content.decode()
        clock.shift(dt.timedelta(seconds=2))
        assert client.post(reverse("mfa_verify"), {"code": code_for(device)}).status_code == 302


def test_a_backup_code_works_once(lawyer: User) -> None:
    authenticator(lawyer)
    codes = mfa.new_backup_codes(lawyer)
    first = Client()
    password_step(first, lawyer.username)
    response = first.post(reverse("mfa_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert first.get(reverse("home")).status_code == 200
    assert mfa.backup_codes_left(lawyer) == 9

    second = Client()
    password_step(second, lawyer.username)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as clock:
        response = second.post(reverse("mfa_verify"), {"code": codes[0]})
        assert "already used" in response.content.decode()
        assert second.get(reverse("home")).status_code == 302
        clock.shift(dt.timedelta(seconds=2))  # the wait after a wrong code
        assert second.post(reverse("mfa_verify"), {"code": codes[1]}).status_code == 302


# -- what an unverified session may open -------------------------------------------------------


def test_an_unverified_session_gets_403_json_from_the_api(lawyer: User) -> None:
    authenticator(lawyer)
    client = Client()
    password_step(client, lawyer.username)
    response = client.post(
        reverse("api_search_people"), {"q": "Kaster"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "second factor" in response.json()["error"]


def test_an_unverified_session_may_only_sign_out(lawyer: User) -> None:
    authenticator(lawyer)
    client = Client()
    password_step(client, lawyer.username)
    assert client.get(reverse("mfa_verify")).status_code == 200
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("mfa_verify"))
    assert client.get(reverse("account_security"))["Location"].startswith(reverse("mfa_verify"))
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("mfa_verify"))["Location"].startswith(reverse("login"))


def test_forced_logins_of_other_tests_are_verified(client: Client, lawyer: User) -> None:
    """The conftest wrapper is off here (real_mfa): force_login alone is not enough."""
    client.force_login(lawyer)
    assert client.get(reverse("home")).status_code == 302


# -- password reset and the admin -------------------------------------------------------------


def test_a_password_reset_still_needs_the_second_factor(lawyer: User) -> None:
    device = authenticator(lawyer)
    client = Client()
    client.post(reverse("password_reset"), {"email": lawyer.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    response = client.get(link.group(1), follow=True)
    new_password = "a brand new long passphrase"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == reverse("password_reset_complete")
    # Not signed in by the reset, and the new password alone opens nothing.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    response = password_step(client, lawyer.username, new_password)
    assert response["Location"].startswith(reverse("mfa_verify"))
    assert client.get(reverse("home")).status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_the_admin_signs_in_through_the_two_step_sign_in(admin_user: User) -> None:
    client = Client()
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2F"
    authenticator(admin_user)
    response = client.post(
        reverse("login"),
        {
            "username": admin_user.username,
            "password": "correct horse battery staple",
            "next": "/admin/",
        },
    )
    assert response["Location"].startswith(reverse("mfa_verify"))
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("mfa_verify"))
    response = client.post(
        reverse("mfa_verify"), {"code": code_for(authenticator(admin_user)), "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_admins_can_reset_a_lost_second_factor(admin_user: User, lawyer: User) -> None:
    admin_client = Client()
    sign_in(admin_client, admin_user)
    authenticator(lawyer)
    mfa.new_backup_codes(lawyer)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [lawyer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lawyer).exists()
    assert mfa.backup_codes_left(lawyer) == 0
    response = password_step(Client(), lawyer.username)
    assert response["Location"].startswith(reverse("mfa_enrol"))


# -- changing the second factor needs the password again ----------------------------------------


def test_new_backup_codes_need_the_password_again(lawyer: User) -> None:
    client = Client()
    sign_in(client, lawyer)
    old = mfa.new_backup_codes(lawyer)
    response = client.post(reverse("mfa_backup_codes"))
    assert response["Location"].startswith(reverse("confirm_password"))
    assert mfa.backup_codes_left(lawyer) == 10

    response = client.post(reverse("confirm_password"), {"password": "wrong password"})
    assert "not your password" in response.content.decode()
    response = client.post(
        reverse("confirm_password"),
        {"password": "correct horse battery staple", "next": reverse("mfa_backup_codes")},
    )
    assert response["Location"] == reverse("mfa_backup_codes")
    response = client.post(reverse("mfa_backup_codes"))
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(new) == 10
    assert not set(old) & set(StaticToken.objects.values_list("token", flat=True))


def test_the_password_confirmation_lasts_five_minutes(lawyer: User) -> None:
    with time_machine.travel(FROZEN, tick=False) as clock:
        client = Client()
        sign_in(client, lawyer)
        client.post(reverse("confirm_password"), {"password": "correct horse battery staple"})
        assert client.get(reverse("mfa_backup_codes")).status_code == 200
        clock.shift(dt.timedelta(minutes=6))
        assert client.get(reverse("mfa_backup_codes"))["Location"].startswith(
            reverse("confirm_password")
        )


def test_a_new_authenticator_replaces_the_old_and_ends_other_sessions(lawyer: User) -> None:
    old = authenticator(lawyer)
    with time_machine.travel(FROZEN, tick=False) as clock:
        elsewhere = Client()
        sign_in(elsewhere, lawyer)
        clock.shift(dt.timedelta(seconds=30))
        client = Client()
        sign_in(client, lawyer)
        assert client.get(reverse("mfa_replace"))["Location"].startswith(
            reverse("confirm_password")
        )
        client.post(reverse("confirm_password"), {"password": "correct horse battery staple"})
        page = client.get(reverse("mfa_replace")).content.decode()
        assert "<svg" in page
        new = TOTPDevice.objects.get(user=lawyer, confirmed=False)

        response = client.post(reverse("mfa_replace"), {"code": code_for(new)})

        assert response.status_code == 200
        assert not TOTPDevice.objects.filter(pk=old.pk).exists()
        assert client.get(reverse("home")).status_code == 200
        assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("login"))


# -- the demo accounts ------------------------------------------------------------------------


def test_demo_accounts_sign_in_with_the_printed_secret_and_backup_codes(tmp_path: Path) -> None:
    accounts_file = tmp_path / "demo-accounts.txt"
    call_command("load_demo", verbosity=0, accounts_file=accounts_file)
    text = accounts_file.read_text()
    assert "DEMO ONLY" in text
    assert "otpauth://totp/Vigil%3Alawyer?secret=" in text
    assert demo_backup_codes("lawyer")[0] in text
    lawyer = User.objects.get(username="lawyer")
    password = dict(line.split("\t") for line in text.splitlines() if "\t" in line)["lawyer"]
    device = TOTPDevice.objects.get(user=lawyer, confirmed=True)
    assert device.key == demo_totp_key("lawyer")

    client = Client()
    password_step(client, "lawyer", password)
    assert client.post(reverse("mfa_verify"), {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    other = Client()
    password_step(other, "lawyer", password)
    assert (
        other.post(reverse("mfa_verify"), {"code": demo_backup_codes("lawyer")[0]}).status_code
        == 302
    )


def test_every_role_needs_the_second_factor(db: None) -> None:
    for role in Role:
        user = factories.UserFactory.create(roles=[role], is_staff=role == Role.ADMIN)
        client = Client()
        password_step(client, user.username)
        assert client.get(reverse("home")).status_code == 302, role
