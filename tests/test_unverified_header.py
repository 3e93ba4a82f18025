"""The header before the second factor: a session that has passed only the password sees the
brand and the sign-out button, not the navigation, the name search or the admin link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.mfa_helpers import authenticator, password_step, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_mfa")]

NAVIGATION = ('class="site-nav"', 'class="site-search"', "/admin/", "/cases/", "/people/")


@pytest.mark.parametrize("enrolled", [True, False], ids=["verify", "enrol"])
def test_an_unverified_session_sees_only_the_brand_and_sign_out(
    admin_user: User, enrolled: bool
) -> None:
    if enrolled:
        authenticator(admin_user)
    client = Client()
    password_step(client, admin_user.username)

    page = client.get(reverse("mfa_verify" if enrolled else "mfa_enrol")).content.decode()

    header = page[page.index("<header") : page.index("</header>")]
    for hidden in NAVIGATION:
        assert hidden not in header, hidden
    assert 'class="brand"' in header
    assert f'action="{reverse("logout")}"' in header


def test_a_verified_session_sees_the_navigation(admin_user: User) -> None:
    client = Client()
    sign_in(client, admin_user)

    page = client.get(reverse("home")).content.decode()

    header = page[page.index("<header") : page.index("</header>")]
    assert 'class="site-nav"' in header
    assert reverse("report_review") in header


def test_an_anonymous_visitor_sees_no_navigation(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()

    header = page[page.index("<header") : page.index("</header>")]
    assert 'class="site-nav"' not in header
    assert reverse("logout") not in header
