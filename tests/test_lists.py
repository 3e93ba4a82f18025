"""The case and person lists: filters, what each role sees, cursor pages, CSV, query counts."""

from __future__ import annotations

import csv
import io
from datetime import date
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cases.models import AsylumStatus, Case, CaseKind, CaseStatus, CustodyKind, ParticipantRole
from core.keyset import encode_cursor
from core.partial_dates import PartialDate
from hearings.models import HearingStatus
from people.models import Organization, Person
from tests import factories
from tests.helpers import client_for, html

TODAY = date(2020, 2, 1)


@pytest.fixture
def frozen(time_machine: Any) -> None:
    time_machine.move_to(
        __import__("datetime").datetime(2020, 2, 1, 12, tzinfo=ZoneInfo("Asia/Almaty")),
        tick=False,
    )


def case_titles(client: Client, **params: Any) -> list[str]:
    response = client.get(reverse("case_list"), params)
    assert response.status_code == 200
    return [case.title for case in response.context["page"].rows]


def person_names(client: Client, **params: Any) -> list[str]:
    response = client.get(reverse("person_list"), params)
    assert response.status_code == 200
    return [person.display_name for person in response.context["page"].rows]


def defendant_in(case: Case, **person: Any) -> Person:
    someone = factories.PersonFactory.create(**person)
    factories.CaseParticipantFactory.create(
        case=case, person=someone, role=ParticipantRole.DEFENDANT
    )
    return someone


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


# -- who sees what -----------------------------------------------------------------------------


@pytest.fixture
def other_case(db: None) -> Case:
    return factories.CaseFactory.create(title="Someone else's case")


def test_lawyer_on_case_lists_only_their_case(case, other_case, lawyer_on_case):
    assert case_titles(client_for(lawyer_on_case)) == ["Border case"]


def test_ngo_staff_lists_the_cases_their_organization_follows(case, other_case, ngo_staff):
    assert case_titles(client_for(ngo_staff)) == ["Border case"]


@pytest.mark.parametrize("who", ["lawyer_colleague", "ngo_staff_elsewhere", "outsider"])
def test_others_list_no_case(case, other_case, who, request):
    user: User = request.getfixturevalue(who)
    assert case_titles(client_for(user)) == []


def test_admin_lists_every_case(case, other_case, admin_user):
    assert sorted(case_titles(client_for(admin_user))) == ["Border case", "Someone else's case"]


def test_person_list_shows_only_visible_people(case, other_case, ngo_staff, ngo_staff_elsewhere):
    defendant_in(case, display_name="Visible defendant")
    defendant_in(other_case, display_name="Hidden defendant")
    factories.PersonFactory.create(display_name="A judge", is_public_figure=True)
    assert person_names(client_for(ngo_staff)) == ["A judge", "Visible defendant"]
    assert person_names(client_for(ngo_staff_elsewhere)) == ["A judge"]


def test_lists_need_a_login(db):
    response = Client().get(reverse("case_list"))
    assert response.status_code == 302


# -- filters of the case list ------------------------------------------------------------------


def test_case_filters_by_kind_status_and_jurisdiction(admin_user):
    factories.CaseFactory.create(title="Criminal open KZ")
    factories.CaseFactory.create(
        title="Asylum closed", kind=CaseKind.ASYLUM, status=CaseStatus.CLOSED
    )
    factories.CaseFactory.create(title="Kyrgyz", jurisdiction="KG")
    client = client_for(admin_user)
    assert case_titles(client, kind="asylum") == ["Asylum closed"]
    assert case_titles(client, status="closed") == ["Asylum closed"]
    assert case_titles(client, jurisdiction="KG") == ["Kyrgyz"]


def test_case_filters_by_court_and_following_organization(admin_user, case, other_case, ngo_org):
    client = client_for(admin_user)
    assert case_titles(client, court=case.court_id) == ["Border case"]
    assert case_titles(client, organization=ngo_org.pk) == ["Border case"]


