"""The deadline dashboard and the derivation page, as their readers see them.

Access and query counts go through the real engine (`deadlines.collect`); what a page prints
for a given deadline is checked with a report built by hand, so the tests say exactly which
window, reading or caveat must appear."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cases.models import Case, CustodyKind, ParticipantRole
from core.partial_dates import PartialDate
from deadlines import collect
from deadlines.engine.results import (
    Deadline,
    DeadlineKind,
    Gap,
    Input,
    Scenario,
    SourceRef,
    Step,
)
from hearings.models import HearingStatus
from tests import factories
from tests.helpers import client_for, html

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+6 until March 2024, +5 since
day = PartialDate.day
D = dt.date


def freeze(time_machine, when: dt.date) -> None:
    time_machine.move_to(dt.datetime(when.year, when.month, when.day, 9, tzinfo=ALMATY))


def section(page: str, slug: str) -> str:
    """The HTML of one dashboard section ("" when the page has none)."""
    match = re.search(rf'<section[^>]* id="{slug}".*?</section>', page, re.S)
    return match.group(0) if match else ""


# -- a report built by hand ------------------------------------------------------------------


@pytest.fixture
def people(case: Case) -> SimpleNamespace:
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    murager = factories.PersonFactory.create(display_name="Murager Alimuly")
    other_case = factories.CaseFactory.create(title="Asylum procedure")
    source = factories.SourceFactory.create(title="Court reporting")
    return SimpleNamespace(
        kaster=kaster, murager=murager, case=case, other_case=other_case, source=source
    )


def release_window(people: SimpleNamespace) -> Deadline:
    """The reference case's release (DOMAIN.md section 5), as the engine would explain it."""
    return Deadline(
        kind=DeadlineKind.RELEASE,
        key=f"release:sentence-{people.kaster.pk}",
        title="Release of Kaster Musakhanuly",
        earliest=D(2020, 6, 19),
        latest=D(2020, 7, 3),
        person_id=people.kaster.pk,
        case_id=people.case.pk,
        rule_ids=("kz.pec.165", "kz.cc.62.3@2020"),
        inputs=(
            Input(
                "Custody began",
                "14 October 2019",
                (SourceRef("Court reporting", people.source.pk, "held since 14 October 2019"),),
            ),
            Input("Verdict entered into force", "not recorded", uncertain=True),
        ),
        scenarios=(
            Scenario(
                "Credit until the verdict entered into force",
                D(2020, 6, 19),
                (
                    Step("One day of custody counts as two.", "kz.cc.62.3@2020"),
                    Step("The anniversary date is 20 June 2020.", "kz.pec.165"),
                    Step("Release on the last day of the term."),
                ),
            ),
            Scenario(
                "Credit until the verdict",
                D(2020, 7, 3),
                (Step("6 July is a public holiday after a weekend.", "kz.pec.165"),),
            ),
        ),
        other_readings=(
            Scenario(
                "The court's own arithmetic",
                D(2020, 7, 14),
                (Step("Three months and three days count as six months and six days."),),
            ),
        ),
        uncertain_because=("the day the verdict entered into force is not recorded",),
        unverified=("Criminal Code Art. 62(3): the day it came into force is not verified",),
        actual=day(2020, 6, 22),
    )


def simple(
    people: SimpleNamespace,
    kind: DeadlineKind,
    earliest: dt.date,
    latest: dt.date | None = None,
    *,
    person=None,
    case=None,
    **extra,
) -> Deadline:
    person = person or people.kaster
    case = case or people.case
    return Deadline(
        kind=kind,
        key=f"{kind.value}:{earliest.isoformat()}:{person.pk}",
        title=f"{kind.label} on {earliest.isoformat()}",
        earliest=earliest,
        latest=latest or earliest,
        person_id=person.pk,
        case_id=case.pk,
        rule_ids=("kz.cpc.418",),
        scenarios=(Scenario("", earliest, (Step("Fifteen days.", "kz.cpc.418"),)),),
        **extra,
    )


