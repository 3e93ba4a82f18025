"""Lawyers log what happened at a hearing: the outcome form, what a save writes, who may do it,
its messages, one transaction per save, history with the user, and a colleague's save that
the form refuses to overwrite unawares."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from accounts.models import User
from accounts.roles import Role
from cases.models import Case, Charge, ChargeStatus, CustodyInterval, ParticipantRole
from core.partial_dates import PartialDate
from hearings import outcomes
from hearings.models import Hearing, HearingKind, HearingStatus, Sentence
from sources.models import Citation, Source, SourceKind
from tests import factories
from tests.helpers import client_for, html

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+6 in 2020
day = PartialDate.day


# -- the cast and the case -------------------------------------------------------------------


@pytest.fixture
def now(time_machine: Any) -> Any:
    """Freeze the clock; tests move it to the day they need."""

    def move(year: int, month: int, dd: int, hour: int = 12, minute: int = 0) -> None:
        time_machine.move_to(dt.datetime(year, month, dd, hour, minute, tzinfo=ALMATY), tick=False)

    move(2020, 1, 6)
    return move


@pytest.fixture
def people(case: Case) -> SimpleNamespace:
    """Two defendants charged under Art. 392 part 1, a judge and a prosecutor."""
    art_392 = factories.LegalProvisionFactory.create(
        instrument="Criminal Code (2014)", article="392", part="1"
    )
    cast = SimpleNamespace(provision=art_392)
    for name, display in (("kaster", "Kaster Musakhanuly"), ("murager", "Murager Alimuly")):
        person = factories.PersonFactory.create(display_name=display)
        factories.CaseParticipantFactory.create(case=case, person=person)
        setattr(cast, name, person)
        setattr(
            cast,
            f"{name}_charge",
            factories.ChargeFactory.create(case=case, defendant=person, provision=art_392),
        )
    cast.judge = factories.PersonFactory.create(display_name="Judge Serikbayev")
    factories.CaseParticipantFactory.create(case=case, person=cast.judge, role="judge")
    cast.prosecutor = factories.PersonFactory.create(display_name="Prosecutor Akhmetov")
    factories.CaseParticipantFactory.create(case=case, person=cast.prosecutor, role="prosecutor")
    return cast


@pytest.fixture
def hearing(case: Case, people: SimpleNamespace) -> Hearing:
    return factories.HearingFactory.create(case=case, date=day(2020, 1, 6), time=dt.time(10))


def outcome_url(hearing: Hearing) -> str:
    return reverse("hearing_outcome", args=[hearing.pk])


def form_data(hearing: Hearing, **values: Any) -> dict[str, Any]:
    """What the browser sends for the untouched form, with `values` typed over it."""
    data: dict[str, Any] = {
        "version": hearing.version,
        "next_kind": hearing.kind,
        "confidential": "on",
    }
    for participant in hearing.case.participants.filter(role=ParticipantRole.DEFENDANT):
        prefix = f"d{participant.person_id}"
        data[f"{prefix}-lines"] = 1
        for charge in Charge.objects.filter(case=hearing.case, defendant=participant.person):
            data[f"{prefix}-charge-{charge.pk}"] = charge.status
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def sentence(prefix: str, **values: Any) -> dict[str, Any]:
    """One sentence line's fields, named as the form names them."""
    return {f"{prefix}-{name}": value for name, value in values.items()}


def error_for(page: str, field_id: str) -> str:
    """The text of the error list rendered for one field (Django names it `<id>_error`)."""
    match = re.search(
        rf'<ul class="errorlist[^"]*" id="{re.escape(field_id)}_error">(.*?)</ul>', page, re.S
    )
    assert match, f"no error shown beside {field_id}"
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def block(page: str, element_id: str) -> str:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</ul>', page, re.S)
    assert match, f"nothing rendered with id {element_id}"
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def refreshed(hearing: Hearing) -> Hearing:
    return Hearing.objects.get(pk=hearing.pk)


# -- the page --------------------------------------------------------------------------------


