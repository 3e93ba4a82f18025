"""Calendar feeds: a user's secret address and one case's calendar, read back as iCalendar."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from accounts.models import User
from cases.models import Case, CustodyKind, ParticipantRole
from core.partial_dates import PartialDate
from deadlines import collect
from deadlines.engine.results import Deadline, DeadlineKind, Scenario, Step
from deadlines.models import CalendarFeed, hash_token
from hearings.models import HearingStatus
from tests import factories
from tests.helpers import client_for, html

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+6 until March 2024, +5 since
TODAY = dt.date(2019, 12, 20)
day = PartialDate.day


@pytest.fixture(autouse=True)
def frozen(time_machine) -> None:
    time_machine.move_to(dt.datetime(2019, 12, 20, 9, tzinfo=ALMATY))


@pytest.fixture
def story(case: Case) -> SimpleNamespace:
    """The cast's case: a defendant held since 18 October 2019, a trial on 6 January 2020 at
    10:00, an earlier adjourned session, a hearing only known by its month; and a second case
    that the cast's NGO does not follow."""
    person = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(
        case=case, person=person, role=ParticipantRole.DEFENDANT
    )
    factories.CustodyIntervalFactory.create(
        person=person, case=case, kind=CustodyKind.PRETRIAL, start=day(2019, 10, 18)
    )
    trial = factories.HearingFactory.create(
        case=case,
        date=day(2020, 1, 6),
        time=dt.time(10, 30),
        status=HearingStatus.SCHEDULED,
        court=factories.OrganizationFactory.create(name="Zaysan District Court"),
    )
    earlier = factories.HearingFactory.create(
        case=case, date=day(2019, 12, 10), status=HearingStatus.ADJOURNED
    )
    vague = factories.HearingFactory.create(case=case, date=PartialDate.month(2020, 2))
    elsewhere = factories.CaseFactory.create(title="Case the NGO does not follow")
    stranger = factories.PersonFactory.create(display_name="Somebody Else")
    factories.CaseParticipantFactory.create(case=elsewhere, person=stranger)
    factories.CustodyIntervalFactory.create(
        person=stranger, case=elsewhere, kind=CustodyKind.PRETRIAL, start=day(2019, 11, 1)
    )
    hidden_hearing = factories.HearingFactory.create(case=elsewhere, date=day(2020, 1, 7))
    return SimpleNamespace(
        case=case,
        person=person,
        trial=trial,
        earlier=earlier,
        vague=vague,
        elsewhere=elsewhere,
        hidden_hearing=hidden_hearing,
    )


def new_feed_url(client: Client) -> str:
    """Create a calendar address through the page, as a user does; return its path."""
    response = client.post(reverse("calendar_feeds"), {"label": "phone"})
    assert response.status_code == 201
    match = re.search(r'value="http://testserver(/calendar/[^"]+\.ics)"', response.content.decode())
    assert match, "the new address is shown"
    return match.group(1)


def read(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Component]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# -- the user's secret address -------------------------------------------------------------------


def test_feed_address_works_without_a_session_and_lists_hearings_and_deadlines(story, ngo_staff):
    path = new_feed_url(client_for(ngo_staff))
    calendar = read(Client().get(path))  # a calendar app: no cookies

    found = events(calendar)
    trial = found[f"hearing-{story.trial.pk}@vigil"]
    # 10:30 in Almaty, which was UTC+6 until March 2024.
    assert trial.decoded("DTSTART") == dt.datetime(2020, 1, 6, 4, 30, tzinfo=dt.UTC)
    assert "Border case" in str(trial["SUMMARY"])
    assert str(trial["LOCATION"]) == "Zaysan District Court"
    assert f"/cases/{story.case.pk}/#hearing-{story.trial.pk}" in str(trial["URL"])
    assert f"hearing-{story.earlier.pk}@vigil" in found  # past and adjourned hearings stay
    # Known only by its month: all-day over the whole month, and said so.
    vague = found[f"hearing-{story.vague.pk}@vigil"]
    assert vague.decoded("DTSTART") == dt.date(2020, 2, 1)
    assert vague.decoded("DTEND") == dt.date(2020, 3, 1)
    assert "day not known" in str(vague["SUMMARY"])

    report = collect.report_for_user(ngo_staff, today=TODAY)
    expected = {
        f"{d.key}@vigil"
        for d in report.deadlines
        if not d.suppressed_because and d.kind != DeadlineKind.NEXT_HEARING
    }
    assert expected, "the engine computes deadlines for the story"
    assert expected <= set(found)
    for deadline in report.deadlines:
        uid = f"{deadline.key}@vigil"
        if uid not in expected:
            continue
        event = found[uid]
        assert event.decoded("DTSTART") == deadline.earliest
        assert event.decoded("DTEND") == deadline.latest + dt.timedelta(days=1)
        assert "Kaster Musakhanuly" in str(event["SUMMARY"])
        assert str(event["URL"]) == f"http://testserver/deadlines/{deadline.key}/"
        assert f"Derivation: http://testserver/deadlines/{deadline.key}/" in str(
            event["DESCRIPTION"]
        )
        assert "Status: " in str(event["DESCRIPTION"])
        assert "DTSTAMP" in event


