"""Name search and report mentions stay fast on a large gazetteer: thousands of namesakes are
read through equal-key indexes, visibility is tested per candidate, and the page's queries stay
few whatever the number of rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from people.name_search import RESULTS, _visible_persons, search_people
from sources.reports.mentions import MAX_HOMONYMS, find_mentions
from tests import factories

pytestmark = pytest.mark.django_db

NAME = "Erlan Nurlanov"


def _namesake(case=None, **fields):
    person = factories.PersonFactory.create(display_name=NAME, **fields)
    factories.NameVariantFactory.create(person=person, text=NAME)
    if case is not None:
        factories.CaseParticipantFactory.create(case=case, person=person)
    return person


@pytest.fixture
def cast(case, ngo_org, other_org):
    """A namesake in the NGO's case, one the NGO follows, a public figure, one in another
    organization's case and one nobody follows."""
    elsewhere = factories.CaseFactory.create(title="Elsewhere")
    elsewhere.watched_by.add(other_org)
    followed = _namesake()
    followed.watched_by.add(ngo_org)
    return {
        "in_case": _namesake(case),
        "followed": followed,
        "public": _namesake(is_public_figure=True),
        "other_case": _namesake(elsewhere),
        "nobody": _namesake(),
    }


@pytest.mark.parametrize(
    "who", ["ngo_staff", "ngo_staff_elsewhere", "lawyer_on_case", "outsider", "admin_user"]
)
def test_search_sees_exactly_the_persons_visible_to_the_user(cast, who, request):
    user = request.getfixturevalue(who)
    expected = set(Person.objects.visible_to(user).values_list("pk", flat=True))
    assert set(_visible_persons(user).values_list("pk", flat=True)) == expected
    found = {match.id for match in search_people(user, NAME)}
    assert found == expected & {person.pk for person in cast.values()}


def test_a_common_name_shows_a_bounded_page_of_exact_matches_in_few_queries(case, ngo_staff):
    for _ in range(RESULTS + 5):
        _namesake(case)
    with CaptureQueriesContext(connection) as captured:
        found = search_people(ngo_staff, NAME)
    assert len(found) == RESULTS
    assert {match.match_kind for match in found} == {"exact"}
    # Equal keys fill the page: no trigram pass.
    assert len(captured) <= 3


def test_search_page_queries_stay_flat_and_few_as_namesakes_grow(case, ngo_staff, client):
    client.force_login(ngo_staff)

    def page_queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("name_search"), {"name_search": NAME})
        assert response.status_code == 200
        return len(captured)

    for _ in range(2):
        _namesake(case)
    with_two = page_queries()
    for _ in range(198):
        _namesake(case)
    assert page_queries() <= with_two <= 10


def test_a_name_shared_by_many_persons_gives_the_first_homonyms_in_id_order(case):
    namesakes = [_namesake(case) for _ in range(MAX_HOMONYMS + 4)]
    mentions = find_mentions(f"Yesterday {NAME} was detained in Almaty.")
    persons = [m for m in mentions if m.entity_id is not None]
    assert [m.entity_id for m in persons] == [p.pk for p in namesakes[:MAX_HOMONYMS]]
    assert {m.text for m in persons} == {NAME}
    assert {m.match for m in persons} == {"exact"}