def test_the_outcome_form_lists_each_defendant_with_their_charges(
    hearing, people, lawyer_on_case, now
):
    page = html(client_for(lawyer_on_case).get(outcome_url(hearing)))
    assert "Log outcome" in page
    assert "Kaster Musakhanuly" in page
    assert "Murager Alimuly" in page
    assert f'name="d{people.kaster.pk}-charge-{people.kaster_charge.pk}"' in page
    assert f'name="version" value="{hearing.version}"' in page
    for label in ("Held", "Adjourned", "Cancelled", "Judge Serikbayev", "Prosecutor Akhmetov"):
        assert label in page
    # Every input has a label.
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    ids = {
        re.search(r'\bid="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        for tag in fields
        if 'type="hidden"' not in tag and " id=" in tag
    }
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    assert len(ids) > 20
    assert ids <= labelled, ids - labelled


def test_every_hearing_on_the_case_page_offers_log_outcome_to_the_lawyer_only(
    hearing, lawyer_on_case, ngo_staff, now
):
    url = reverse("case_detail", args=[hearing.case_id])
    assert outcome_url(hearing) in html(client_for(lawyer_on_case).get(url))
    assert reverse("hearing_schedule", args=[hearing.case_id]) in html(
        client_for(lawyer_on_case).get(url)
    )
    page = html(client_for(ngo_staff).get(url))
    assert outcome_url(hearing) not in page
    assert "Log outcome" not in page
    assert reverse("hearing_schedule", args=[hearing.case_id]) not in page


def test_home_lists_todays_hearings_and_those_still_missing_an_outcome(
    case, hearing, lawyer_on_case, ngo_staff, now
):
    earlier = factories.HearingFactory.create(case=case, date=day(2019, 12, 20))
    long_ago = factories.HearingFactory.create(case=case, date=day(2019, 10, 20))
    later = factories.HearingFactory.create(case=case, date=day(2020, 1, 21))
    other_case = factories.HearingFactory.create(date=day(2020, 1, 6))
    page = html(client_for(lawyer_on_case).get(reverse("home")))
    assert "Hearings today" in page
    section = page.split('id="to-log-heading"')[1].split("</section>")[0]
    assert outcome_url(hearing) in section
    assert "Outcome not logged yet" in section
    assert outcome_url(earlier) in section
    for absent in (long_ago, later, other_case):
        assert outcome_url(absent) not in section
    assert "Hearings today" not in html(client_for(ngo_staff).get(reverse("home")))


# -- the flows -------------------------------------------------------------------------------


def test_lawyer_logs_a_held_hearing_with_notes_and_who_was_present(
    hearing, people, lawyer_on_case, now
):
    client = client_for(lawyer_on_case)
    data = form_data(
        hearing,
        status="held",
        outcome="Witnesses heard; the defence asked for an interpreter.",
        notes="Clients look tired. Ask about medical care.",
        judge=people.judge.pk,
        prosecutor=people.prosecutor.pk,
        defence_present="yes",
        attendance="Interpreter (Kazakh), two observers from the NGO",
    )
    response = client.post(outcome_url(hearing), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("hearing_saved", args=[hearing.pk])
    saved = refreshed(hearing)
    assert saved.status == HearingStatus.HELD
    assert saved.notes == "Clients look tired. Ask about medical care."
    assert saved.outcome.startswith("Witnesses heard")
    assert (saved.judge, saved.prosecutor, saved.defence_present) == (
        people.judge,
        people.prosecutor,
        True,
    )
    assert saved.attendance.startswith("Interpreter")
    assert saved.version == hearing.version + 1
    page = html(client.get(response["Location"]))
    assert "Saved" in page
    assert "Held" in page
    assert reverse("case_detail", args=[hearing.case_id]) in page
    # Opened again, the form shows what was saved.
    again = html(client.get(outcome_url(hearing)))
    assert "Clients look tired" in again
    assert f'value="{people.judge.pk}" selected' in again
    assert f'name="version" value="{saved.version}"' in again


def test_adjournment_creates_the_next_hearing_and_it_shows_everywhere(
    case, hearing, people, lawyer_on_case, ngo_staff, now
):
    client = client_for(lawyer_on_case)
    response = client.post(
        outcome_url(hearing),
        form_data(
            hearing,
            status="adjourned",
            next_date="21 January 2020",
            next_time="11:30",
            reason="The court ordered a new translation of the indictment.",
            outcome="Opened, adjourned after two hours.",
        ),
    )
    assert response.status_code == 302
    saved = refreshed(hearing)
    later = saved.adjourned_to
    assert saved.status == HearingStatus.ADJOURNED
    assert saved.adjournment_reason.startswith("The court ordered")
    assert later is not None
    assert (later.date, later.time, later.status) == (
        day(2020, 1, 21),
        dt.time(11, 30),
        HearingStatus.SCHEDULED,
    )
    assert later.case == case
    assert later.court == hearing.court

    saved_page = html(client.get(response["Location"]))
    assert "Adjourned to 21 January 2020" in saved_page
    assert outcome_url(later) in saved_page  # log the next one from here

    case_page = html(client.get(reverse("case_detail", args=[case.pk])))
    assert f'id="hearing-{later.pk}"' in case_page
    assert f'Adjourned to <a href="#hearing-{later.pk}">21 January 2020</a>' in case_page
    assert outcome_url(later) in case_page

    reader = client_for(ngo_staff)
    timeline = html(reader.get(people.kaster.get_absolute_url()))
    assert "21 January 2020" in timeline
    home = html(reader.get(reverse("home")))
    upcoming = home.split('id="hearings-heading"')[1].split("</section>")[0]
    assert f"#hearing-{later.pk}" in upcoming
    assert "21 January 2020" in upcoming
    dashboard = html(reader.get(reverse("deadline_dashboard")))
    assert "21 January 2020" in dashboard


def test_adjourning_again_moves_the_linked_hearing_instead_of_adding_one(
    hearing, lawyer_on_case, now
):
    client = client_for(lawyer_on_case)
    data = form_data(hearing, status="adjourned", next_date="2020-01-21", reason="No interpreter")
    assert client.post(outcome_url(hearing), data).status_code == 302
    saved = refreshed(hearing)
    data = form_data(saved, status="adjourned", next_date="2020-01-23", reason="No interpreter")
    assert client.post(outcome_url(hearing), data).status_code == 302
    assert Hearing.objects.filter(case=hearing.case).count() == 2
    assert refreshed(hearing).adjourned_to.date == day(2020, 1, 23)  # type: ignore[union-attr]


def test_correcting_an_adjournment_to_held_cancels_the_hearing_it_had_created(
    hearing, lawyer_on_case, now
):
    client = client_for(lawyer_on_case)
    data = form_data(hearing, status="adjourned", next_date="2020-01-21", reason="No interpreter")
    assert client.post(outcome_url(hearing), data).status_code == 302
    later = refreshed(hearing).adjourned_to
    assert later is not None
    assert (
        client.post(outcome_url(hearing), form_data(refreshed(hearing), status="held")).status_code
        == 302
    )
    later.refresh_from_db()
    assert refreshed(hearing).adjourned_to is None
    assert later.status == HearingStatus.CANCELLED
    assert "recorded as adjourned to this date, then corrected" in later.adjournment_reason


def test_cancelled_hearing_keeps_its_reason(hearing, lawyer_on_case, now):
    response = client_for(lawyer_on_case).post(
        outcome_url(hearing),
        form_data(hearing, status="cancelled", reason="The judge is ill."),
    )
    assert response.status_code == 302
    saved = refreshed(hearing)
    assert (saved.status, saved.adjournment_reason, saved.adjourned_to) == (
        HearingStatus.CANCELLED,
        "The judge is ill.",
        None,
    )


@pytest.fixture
def verdict_hearing(case: Case, people: SimpleNamespace, now: Any) -> Hearing:
    """The 21 January 2020 session, and today is that day. Both men in custody since
    18 October 2019."""
    now(2020, 1, 21, 17)
    for person in (people.kaster, people.murager):
        factories.CustodyIntervalFactory.create(
            person=person, case=case, kind="pretrial", start=day(2019, 10, 18)
        )
    return factories.HearingFactory.create(case=case, date=day(2020, 1, 21), kind=HearingKind.TRIAL)


def test_verdict_for_two_defendants_with_charges_and_sentences(
    verdict_hearing, people, lawyer_on_case
):
    hearing = verdict_hearing
    client = client_for(lawyer_on_case)
    kaster, murager = f"d{people.kaster.pk}", f"d{people.murager.pk}"
    prison = {
        "kind": "imprisonment",
        "years": 1,
        "institution_type": "minimum",
        "custody_credit": "2:1",
        "expulsion": "ruled_out",
    }
    data = form_data(
        hearing,
        status="held",
        outcome="Sentenced to one year; the court ruled not to deport them to China.",
        verdict="on",
        verdict_announced="21 January 2020",
        **{f"{kaster}-charge-{people.kaster_charge.pk}": "convicted"},
        **{f"{murager}-charge-{people.murager_charge.pk}": "convicted"},
        **sentence(f"{kaster}-s0", **prison),
        **sentence(f"{murager}-s0", **prison),
        **{f"{kaster}-lines": 2},
        **sentence(f"{kaster}-s1", kind="fine", fine_amount="50000", fine_currency="kzt"),
        **{f"{murager}-copy_received": "2020-01-24"},
        own_record="on",
        quote="The judge read the verdict at 16:40.",
    )
    response = client.post(outcome_url(hearing), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert set(Charge.objects.values_list("status", flat=True)) == {ChargeStatus.CONVICTED}
    sentences = {(s.defendant_id, s.kind): s for s in Sentence.objects.filter(hearing=hearing)}
    assert len(sentences) == 3
    prison_kaster = sentences[(people.kaster.pk, "imprisonment")]
    assert (prison_kaster.term_years, prison_kaster.institution_type) == (1, "minimum")
    assert (prison_kaster.custody_credit, prison_kaster.expulsion) == ("2:1", "ruled_out")
    assert prison_kaster.pronounced == day(2020, 1, 21)
    fine = sentences[(people.kaster.pk, "fine")]
    assert (fine.fine_amount, fine.fine_currency) == (Decimal("50000.00"), "KZT")
    assert sentences[(people.murager.pk, "imprisonment")].copy_received == dt.date(2020, 1, 24)

    own = Source.objects.get(kind=SourceKind.LAWYER_RECORD)
    assert own.confidential
    assert own.created_by == lawyer_on_case
    cited = Citation.objects.filter(source=own)
    assert cited.count() == 4  # the outcome and the three sentences
    assert set(cited.values_list("quote", flat=True)) == {"The judge read the verdict at 16:40."}

    page = html(client.get(response["Location"]))
    for heading in ("Kaster Musakhanuly", "Murager Alimuly"):
        assert heading in page
    for kind in ("Appeal against the verdict", "Release", "Verdict enters into force"):
        assert kind in page, kind
    keys = re.findall(r'href="/deadlines/([^"]+)/"', page)
    assert any(key.startswith("release:") for key in keys)
    assert any(key.startswith("appeal_verdict:") for key in keys)
    # Murager's copy arrived on 24 January: fifteen days later is a Saturday, so the appeal
    # window ends on Monday 10 February; Kaster's copy date is unknown: a window from 5 February.
    murager_part = page.split("Murager Alimuly</a></h3>")[1]
    assert "10 February 2020" in murager_part.split("Release")[0]
    kaster_part = page.split("Kaster Musakhanuly</a></h3>")[1].split("Murager Alimuly</a></h3>")[0]
    assert "5 – 10 February 2020" in kaster_part


def test_custody_follows_the_verdict_for_each_defendant(verdict_hearing, people, lawyer_on_case):
    """Kaster stays in custody under a prison sentence; Murager is released in the courtroom."""
    kaster, murager = f"d{people.kaster.pk}", f"d{people.murager.pk}"
    prison = {"kind": "imprisonment", "years": 1, "institution_type": "minimum"}
    data = form_data(
        verdict_hearing,
        status="held",
        verdict="on",
        **sentence(f"{kaster}-s0", **prison),
        **sentence(f"{murager}-s0", kind="suspended", months=6),
        **{f"{kaster}-after_verdict": "held", f"{murager}-after_verdict": "released"},
        **{f"{kaster}-charge-{people.kaster_charge.pk}": "convicted"},
        **{f"{murager}-charge-{people.murager_charge.pk}": "convicted"},
    )
    response = client_for(lawyer_on_case).post(outcome_url(verdict_hearing), data)
    assert response.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S
    )
    held = CustodyInterval.objects.filter(person=people.kaster).order_by("start")
    assert [(c.kind, c.start, c.end) for c in held] == [
        ("pretrial", day(2019, 10, 18), day(2020, 1, 21)),
        ("prison", day(2020, 1, 21), None),
    ]
    released = CustodyInterval.objects.get(person=people.murager)
    assert (released.kind, released.end) == ("pretrial", day(2020, 1, 21))


def test_adding_a_sentence_line_without_javascript_rerenders_the_form_and_saves_nothing(
    hearing, people, lawyer_on_case, now
):
    prefix = f"d{people.kaster.pk}"
    data = form_data(
        hearing,
        status="held",
        add_line=people.kaster.pk,
        notes="typed before adding a line",
        **sentence(f"{prefix}-s0", kind="imprisonment", years=1),
    )
    response = client_for(lawyer_on_case).post(outcome_url(hearing), data)
    page = html(response)
    assert f'name="{prefix}-s1-kind"' in page
    assert f'name="{prefix}-lines" value="2"' in page
    assert "typed before adding a line" in page
    assert 'value="imprisonment" selected' in page
    assert "Nothing was saved yet" not in page  # not an error: just one more line
    assert refreshed(hearing).version == hearing.version
    assert refreshed(hearing).status == HearingStatus.SCHEDULED


def test_htmx_adds_a_sentence_line_to_that_defendant_only(hearing, people, lawyer_on_case, now):
    prefix = f"d{people.kaster.pk}"
    data = form_data(hearing, add_line=people.kaster.pk)
    response = client_for(lawyer_on_case).post(outcome_url(hearing), data, HTTP_HX_REQUEST="true")
    fragment = html(response)
    assert fragment.lstrip().startswith(
        f'<details class="defendant" id="defendant-{people.kaster.pk}" open'
    )
    assert f'name="{prefix}-s1-kind"' in fragment
    assert "autofocus" in fragment
    assert "<html" not in fragment
    assert "Murager" not in fragment
    assert "HX-Request" in response["Vary"]


def test_schedule_a_hearing_announced_for_later(case, people, lawyer_on_case, now):
    source = factories.SourceFactory.create(title="Court's notice")
    client = client_for(lawyer_on_case)
    url = reverse("hearing_schedule", args=[case.pk])
    assert "Schedule a hearing" in html(client.get(url))
    response = client.post(
        url,
        {
            "when": "3 February 2020",
            "at": "09:30",
            "kind": "appeal",
            "notes": "Appeal hearing at the regional court.",
            "source": source.pk,
            "quote": "The appeal will be heard on 3 February.",
            "confidential": "on",
        },
    )
    assert response.status_code == 302
    hearing = Hearing.objects.get(case=case)
    assert (hearing.date, hearing.time, hearing.kind, hearing.status) == (
        day(2020, 2, 3),
        dt.time(9, 30),
        "appeal",
        HearingStatus.SCHEDULED,
    )
    assert hearing.court == case.court
    assert hearing.citations.get().source == source
    assert response["Location"] == reverse("hearing_saved", args=[hearing.pk])
    assert "3 February 2020" in html(client.get(reverse("case_detail", args=[case.pk])))


# -- messages beside their field -------------------------------------------------------------


def post_invalid(user: User, hearing: Hearing, **values: Any) -> str:
    response = client_for(user).post(outcome_url(hearing), form_data(hearing, **values))
    page = html(response)  # refused with the form again, not saved
    assert "Nothing was saved yet" in page
    assert refreshed(hearing).version == hearing.version
    return page


def test_new_date_before_the_hearing_is_refused_beside_the_new_date(hearing, lawyer_on_case, now):
    page = post_invalid(
        lawyer_on_case, hearing, status="adjourned", next_date="2 January 2020", reason="x"
    )
    assert "The new date must be after this hearing (6 January 2020)." in error_for(
        page, "id_next_date"
    )
    assert not Hearing.objects.exclude(pk=hearing.pk).exists()


def test_adjourned_without_a_new_date_asks_for_it(hearing, lawyer_on_case, now):
    page = post_invalid(lawyer_on_case, hearing, status="adjourned", reason="No interpreter")
    assert "Give the date it was adjourned to." in error_for(page, "id_next_date")


def test_cancelled_without_a_reason_asks_for_one(hearing, lawyer_on_case, now):
    page = post_invalid(lawyer_on_case, hearing, status="cancelled")
    assert "Say why the hearing was cancelled." in error_for(page, "id_reason")


def test_no_outcome_chosen_is_refused_beside_the_choice(hearing, lawyer_on_case, now):
    page = post_invalid(lawyer_on_case, hearing, notes="forgot the status")
    assert "Choose held, adjourned or cancelled." in error_for(page, "id_status")
    assert "forgot the status" in page


def test_verdict_without_any_defendant_is_refused_beside_the_verdict(
    verdict_hearing, lawyer_on_case
):
    page = post_invalid(lawyer_on_case, verdict_hearing, status="held", verdict="on")
    assert "A verdict needs at least one defendant." in block(page, "verdict-errors")


@pytest.mark.parametrize(
    ("years", "message"),
    [(0, "Give the term, in years, months or days."), (-1, "A term cannot be negative.")],
)
def test_a_term_of_zero_or_less_is_refused_beside_the_term(
    verdict_hearing, people, lawyer_on_case, years, message
):
    prefix = f"d{people.kaster.pk}-s0"
    page = post_invalid(
        lawyer_on_case,
        verdict_hearing,
        status="held",
        **{f"d{people.kaster.pk}-charge-{people.kaster_charge.pk}": "convicted"},
        **sentence(prefix, kind="imprisonment", years=years, institution_type="minimum"),
    )
    assert message in error_for(page, f"id_{prefix}-years")
    assert f'id="defendant-{people.kaster.pk}" open' in page  # the row with the error is open
    assert not Sentence.objects.exists()


def test_imprisonment_without_an_institution_is_refused_beside_the_institution(
    verdict_hearing, people, lawyer_on_case
):
    prefix = f"d{people.kaster.pk}-s0"
    page = post_invalid(
        lawyer_on_case,
        verdict_hearing,
        status="held",
        **{f"d{people.kaster.pk}-charge-{people.kaster_charge.pk}": "convicted"},
        **sentence(prefix, kind="imprisonment", years=1),
    )
    assert "Imprisonment needs an institution type." in error_for(
        page, f"id_{prefix}-institution_type"
    )


def test_a_fine_needs_amount_and_currency(verdict_hearing, people, lawyer_on_case):
    prefix = f"d{people.kaster.pk}-s0"
    charge = {f"d{people.kaster.pk}-charge-{people.kaster_charge.pk}": "convicted"}
    page = post_invalid(
        lawyer_on_case, verdict_hearing, status="held", **charge, **sentence(prefix, kind="fine")
    )
    assert "A fine needs its amount." in error_for(page, f"id_{prefix}-fine_amount")
    page = post_invalid(
        lawyer_on_case,
        verdict_hearing,
        status="held",
        **charge,
        **sentence(prefix, kind="fine", fine_amount="300"),
    )
    assert "A fine needs its currency." in error_for(page, f"id_{prefix}-fine_currency")


def test_a_sentence_without_a_conviction_is_refused(verdict_hearing, people, lawyer_on_case):
    page = post_invalid(
        lawyer_on_case,
        verdict_hearing,
        status="held",
        **sentence(
            f"d{people.kaster.pk}-s0", kind="imprisonment", years=1, institution_type="minimum"
        ),
    )
    row = page.split(f'id="defendant-{people.kaster.pk}"')[1].split("</details>")[0]
    assert "A sentence follows a conviction: mark the charge convicted." in row


def test_a_line_without_its_kind_asks_for_the_kind(verdict_hearing, people, lawyer_on_case):
    prefix = f"d{people.kaster.pk}-s0"
    page = post_invalid(lawyer_on_case, verdict_hearing, status="held", **sentence(prefix, years=1))
    assert "Choose the kind of sentence." in error_for(page, f"id_{prefix}-kind")


def test_a_hearing_dated_before_the_case_opened_is_refused_beside_its_date(
    case, people, lawyer_on_case, now
):
    early = factories.HearingFactory.create(case=case, date=day(2019, 9, 20))
    page = post_invalid(lawyer_on_case, early, status="held")
    assert (
        "This hearing (20 September 2019) is dated before the case opened (October 2019)."
        in block(page, "hearing-date-errors")
    )


def test_scheduling_a_hearing_before_the_case_opened_is_refused_beside_the_date(
    case, lawyer_on_case, now
):
    response = client_for(lawyer_on_case).post(
        reverse("hearing_schedule", args=[case.pk]),
        {"when": "20 September 2019", "kind": "trial", "confidential": "on"},
    )
    page = html(response)
    assert "dated before the case opened (October 2019)" in error_for(page, "id_when")
    assert not Hearing.objects.exists()


def test_outcome_of_a_hearing_that_has_not_happened_yet_is_refused_beside_the_choice(
    case, people, lawyer_on_case, now
):
    later = factories.HearingFactory.create(case=case, date=day(2020, 1, 21))
    page = post_invalid(lawyer_on_case, later, status="held", notes="too early")
    assert (
        "This hearing is set for 21 January 2020: record what happened on the day or after."
        in error_for(page, "id_status")
    )
    # Cancelling a hearing ahead of its day is allowed.
    response = client_for(lawyer_on_case).post(
        outcome_url(later), form_data(later, status="cancelled", reason="Moved by the court")
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("next_date", "32 January 2020", "does not exist"),
        ("next_date", "soon", "is not a date"),
        ("verdict_announced", "January 2020", "Give the day, not only January 2020"),
        ("copy_received", "next week", "is not a date"),
    ],
)
def test_unreadable_dates_are_refused_beside_their_field(
    verdict_hearing, people, lawyer_on_case, field, typed, message
):
    name = f"d{people.kaster.pk}-{field}" if field == "copy_received" else field
    status = "adjourned" if field == "next_date" else "held"
    values = {"status": status, name: typed, "reason": "x"}
    if field != "next_date":
        values["verdict"] = "on"
    page = post_invalid(lawyer_on_case, verdict_hearing, **values)
    assert message in error_for(page, f"id_{name}")
    assert f'value="{typed}"' in page  # what was typed stays to be corrected


def test_a_verdict_at_an_adjourned_hearing_is_refused(verdict_hearing, people, lawyer_on_case):
    page = post_invalid(
        lawyer_on_case,
        verdict_hearing,
        status="adjourned",
        next_date="2020-02-03",
        reason="x",
        verdict="on",
    )
    assert "A verdict is announced at a hearing that was held" in block(page, "verdict-errors")
    assert not Hearing.objects.exclude(pk=verdict_hearing.pk).exists()


def test_a_source_and_the_own_record_together_are_refused(hearing, lawyer_on_case, now):
    source = factories.SourceFactory.create()
    page = post_invalid(lawyer_on_case, hearing, status="held", source=source.pk, own_record="on")
    assert "Choose a source or your own record, not both." in error_for(page, "id_own_record")


def test_a_source_the_user_may_not_read_is_refused(hearing, lawyer_on_case, admin_user, now):
    secret = factories.SourceFactory.create(confidential=True, created_by=admin_user)
    page = post_invalid(lawyer_on_case, hearing, status="held", source=secret.pk)
    assert "Choose one of the sources you may read." in error_for(page, "id_source")
    assert secret.title not in page


# -- who may record --------------------------------------------------------------------------


@pytest.fixture
def lawyer_in_following_ngo(ngo_org) -> User:
    """A lawyer who reads the case through the NGO that follows it, but is not assigned."""
    return factories.UserFactory.create(
        username="ngo_lawyer", roles=[Role.LAWYER], organization=ngo_org
    )


@pytest.fixture
def pages(hearing: Hearing) -> dict[str, str]:
    return {
        "outcome": outcome_url(hearing),
        "saved": reverse("hearing_saved", args=[hearing.pk]),
        "schedule": reverse("hearing_schedule", args=[hearing.case_id]),
    }


EXPECTED = {
    "lawyer_on_case": 200,
    "admin_user": 200,
    "ngo_staff": 403,  # reads the case, may not record
    "lawyer_in_following_ngo": 403,
    "lawyer_colleague": 404,  # may not even see the case
    "ngo_staff_elsewhere": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), EXPECTED.items())