def test_case_filter_by_charge_matches_any_part_of_the_article(admin_user):
    part1 = factories.LegalProvisionFactory.create(article="392", part="1")
    part2 = factories.LegalProvisionFactory.create(article="392", part="2")
    other = factories.LegalProvisionFactory.create(article="174", part="1")
    factories.ChargeFactory.create(case__title="Part one", provision=part1)
    factories.ChargeFactory.create(case__title="Part two", provision=part2)
    factories.ChargeFactory.create(case__title="Incitement", provision=other)
    client = client_for(admin_user)
    assert sorted(case_titles(client, article=part1.pk)) == ["Part one", "Part two"]
    assert case_titles(client, article=other.pk) == ["Incitement"]


def test_case_filter_by_hearing_within_days(admin_user, frozen):
    factories.HearingFactory.create(case__title="In five days", date=PartialDate.day(2020, 2, 6))
    factories.HearingFactory.create(case__title="In a month", date=PartialDate.day(2020, 3, 2))
    factories.HearingFactory.create(
        case__title="Cancelled", date=PartialDate.day(2020, 2, 3), status=HearingStatus.CANCELLED
    )
    client = client_for(admin_user)
    assert case_titles(client, hearing_within=7) == ["In five days"]
    assert sorted(case_titles(client, hearing_within=40)) == ["In a month", "In five days"]


def test_case_filter_in_custody_now(admin_user):
    held = factories.CaseFactory.create(title="Held")
    released = factories.CaseFactory.create(title="Released")
    abroad = factories.CaseFactory.create(title="Camp abroad")
    factories.CustodyIntervalFactory.create(person=defendant_in(held))
    factories.CustodyIntervalFactory.create(
        person=defendant_in(released), end=PartialDate.day(2020, 1, 21)
    )
    factories.CustodyIntervalFactory.create(
        person=defendant_in(abroad), kind=CustodyKind.ABROAD, start=None
    )
    client = client_for(admin_user)
    assert case_titles(client, in_custody="true") == ["Held"]
    assert sorted(case_titles(client, in_custody="false")) == ["Camp abroad", "Released"]


def test_custody_in_a_case_the_user_cannot_see_does_not_count(ngo_staff, case):
    person = defendant_in(case)
    hidden = factories.CaseFactory.create(title="Hidden")
    factories.CustodyIntervalFactory.create(person=person, case=hidden)
    assert case_titles(client_for(ngo_staff), in_custody="true") == []


def test_case_filter_by_asylum_status_and_days_pending(admin_user, frozen):
    long = factories.CaseFactory.create(title="Pending long")
    recent = factories.CaseFactory.create(title="Pending recent")
    refused = factories.CaseFactory.create(title="Refused")
    factories.AsylumClaimFactory.create(
        person=defendant_in(long), registered=PartialDate.day(2019, 10, 29)
    )
    factories.AsylumClaimFactory.create(
        person=defendant_in(recent), filed=PartialDate.day(2020, 1, 20)
    )
    factories.AsylumClaimFactory.create(
        person=defendant_in(refused),
        filed=PartialDate.month(2018, 5),
        status=AsylumStatus.REFUSED,
    )
    client = client_for(admin_user)
    assert sorted(case_titles(client, asylum="pending")) == ["Pending long", "Pending recent"]
    assert case_titles(client, asylum="refused") == ["Refused"]
    # 29 October 2019 to 1 February 2020 is 95 days; the refused claim is closed.
    assert case_titles(client, pending_days=90) == ["Pending long"]
    assert case_titles(client, pending_days=95) == []


