"""The home page, the case list and the case page cost the same number of queries however many
cases and people a user follows; the home page lists the people a user may see, no others."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cases.models import Case
from people.models import Organization, Person
from tests import factories
from tests.helpers import client_for, html

# Per request: session, user, django-otp's device. The home page: its five lists. The case
# list: six filter choices, the status and kind counts (one query), the rows. The case page:
# the audit insert, the case, five preloaded relations and the citations of all of them.
MAX_QUERIES = {"/": 10, "/cases/": 11, "/cases/?status=open": 11, "case": 11}


def _follow_cases(org: Organization, n: int) -> list[Case]:
    cases = []
    for i in range(n):
        case = factories.CaseFactory.create(title=f"Followed case {i}")
        case.watched_by.add(org)
        defendant = factories.PersonFactory.create(
            display_name=f"Defendant {i}", ethnicity=f"Group {i % 5}"
        )
        factories.CaseParticipantFactory.create(case=case, person=defendant, role="defendant")
        factories.ChargeFactory.create(case=case, defendant=defendant)
        factories.HearingFactory.create(case=case)
        factories.CustodyIntervalFactory.create(person=defendant, case=case)
        followed = factories.PersonFactory.create(display_name=f"Followed {i}")
        followed.watched_by.add(org)
        cases.append(case)
    return cases


def _queries(user: User, path: str) -> int:
    client = client_for(user)
    html(client.get(path))  # warms caches (content types, templates)
    with CaptureQueriesContext(connection) as queries:
        html(client.get(path))
    return len(queries)


@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/?status=open", "case"])
def test_page_queries_stay_flat_as_followed_cases_grow(ngo_staff: User, path: str) -> None:
    assert ngo_staff.organization is not None
    cases = _follow_cases(ngo_staff.organization, 2)

    def url() -> str:
        return cases[0].get_absolute_url() if path == "case" else path

    few = _queries(ngo_staff, url())
    cases += _follow_cases(ngo_staff.organization, 60)
    many = _queries(ngo_staff, url())
    assert few == many, (few, many)
    assert many <= MAX_QUERIES[path], many


def test_home_lists_followed_people_and_participants_but_not_others(
    ngo_staff: User, case: Case, other_org: Organization
) -> None:
    defendant = factories.PersonFactory.create(display_name="Aigerim Defendant")
    factories.CaseParticipantFactory.create(case=case, person=defendant)
    followed = factories.PersonFactory.create(display_name="Bakyt Followed")
    followed.watched_by.add(case.watched_by.get())
    elsewhere = factories.PersonFactory.create(display_name="Daniyar Elsewhere")
    elsewhere.watched_by.add(other_org)
    factories.PersonFactory.create(display_name="Erlan Official", is_public_figure=True)

    page = html(client_for(ngo_staff).get("/"))

    assert "Aigerim Defendant" in page
    assert "Bakyt Followed" in page
    assert "Daniyar Elsewhere" not in page
    assert "Erlan Official" not in page
    assert set(
        Person.objects.private_ids_visible_to(ngo_staff).values_list("person_id", flat=True)
    ) == {
        defendant.pk,
        followed.pk,
    }