@pytest.mark.parametrize("page", ["outcome", "saved", "schedule"])
def test_only_an_assigned_lawyer_or_an_admin_may_open_the_pages(
    request, pages, who, status, page, now
):
    user = request.getfixturevalue(who)
    assert client_for(user).get(pages[page]).status_code == status


@pytest.mark.parametrize(("who", "status"), [(w, s) for w, s in EXPECTED.items() if s != 200])
def test_a_forged_post_changes_nothing(request, hearing, pages, who, status, now):
    user = request.getfixturevalue(who)
    client = client_for(user)
    response = client.post(
        pages["outcome"], form_data(hearing, status="cancelled", reason="forged")
    )
    assert response.status_code == status
    assert client.post(pages["schedule"], {"when": "2020-02-03", "kind": "trial"}).status_code == (
        status
    )
    saved = refreshed(hearing)
    assert (saved.status, saved.version) == (HearingStatus.SCHEDULED, hearing.version)
    assert Hearing.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, pages):
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_an_admin_may_record_without_being_assigned(hearing, admin_user, now):
    response = client_for(admin_user).post(
        outcome_url(hearing), form_data(hearing, status="cancelled", reason="The judge is ill.")
    )
    assert response.status_code == 302
    assert refreshed(hearing).status == HearingStatus.CANCELLED


