"""Reviewing proposals: accept writes the cited fact(s) in one transaction, edit corrects values
first, reject keeps a proposal out; the queue and its actions are for admins only."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from cases.models import CaseParticipant, CustodyInterval, ParticipantRole
from core.partial_dates import PartialDate
from hearings.models import Hearing, HearingStatus, Sentence
from people.models import LifeEvent, LifeEventKind, NameVariant, Person, Statement
from sources.disputes import disagreements
from sources.models import Citation, Proposal, ProposalKind, ProposalStatus, Source
from sources.reports import review
from sources.reports.ingest import fingerprint
from sources.reports.review import AlreadyReviewed, Edits, accept, reject
from tests import factories

QUOTE = "Kaster Musakhanuly illegally crossed the border on 6 October 2019."
TEXT = f"Two men face return. {QUOTE} They were detained later."


def make_proposal(
    kind: str = ProposalKind.BORDER_CROSSING,
    *,
    persons: list[Person] | None = None,
    date: PartialDate | None = None,
    date_text: str = "on 6 October 2019",
    quote: str = QUOTE,
    values: dict[str, Any] | None = None,
    source: Source | None = None,
    linked: Any = None,
) -> Proposal:
    source = source or factories.SourceFactory.create(text=TEXT, title="A report")
    date = date if date is not None else PartialDate.day(2019, 10, 6)
    proposal = Proposal.objects.create(
        source=source,
        kind=kind,
        date=date,
        date_text=date_text,
        quote=quote,
        start=max(0, source.text.find(quote)),
        end=max(0, source.text.find(quote)) + len(quote),
        values=values or {},
        fingerprint=fingerprint(kind, quote, date),
        linked=linked,
    )
    proposal.persons.set(persons or [])
    return proposal


def citations_of(record: Any) -> list[Citation]:
    return list(
        Citation.objects.filter(
            object_id=record.pk, content_type__model=type(record)._meta.model_name
        )
    )


# -- accept ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_accept_creates_the_record_with_its_citation() -> None:
    kaster = factories.PersonFactory.create()
    admin = factories.UserFactory.create()
    proposal = make_proposal(persons=[kaster], values={"from_country": "CN", "to_country": "KZ"})

    accepted = accept(proposal, admin)

    event = LifeEvent.objects.get(person=kaster)
    assert (event.kind, event.date) == (LifeEventKind.BORDER_CROSSING, PartialDate.day(2019, 10, 6))
    assert str(event.to_country) == "KZ"
    [citation] = citations_of(event)
    assert citation.source == proposal.source
    assert citation.quote == QUOTE
    assert citation.field == "date"
    assert citation.reported_value == "on 6 October 2019"
    assert citation.reported_date == PartialDate.day(2019, 10, 6)
    assert accepted.status == ProposalStatus.ACCEPTED
    assert accepted.reviewed_by == admin
    assert accepted.reviewed_at is not None
    assert {"model": "people.lifeevent", "id": event.pk, "action": "created"} in (
        accepted.created_records
    )


@pytest.mark.django_db
def test_accepting_a_fact_about_two_people_writes_one_record_each() -> None:
    kaster, murager = factories.PersonFactory.create_batch(2)
    proposal = make_proposal(persons=[kaster, murager])

    accept(proposal, factories.UserFactory.create())

    assert LifeEvent.objects.filter(person__in=[kaster, murager]).count() == 2
    assert Citation.objects.count() == 2


@pytest.mark.django_db
def test_accepting_a_conflicting_date_cites_it_beside_the_recorded_one() -> None:
    kaster = factories.PersonFactory.create()
    other = factories.SourceFactory.create(title="Other reporting")
    event = factories.LifeEventFactory.create(
        person=kaster, kind=LifeEventKind.BORDER_CROSSING, date=PartialDate.day(2019, 10, 1)
    )
    Citation.objects.create(
        source=other,
        fact=event,
        field="date",
        quote="crossed on 1 October 2019",
        reported_value="1 October 2019",
        reported_date=PartialDate.day(2019, 10, 1),
    )
    proposal = make_proposal(persons=[kaster], linked=event)

    accept(proposal, factories.UserFactory.create())

    assert LifeEvent.objects.count() == 1  # no second crossing
    event.refresh_from_db()
    assert event.date == PartialDate.day(2019, 10, 1)  # the record keeps its value
    [dispute] = disagreements(citations_of(event))
    assert [v.reported_date for v in dispute.values] == [
        PartialDate.day(2019, 10, 1),
        PartialDate.day(2019, 10, 6),
    ]


@pytest.mark.django_db
def test_a_failure_in_the_middle_of_accepting_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kaster = factories.PersonFactory.create()
    proposal = make_proposal(persons=[kaster])

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the citation could not be written")

    monkeypatch.setattr(review._Writer, "_cite", broken)

    with pytest.raises(RuntimeError):
        accept(proposal, factories.UserFactory.create())

    assert not LifeEvent.objects.exists()
    assert not Citation.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


@pytest.mark.django_db
def test_a_proposal_accepted_twice_tells_the_second_reviewer() -> None:
    kaster = factories.PersonFactory.create()
    first = factories.UserFactory.create(username="first")
    proposal = make_proposal(persons=[kaster])
    stale_copy = Proposal.objects.get(pk=proposal.pk)
    accept(proposal, first)

    with pytest.raises(AlreadyReviewed, match="already accepted by first"):
        accept(stale_copy, factories.UserFactory.create())

    assert LifeEvent.objects.count() == 1


@pytest.mark.django_db
def test_invalid_values_are_refused_and_nothing_is_written() -> None:
    musakhanuly = factories.PersonFactory.create()
    case = factories.CaseFactory.create()
    CaseParticipant.objects.create(case=case, person=musakhanuly, role=ParticipantRole.DEFENDANT)
    proposal = make_proposal(
        ProposalKind.VERDICT,
        persons=[musakhanuly],
        date=PartialDate.day(2020, 1, 21),
        date_text="On January 21, 2020",
        quote="sentenced to one year in prison",
        values={"kind": "imprisonment", "term_years": 1},  # no institution type
    )

    with pytest.raises(ValidationError) as refused:
        accept(proposal, factories.UserFactory.create())

    assert "institution" in str(refused.value).lower()
    assert not Sentence.objects.exists()
    assert not Hearing.objects.exists()
    assert not Citation.objects.exists()


@pytest.mark.django_db
def test_a_verdict_with_edits_writes_sentence_and_verdict_hearing_in_the_only_case() -> None:
    musakhanuly = factories.PersonFactory.create()
    case = factories.CaseFactory.create()
    CaseParticipant.objects.create(case=case, person=musakhanuly, role=ParticipantRole.DEFENDANT)
    proposal = make_proposal(
        ProposalKind.VERDICT,
        persons=[musakhanuly],
        date=PartialDate.day(2020, 1, 21),
        quote="sentenced to one year in prison",
        values={"kind": "imprisonment", "term_years": 1, "expulsion": "ruled_out"},
    )

    accept(proposal, factories.UserFactory.create(), Edits(values={"institution_type": "minimum"}))

    sentence = Sentence.objects.get()
    assert sentence.case == case
    assert (sentence.term_years, sentence.institution_type) == (1, "minimum")
    assert sentence.expulsion == "ruled_out"
    assert sentence.hearing is not None
    assert sentence.hearing.date == PartialDate.day(2020, 1, 21)
    assert citations_of(sentence)[0].field == "pronounced"


@pytest.mark.django_db
def test_an_adjourned_hearing_points_to_the_later_one() -> None:
    kaster = factories.PersonFactory.create()
    case = factories.CaseFactory.create()
    CaseParticipant.objects.create(case=case, person=kaster, role=ParticipantRole.DEFENDANT)
    proposal = make_proposal(
        ProposalKind.HEARING,
        persons=[kaster],
        date=PartialDate.day(2020, 1, 6),
        quote="The hearing was adjourned and postponed to January 21.",
        values={"status": "adjourned", "adjourned_to": "2020-01-21"},
    )

    accept(proposal, factories.UserFactory.create())

    first = Hearing.objects.get(date=PartialDate.day(2020, 1, 6))
    assert first.status == HearingStatus.ADJOURNED
    assert first.adjourned_to is not None
    assert first.adjourned_to.date == PartialDate.day(2020, 1, 21)


@pytest.mark.django_db
def test_custody_and_statement_and_new_variant() -> None:
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    speaker = factories.PersonFactory.create(display_name="Darkhan Dilmanov")
    admin = factories.UserFactory.create()
    source = factories.SourceFactory.create(text=TEXT)
    custody = make_proposal(
        source=source,
        kind=ProposalKind.CUSTODY,
        persons=[kaster],
        date=PartialDate.day(2019, 10, 14),
        quote="were detained on October 14 in Almaty",
        values={"custody_kind": "arrest", "edge": "start", "place": "Almaty"},
    )
    statement = make_proposal(
        source=source,
        kind=ProposalKind.STATEMENT,
        persons=[kaster],
        date=PartialDate.day(2019, 12, 6),
        quote="said the men would be returned to China",
        values={"speaker_id": speaker.pk, "stance": "will_return", "office": "director"},
    )
    variant = make_proposal(
        source=source,
        kind=ProposalKind.NEW_VARIANT,
        persons=[kaster],
        date=None,
        date_text="",
        quote="Kaster Muakhanuly",
        values={"person_id": kaster.pk, "name": "Kaster Muakhanuly"},
    )

    for proposal in (custody, statement, variant):
        accept(proposal, admin)

    interval = CustodyInterval.objects.get(person=kaster)
    assert (interval.kind, interval.start, interval.place) == (
        "arrest",
        PartialDate.day(2019, 10, 14),
        "Almaty",
    )
    said = Statement.objects.get(speaker=speaker)
    assert list(said.about_persons.all()) == [kaster]
    assert said.stance == "will_return"
    assert NameVariant.objects.filter(person=kaster, text="Kaster Muakhanuly").exists()


@pytest.mark.django_db
def test_reject_records_who_and_when() -> None:
    admin = factories.UserFactory.create()
    proposal = make_proposal(persons=[factories.PersonFactory.create()])

    rejected = reject(proposal, admin)

    assert rejected.status == ProposalStatus.REJECTED
    assert rejected.reviewed_by == admin
    assert rejected.reviewed_at is not None
    assert not LifeEvent.objects.exists()


# -- pages -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_queue_shows_the_quote_in_context_and_the_conflict(
    client: Client, admin_user: User
) -> None:
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    event = factories.LifeEventFactory.create(
        person=kaster, kind=LifeEventKind.BORDER_CROSSING, date=PartialDate.day(2019, 10, 1)
    )
    proposal = make_proposal(persons=[kaster], linked=event)
    proposal.conflict = "The record says 1 October 2019; this report says 6 October 2019."
    proposal.save()
    client.force_login(admin_user)

    page = client.get(reverse("report_review")).content.decode()

    assert f"<mark>{QUOTE}</mark>" in page
    assert "Two men face return." in page
    assert "The record says 1 October 2019; this report says 6 October 2019." in page
    assert "Kaster Musakhanuly" in page


@pytest.mark.django_db
def test_the_queue_shows_values_in_words_not_keys(client: Client, admin_user: User) -> None:
    speaker = factories.PersonFactory.create(display_name="Dauren Abayev")
    source = factories.SourceFactory.create(text=TEXT)
    make_proposal(
        ProposalKind.VERDICT,
        source=source,
        values={"kind": "imprisonment", "convicted": True, "term_years": 1, "term_months": 6},
    )
    make_proposal(
        ProposalKind.CUSTODY,
        source=source,
        quote="They were detained later.",
        values={"edge": "start", "place": "Алматы", "custody_kind": "arrest"},
    )
    make_proposal(
        ProposalKind.STATEMENT,
        source=source,
        quote="Two men face return.",
        values={"speaker_id": speaker.pk, "stance": "denial"},
    )
    client.force_login(admin_user)

    page = client.get(reverse("report_review")).content.decode()

    for words in (
        "Imprisonment",
        "Convicted",
        "1 year 6 months",
        "Detention on arrest",
        "Алматы",
        "Denies abuses",
        f'<a href="{speaker.get_absolute_url()}">Dauren Abayev</a>',
    ):
        assert words in page, words
    for key in ("term_years", "custody_kind", "speaker_id", "convicted:"):
        assert key not in page, key


@pytest.mark.django_db
def test_the_context_is_the_sentence_before_and_after(client: Client, admin_user: User) -> None:
    text = f"First far sentence. Second one before. {QUOTE} The one after. The far last one."
    make_proposal(source=factories.SourceFactory.create(text=text))
    client.force_login(admin_user)

    page = client.get(reverse("report_review")).content.decode()

    assert f"Second one before. <mark>{QUOTE}</mark> The one after." in page
    assert "First far sentence" not in page
    assert "The far last one" not in page


@pytest.mark.django_db
def test_accept_with_htmx_swaps_the_row(client: Client, admin_user: User) -> None:
    proposal = make_proposal(persons=[factories.PersonFactory.create()])
    client.force_login(admin_user)

    response = client.post(
        reverse("proposal_accept", args=[proposal.pk]), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="proposal-{proposal.pk}"' in page
    assert "<html" not in page
    assert "Accepted" in page
    assert LifeEvent.objects.count() == 1


@pytest.mark.django_db
def test_accept_without_javascript_redirects_to_the_queue(client: Client, admin_user: User) -> None:
    proposal = make_proposal(persons=[factories.PersonFactory.create()])
    client.force_login(admin_user)

    response = client.post(reverse("proposal_reject", args=[proposal.pk]), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("report_review"))
    assert "Rejected." in response.content.decode()


@pytest.mark.django_db
def test_the_edit_form_shows_errors_next_to_fields_and_writes_nothing(
    client: Client, admin_user: User
) -> None:
    kaster = factories.PersonFactory.create()
    proposal = make_proposal(persons=[kaster])
    client.force_login(admin_user)
    url = reverse("proposal_edit", args=[proposal.pk])
    prefix = f"p{proposal.pk}"

    form_page = client.get(url)
    response = client.post(url, {f"{prefix}-date": "2019-02-31", f"{prefix}-persons": [kaster.pk]})

    assert form_page.status_code == 200
    assert "does not exist" in response.content.decode()
    assert not LifeEvent.objects.exists()
    response = client.post(url, {f"{prefix}-date": "2019-10", f"{prefix}-persons": [kaster.pk]})
    assert response.status_code == 302
    assert LifeEvent.objects.get().date == PartialDate.month(2019, 10)


@pytest.mark.django_db
def test_the_hearing_form_defaults_to_the_persons_only_case(
    client: Client, admin_user: User
) -> None:
    kaster = factories.PersonFactory.create()
    case = factories.CaseFactory.create(title="Zaysan border case")
    CaseParticipant.objects.create(case=case, person=kaster, role=ParticipantRole.DEFENDANT)
    proposal = make_proposal(ProposalKind.HEARING, persons=[kaster], values={"status": "held"})
    client.force_login(admin_user)

    page = client.get(reverse("proposal_edit", args=[proposal.pk])).content.decode()

    assert f'<option value="{case.pk}" selected>Zaysan border case</option>' in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["lawyer_on_case", "ngo_staff", "outsider"])
def test_only_admins_may_review(client: Client, name: str, request: pytest.FixtureRequest) -> None:
    proposal = make_proposal(persons=[factories.PersonFactory.create()])
    client.force_login(request.getfixturevalue(name))

    assert client.get(reverse("report_review")).status_code == 403
    for action in ("proposal_accept", "proposal_reject", "proposal_edit"):
        assert client.post(reverse(action, args=[proposal.pk])).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert not LifeEvent.objects.exists()


@pytest.mark.django_db
def test_the_review_link_appears_for_admins_only(
    client: Client, admin_user: User, lawyer_on_case: User
) -> None:
    source = factories.SourceFactory.create()
    client.force_login(admin_user)
    assert reverse("report_review") in client.get(source.get_absolute_url()).content.decode()
    client.force_login(lawyer_on_case)
    assert reverse("report_review") not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 40])
def test_the_queue_costs_the_same_queries_for_2_and_40_proposals(
    client: Client,
    admin_user: User,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    source = factories.SourceFactory.create(text=TEXT)
    case = factories.CaseFactory.create()
    for n in range(count):
        person = factories.PersonFactory.create()
        event = factories.LifeEventFactory.create(person=person, kind=LifeEventKind.BORDER_CROSSING)
        if n % 2:  # a speaker and a case named in the values: fetched once for the page
            values = {"speaker_id": person.pk, "case_id": case.pk, "stance": "denial"}
            make_proposal(
                ProposalKind.STATEMENT,
                persons=[person],
                source=source,
                quote=f"{QUOTE} {n}",
                values=values,
            )
        else:
            make_proposal(persons=[person], source=source, quote=f"{QUOTE} {n}", linked=event)
    client.force_login(admin_user)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("report_review"))

    assert response.content.decode().count('class="proposal proposal-') == count


@pytest.mark.django_db(transaction=True)
def test_two_admins_accepting_at_once_write_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second accept waits for the first one's lock, then is told; one record is written."""
    kaster = factories.PersonFactory.create()
    first, second = factories.UserFactory.create_batch(2)
    proposal = make_proposal(persons=[kaster])
    written, release = threading.Event(), threading.Event()
    run = review._Writer.run

    def slow_run(self: review._Writer) -> list[dict[str, Any]]:
        result = run(self)
        written.set()
        release.wait(timeout=10)
        return result

    monkeypatch.setattr(review._Writer, "run", slow_run)
    outcomes: dict[str, object] = {}

    def attempt(name: str, user: User) -> None:
        try:
            outcomes[name] = accept(Proposal.objects.get(pk=proposal.pk), user)
        except AlreadyReviewed as error:
            outcomes[name] = error
        finally:
            connection.close()

    one = threading.Thread(target=attempt, args=("one", first))
    two = threading.Thread(target=attempt, args=("two", second))
    one.start()
    assert written.wait(timeout=10)
    two.start()
    time.sleep(0.3)  # the second is now waiting for the row lock
    release.set()
    one.join(timeout=10)
    two.join(timeout=10)

    assert isinstance(outcomes["one"], Proposal)
    assert isinstance(outcomes["two"], AlreadyReviewed)
    assert LifeEvent.objects.count() == 1
    assert Proposal.objects.get(pk=proposal.pk).reviewed_by == first