def test_case_filter_by_citizenship_and_ethnicity_of_defendants(admin_user):
    chinese = factories.CaseFactory.create(title="Chinese Kazakh")
    kyrgyz = factories.CaseFactory.create(title="Kyrgyz Uyghur")
    defendant_in(chinese, citizenships=["CN"], ethnicity="Kazakh")
    defendant_in(kyrgyz, citizenships=["KG", "KZ"], ethnicity="Uyghur")
    judge = factories.PersonFactory.create(citizenships=["KZ"], ethnicity="Kazakh")
    factories.CaseParticipantFactory.create(case=kyrgyz, person=judge, role=ParticipantRole.JUDGE)
    client = client_for(admin_user)
    assert case_titles(client, citizenship="CN") == ["Chinese Kazakh"]
    assert case_titles(client, citizenship="KZ") == ["Kyrgyz Uyghur"]
    assert case_titles(client, ethnicity="kazakh") == ["Chinese Kazakh"]
    assert case_titles(client, ethnicity="uyghur") == ["Kyrgyz Uyghur"]


@pytest.mark.parametrize("list_name", ["case_list", "person_list"])
def test_ethnicity_choices_are_read_once_per_user_then_kept_a_few_minutes(
    admin_user, ngo_staff, case, list_name
):
    defendant_in(case, ethnicity="Kazakh")
    client = client_for(ngo_staff)

    def queries_and_choices() -> tuple[int, bool]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse(list_name)).content.decode()
        return len(captured), 'value="kazakh"' in page

    first, offered = queries_and_choices()
    assert offered
    again, still_offered = queries_and_choices()
    assert still_offered
    assert again == first - 1
    # Another user reads their own choices.
    other = client_for(admin_user)
    with CaptureQueriesContext(connection) as captured:
        other.get(reverse(list_name))
    assert len(captured) >= first


def test_case_filter_by_assigned_lawyer(admin_user, case, other_case, lawyer_on_case):
    assert case_titles(client_for(admin_user), lawyer=lawyer_on_case.pk) == ["Border case"]


def test_status_and_kind_counts_follow_the_other_filters(admin_user):
    factories.CaseFactory.create(status=CaseStatus.CLOSED)
    factories.CaseFactory.create(status=CaseStatus.CLOSED, kind=CaseKind.ASYLUM)
    factories.CaseFactory.create()
    response = client_for(admin_user).get(reverse("case_list"), {"kind": "criminal"})
    counts = {value: n for value, _, n in response.context["status_facets"]}
    assert counts["closed"] == 1
    assert counts["open"] == 1
    kinds = {value: n for value, _, n in response.context["kind_facets"]}
    assert kinds == {**kinds, "criminal": 2, "asylum": 1}


def test_an_invalid_filter_value_is_reported_not_applied(admin_user, case):
    response = client_for(admin_user).get(reverse("case_list"), {"status": "nonsense"})
    assert [c.title for c in response.context["page"].rows] == ["Border case"]
    assert "nonsense" in str(response.context["filter"].form.errors)


def test_filter_forms_offer_no_free_text_field(admin_user, case):
    """Names never travel in the address: every filter is a choice of ids or codes, or a number."""
    client = client_for(admin_user)
    for name in ("case_list", "person_list"):
        form = client.get(reverse(name)).context["filter"].form
        for field in form:
            assert field.widget_type in {"select", "number"}, field.name


# -- filters of the person list ----------------------------------------------------------------


def test_person_filters(admin_user, frozen):
    zaysan = factories.CaseFactory.create(title="Zaysan", status=CaseStatus.CLOSED)
    held = defendant_in(zaysan, display_name="Held", citizenships=["CN"], ethnicity="Kazakh")
    factories.CustodyIntervalFactory.create(person=held, case=zaysan)
    factories.AsylumClaimFactory.create(person=held, registered=PartialDate.day(2019, 10, 29))
    provision = factories.LegalProvisionFactory.create(article="392")
    factories.ChargeFactory.create(case=zaysan, defendant=held, provision=provision)
    asylum = factories.CaseFactory.create(title="Asylum", kind=CaseKind.ASYLUM, jurisdiction="KG")
    factories.HearingFactory.create(case=asylum, date=PartialDate.day(2020, 2, 4))
    free = defendant_in(asylum, display_name="Free", citizenships=["KG"], ethnicity="Uyghur")
    follower = factories.OrganizationFactory.create()
    free.watched_by.add(follower)
    factories.PersonFactory.create(
        display_name="Judge", is_public_figure=True, citizenships=["KZ"], ethnicity=""
    )
    client = client_for(admin_user)
    assert person_names(client, citizenship="CN") == ["Held"]
    assert person_names(client, ethnicity="uyghur") == ["Free"]
    assert person_names(client, in_custody="true") == ["Held"]
    assert person_names(client, asylum="pending") == ["Held"]
    assert person_names(client, pending_days=60) == ["Held"]
    assert person_names(client, case_kind="asylum") == ["Free"]
    assert person_names(client, case_status="closed") == ["Held"]
    assert person_names(client, jurisdiction="KG") == ["Free"]
    assert person_names(client, court=zaysan.court_id) == ["Held"]
    assert person_names(client, article=provision.pk) == ["Held"]
    assert person_names(client, hearing_within=7) == ["Free"]
    assert person_names(client, organization=follower.pk) == ["Free"]
    assert person_names(client, public_figure="true") == ["Judge"]


