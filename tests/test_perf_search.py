"""Per-request cost of a signed-in page, and the report search at its fixed number of queries.

Sessions signed in through the sign-in form name `accounts.backends.RoleLoadingBackend`, which
reads the user and their roles in one query; these tests sign in through it explicitly
(`force_login` otherwise picks the first backend, axes')."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from cases.models import Case
from tests import factories

BACKEND = "accounts.backends.RoleLoadingBackend"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_user_and_roles_are_read_in_one_query(ngo_staff, django_assert_num_queries):
    client = signed_in(ngo_staff)
    client.post(reverse("report_search"), {"words": "asylum"})  # warms caches
    # session, user with roles, django-otp's device, the page's ids (no match: no rows
    # query), publishers for the choices
    with django_assert_num_queries(5):
        response = client.post(reverse("report_search"), {"words": "asylum"})
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert isinstance(user, User)
    assert user.pk == ngo_staff.pk
    assert user.roles == frozenset({Role.NGO_STAFF})


@pytest.mark.parametrize("roles", [[], [Role.LAWYER], [Role.ADMIN, Role.LAWYER]])
def test_roles_loaded_with_the_user_are_its_groups(db, roles):
    user = factories.UserFactory.create(roles=roles)
    response = signed_in(user).get(reverse("report_search"))
    signed_in_user = response.wsgi_request.user
    assert isinstance(signed_in_user, User)
    assert signed_in_user.roles == frozenset(roles)
    assert signed_in_user.is_vigil_admin == (Role.ADMIN in roles)


def test_deactivated_user_is_signed_out(ngo_staff):
    client = signed_in(ngo_staff)
    User.objects.filter(pk=ngo_staff.pk).update(is_active=False)
    response = client.get(reverse("report_search"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_ending_all_sessions_signs_the_user_out(ngo_staff):
    client = signed_in(ngo_staff)
    ngo_staff.end_all_sessions()
    response = client.get(reverse("report_search"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("people", [2, 200])
def test_search_page_does_not_list_people(
    people, case: Case, ngo_staff, django_assert_max_num_queries
):
    for n in range(people):
        person = factories.PersonFactory.create(display_name=f"Visible Person {n}")
        factories.CaseParticipantFactory.create(case=case, person=person)
    client = signed_in(ngo_staff)
    with django_assert_max_num_queries(4):
        page = client.get(reverse("report_search")).content.decode()
    assert "Visible Person" not in page
