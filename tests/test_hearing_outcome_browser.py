"""A lawyer logs the reference case's hearings on a phone-sized browser, from an empty case: the
6 January 2020 adjournment, then the 21 January 2020 verdict, and reads the deadlines that
follow. And two colleagues editing one hearing at once: the second save is refused and keeps
what was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from accounts.roles import Role
from cases.models import Case, CustodyKind, ParticipantRole
from core.partial_dates import PartialDate
from hearings.models import Hearing
from people.models import OrganizationKind
from tests import factories
from tests.browser import chromium, pass_second_factor, screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long passphrase for the outcome browser test"
ALMATY = ZoneInfo("Asia/Almaty")
PHONE: ViewportSize = {"width": 390, "height": 844}
day = PartialDate.day


@pytest.fixture(autouse=True)
def cookies_without_expiry(settings: Any) -> None:
    """The server's clock is set in 2020: cookies dated from it would reach the browser
    already expired, so both last for the browser session instead, and the session outlives
    the fortnight the test skips."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.SESSION_COOKIE_AGE = 60 * 24 * 3600
    settings.CSRF_COOKIE_AGE = None


def lawyer(username: str, case: Case, **names: str) -> User:
    user = factories.UserFactory.create(username=username, roles=[Role.LAWYER], **names)
    user.set_password(PASSWORD)
    user.save()
    factories.CaseAssignmentFactory.create(case=case, user=user)
    return user


@pytest.fixture
def zaysan() -> SimpleNamespace:
    """The case as it stood before its trial: two defendants charged under Art. 392 part 1,
    arrested on 14 October 2019 and in pretrial custody from 18 October, a trial session set
    for 6 January 2020, and no outcome recorded."""
    court = factories.OrganizationFactory.create(
        name="Zaysan District Court", kind=OrganizationKind.COURT
    )
    case = factories.CaseFactory.create(
        title="Musakhanuly and Alimuly, border", court=court, opened=PartialDate.month(2019, 10)
    )
    art_392 = factories.LegalProvisionFactory.create(
        instrument="Criminal Code of the Republic of Kazakhstan (2014)",
        article="392",
        part="1",
        title="Illegal crossing of the state border",
    )
    found = SimpleNamespace(case=case, defendants=[], charges=[])
    for name in ("Kaster Musakhanuly", "Murager Alimuly"):
        person = factories.PersonFactory.create(display_name=name)
        factories.CaseParticipantFactory.create(
            case=case, person=person, role=ParticipantRole.DEFENDANT
        )
        found.charges.append(
            factories.ChargeFactory.create(case=case, defendant=person, provision=art_392)
        )
        factories.CustodyIntervalFactory.create(
            person=person,
            case=case,
            kind=CustodyKind.ARREST,
            start=day(2019, 10, 14),
            end=PartialDate(dt.date(2019, 10, 14), dt.date(2019, 10, 18)),
        )
        factories.CustodyIntervalFactory.create(
            person=person, case=case, kind=CustodyKind.PRETRIAL, start=day(2019, 10, 18)
        )
        found.defendants.append(person)
    found.hearing = factories.HearingFactory.create(
        case=case, court=court, date=day(2020, 1, 6), time=dt.time(10)
    )
    found.lawyer = lawyer("akhat", case, first_name="Lazzat", last_name="Akhat")
    return found


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """The server's today: 6 January 2020 in Zaysan, running."""
    with time_machine.travel(dt.datetime(2020, 1, 6, 16, tzinfo=ALMATY), tick=True) as traveller:
        yield traveller


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    pass_second_factor(page, username)
    page.wait_for_url(f"{base}/")