def test_the_record_function_refuses_a_reader_too(hearing, ngo_staff, now):
    """Beneath the views: `record_hearing_outcome` checks the permission itself."""
    with pytest.raises(outcomes.PermissionDenied):
        outcomes.record_hearing_outcome(
            hearing,
            user=ngo_staff,
            outcome=outcomes.Outcome(status="cancelled", reason="x"),
            expected_version=hearing.version,
            today=dt.date(2020, 1, 6),
        )


# -- one save, one transaction ---------------------------------------------------------------


def snapshot(case: Case) -> dict[str, Any]:
    return {
        "hearings": list(
            Hearing.objects.filter(case=case).order_by("pk").values_list("pk", "status", "version")
        ),
        "charges": list(Charge.objects.filter(case=case).order_by("pk").values_list("status")),
        "sentences": Sentence.objects.count(),
        "citations": Citation.objects.count(),
        "sources": Source.objects.count(),
    }


def test_a_fault_while_writing_sentences_leaves_nothing(
    verdict_hearing, people, lawyer_on_case, monkeypatch
):
    before = snapshot(verdict_hearing.case)
    written: list[str] = []
    real = outcomes._sentence

    def failing(*args: Any, **kwargs: Any) -> Sentence:
        if written:  # the hearing, the charges and the first sentence are written by now
            raise RuntimeError("disk full")
        written.append("one")
        return real(*args, **kwargs)

    monkeypatch.setattr(outcomes, "_sentence", failing)
    prison = {"kind": "imprisonment", "years": 1, "institution_type": "minimum"}
    data = form_data(
        verdict_hearing,
        status="held",
        verdict="on",
        own_record="on",
        **{f"d{people.kaster.pk}-charge-{people.kaster_charge.pk}": "convicted"},
        **{f"d{people.murager.pk}-charge-{people.murager_charge.pk}": "convicted"},
        **sentence(f"d{people.kaster.pk}-s0", **prison),
        **sentence(f"d{people.murager.pk}-s0", **prison),
    )
    with pytest.raises(RuntimeError, match="disk full"):
        client_for(lawyer_on_case).post(outcome_url(verdict_hearing), data)
    assert written == ["one"]
    assert snapshot(verdict_hearing.case) == before