def serve(monkeypatch, people: SimpleNamespace, deadlines, gaps=()) -> collect.DeadlineReport:
    """Make the pages read this report, whoever asks."""
    report = collect.DeadlineReport(
        deadlines=sorted(deadlines, key=lambda d: d.earliest),
        gaps=list(gaps),
        persons={p.pk: p for p in (people.kaster, people.murager)},
        cases={c.pk: c for c in (people.case, people.other_case)},
    )

    def report_for_user(user, *, today, case_id=None, person_id=None):
        return report

    def find_deadline(user, key, *, today):
        for deadline in report.deadlines:
            if deadline.key == key:
                return deadline, report
        from django.http import Http404

        raise Http404

    monkeypatch.setattr(collect, "report_for_user", report_for_user)
    monkeypatch.setattr(collect, "find_deadline", find_deadline)
    return report


# -- navigation ---------------------------------------------------------------------------------


def test_navigation_and_home_link_to_the_dashboard(ngo_staff):
    page = html(client_for(ngo_staff).get(reverse("home")))
    url = reverse("deadline_dashboard")
    assert page.count(f'href="{url}"') == 2  # the site navigation and the home page
    assert url == "/deadlines/"


def test_dashboard_needs_a_login(db):
    response = Client().get(reverse("deadline_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- the dashboard, with a report built by hand -------------------------------------------------


def test_dashboard_sorts_deadlines_into_sections_by_day(
    people, ngo_staff, monkeypatch, time_machine
):
    today = D(2020, 3, 10)
    freeze(time_machine, today)
    A = DeadlineKind.APPEAL_VERDICT
    overdue = simple(people, A, D(2020, 3, 1))
    due_now = simple(people, DeadlineKind.PRETRIAL_CAP, D(2020, 3, 9), D(2020, 3, 12))
    this_week = simple(people, DeadlineKind.PAROLE, D(2020, 3, 16))
    next_month = simple(people, DeadlineKind.RELEASE, D(2020, 4, 2))
    later = simple(people, DeadlineKind.ASYLUM_DECISION, D(2020, 6, 1))
    passed = simple(people, DeadlineKind.VERDICT_IN_FORCE, D(2020, 2, 20), done=True)
    long_passed = simple(people, DeadlineKind.ARREST_CAP, D(2019, 10, 16), done=True)
    set_aside = simple(
        people,
        DeadlineKind.TREATY_HANDOVER,
        D(2020, 3, 11),
        suppressed_because="An asylum claim is pending.",
    )
    everything = [overdue, due_now, this_week, next_month, later, passed, long_passed, set_aside]
    serve(monkeypatch, people, everything)

    page = html(client_for(ngo_staff).get(reverse("deadline_dashboard")))

    expected = {
        "overdue": [overdue],
        "due": [due_now, this_week],
        "soon": [next_month],
        "later": [later],
        "passed": [passed],
    }
    for slug, listed in expected.items():
        part = section(page, slug)
        for deadline in everything:
            link = reverse("deadline_detail", args=[deadline.key])
            assert (link in part) == (deadline in listed), (slug, deadline.kind)
    assert "<details>" in section(page, "later")
    assert "<details>" in section(page, "passed")
    assert "<details>" not in section(page, "overdue")
    assert reverse("deadline_detail", args=[long_passed.key]) not in page
    assert reverse("deadline_detail", args=[set_aside.key]) not in page
    assert "One deadline passed more than 30 days ago and is not listed." in page
    assert "One deadline is set aside (it does not apply) and is not listed." in page


def test_dashboard_line_shows_window_kind_person_case_status_and_caveats(
    people, lawyer_on_case, monkeypatch, time_machine
):
    freeze(time_machine, D(2020, 6, 25))
    release = release_window(people)
    serve(monkeypatch, people, [release])

    page = html(client_for(lawyer_on_case).get(reverse("deadline_dashboard")))

    line = section(page, "due")
    assert "19 June – 3 July 2020" in line
    assert 'title="2020-06-19/2020-07-03"' in line
    assert "Release" in line
    assert people.kaster.get_absolute_url() in line
    assert people.case.get_absolute_url() in line
    assert "Due now" in line
    assert "unverified rule" in line
    assert "Window because: the day the verdict entered into force is not recorded" in line
    assert f'href="/deadlines/release:sentence-{people.kaster.pk}/"' in line


def test_exact_deadline_reads_as_one_day_without_window_note(
    people, ngo_staff, monkeypatch, time_machine
):
    freeze(time_machine, D(2020, 2, 1))
    serve(monkeypatch, people, [simple(people, DeadlineKind.APPEAL_VERDICT, D(2020, 2, 5))])
    page = html(client_for(ngo_staff).get(reverse("deadline_dashboard")))
    line = section(page, "due")
    assert '<time datetime="2020-02-05">5 February 2020</time>' in line
    assert "Window because" not in line
    assert "unverified rule" not in line
    assert "Upcoming" in line


def test_dashboard_filters_by_kind_person_and_case_with_ids_only(
    people, ngo_staff, monkeypatch, time_machine
):
    freeze(time_machine, D(2020, 1, 10))
    appeal = simple(people, DeadlineKind.APPEAL_VERDICT, D(2020, 1, 20))
    parole = simple(people, DeadlineKind.PAROLE, D(2020, 1, 21), person=people.murager)
    asylum = simple(people, DeadlineKind.ASYLUM_DECISION, D(2020, 1, 22), case=people.other_case)
    gap = Gap(DeadlineKind.RELEASE, "release:x", "the day custody began", people.murager.pk)
    serve(monkeypatch, people, [appeal, parole, asylum], [gap])
    client = client_for(ngo_staff)
    url = reverse("deadline_dashboard")

    def shown(params: dict) -> set[str]:
        page = html(client.get(url, params))
        return {
            d.key
            for d in (appeal, parole, asylum)
            if reverse("deadline_detail", args=[d.key]) in page
        }

    assert shown({}) == {appeal.key, parole.key, asylum.key}
    assert shown({"kind": "parole"}) == {parole.key}
    assert shown({"person": people.murager.pk}) == {parole.key}
    assert shown({"case": people.other_case.pk}) == {asylum.key}
    assert shown({"kind": "appeal_verdict", "case": people.case.pk}) == {appeal.key}
    # Not one of the user's choices: ignored, and said so next to the field.
    page = html(client.get(url, {"person": 999999}))
    assert "Not one of your choices" in page
    assert shown({"person": 999999, "kind": "parole"}) == {parole.key}
    # The form sends ids and kind slugs, never names.
    page = html(client.get(url))
    assert f'<option value="{people.murager.pk}">Murager Alimuly</option>' in page
    assert '<option value="parole">Parole eligibility</option>' in page
    # Gaps follow the filters too.
    assert "the day custody began" in section(
        html(client.get(url, {"person": people.murager.pk})), "needs-data"
    )
    assert "the day custody began" not in section(
        html(client.get(url, {"person": people.kaster.pk})), "needs-data"
    )


def test_case_filter_offers_the_case_calendar(people, ngo_staff, monkeypatch, time_machine):
    freeze(time_machine, D(2020, 1, 10))
    serve(monkeypatch, people, [simple(people, DeadlineKind.APPEAL_VERDICT, D(2020, 1, 20))])
    page = html(client_for(ngo_staff).get(reverse("deadline_dashboard"), {"case": people.case.pk}))
    assert reverse("case_calendar", args=[people.case.pk]) in page


def test_gaps_are_listed_under_needs_data(people, ngo_staff, monkeypatch, time_machine):
    freeze(time_machine, D(2020, 1, 10))
    gap = Gap(
        DeadlineKind.RELEASE,
        "release:sentence-9",
        "the day custody began",
        people.kaster.pk,
        people.case.pk,
    )
    serve(monkeypatch, people, [], [gap])
    page = html(client_for(ngo_staff).get(reverse("deadline_dashboard")))
    needs = section(page, "needs-data")
    assert "Release" in needs
    assert "Missing: the day custody began" in needs
    assert people.kaster.get_absolute_url() in needs
    assert people.case.get_absolute_url() in needs


# -- the derivation page ------------------------------------------------------------------------


def test_derivation_page_shows_inputs_steps_rules_other_readings_and_what_happened(
    people, lawyer_on_case, monkeypatch, time_machine
):
    freeze(time_machine, D(2020, 6, 25))
    release = release_window(people)
    serve(monkeypatch, people, [release])

    page = html(client_for(lawyer_on_case).get(reverse("deadline_detail", args=[release.key])))

    assert "<h1>Release of Kaster Musakhanuly</h1>" in page
    assert people.kaster.get_absolute_url() in page
    assert people.case.get_absolute_url() in page
    assert "19 June – 3 July 2020" in page
    assert "Due now" in page
    # Inputs with their sources and quoted passages.
    assert "Custody began:</span> <strong>14 October 2019</strong>" in page
    assert "<blockquote>held since 14 October 2019</blockquote>" in page
    assert reverse("source_detail", args=[people.source.pk]) in page
    assert "No source is cited for this." in page  # the uncertain input without one
    # Each reading's steps, in order, with the rule and its article.
    first = page.index("One day of custody counts as two.")
    second = page.index("The anniversary date is 20 June 2020.")
    third = page.index("Release on the last day of the term.")
    assert first < second < third
    assert "Credit until the verdict entered into force: <time" in page
    assert "Criminal Code Art. 62(3), credit for pretrial custody" in page
    assert "Penal Execution Code Art. 165, release at the end of the term" in page
    assert "<code>kz.pec.165</code>" in page
    # Other readings are labelled as such, after the computed ones.
    other = page.index("Other readings, for comparison")
    assert page.index("The court&#x27;s own arithmetic") > other > third
    assert "14 July 2020" in page[other:]
    # Caveats.
    assert "A window, not one day, because:" in page
    assert "the day the verdict entered into force is not recorded" in page
    assert "Criminal Code Art. 62(3): the day it came into force is not verified" in page
    assert "The day it came into force is not verified." in page  # in the rules list
    # What happened.
    assert "What happened" in page
    assert "22 June 2020" in page
    assert "Within the computed window." in page


def test_derivation_page_counts_the_days_between_what_happened_and_the_date(
    people, ngo_staff, monkeypatch, time_machine
):
    freeze(time_machine, D(2020, 8, 1))
    late = simple(people, DeadlineKind.RELEASE, D(2020, 7, 3), actual=day(2020, 7, 14))
    early = simple(people, DeadlineKind.PAROLE, D(2020, 7, 3), actual=day(2020, 6, 22))
    serve(monkeypatch, people, [late, early])
    client = client_for(ngo_staff)
    page = html(client.get(reverse("deadline_detail", args=[late.key])))
    assert "11 days after the computed date." in page
    assert "Passed" in page
    page = html(client.get(reverse("deadline_detail", args=[early.key])))
    assert "11 days before the computed date." in page


def test_derivation_page_says_why_a_deadline_is_set_aside(
    people, ngo_staff, monkeypatch, time_machine
):
    freeze(time_machine, D(2019, 12, 1))
    handover = simple(
        people,
        DeadlineKind.TREATY_HANDOVER,
        D(2019, 10, 21),
        suppressed_because="An asylum claim is pending: no hand-over while it is.",
        unverified=("China–Kazakhstan border agreement of 2006: not verified",),
    )
    serve(monkeypatch, people, [handover])
    page = html(client_for(ngo_staff).get(reverse("deadline_detail", args=[handover.key])))
    assert "Set aside:" in page
    assert "An asylum claim is pending: no hand-over while it is." in page
    assert 'class="struck"' in page
    assert "Unverified rule:" in page


def test_derivation_page_of_an_unknown_rule_shows_its_id(
    people, ngo_staff, monkeypatch, time_machine
):
    freeze(time_machine, D(2020, 1, 1))
    odd = Deadline(
        kind=DeadlineKind.ARREST_CAP,
        key="arrest_cap:custody-1",
        title="Detention on arrest ends",
        earliest=D(2020, 1, 3),
        latest=D(2020, 1, 3),
        scenarios=(Scenario("", D(2020, 1, 3), (Step("48 hours.", "xx.unknown"),)),),
    )
    serve(monkeypatch, people, [odd])
    page = html(client_for(ngo_staff).get(reverse("deadline_detail", args=[odd.key])))
    assert "<code>xx.unknown</code>" in page
    assert "The engine has no description of this rule." in page


# -- access, through the real engine -------------------------------------------------------------


@pytest.fixture
def defendant(case: Case) -> SimpleNamespace:
    """A defendant of the cast's case, held since 18 October 2019, with a trial set for January."""
    person = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(
        case=case, person=person, role=ParticipantRole.DEFENDANT
    )
    factories.CustodyIntervalFactory.create(
        person=person, case=case, kind=CustodyKind.PRETRIAL, start=day(2019, 10, 18)
    )
    factories.HearingFactory.create(
        case=case, date=day(2020, 1, 6), time=dt.time(10), status=HearingStatus.SCHEDULED
    )
    return SimpleNamespace(person=person, case=case)


def _keys_of_case(case: Case, today: dt.date) -> list[str]:
    report = collect.report_for_all(today=today, case_id=case.pk)
    keys = [d.key for d in report.deadlines]
    assert keys, "the engine computes deadlines for the test case"
    return keys


@pytest.mark.parametrize("who", ["lawyer_on_case", "ngo_staff", "admin_user"])
def test_users_who_may_see_the_case_see_its_deadlines(defendant, who, request, time_machine):
    freeze(time_machine, D(2019, 11, 1))
    user: User = request.getfixturevalue(who)
    client = client_for(user)
    page = html(client.get(reverse("deadline_dashboard")))
    keys = _keys_of_case(defendant.case, D(2019, 11, 1))
    assert any(reverse("deadline_detail", args=[key]) in page for key in keys)
    for key in keys:
        html(client.get(reverse("deadline_detail", args=[key])))
    assert "Kaster Musakhanuly" in page


@pytest.mark.parametrize("who", ["ngo_staff_elsewhere", "outsider", "lawyer_colleague"])
def test_users_who_may_not_see_the_case_see_none_of_its_deadlines(
    defendant, who, request, time_machine
):
    freeze(time_machine, D(2019, 11, 1))
    user: User = request.getfixturevalue(who)
    client = client_for(user)
    page = html(client.get(reverse("deadline_dashboard")))
    assert "Kaster Musakhanuly" not in page
    for key in _keys_of_case(defendant.case, D(2019, 11, 1)):
        assert reverse("deadline_detail", args=[key]) not in page
        assert client.get(reverse("deadline_detail", args=[key])).status_code == 404


def test_unknown_deadline_is_not_found(ngo_staff, time_machine):
    freeze(time_machine, D(2019, 11, 1))
    response = client_for(ngo_staff).get(reverse("deadline_detail", args=["release:nothing-0"]))
    assert response.status_code == 404


# -- query counts --------------------------------------------------------------------------------


def _grow(user: User, n: int) -> None:
    assert user.organization is not None
    """n cases the user's organization follows, each with a defendant in custody, a hearing and
    a verdict."""
    for i in range(n):
        case = factories.CaseFactory.create()
        case.watched_by.add(user.organization)
        person = factories.PersonFactory.create()
        factories.CaseParticipantFactory.create(case=case, person=person)
        factories.CustodyIntervalFactory.create(
            case=case, person=person, start=day(2019, 10, 1 + i % 28)
        )
        factories.HearingFactory.create(case=case, date=day(2020, 1, 6))
        if i % 2:
            factories.SentenceFactory.create(
                case=case, defendant=person, pronounced=day(2020, 1, 21)
            )
        else:
            factories.AsylumClaimStepFactory.create(
                claim=factories.AsylumClaimFactory.create(person=person, case=case)
            )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        html(client.get(url))
    return len(context)


def test_dashboard_queries_stay_flat(ngo_staff, time_machine, django_assert_num_queries):
    freeze(time_machine, D(2020, 2, 1))
    client = client_for(ngo_staff)
    url = reverse("deadline_dashboard")
    _grow(ngo_staff, 2)
    html(client.get(url))  # warm the caches that are not the page's own (content types)
    with_two = _queries(client, url)
    _grow(ngo_staff, 48)
    with django_assert_num_queries(with_two):
        page = html(client.get(url))
    assert page.count('class="card deadline ') >= 50


def test_derivation_page_queries_stay_flat(ngo_staff, time_machine, django_assert_num_queries):
    freeze(time_machine, D(2020, 2, 1))
    client = client_for(ngo_staff)
    _grow(ngo_staff, 2)
    first = collect.report_for_user(ngo_staff, today=D(2020, 2, 1)).deadlines[0]
    url = reverse("deadline_detail", args=[first.key])
    html(client.get(url))
    with_two = _queries(client, url)
    _grow(ngo_staff, 48)
    with django_assert_num_queries(with_two):
        html(client.get(url))