def test_feed_leaves_out_cases_the_user_may_not_see(story, ngo_staff):
    path = new_feed_url(client_for(ngo_staff))
    body = Client().get(path).content.decode()
    found = events(icalendar.Calendar.from_ical(body))
    assert f"hearing-{story.hidden_hearing.pk}@vigil" not in found
    assert "Somebody Else" not in body
    assert "Case the NGO does not follow" not in body
    hidden = collect.report_for_all(today=TODAY, case_id=story.elsewhere.pk).deadlines
    assert hidden, "the other case has deadlines of its own"
    assert not {f"{d.key}@vigil" for d in hidden} & set(found)


def test_feed_covers_the_past_year_and_what_is_ahead(story, ngo_staff, ngo_org):
    """Older hearings, and the deadlines of cases with nothing in the window, stay on the case
    pages and in the case's own calendar, not in the user's feed."""
    old_hearing = factories.HearingFactory.create(
        case=story.case, date=day(2018, 12, 1), status=HearingStatus.ADJOURNED
    )
    closed = factories.CaseFactory.create(title="Case closed long ago")
    closed.watched_by.add(ngo_org)
    held_then = factories.PersonFactory.create(display_name="Released Person")
    factories.CaseParticipantFactory.create(case=closed, person=held_then)
    factories.CustodyIntervalFactory.create(
        person=held_then,
        case=closed,
        kind=CustodyKind.PRETRIAL,
        start=day(2016, 3, 1),
        end=day(2016, 5, 1),
    )
    closed_hearing = factories.HearingFactory.create(case=closed, date=day(2016, 4, 1))
    assert any(
        d.case_id == closed.pk or d.person_id == held_then.pk
        for d in collect.report_for_user(ngo_staff, today=TODAY).deadlines
    ), "the closed case has deadlines of its own"

    found = events(read(Client().get(new_feed_url(client_for(ngo_staff)))))
    assert f"hearing-{story.earlier.pk}@vigil" in found
    assert f"hearing-{old_hearing.pk}@vigil" not in found
    assert f"hearing-{closed_hearing.pk}@vigil" not in found
    assert not any("Released Person" in str(event["SUMMARY"]) for event in found.values())
    case_calendar = events(
        read(client_for(ngo_staff).get(reverse("case_calendar", args=[story.case.pk])))
    )
    assert f"hearing-{old_hearing.pk}@vigil" in case_calendar


def test_feed_uids_are_stable_from_one_reading_to_the_next(story, lawyer_on_case, time_machine):
    path = new_feed_url(client_for(lawyer_on_case))
    first = events(read(Client().get(path)))
    time_machine.move_to(dt.datetime(2019, 12, 21, 9, tzinfo=ALMATY))
    second = events(read(Client().get(path)))
    assert set(first) == set(second)
    assert len(first) > 3
    for uid, event in first.items():
        assert event.decoded("DTSTART") == second[uid].decoded("DTSTART")


def test_feed_shows_what_its_user_may_see_now(story, ngo_staff, ngo_org):
    path = new_feed_url(client_for(ngo_staff))
    assert f"hearing-{story.trial.pk}@vigil" in events(read(Client().get(path)))
    story.case.watched_by.remove(ngo_org)
    assert f"hearing-{story.trial.pk}@vigil" not in events(read(Client().get(path)))


def test_revoked_address_is_not_found(story, ngo_staff):
    client = client_for(ngo_staff)
    path = new_feed_url(client)
    feed = CalendarFeed.objects.get(user=ngo_staff)
    response = client.post(reverse("calendar_feed_revoke", args=[feed.pk]))
    assert response.status_code == 302
    assert Client().get(path).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    page = html(client.get(reverse("calendar_feeds")))
    assert "no longer works" in page
    assert "Revoked addresses" in page


def test_unknown_address_is_not_found(db):
    assert Client().get("/calendar/not-a-real-token-at-all.ics").status_code == 404


def test_address_of_a_deactivated_user_is_not_found(story, ngo_staff):
    path = new_feed_url(client_for(ngo_staff))
    ngo_staff.is_active = False
    ngo_staff.save()
    assert Client().get(path).status_code == 404


