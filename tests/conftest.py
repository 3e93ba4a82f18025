"""The cast for permission tests: a lawyer on the case, a colleague lawyer not on it, NGO staff
of the organization that follows the case, NGO staff elsewhere, an outsider with no role, and
an admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from people.models import Organization
from tests import factories


@pytest.fixture
def ngo_org(db: None) -> Organization:
    return factories.OrganizationFactory.create(name="Following NGO")


@pytest.fixture
def other_org(db: None) -> Organization:
    return factories.OrganizationFactory.create(name="Other NGO")


@pytest.fixture
def case(ngo_org: Organization) -> Case:
    case = factories.CaseFactory.create(title="Border case")
    case.watched_by.add(ngo_org)
    return case


@pytest.fixture
def lawyer_on_case(case: Case) -> User:
    user = factories.UserFactory.create(username="lawyer_on_case", roles=[Role.LAWYER])
    factories.CaseAssignmentFactory.create(case=case, user=user)
    return user


@pytest.fixture
def lawyer_colleague(db: None) -> User:
    return factories.UserFactory.create(username="lawyer_colleague", roles=[Role.LAWYER])


@pytest.fixture
def ngo_staff(ngo_org: Organization) -> User:
    return factories.UserFactory.create(
        username="ngo_staff", roles=[Role.NGO_STAFF], organization=ngo_org
    )


@pytest.fixture
def ngo_staff_elsewhere(other_org: Organization) -> User:
    return factories.UserFactory.create(
        username="ngo_staff_elsewhere", roles=[Role.NGO_STAFF], organization=other_org
    )


@pytest.fixture
def outsider(db: None) -> User:
    return factories.UserFactory.create(username="outsider")


@pytest.fixture
def admin_user(db: None) -> User:
    return factories.UserFactory.create(username="admin", roles=[Role.ADMIN], is_staff=True)


@pytest.fixture
def real_mfa() -> None:
    """Use it in tests of the second factor: `force_login` then leaves the session unverified."""


@pytest.fixture(autouse=True)
def verified_force_login(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page needs a second factor: `client.force_login(user)` (and pytest-django's
    admin_client) give the user a confirmed authenticator and mark the session as verified
    with it, as if the user had typed a code. Tests that request `real_mfa` get the real flow."""
    if "real_mfa" in request.fixturenames:
        return
    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Test authenticator", defaults={"confirmed": True}
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing cached (the list filters keep choices per user)."""
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Real hashing costs a quarter second per user; tests of access need many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_uploads(settings, tmp_path_factory) -> None:
    """Uploaded originals go to a scratch folder, never the checkout's var/uploads."""
    settings.PRIVATE_UPLOAD_ROOT = tmp_path_factory.mktemp("uploads")