def test_person_filter_by_lawyer(admin_user, case, lawyer_on_case):
    defendant_in(case, display_name="Client")
    factories.PersonFactory.create(display_name="Stranger")
    assert person_names(client_for(admin_user), lawyer=lawyer_on_case.pk) == ["Client"]


# -- the reference case, for each role ---------------------------------------------------------


@pytest.fixture
def demo(db: None, tmp_path: Any) -> dict[str, User]:
    call_command(
        "load_demo", accounts_file=tmp_path / "a.txt", stdout=StringIO(), stderr=StringIO()
    )
    return {name: User.objects.get(username=name) for name in ("admin", "lawyer", "ngo")}


ZAYSAN = "Musakhanuly and Alimuly, border crossing (Zaysan)"
TABARIKULI = "Tabarikuli, border crossing"


def test_reference_case_filters_for_each_role(demo):
    lawyer, ngo, admin = (client_for(demo[n]) for n in ("lawyer", "ngo", "admin"))
    assert sorted(case_titles(lawyer)) == sorted([ZAYSAN, TABARIKULI])
    assert len(case_titles(ngo)) == 5
    assert len(case_titles(admin)) == 5
    for client in (lawyer, ngo, admin):
        assert case_titles(client, asylum="pending") == [ZAYSAN]
        assert case_titles(client, citizenship="CN", status="closed", sort="title")[0] == ZAYSAN
    assert case_titles(lawyer, status="open") == []
    assert case_titles(ngo, status="open") == ["Malikuli, border crossing"]
    names = person_names(lawyer, asylum="pending")
    assert names == ["Kaster Musakhanuly", "Murager Alimuly"]
    assert "Sayragul Sauytbai" not in person_names(lawyer, per_page=200)
    assert "Sayragul Sauytbai" in person_names(ngo, per_page=200)


def test_reference_case_charge_filter(demo):
    provision = Case.objects.get(title=ZAYSAN).charges.first().provision  # type: ignore[union-attr]
    lawyer = client_for(demo["lawyer"])
    assert ZAYSAN in case_titles(lawyer, article=provision.pk)
    assert "Bilash, incitement of discord (2019)" not in case_titles(
        client_for(demo["ngo"]), article=provision.pk
    )


# -- cursor pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["-opened", "opened", "title", "-title", "hearing"])
def test_cursor_pages_return_every_case_once(admin_user, sort):
    for i in range(11):
        factories.CaseFactory.create(
            title=f"Case {i % 4}",  # ties in the sort key
            opened=None if i % 5 == 0 else PartialDate.month(2019, 1 + i % 3),
        )
    client = client_for(admin_user)
    url = reverse("case_list")
    params: dict[str, Any] = {"per_page": 3, "sort": sort}
    seen: list[int] = []
    pages = []
    while True:
        response = client.get(url, params)
        page = response.context["page"]
        pages.append(page)
        seen.extend(case.pk for case in page.rows)
        if not page.next_cursor:
            break
        params["cursor"] = page.next_cursor
    assert len(seen) == 11
    assert len(set(seen)) == 11
    assert len(pages) == 4
    # and back again
    back: list[int] = []
    page = pages[-1]
    back = [case.pk for case in page.rows]
    while page.prev_cursor:
        params["cursor"] = page.prev_cursor
        page = client.get(url, params).context["page"]
        back = [case.pk for case in page.rows] + back
    assert back == seen


