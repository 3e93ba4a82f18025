"""The cast for permission tests: a lawyer on the case, a colleague lawyer not on it, NGO staff
of the organization that follows the case, NGO staff elsewhere, an outsider with no role, and
an admin."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from people.models import Organization
from tests import factories


@pytest.fixture
def ngo_org(db: None) -> Organization:
    return factories.OrganizationFactory(name="Following NGO")


@pytest.fixture
def other_org(db: None) -> Organization:
    return factories.OrganizationFactory(name="Other NGO")


@pytest.fixture
def case(ngo_org: Organization) -> Case:
    case = factories.CaseFactory(title="Border case")
    case.watched_by.add(ngo_org)
    return case


@pytest.fixture
def lawyer_on_case(case: Case) -> User:
    user = factories.UserFactory(username="lawyer_on_case", roles=[Role.LAWYER])
    factories.CaseAssignmentFactory(case=case, user=user)
    return user


@pytest.fixture
def lawyer_colleague(db: None) -> User:
    return factories.UserFactory(username="lawyer_colleague", roles=[Role.LAWYER])


@pytest.fixture
def ngo_staff(ngo_org: Organization) -> User:
    return factories.UserFactory(username="ngo_staff", roles=[Role.NGO_STAFF], organization=ngo_org)


@pytest.fixture
def ngo_staff_elsewhere(other_org: Organization) -> User:
    return factories.UserFactory(
        username="ngo_staff_elsewhere", roles=[Role.NGO_STAFF], organization=other_org
    )


@pytest.fixture
def outsider(db: None) -> User:
    return factories.UserFactory(username="outsider")


@pytest.fixture
def admin_user(db: None) -> User:
    return factories.UserFactory(username="admin", roles=[Role.ADMIN], is_staff=True)