def test_users_cannot_revoke_each_others_addresses(story, ngo_staff, lawyer_on_case):
    path = new_feed_url(client_for(ngo_staff))
    feed = CalendarFeed.objects.get(user=ngo_staff)
    response = client_for(lawyer_on_case).post(reverse("calendar_feed_revoke", args=[feed.pk]))
    assert response.status_code == 404
    assert Client().get(path).status_code == 200


def test_only_a_hash_of_the_token_is_stored(story, ngo_staff):
    path = new_feed_url(client_for(ngo_staff))
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes
    feed = CalendarFeed.objects.get(user=ngo_staff)
    assert feed.token_hash == hash_token(token) != token
    assert token.startswith(feed.prefix)
    assert len(feed.prefix) < 10
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM deadlines_calendarfeed")
        rows = cursor.fetchall()
    assert token not in repr(rows)


def test_new_address_is_shown_once(story, ngo_staff):
    client = client_for(ngo_staff)
    path = new_feed_url(client)
    page = html(client.get(reverse("calendar_feeds")))
    assert path not in page
    assert CalendarFeed.objects.get(user=ngo_staff).prefix in page
    assert "phone" in page


def test_feed_page_is_not_cached(ngo_staff):
    response = client_for(ngo_staff).post(reverse("calendar_feeds"), {"label": ""})
    assert "no-store" in response["Cache-Control"]


