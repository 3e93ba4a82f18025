"""The person page costs the same number of queries however many facts and citations the
person has: the citations of every fact come from one query (core/access.py)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from core.partial_dates import PartialDate
from people.models import LifeEvent, Person
from sources.models import Citation, Source
from tests import factories
from tests.helpers import client_for, html


def _cite(facts: list, source: Source) -> None:
    content_type = ContentType.objects.get_for_model(facts[0])
    Citation.objects.bulk_create(
        Citation(source=source, content_type=content_type, object_id=f.pk, quote=f"Passage {i}")
        for i, f in enumerate(facts)
    )


def _person_with(n: int, case: Case) -> Person:
    person = factories.PersonFactory.create()
    factories.CaseParticipantFactory.create(case=case, person=person)
    source = factories.SourceFactory.create()
    _cite([person], source)
    _cite(
        LifeEvent.objects.bulk_create(
            LifeEvent(person=person, kind="other", date=PartialDate.day(2019, 1 + i % 12, 1))
            for i in range(n)
        ),
        source,
    )
    _cite([factories.HearingFactory.create(case=case) for _ in range(n)], source)
    _cite([factories.ChargeFactory.create(case=case, defendant=person) for _ in range(n)], source)
    _cite(
        [factories.CustodyIntervalFactory.create(person=person, case=case) for _ in range(n)],
        source,
    )
    _cite([factories.StatementFactory.create(speaker=person) for _ in range(n)], source)
    return person


def _queries(user, person: Person) -> int:
    client = client_for(user)
    html(client.get(person.get_absolute_url()))  # warms caches (content types, templates)
    with CaptureQueriesContext(connection) as queries:
        html(client.get(person.get_absolute_url()))
    return len(queries)


# Per request: session, user, django-otp's device, the audit insert; then the person, one query
# per preloaded relation (13) and one for the citations of all of them.
MAX_QUERIES = 19


@pytest.mark.django_db
def test_person_page_queries_do_not_grow_with_facts_and_citations(case, ngo_staff) -> None:
    few = _queries(ngo_staff, _person_with(2, case))
    many = _queries(ngo_staff, _person_with(60, case))
    assert few == many
    assert many <= MAX_QUERIES


@pytest.mark.django_db
def test_person_page_shows_the_citations_of_every_kind_of_fact(case, ngo_staff) -> None:
    person = _person_with(3, case)
    page = html(client_for(ngo_staff).get(person.get_absolute_url()))
    # the person's own, then 3 of each of the five kinds of facts
    assert page.count("Passage 0") == 6
    assert page.count("Passage 2") == 5