def test_first_page_has_no_previous_and_shows_more_without_a_total(admin_user):
    factories.CaseFactory.create_batch(4)
    page = html(client_for(admin_user).get(reverse("case_list"), {"per_page": 3}))
    assert 'rel="next"' in page
    assert 'rel="prev"' not in page
    assert "more follow" in page


def test_tampered_cursor_is_refused(admin_user, case):
    client = client_for(admin_user)
    good = encode_cursor(scope="cases", sort="-opened", pk=case.pk, direction="next")
    forged = good.replace(good.split(":")[0], "eyJwayI6IjEgT1IgMT0xIn0")
    response = client.get(reverse("case_list"), {"cursor": forged})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    response = client.get(reverse("case_list"), {"cursor": "garbage"})
    assert response.status_code == 400


def test_cursor_of_another_list_or_sort_is_refused(admin_user, case):
    client = client_for(admin_user)
    people_cursor = encode_cursor(scope="people", sort="-opened", pk=case.pk, direction="next")
    assert client.get(reverse("case_list"), {"cursor": people_cursor}).status_code == 400
    title_cursor = encode_cursor(scope="cases", sort="title", pk=case.pk, direction="next")
    assert client.get(reverse("case_list"), {"cursor": title_cursor}).status_code == 400


def test_cursor_holds_no_name(admin_user):
    for _ in range(3):
        defendant_in(factories.CaseFactory.create(), display_name="Kaster Musakhanuly")
    response = client_for(admin_user).get(reverse("person_list"), {"per_page": 1})
    cursor = response.context["page"].next_cursor
    assert cursor
    import base64

    payload = cursor.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"Kaster" not in decoded
    assert "Kaster" not in response.context["page"].next_cursor


def test_cursor_on_a_row_the_user_cannot_see_starts_over(ngo_staff, case, other_case):
    hidden = encode_cursor(scope="cases", sort="-opened", pk=other_case.pk, direction="next")
    response = client_for(ngo_staff).get(reverse("case_list"), {"cursor": hidden})
    assert response.status_code == 200
    assert response.context["page"].restarted
    assert [c.title for c in response.context["page"].rows] == ["Border case"]


def test_person_list_pages_return_every_person_once(admin_user):
    factories.PersonFactory.create_batch(7, display_name="Same name")
    client = client_for(admin_user)
    params: dict[str, Any] = {"per_page": 2}
    seen: list[int] = []
    while True:
        page = client.get(reverse("person_list"), params).context["page"]
        seen.extend(p.pk for p in page.rows)
        if not page.next_cursor:
            break
        params["cursor"] = page.next_cursor
    assert sorted(seen) == sorted(Person.objects.values_list("pk", flat=True))


# -- CSV ---------------------------------------------------------------------------------------


def test_case_csv_holds_only_visible_filtered_rows(ngo_staff, case, other_case):
    factories.CaseFactory.create(title="Closed followed", status=CaseStatus.CLOSED).watched_by.add(
        ngo_staff.organization
    )
    client = client_for(ngo_staff)
    rows = csv_rows(client.get(reverse("case_export")))
    assert sorted(row[1] for row in rows[1:]) == ["Border case", "Closed followed"]
    rows = csv_rows(client.get(reverse("case_export"), {"status": "open"}))
    assert [row[1] for row in rows[1:]] == ["Border case"]