def no_sideways_scroll(page: Page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{what} scrolls sideways on a 390-pixel phone"


def fill_verdict_row(page: Page, person_pk: int, charge_pk: int) -> None:
    """One defendant: convicted, one year of imprisonment, minimum security, two days for one,
    expulsion ruled out."""
    prefix = f"#id_d{person_pk}"
    page.click(f"#defendant-{person_pk} > summary")
    page.select_option(f"{prefix}-charge-{charge_pk}", "convicted")
    page.select_option(f"{prefix}-s0-kind", "imprisonment")
    page.fill(f"{prefix}-s0-years", "1")
    page.select_option(f"{prefix}-s0-institution_type", "minimum")
    page.select_option(f"{prefix}-s0-custody_credit", "2:1")
    page.select_option(f"{prefix}-s0-expulsion", "ruled_out")


def test_lawyer_logs_the_adjournment_and_the_verdict_from_a_phone(
    live_server, zaysan, clock
) -> None:
    kaster, murager = zaysan.defendants
    base = live_server.url
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        sign_in(page, base, "akhat")

        # 6 January 2020: the home page lists today's hearing.
        today = page.locator(".hearings-to-log")
        expect(today).to_contain_text("Musakhanuly and Alimuly, border")
        page.screenshot(path=screenshot_path("outcome-1-home-390"), full_page=True)
        today.get_by_role("link", name="Log outcome").click()
        expect(page.locator("h1")).to_have_text("Log outcome")
        no_sideways_scroll(page, "the outcome form")
        page.screenshot(path=screenshot_path("outcome-2-form-390"))

        page.get_by_role("radio", name="Adjourned").check()
        expect(page.locator("#id_next_date")).to_be_visible()
        expect(page.locator("#verdict")).to_be_hidden()  # no verdict at an adjournment
        page.fill("#id_outcome", "The trial opened and was adjourned after two hours.")
        page.get_by_role("button", name="Save outcome").click()  # without the new date
        expect(page.locator("#id_next_date_error")).to_have_text(
            "Give the date it was adjourned to."
        )
        expect(page.locator("#id_outcome")).to_have_value(
            "The trial opened and was adjourned after two hours."
        )
        page.locator("#id_next_date").scroll_into_view_if_needed()
        page.screenshot(path=screenshot_path("outcome-2b-error-390"))
        page.fill("#id_next_date", "21 January 2020")
        page.fill("#id_reason", "Postponed by the court")
        page.fill("#id_notes", "I was not allowed to consult my clients.")
        page.screenshot(path=screenshot_path("outcome-3-adjourned-390"))
        page.get_by_text("Who was present").click()
        page.get_by_role("radio", name="No", exact=True).check()  # the defence was kept out
        page.locator("summary", has_text="Source").click()
        expect(page.get_by_label("Keep my record confidential (admins and me)")).to_be_hidden()
        page.get_by_label("My own record").check()
        expect(page.get_by_label("Keep my record confidential (admins and me)")).to_be_checked()
        page.locator("#id_quote").scroll_into_view_if_needed()
        page.screenshot(path=screenshot_path("outcome-3b-present-source-390"))
        page.get_by_role("button", name="Save outcome").click()

        page.wait_for_url(f"{base}/hearings/{zaysan.hearing.pk}/saved/")
        expect(page.locator(".note-ok")).to_contain_text("Adjourned to 21 January 2020")
        no_sideways_scroll(page, "the saved page")
        page.screenshot(path=screenshot_path("outcome-4-adjourned-saved-390"), full_page=True)

        # 21 January 2020, after the verdict: log it on the new hearing.
        clock.move_to(dt.datetime(2020, 1, 21, 17, tzinfo=ALMATY))
        # Two weeks on, the session has long ended (30 idle minutes): sign in again.
        sign_in(page, base, "akhat")
        page.goto(f"{base}/hearings/{zaysan.hearing.pk}/saved/")
        page.get_by_role("link", name="Log the outcome of 21 January 2020").click()
        expect(page.locator(".hearing-summary")).to_contain_text("21 January 2020")
        page.get_by_role("radio", name="Held").check()
        page.fill("#id_outcome", "Sentenced to one year; the court ruled not to deport them.")
        page.get_by_label("The court announced a verdict").check()
        page.evaluate("window.notReloaded = true")
        fill_verdict_row(page, kaster.pk, zaysan.charges[0].pk)
        # htmx adds a second sentence line without reloading the page; left empty, it is ignored.
        page.click(f"#defendant-{kaster.pk} .add-line")
        expect(page.locator(f"#id_d{kaster.pk}-s1-kind")).to_be_focused()
        assert page.evaluate("window.notReloaded === true"), "the page reloaded"
        expect(page.locator(f"#id_d{kaster.pk}-s0-years")).to_have_value("1")
        fill_verdict_row(page, murager.pk, zaysan.charges[1].pk)
        page.locator(f"#defendant-{murager.pk}").scroll_into_view_if_needed()
        no_sideways_scroll(page, "the verdict rows")
        page.screenshot(path=screenshot_path("outcome-5-verdict-390"))
        page.screenshot(path=screenshot_path("outcome-5-verdict-390-full"), full_page=True)
        # From the keyboard: focus the button, press Enter.
        page.get_by_role("button", name="Save outcome").focus()
        page.keyboard.press("Enter")

        page.wait_for_url(f"{base}/hearings/*/saved/")
        saved = page.locator(".saved-deadlines")
        page.screenshot(path=screenshot_path("outcome-6-deadlines-390"), full_page=True)
        no_sideways_scroll(page, "the deadlines after the verdict")
        for person in ("Kaster Musakhanuly", "Murager Alimuly"):
            expect(saved).to_contain_text(person)
        rows = {
            kind: saved.locator(".deadline", has_text=kind).first
            for kind in ("Appeal against the verdict", "Verdict enters into force", "Release")
        }
        # The copy's delivery is not recorded: the appeal window opens on 5 February.
        expect(rows["Appeal against the verdict"].locator(".deadline-date")).to_have_text(
            "5 – 10 February 2020"
        )
        expect(rows["Verdict enters into force"].locator(".deadline-date")).to_contain_text(
            "6 – 11 February 2020"
        )
        expect(rows["Release"].locator(".deadline-date")).to_contain_text("June 2020")
        rows["Release"].get_by_role("link", name="How this date is computed").click()
        expect(page.locator("main")).to_contain_text("Penal Execution Code Art. 165")

        page.goto(f"{base}/cases/{zaysan.case.pk}/#hearings")
        hearings = page.locator("#hearings")
        expect(hearings.locator(".hearing")).to_have_count(2)
        expect(hearings).to_contain_text("Adjourned to 21 January 2020")
        expect(hearings.get_by_role("link", name="Edit outcome")).to_have_count(2)
        no_sideways_scroll(page, "the case page")
        page.screenshot(path=screenshot_path("outcome-8-case-390"))

        # An appeal hearing announced for later.
        page.get_by_role("link", name="Schedule a hearing").click()
        page.fill("#id_when", "3 March 2020")
        page.fill("#id_at", "10:00")
        page.select_option("#id_kind", "appeal")
        no_sideways_scroll(page, "the schedule form")
        page.screenshot(path=screenshot_path("outcome-9-schedule-390"))
        page.get_by_role("button", name="Schedule").click()
        expect(page.locator(".note-ok")).to_contain_text("3 March 2020")
        expect(page.locator(".saved-deadlines")).to_contain_text("3 March 2020")
    assert Hearing.objects.filter(case=zaysan.case).count() == 3


def test_the_second_of_two_colleagues_is_told_and_keeps_what_she_typed(live_server, zaysan) -> None:
    lawyer("bolat", zaysan.case, first_name="Bolat", last_name="Seitkali")
    base = live_server.url
    url = f"{base}/hearings/{zaysan.hearing.pk}/outcome/"
    with chromium() as browser:
        first = browser.new_context(viewport=PHONE).new_page()
        second = browser.new_context(viewport=PHONE).new_page()
        sign_in(first, base, "akhat")
        sign_in(second, base, "bolat")
        first.goto(url)
        second.goto(url)

        second.get_by_role("radio", name="Adjourned").check()
        second.fill("#id_next_date", "21 January 2020")
        second.fill("#id_reason", "No interpreter")
        second.get_by_role("button", name="Save outcome").click()
        second.wait_for_url(f"{base}/hearings/{zaysan.hearing.pk}/saved/")

        # From the keyboard: the hidden radio still takes focus, Space chooses it.
        first.get_by_role("radio", name="Held").focus()
        first.keyboard.press("Space")
        expect(first.get_by_role("radio", name="Held")).to_be_checked()
        first.fill("#id_notes", "Witnesses heard; my notes from the corridor.")
        first.get_by_role("button", name="Save outcome").click()
        notice = first.locator("#stale")
        expect(notice).to_contain_text("Bolat Seitkali saved this hearing at")
        expect(notice).to_contain_text("while you were editing")
        expect(notice).to_contain_text("Adjourned")
        expect(notice).to_contain_text("No interpreter")
        expect(notice).to_contain_text("21 January 2020")
        expect(first.locator("#id_notes")).to_have_value(
            "Witnesses heard; my notes from the corridor."
        )
        expect(first.get_by_role("radio", name="Held")).to_be_checked()
        no_sideways_scroll(first, "the refused save")
        first.screenshot(path=screenshot_path("outcome-7-refused-390"), full_page=True)

        # Having read it, she saves hers on purpose.
        first.get_by_role("button", name="Save mine instead").click()
        first.wait_for_url(f"{base}/hearings/{zaysan.hearing.pk}/saved/")
    hearing = Hearing.objects.get(pk=zaysan.hearing.pk)
    assert hearing.notes == "Witnesses heard; my notes from the corridor."
    assert hearing.status == "held"