def test_account_without_a_role_cannot_create_an_address(outsider):
    client = client_for(outsider)
    assert "no role" in html(client.get(reverse("calendar_feeds")))
    assert client.post(reverse("calendar_feeds"), {"label": "x"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_feed_address_holds_no_names(story, ngo_staff):
    path = new_feed_url(client_for(ngo_staff))
    assert re.fullmatch(r"/calendar/[A-Za-z0-9_-]{43}\.ics", path)


def test_feed_records_history(ngo_staff):
    client_for(ngo_staff).post(reverse("calendar_feeds"), {"label": "phone"})
    feed = CalendarFeed.objects.get()
    feed.revoke()
    history = Events.objects.tracks(feed).order_by("pgh_id")
    assert [event.pgh_label for event in history] == [
        "insert",
        "update",
    ]


def test_feed_queries_stay_flat(ngo_staff, django_assert_num_queries):
    path = new_feed_url(client_for(ngo_staff))

    def grow(n: int) -> None:
        for _ in range(n):
            case = factories.CaseFactory.create()
            case.watched_by.add(ngo_staff.organization)
            person = factories.PersonFactory.create()
            factories.CaseParticipantFactory.create(case=case, person=person)
            factories.CustodyIntervalFactory.create(case=case, person=person)
            factories.HearingFactory.create(case=case, date=day(2020, 1, 6), time=dt.time(10))

    grow(2)
    read(Client().get(path))
    with CaptureQueriesContext(connection) as two:
        read(Client().get(path))
    grow(48)
    with django_assert_num_queries(len(two)):
        calendar = read(Client().get(path))
    assert len([e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("hearing-")]) == 50


# -- one deadline as an event, with a report built by hand ---------------------------------------


def test_window_is_one_all_day_event_with_exclusive_end(story, ngo_staff, monkeypatch):
    window = Deadline(
        kind=DeadlineKind.VERDICT_IN_FORCE,
        key=f"verdict_in_force:sentence-{story.person.pk}",
        title="The verdict enters into force",
        earliest=dt.date(2020, 2, 6),
        latest=dt.date(2020, 2, 11),
        person_id=story.person.pk,
        case_id=story.case.pk,
        rule_ids=("kz.cpc.470",),
        scenarios=(
            Scenario(
                "Copy received on the day", dt.date(2020, 2, 6), (Step("15 days.", "kz.cpc.418"),)
            ),
        ),
        uncertain_because=("the day the copy reached the convict is not recorded",),
        unverified=("Criminal Procedure Code (delivery of the verdict): not verified",),
    )
    hearing_twin = Deadline(
        kind=DeadlineKind.NEXT_HEARING,
        key=f"next_hearing:hearing-{story.trial.pk}",
        title="Hearing",
        earliest=dt.date(2020, 1, 6),
        latest=dt.date(2020, 1, 6),
        case_id=story.case.pk,
    )
    set_aside = Deadline(
        kind=DeadlineKind.TREATY_HANDOVER,
        key="treaty_handover:custody-1",
        title="Hand-over",
        earliest=dt.date(2019, 10, 25),
        latest=dt.date(2019, 10, 25),
        person_id=story.person.pk,
        suppressed_because="An asylum claim is pending.",
    )
    report = collect.DeadlineReport(
        [set_aside, hearing_twin, window],
        [],
        {story.person.pk: story.person},
        {story.case.pk: story.case},
    )
    monkeypatch.setattr(collect, "report_for_feed", lambda user, **kwargs: report)
    path = new_feed_url(client_for(ngo_staff))
    body = Client().get(path).content.decode()
    assert "DTSTART;VALUE=DATE:20200206" in body
    assert "DTEND;VALUE=DATE:20200212" in body
    found = events(icalendar.Calendar.from_ical(body))
    event = found[f"{window.key}@vigil"]
    assert str(event["SUMMARY"]) == "Verdict enters into force: Kaster Musakhanuly"
    description = str(event["DESCRIPTION"])
    assert "Status: Upcoming" in description
    assert "Window: 6 – 11 February 2020" in description
    assert "Window because: the day the copy reached the convict is not recorded" in description
    assert "Unverified rule: Criminal Procedure Code (delivery of the verdict)" in description
    assert "Copy received on the day: 6 February 2020" in description
    assert "1. 15 days. [Criminal Procedure Code Art. 418, kz.cpc.418]" in description
    # The hearing is its own event; what the engine sets aside stays out.
    assert f"{hearing_twin.key}@vigil" not in found
    assert f"{set_aside.key}@vigil" not in found
    assert f"hearing-{story.trial.pk}@vigil" in found


# -- one case's calendar -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lawyer_on_case", "ngo_staff", "admin_user"])
def test_case_calendar_for_those_who_may_see_the_case(story, who, request):
    user: User = request.getfixturevalue(who)
    response = client_for(user).get(reverse("case_calendar", args=[story.case.pk]))
    found = events(read(response))
    assert f"hearing-{story.trial.pk}@vigil" in found
    assert f"hearing-{story.hidden_hearing.pk}@vigil" not in found
    report = collect.report_for_user(user, today=TODAY, case_id=story.case.pk)
    assert any(f"{d.key}@vigil" in found for d in report.deadlines)
    assert all(d.case_id == story.case.pk for d in report.deadlines)
    assert response["Content-Disposition"] == f'inline; filename="case-{story.case.pk}.ics"'


@pytest.mark.parametrize("who", ["ngo_staff_elsewhere", "outsider", "lawyer_colleague"])
def test_case_calendar_is_not_found_for_others(story, who, request):
    user: User = request.getfixturevalue(who)
    assert client_for(user).get(reverse("case_calendar", args=[story.case.pk])).status_code == 404


def test_case_calendar_needs_a_session(story):
    response = Client().get(reverse("case_calendar", args=[story.case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_feed_cannot_be_revoked_before_it_was_created(ngo_staff):
    feed, _token = CalendarFeed.objects.create_for(ngo_staff)
    feed.revoked_at = feed.created_at - dt.timedelta(seconds=1)
    with (
        pytest.raises(IntegrityError, match="calendar_feed_revoked_after_created"),
        transaction.atomic(),
    ):
        feed.save()


def test_admin_lists_feeds_and_revokes_them_but_never_creates_one(ngo_staff):
    feed, _token = CalendarFeed.objects.create_for(ngo_staff, "phone")
    root = factories.UserFactory.create(username="root", is_superuser=True, is_staff=True)
    client = client_for(root)
    url = reverse("admin:deadlines_calendarfeed_changelist")
    page = html(client.get(url))
    assert "ngo_staff" in page
    assert feed.prefix in page
    assert feed.token_hash not in page
    assert client.get(reverse("admin:deadlines_calendarfeed_add")).status_code == 403
    client.post(url, {"action": "revoke", "_selected_action": [feed.pk]})
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_case_calendar_queries_stay_flat(case, lawyer_on_case, django_assert_num_queries):
    client = client_for(lawyer_on_case)
    url = reverse("case_calendar", args=[case.pk])

    def grow(n: int) -> None:
        for i in range(n):
            person = factories.PersonFactory.create()
            factories.CaseParticipantFactory.create(case=case, person=person)
            factories.CustodyIntervalFactory.create(case=case, person=person)
            factories.HearingFactory.create(case=case, date=day(2020, 1, 1 + i % 28))

    grow(2)
    read(client.get(url))
    with CaptureQueriesContext(connection) as two:
        read(client.get(url))
    grow(48)
    with django_assert_num_queries(len(two)):
        calendar = read(client.get(url))
    assert len([e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("hearing-")]) == 50


def test_new_address_over_https_opens_in_a_calendar_app(ngo_staff):
    response = client_for(ngo_staff).post(reverse("calendar_feeds"), {"label": ""}, secure=True)
    page = response.content.decode()
    assert re.search(r'value="https://testserver/calendar/[A-Za-z0-9_-]{43}\.ics"', page)
    assert re.search(r'href="webcal://testserver/calendar/[A-Za-z0-9_-]{43}\.ics"', page)