BROWSER_PASSWORD = "a long passphrase for the report review browser test"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_uploads_with_progress_and_accepts_in_place(
    live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload goes through XMLHttpRequest (the page does not reload) and the summary is
    swapped in; Accept swaps its row through htmx; no Content-Security-Policy violation."""
    from playwright.sync_api import expect

    from accounts.roles import Role
    from sources.reports import ingest
    from sources.reports.found import CandidateFact, FactKind
    from tests.browser import chromium, pass_second_factor

    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    admin = factories.UserFactory.create(username="reviewer", roles=[Role.ADMIN])
    admin.set_password(BROWSER_PASSWORD)
    admin.save()
    fact = CandidateFact(
        FactKind.BORDER_CROSSING,
        QUOTE,
        TEXT.index(QUOTE),
        TEXT.index(QUOTE) + len(QUOTE),
        PartialDate.day(2019, 10, 6),
        "on 6 October 2019",
        (kaster.pk,),
    )
    monkeypatch.setattr(ingest, "extract_facts", lambda text, **kwargs: [fact])
    monkeypatch.setattr(ingest, "find_mentions", lambda text: [])
    base = live_server.url

    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/login/")
        page.fill("#id_username", "reviewer")
        page.fill("#id_password", BROWSER_PASSWORD)
        page.press("#id_password", "Enter")
        pass_second_factor(page, "reviewer")
        page.wait_for_url(f"{base}/")

        page.goto(f"{base}/sources/import/")
        page.set_input_files(
            "#id_files", {"name": "report.txt", "mimeType": "text/plain", "buffer": TEXT.encode()}
        )
        page.evaluate("window.notReloaded = true")
        page.get_by_role("button", name="Import").click()
        results = page.locator("#report-results")
        expect(results).to_contain_text("New source:")
        expect(results).to_contain_text("1 proposal to review")
        assert page.evaluate("window.notReloaded === true")  # sent by the script, no reload
        expect(page.locator("[data-upload-progress]")).to_be_hidden()

        results.get_by_role("link", name="review them").click()
        row = page.locator(".proposal").first
        expect(row).to_contain_text("Border crossing")
        expect(row.locator("mark")).to_have_text(QUOTE)
        page.evaluate("window.notReloaded = true")
        row.get_by_role("button", name="Accept").click()
        expect(page.locator(".proposal").first.locator(".badge")).to_have_text("Accepted")
        assert page.evaluate("window.notReloaded === true")  # the row was swapped in place

    assert LifeEvent.objects.filter(person=kaster).count() == 1