def test_csv_escapes_formulas(admin_user):
    factories.CaseFactory.create(title='=HYPERLINK("http://evil")')
    factories.CaseFactory.create(title="+1", reference="@SUM(A1)")
    factories.CaseFactory.create(title="-2")
    rows = csv_rows(client_for(admin_user).get(reverse("case_export"), {"sort": "title"}))
    titles = [row[1] for row in rows[1:]]
    assert all(t.startswith("'") for t in titles)
    assert "'@SUM(A1)" in [row[6] for row in rows[1:]]
    person = factories.PersonFactory.create(display_name="=cmd|' /C calc'!A0")
    rows = csv_rows(client_for(admin_user).get(reverse("person_export")))
    assert [row[1] for row in rows[1:]] == ["'" + person.display_name]


def test_person_csv_holds_only_visible_people(ngo_staff, case, other_case):
    defendant_in(case, display_name="Visible")
    defendant_in(other_case, display_name="Hidden")
    rows = csv_rows(client_for(ngo_staff).get(reverse("person_export")))
    assert [row[1] for row in rows[1:]] == ["Visible"]


def test_outsider_csv_is_empty(outsider, case):
    rows = csv_rows(client_for(outsider).get(reverse("case_export")))
    assert len(rows) == 1


# -- constant queries --------------------------------------------------------------------------


def _grow(org: Organization, n: int) -> None:
    for _ in range(n):
        case = factories.CaseFactory.create(court=None)
        case.watched_by.add(org)
        person = defendant_in(case)
        person.watched_by.add(org)
        factories.HearingFactory.create(case=case, date=PartialDate.day(2020, 3, 1))
        factories.CustodyIntervalFactory.create(person=person, case=case)
        factories.AsylumClaimFactory.create(person=person, case=case)


def _count(client: Client, url: str, params: dict[str, Any], *, stream: bool = False) -> int:
    with CaptureQueriesContext(connection) as captured:
        response: Any = client.get(url, params)
        if stream:
            b"".join(response.streaming_content)
        else:
            html(response)
    return len(captured)


@pytest.mark.parametrize(
    ("name", "params", "stream"),
    [
        ("case_list", {"per_page": 200}, False),
        ("case_list", {"per_page": 200, "in_custody": "true", "sort": "hearing"}, False),
        ("person_list", {"per_page": 200}, False),
        ("person_list", {"per_page": 200, "asylum": "pending", "sort": "-name"}, False),
        ("case_export", {}, True),
        ("person_export", {}, True),
    ],
)
def test_queries_stay_flat_from_2_to_200_rows(ngo_staff, frozen, name, params, stream):
    client = client_for(ngo_staff)
    url = reverse(name)
    _grow(ngo_staff.organization, 2)
    _count(client, url, params, stream=stream)  # warm caches that are not the page's own
    with_two = _count(client, url, params, stream=stream)
    _grow(ngo_staff.organization, 198)
    with_two_hundred = _count(client, url, params, stream=stream)
    assert with_two == with_two_hundred
    if not stream:
        rows = client.get(url, params).context["page"].rows
        assert len(rows) == 200


def test_queries_stay_flat_on_a_later_page(ngo_staff):
    _grow(ngo_staff.organization, 5)
    client = client_for(ngo_staff)
    first = client.get(reverse("case_list"), {"per_page": 2}).context["page"]
    params = {"per_page": 2, "cursor": first.next_cursor}
    small = _count(client, reverse("case_list"), params)
    params["per_page"] = 3
    assert _count(client, reverse("case_list"), params) == small


# -- navigation --------------------------------------------------------------------------------


def test_navigation_and_home_link_to_the_lists(ngo_staff, case):
    page = html(client_for(ngo_staff).get(reverse("home")))
    assert f'href="{reverse("case_list")}"' in page
    assert f'href="{reverse("person_list")}"' in page


def test_staff_filter_only_by_their_own_organization(case, ngo_staff, ngo_org, other_org):
    """Which other NGOs follow a file is not for them to learn through a filter."""
    case.watched_by.add(other_org)
    page = client_for(ngo_staff).get(reverse("case_list")).content.decode()
    choices = page[page.index('name="organization"') :].split("</select>")[0]
    assert ngo_org.name in choices
    assert other_org.name not in choices