def test_a_fault_after_the_next_hearing_was_created_leaves_nothing(
    hearing, lawyer_on_case, monkeypatch, now
):
    before = snapshot(hearing.case)

    def failing(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("network gone")

    monkeypatch.setattr(outcomes, "_cite", failing)
    data = form_data(
        hearing, status="adjourned", next_date="2020-01-21", reason="x", own_record="on"
    )
    with pytest.raises(RuntimeError, match="network gone"):
        client_for(lawyer_on_case).post(outcome_url(hearing), data)
    assert snapshot(hearing.case) == before
    assert refreshed(hearing).adjourned_to is None


# -- history ---------------------------------------------------------------------------------


def events(obj: Any) -> list[Events]:
    return list(Events.objects.tracks(obj).order_by("pgh_id"))


def test_each_save_leaves_history_with_the_lawyer(verdict_hearing, people, lawyer_on_case):
    hearing = verdict_hearing
    client = client_for(lawyer_on_case)
    prison = {"kind": "imprisonment", "years": 1, "institution_type": "minimum"}
    client.post(
        outcome_url(hearing),
        form_data(
            hearing,
            status="held",
            outcome="Sentenced.",
            **{f"d{people.kaster.pk}-charge-{people.kaster_charge.pk}": "convicted"},
            **sentence(f"d{people.kaster.pk}-s0", **prison),
        ),
    )
    update = events(hearing)[-1]
    assert update.pgh_label == "update"
    assert update.pgh_context["user"] == lawyer_on_case.pk
    assert update.pgh_context["action"] == "record_hearing_outcome"
    assert update.pgh_diff["status"] == ["scheduled", "held"]
    assert update.pgh_diff["version"] == [1, 2]
    charge_event = events(people.kaster_charge)[-1]
    assert charge_event.pgh_diff["status"] == ["pending", "convicted"]
    assert charge_event.pgh_context["user"] == lawyer_on_case.pk
    (created,) = events(Sentence.objects.get())
    assert (created.pgh_label, created.pgh_context["user"]) == ("insert", lawyer_on_case.pk)

    # Corrected later: a second update, with its own old and new values.
    client.post(
        outcome_url(hearing),
        form_data(refreshed(hearing), status="held", outcome="Sentenced to one year."),
    )
    correction = events(hearing)[-1]
    assert correction.pgh_diff["outcome"] == ["Sentenced.", "Sentenced to one year."]
    assert correction.pgh_context["user"] == lawyer_on_case.pk
    assert Sentence.objects.count() == 1  # not entered twice

    # The page after a save leads to the history, which names the lawyer.
    saved_page = html(client.get(reverse("hearing_saved", args=[hearing.pk])))
    history_url = reverse("record_history", args=["hearings", "hearing", hearing.pk])
    assert history_url in saved_page
    assert reverse("case_history", args=[hearing.case_id]) in saved_page
    assert "lawyer_on_case" in html(client.get(history_url))


# -- two people, one hearing -----------------------------------------------------------------


@pytest.fixture
def colleague_on_case(case: Case) -> User:
    user = factories.UserFactory.create(
        username="akhat", first_name="Lazzat", last_name="Akhat", roles=[Role.LAWYER]
    )
    factories.CaseAssignmentFactory.create(case=case, user=user)
    return user


def test_a_colleagues_save_is_never_overwritten_unawares(
    hearing, people, lawyer_on_case, colleague_on_case, now
):
    first, second = client_for(lawyer_on_case), client_for(colleague_on_case)
    opened = html(first.get(outcome_url(hearing)))
    version = re.search(r'name="version" value="(\d+)"', opened).group(1)  # type: ignore[union-attr]

    now(2020, 1, 6, 12, 10)
    saved = second.post(
        outcome_url(hearing),
        form_data(
            hearing,
            status="adjourned",
            next_date="2020-01-21",
            reason="No interpreter",
            notes="Lazzat's notes",
            judge=people.judge.pk,
        ),
    )
    assert saved.status_code == 302

    now(2020, 1, 6, 12, 25)
    mine = form_data(
        hearing,
        version=version,
        status="held",
        notes="My notes from the corridor",
        outcome="Heard witnesses",
    )
    refused = first.post(outcome_url(hearing), mine)
    assert refused.status_code == 409
    page = refused.content.decode()
    notice = page.split('id="stale"')[1].split("Nothing of yours was saved")[0]
    notice = unescape(re.sub(r"<[^>]+>", " ", notice))
    notice = " ".join(notice.split())
    assert (
        "Lazzat Akhat saved this hearing at 12:10, 6 January 2020 while you were editing" in notice
    )
    for label, value in (
        ("Status", "Adjourned"),
        ("Adjourned to", "21 January 2020"),
        ("Reason", "No interpreter"),
        ("Notes", "Lazzat's notes"),
        ("Judge", "Judge Serikbayev"),
    ):
        assert f"{label} {value}" in notice, (label, notice)
    assert "My notes from the corridor" in page
    assert "Heard witnesses" in page
    assert re.search(r'<input type="radio" name="status" value="held"[^>]*checked', page)
    current = refreshed(hearing)
    assert current.notes == "Lazzat's notes"
    assert f'name="version" value="{current.version}"' in page

    # Knowing what Lazzat saved, the lawyer saves again on purpose: it goes through.
    again = first.post(outcome_url(hearing), {**mine, "version": current.version})
    assert again.status_code == 302
    assert refreshed(hearing).notes == "My notes from the corridor"


# -- queries ---------------------------------------------------------------------------------


def grow(case: Case, n: int) -> Hearing:
    provisions = [factories.LegalProvisionFactory.create() for _ in range(2)]
    for i in range(n):
        person = factories.PersonFactory.create(display_name=f"Defendant {i:03d}")
        factories.CaseParticipantFactory.create(case=case, person=person)
        for provision in provisions:
            factories.ChargeFactory.create(case=case, defendant=person, provision=provision)
        source = factories.SourceFactory.create()
        factories.CitationFactory.create(fact=person, source=source)
    hearing = factories.HearingFactory.create(case=case, date=day(2020, 1, 6))
    factories.SentenceFactory.create(case=case, hearing=hearing, defendant=person)
    return hearing


def queries(client: Client, url: str, method: str = "get", data: Any = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code in (200, 302)
    return len(captured)


@pytest.mark.parametrize("page", ["outcome", "saved", "add_line"])
def test_the_pages_cost_the_same_queries_for_2_or_20_defendants(case, lawyer_on_case, page, now):
    counts = []
    for n in (2, 20):
        Hearing.objects.all().delete()
        hearing = grow(case, n)
        client = client_for(lawyer_on_case)
        client.get(reverse("home"))  # the session and content types are warm
        if page == "outcome":
            counts.append(queries(client, outcome_url(hearing)))
        elif page == "saved":
            counts.append(queries(client, reverse("hearing_saved", args=[hearing.pk])))
        else:
            data = form_data(hearing, add_line=case.participants.first().person_id)
            counts.append(queries(client, outcome_url(hearing), "post", data))
    assert counts[0] == counts[1]
    assert counts[1] <= {"outcome": 14, "saved": 20, "add_line": 14}[page]


def test_a_save_costs_the_same_queries_for_2_or_20_defendants(case, lawyer_on_case, now):
    counts = []
    for n in (2, 20):
        Hearing.objects.all().delete()
        hearing = grow(case, n)
        client = client_for(lawyer_on_case)
        client.get(reverse("home"))
        counts.append(
            queries(
                client,
                outcome_url(hearing),
                "post",
                form_data(hearing, status="held", notes="n"),
            )
        )
    assert counts[0] == counts[1]


# -- sources and second saves ----------------------------------------------------------------


def test_the_source_list_puts_this_cases_sources_first_and_hides_others_secrets(
    hearing, people, lawyer_on_case, admin_user, now
):
    cited = factories.SourceFactory.create(title="Cited on the charge", published=day(2019, 1, 1))
    factories.CitationFactory.create(fact=people.kaster_charge, source=cited)
    factories.SourceFactory.create(title="Newest report", published=day(2020, 1, 5))
    factories.SourceFactory.create(
        title="Someone else's notes", confidential=True, created_by=admin_user
    )
    factories.SourceFactory.create(
        title="My own notes", confidential=True, created_by=lawyer_on_case
    )
    page = html(client_for(lawyer_on_case).get(outcome_url(hearing)))
    select = unescape(page.split('id="id_source"')[1].split("</select>")[0])
    order = [
        select.index(text)
        for text in ("Cited on this case", "Cited on the charge", "Recent sources", "Newest report")
    ]
    assert order == sorted(order)
    assert "My own notes" in select
    assert "Someone else's notes" not in select


def test_a_verdict_hearing_whose_sentences_are_recorded_can_be_saved_again(
    case, people, lawyer_on_case, now
):
    now(2020, 1, 21, 17)
    hearing = factories.HearingFactory.create(
        case=case, date=day(2020, 1, 21), kind=HearingKind.VERDICT
    )
    client = client_for(lawyer_on_case)
    page = html(client.get(outcome_url(hearing)))
    assert re.search(r'<input type="checkbox" name="verdict"[^>]*checked', page)
    prison = {"kind": "imprisonment", "years": 1, "institution_type": "minimum"}
    first = form_data(
        hearing,
        status="held",
        verdict="on",
        **{f"d{people.kaster.pk}-charge-{people.kaster_charge.pk}": "convicted"},
        **sentence(f"d{people.kaster.pk}-s0", **prison),
    )
    assert client.post(outcome_url(hearing), first).status_code == 302
    again = html(client.get(outcome_url(hearing)))
    assert "Already recorded at this hearing:" in again
    assert not re.search(r'<input type="checkbox" name="verdict"[^>]*checked', again)
    response = client.post(
        outcome_url(hearing), form_data(refreshed(hearing), status="held", notes="Appeal filed?")
    )
    assert response.status_code == 302
    assert refreshed(hearing).notes == "Appeal filed?"
    assert Sentence.objects.count() == 1


def test_a_new_date_left_over_from_another_choice_is_ignored(hearing, lawyer_on_case, now):
    """Typed while "adjourned" was chosen, then hidden when the lawyer chose "cancelled"."""
    response = client_for(lawyer_on_case).post(
        outcome_url(hearing),
        form_data(hearing, status="cancelled", reason="Judge ill", next_date="not a date"),
    )
    assert response.status_code == 302
    assert refreshed(hearing).adjourned_to is None


# -- beneath the form: hearings.outcomes -----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (outcomes.SentenceInput("imprisonment", years=1, institution_type="minimum"), set()),
        (outcomes.SentenceInput("imprisonment", institution_type="minimum"), {"years"}),
        (
            outcomes.SentenceInput("fine", months=-1, fine_amount=Decimal(1)),
            {"years", "fine_currency"},
        ),
        (
            outcomes.SentenceInput("fine", fine_amount=Decimal(0), fine_currency="KZT"),
            {"fine_amount"},
        ),
        (
            outcomes.SentenceInput(
                "imprisonment", years=1, institution_type="minimum", probation_months=6
            ),
            {"probation_months"},
        ),
        (outcomes.SentenceInput("suspended", months=6, probation_months=12), set()),
    ],
)
def test_sentence_errors_name_the_field_they_concern(line, expected):
    assert set(outcomes.sentence_errors(line)) == expected


def test_a_stale_save_compares_with_the_version_the_form_was_opened_on(
    hearing, lawyer_on_case, colleague_on_case, now
):
    opened_version = hearing.version
    outcomes.record_hearing_outcome(
        Hearing.objects.get(pk=hearing.pk),
        user=colleague_on_case,
        outcome=outcomes.Outcome(status="held", notes="Lazzat's notes"),
        expected_version=opened_version,
        today=dt.date(2020, 1, 6),
    )
    # The second save reads the hearing afresh, as a posted form does.
    with pytest.raises(outcomes.StaleHearing) as refused:
        outcomes.record_hearing_outcome(
            Hearing.objects.get(pk=hearing.pk),
            user=lawyer_on_case,
            outcome=outcomes.Outcome(status="cancelled", reason="x"),
            expected_version=opened_version,
            today=dt.date(2020, 1, 6),
        )
    assert refused.value.changed == ["status", "notes"]
    assert refused.value.saved_by == colleague_on_case
    assert refused.value.current.version == opened_version + 1


def test_a_refusal_says_why_in_words(hearing, ngo_staff, now):
    response = client_for(ngo_staff).get(outcome_url(hearing))
    assert response.status_code == 403
    assert "Lawyers assigned to the case and admins can record its hearings" in (
        response.content.decode()
    )


def test_an_outcome_posted_after_the_session_ended_comes_back_after_signing_in(
    hearing, people, lawyer_on_case, now
):
    """Typed in the corridor, sent an hour later: the idle limit signs the lawyer out, and
    signing in again brings the form back as it was sent, unsaved."""
    client = client_for(lawyer_on_case)
    client.get(outcome_url(hearing))
    now(2020, 1, 6, 13, 30)
    # As a browser sends a form without files.
    sent = client.post(
        outcome_url(hearing),
        urlencode(
            form_data(hearing, status="held", notes="Notes typed in the corridor", outcome="Heard"),
            doseq=True,
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert sent.status_code == 302
    assert sent["Location"].startswith(reverse("login"))
    hearing.refresh_from_db()
    assert "corridor" not in hearing.notes

    client.force_login(lawyer_on_case)
    page = html(client.get(outcome_url(hearing)))
    assert "Your session ended before this was saved" in page
    assert "Notes typed in the corridor" in page
    assert "Notes typed in the corridor" not in html(client.get(outcome_url(hearing)))  # once
