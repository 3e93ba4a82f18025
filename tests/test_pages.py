"""The pages as their readers see them: what each shows, and that each costs the same number of
queries however many rows it shows."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from cases.models import Case, CustodyKind, ParticipantRole
from core.partial_dates import PartialDate
from hearings.models import HearingKind, HearingStatus
from people.models import LifeEvent, NameVariant, VariantKind
from sources.models import Citation, Source
from tests import factories
from tests.helpers import client_for, html

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+6 until March 2024, +5 since
day = PartialDate.day


@pytest.fixture
def story(case: Case) -> SimpleNamespace:
    """A slice of the reference case: one defendant, his names, the disputed border crossing,
    custody, the charge, an adjourned trial and the verdict, his asylum claim and what an
    official said about him."""
    hrw = factories.OrganizationFactory.create(name="Human Rights Watch")
    amnesty = factories.OrganizationFactory.create(name="Amnesty International")
    release = factories.SourceFactory.create(
        title="Kazakhstan: Don't Return Chinese Asylum Seekers",
        publisher=hrw,
        published=day(2020, 1, 6),
        url="https://example.org/news/2020/01/06/kazakhstan",
    )
    statement_source = factories.SourceFactory.create(
        title="Kazakhstan: Two men at risk of forcible return",
        publisher=amnesty,
        published=day(2019, 12, 11),
    )
    secondary = factories.SourceFactory.create(
        title="Court reporting",
        publisher=factories.OrganizationFactory.create(name="Local news"),
        published=PartialDate.month(2020, 1),
    )
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(
        case=case, person=kaster, role=ParticipantRole.DEFENDANT
    )
    lawyer = factories.PersonFactory.create(display_name="Lazzat Akhat")
    factories.CaseParticipantFactory.create(
        case=case, person=lawyer, role=ParticipantRole.DEFENCE_LAWYER
    )
    factories.NameVariantFactory.create(
        person=kaster,
        text="Қастер Мұсаханұлы",
        language="kk",
        kind=VariantKind.AS_REPORTED,
        source=release,
    )
    factories.NameVariantFactory.create(
        person=kaster, text="Kaster Muakhanuly", kind=VariantKind.MISSPELLING, source=release
    )
    factories.ReportedAgeFactory.create(person=kaster, age=31, as_of=day(2020, 1, 6))

    crossing = factories.LifeEventFactory.create(
        person=kaster, date=PartialDate(dt.date(2019, 10, 1), dt.date(2019, 10, 6))
    )
    factories.CitationFactory.create(
        fact=crossing,
        source=statement_source,
        field="date",
        quote="They crossed the border on 6 October 2019.",
        reported_value="6 October 2019",
        reported_date=day(2019, 10, 6),
    )
    factories.CitationFactory.create(
        fact=crossing,
        source=secondary,
        field="date",
        quote="The men crossed into Kazakhstan on 1 October.",
        reported_value="1 October 2019",
        reported_date=day(2019, 10, 1),
    )
    custody = factories.CustodyIntervalFactory.create(
        person=kaster, case=case, kind=CustodyKind.PRETRIAL, start=day(2019, 10, 14), place="Zaysan"
    )
    factories.CitationFactory.create(
        fact=custody, source=release, field="start", quote="detained on October 14 in Almaty"
    )
    camp = factories.CustodyIntervalFactory.create(
        person=kaster, kind=CustodyKind.ABROAD, start=None, place="Camp in Xinjiang"
    )
    provision = factories.LegalProvisionFactory.create(
        article="392", part="1", title="Illegal crossing of the State Border"
    )
    charge = factories.ChargeFactory.create(case=case, defendant=kaster, provision=provision)
    verdict = factories.HearingFactory.create(
        case=case, date=day(2020, 1, 21), kind=HearingKind.VERDICT, status=HearingStatus.HELD
    )
    trial = factories.HearingFactory.create(
        case=case,
        date=day(2020, 1, 6),
        status=HearingStatus.ADJOURNED,
        adjourned_to=verdict,
        adjournment_reason="after two hours",
    )
    factories.CitationFactory.create(
        fact=trial, source=release, quote="The hearing was adjourned after only two hours"
    )
    sentence = factories.SentenceFactory.create(case=case, defendant=kaster, hearing=verdict)
    factories.CitationFactory.create(
        fact=sentence, source=release, quote="sentenced to one year in prison"
    )
    claim = factories.AsylumClaimFactory.create(person=kaster, filed=PartialDate.month(2019, 10))
    factories.AsylumClaimStepFactory.create(claim=claim, date=day(2019, 10, 29))
    dilmanov = factories.PersonFactory.create(
        display_name="Darkhan Dilmanov", is_public_figure=True
    )
    statement = factories.StatementFactory.create(
        speaker=dilmanov, quote="They will be returned to China.", date=day(2019, 12, 6)
    )
    statement.about_persons.add(kaster)
    return SimpleNamespace(
        case=case,
        kaster=kaster,
        lawyer=lawyer,
        release=release,
        crossing=crossing,
        custody=custody,
        camp=camp,
        charge=charge,
        trial=trial,
        verdict=verdict,
        sentence=sentence,
        dilmanov=dilmanov,
    )


# -- login and home ----------------------------------------------------------------------------


def test_login_page_works_without_login(db):
    page = html(Client().get(reverse("login")))
    assert 'name="username"' in page
    assert 'name="password"' in page


def test_signing_in_leads_home(db, ngo_staff):
    response = Client().post(
        reverse("login"),
        {"username": "ngo_staff", "password": "correct horse battery staple"},
        follow=True,
    )
    page = html(response)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_enrol"))
    assert "ngo_staff" in page
    assert 'class="site-nav"' not in page, "no navigation before the second factor"


def test_header_names_the_user_with_roles_and_offers_logout(lawyer_on_case):
    page = html(client_for(lawyer_on_case).get(reverse("home")))
    assert "lawyer_on_case" in page
    assert "Lawyer" in page
    assert f'action="{reverse("logout")}"' in page
    assert 'method="post"' in page


def test_home_shows_cases_custody_upcoming_hearings_and_sources(story, ngo_staff, time_machine):
    time_machine.move_to(dt.datetime(2020, 1, 10, 9, tzinfo=ALMATY))
    story.verdict.status = HearingStatus.SCHEDULED  # as it stood on 10 January
    story.verdict.save()
    page = html(client_for(ngo_staff).get(reverse("home")))
    assert story.case.title in page
    assert "Open" in page
    assert "Criminal prosecution" in page
    assert 'Next hearing: <time datetime="2020-01-21">21 January 2020</time>' in page
    # In custody: the open pretrial interval, not the camp abroad.
    assert "Kaster Musakhanuly" in page
    assert "Camp in Xinjiang" not in page
    # Upcoming: the verdict hearing of the 21st, not the adjourned one of the 6th.
    assert f"#hearing-{story.verdict.pk}" in page
    assert f"#hearing-{story.trial.pk}" not in page
    assert story.release.title.replace("'", "&#x27;") in page


def test_home_lists_the_people_the_user_follows_but_not_public_figures(story, ngo_staff):
    outside_any_case = factories.PersonFactory.create(display_name="Gulzire Awulqanqizi")
    outside_any_case.watched_by.add(ngo_staff.organization)
    page = html(client_for(ngo_staff).get(reverse("home")))
    people = page.split('id="people-heading"')[1].split("</section>")[0]
    assert "Gulzire Awulqanqizi" in people
    assert "Kaster Musakhanuly" in people
    assert story.dilmanov.display_name not in people


def test_home_leaves_out_past_hearings(story, ngo_staff, time_machine):
    time_machine.move_to(dt.datetime(2020, 2, 1, 9, tzinfo=ALMATY))
    story.verdict.status = HearingStatus.SCHEDULED  # never updated after the verdict
    story.verdict.save()
    page = html(client_for(ngo_staff).get(reverse("home")))
    assert f"#hearing-{story.verdict.pk}" not in page
    assert "No hearing is scheduled." in page


def test_user_without_role_is_asked_to_get_one(story, outsider):
    page = html(client_for(outsider).get(reverse("home")))
    assert "Your account has no role yet; ask an admin." in page
    assert story.case.title not in page
    assert "Kaster" not in page
    assert story.release.title not in page


# -- person page -------------------------------------------------------------------------------


def test_person_page_shows_names_in_their_own_script(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert "<h1>Kaster Musakhanuly</h1>" in page
    assert 'lang="kk" dir="auto">Қастер Мұсаханұлы</span>' in page
    assert "Cyrillic" in page
    assert "Kazakh" in page
    assert story.release.get_absolute_url() in page


def test_person_page_lists_every_source_that_spells_a_name(story, ngo_staff):
    spelling = NameVariant.objects.get(text="Қастер Мұсаханұлы")
    other = factories.SourceFactory.create(title="Kazakh-language report")
    factories.CitationFactory.create(fact=spelling, source=other, quote="Қастер Мұсаханұлы")
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    entry = page[page.index("Қастер Мұсаханұлы") :]
    entry = entry[: entry.index("</li>")]
    assert story.release.get_absolute_url() in entry
    assert other.get_absolute_url() in entry


def test_person_page_marks_misspellings(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    misspelt = page.index("Kaster Muakhanuly")
    assert "misspelling" in page[misspelt : misspelt + 300]


def test_person_page_shows_details(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert "China" in page
    assert "Kazakh" in page
    assert '31 years old as of <time datetime="2020-01-06">6 January 2020</time>' in page


def test_person_page_lists_cases_with_role(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert f'href="{story.case.get_absolute_url()}"' in page
    assert "Role: Defendant" in page


def test_what_happened_shows_cited_quote_and_source(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert "Pretrial custody began" in page
    assert "detained on October 14 in Almaty" in page
    assert "Human Rights Watch" in page


def test_what_happened_notes_when_sources_disagree(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert "Sources disagree" in page
    note = page[page.index("Sources disagree") :]
    note = note[: note.index("</div>")]
    assert "6 October 2019" in note
    assert "Kazakhstan: Two men at risk of forcible return" in note
    assert "1 October 2019" in note
    assert "Court reporting" in note


def test_sources_that_agree_raise_no_note(story, ngo_staff):
    Citation.objects.filter(reported_value="1 October 2019").update(
        reported_value="6 October 2019", reported_date=day(2019, 10, 6)
    )
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert "Sources disagree" not in page


def test_what_happened_is_in_date_order_at_each_dates_precision(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    timeline = page[page.index('<ol class="timeline">') :]  # the list, not the strip above it
    order = [
        "1 – 6 October 2019",  # the disputed crossing, a range of days
        ">October 2019<",  # asylum claim filed, month precision
        "Pretrial custody began",  # 14 October
        "Asylum claim: registered",  # 29 October
        "Darkhan Dilmanov said",  # 6 December
        "Trial session, Border case: adjourned",  # 6 January 2020
        "Sentenced: Imprisonment, 1 year",  # 21 January 2020
        "Detention abroad (as reported)",  # undated, last
    ]
    positions = [timeline.index(text) for text in order]
    assert positions == sorted(positions)
    assert "They will be returned to China." in timeline


def test_what_happened_links_a_hearing_to_its_place_on_the_case_page(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert f"{story.case.get_absolute_url()}#hearing-{story.trial.pk}" in page


def test_person_page_hides_citations_of_confidential_sources(story, ngo_staff):
    secret = factories.SourceFactory.create(title="Lawyer's notes", confidential=True)
    factories.CitationFactory.create(fact=story.custody, source=secret, quote="Seen by his lawyer")
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))
    assert "Seen by his lawyer" not in page
    assert "Lawyer&#x27;s notes" not in page


# -- case page ---------------------------------------------------------------------------------


def test_case_page_shows_the_case(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.case.get_absolute_url()))
    assert f"<h1>{story.case.title}</h1>" in page
    assert "Criminal prosecution" in page
    assert "Kazakhstan" in page
    assert "Defence lawyer" in page
    assert "Lazzat Akhat" in page
    assert "Criminal Code of the Republic of Kazakhstan (2014), Art. 392 part 1" in page


def test_adjourned_hearing_links_to_the_later_one(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.case.get_absolute_url()))
    assert f'id="hearing-{story.verdict.pk}"' in page
    assert f'Adjourned to <a href="#hearing-{story.verdict.pk}">21 January 2020</a>' in page
    assert f'Postponed from <a href="#hearing-{story.trial.pk}">6 January 2020</a>' in page
    assert page.index(f'id="hearing-{story.trial.pk}"') < page.index(
        f'id="hearing-{story.verdict.pk}"'
    )


def test_case_page_shows_the_sentence(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.case.get_absolute_url()))
    sentence = page[page.index(f'id="sentence-{story.sentence.pk}"') :]
    assert "Imprisonment, 1 year" in sentence
    assert "Minimum security" in sentence
    assert "1 day of custody = 2 days" in sentence
    assert "Ruled out by the court" in sentence
    assert "21 January 2020" in sentence
    assert "sentenced to one year in prison" in sentence


def test_case_page_shows_custody_with_citations(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.case.get_absolute_url()))
    custody = page[page.index('id="custody"') :]
    assert "Pretrial custody" in custody
    assert "ongoing" in custody
    assert "detained on October 14 in Almaty" in custody


def test_custody_that_ended_on_an_unknown_day_is_not_ongoing(story, ngo_staff):
    story.custody.end_unknown = True
    story.custody.save()
    page = html(client_for(ngo_staff).get(story.case.get_absolute_url()))
    custody = page[page.index(f'id="custody-{story.custody.pk}"') :]
    custody = custody[: custody.index("</li>")]
    assert "ended on a date no source gives" in custody
    assert "ongoing" not in custody
    home = html(client_for(ngo_staff).get(reverse("home")))
    assert "Nobody you follow is recorded as held now." in home


def test_assigned_lawyer_is_told_they_can_edit(story, lawyer_on_case):
    page = html(client_for(lawyer_on_case).get(story.case.get_absolute_url()))
    assert "you may record its hearings" in page
    assert "/admin/" not in page.split("<main", 1)[1]


def test_ngo_staff_read_only(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.case.get_absolute_url()))
    assert "You may read this case." in page
    assert "you may record its hearings" not in page


def test_admin_can_edit(story, admin_user):
    page = html(client_for(admin_user).get(story.case.get_absolute_url()))
    assert "you may record its hearings" in page


# -- source page -------------------------------------------------------------------------------


def test_source_page_shows_metadata_and_text(story, ngo_staff):
    story.release.text = "First paragraph.\n\nSecond paragraph."
    story.release.save()
    page = html(client_for(ngo_staff).get(story.release.get_absolute_url()))
    assert "Human Rights Watch" in page
    assert "NGO news release" in page
    assert '<time datetime="2020-01-06">6 January 2020</time>' in page
    assert (
        '<a href="https://example.org/news/2020/01/06/kazakhstan" rel="noopener noreferrer">'
        in page
    )
    assert "First paragraph.\n\nSecond paragraph." in page


def test_source_page_lists_the_facts_it_supports(story, ngo_staff):
    page = html(client_for(ngo_staff).get(story.release.get_absolute_url()))
    facts = page[page.index('id="facts"') : page.index('id="text"')]
    assert "The hearing was adjourned after only two hours" in facts
    assert f'href="{story.case.get_absolute_url()}#hearing-{story.trial.pk}"' in facts
    assert "detained on October 14 in Almaty" in facts
    assert f'href="{story.kaster.get_absolute_url()}"' in facts
    assert "Kaster Musakhanuly: Pretrial custody from 14 October 2019" in facts


def test_source_page_leaves_out_facts_the_user_may_not_see(story, ngo_staff):
    hidden_case = factories.CaseFactory.create(title="Another org's case")
    hidden_hearing = factories.HearingFactory.create(case=hidden_case)
    factories.CitationFactory.create(
        fact=hidden_hearing, source=story.release, quote="Secret hearing"
    )
    page = html(client_for(ngo_staff).get(story.release.get_absolute_url()))
    assert "Secret hearing" not in page
    assert "Another org" not in page
    admin_page = html(
        client_for(factories.UserFactory.create(username="root", is_superuser=True)).get(
            story.release.get_absolute_url()
        )
    )
    assert "Secret hearing" in admin_page


# -- query counts: flat from 2 rows to 200 -----------------------------------------------------

SIZES = [2, 200]


def _cite_all(facts, source: Source) -> None:
    if not facts:
        return
    content_type = ContentType.objects.get_for_model(facts[0])
    Citation.objects.bulk_create(
        Citation(
            source=source,
            content_type=content_type,
            object_id=fact.pk,
            quote=f"Passage {i}",
            field="date",
            reported_value=f"{i} October 2019",
        )
        for i, fact in enumerate(facts)
    )


def _grow_case(case: Case, n: int) -> SimpleNamespace:
    source = factories.SourceFactory.create()
    people = [factories.PersonFactory.create() for _ in range(min(n, 20))]
    roles = list(ParticipantRole)
    participants = [
        factories.CaseParticipantFactory.create(
            case=case,
            person=people[i % len(people)],
            role=roles[(i // len(people)) % len(roles)],
        )
        for i in range(n)
    ]
    charges = [
        factories.ChargeFactory.create(case=case, defendant=people[i % len(people)])
        for i in range(n)
    ]
    hearings = [
        factories.HearingFactory.create(case=case, date=day(2020, 1, 1) if i else day(2019, 12, 1))
        for i in range(n)
    ]
    hearings[0].status = HearingStatus.ADJOURNED
    hearings[0].adjourned_to = hearings[1]
    hearings[0].save()
    sentences = [
        factories.SentenceFactory.create(case=case, defendant=people[i % len(people)])
        for i in range(n)
    ]
    custody = [
        factories.CustodyIntervalFactory.create(case=case, person=people[i % len(people)])
        for i in range(n)
    ]
    for facts in (participants, charges, hearings, sentences, custody, [case]):
        _cite_all(facts, source)
    return SimpleNamespace(people=people, source=source)


@pytest.mark.parametrize("n", SIZES)
def test_case_page_queries_stay_flat(case, ngo_staff, n, django_assert_max_num_queries):
    _grow_case(case, n)
    client = client_for(ngo_staff)
    # +1: the audit log's INSERT for reading a case (audit/middleware.py).
    # +1: django-otp's OTPMiddleware loads the session's verified device (accounts/mfa.py).
    with django_assert_max_num_queries(15 + 1 + 1):
        html(client.get(case.get_absolute_url()))


@pytest.mark.parametrize("n", SIZES)
def test_person_page_queries_stay_flat(case, ngo_staff, n, django_assert_max_num_queries):
    person = factories.PersonFactory.create()
    factories.CaseParticipantFactory.create(case=case, person=person)
    source = factories.SourceFactory.create()
    names = NameVariant.objects.bulk_create(
        NameVariant(person=person, text=f"Name {i}", script="latin", source=source)
        for i in range(n)
    )
    _cite_all(names, source)
    events = LifeEvent.objects.bulk_create(
        LifeEvent(person=person, kind="other", date=day(2019, 1 + i % 12, 1)) for i in range(n)
    )
    _cite_all(events, source)
    ages = [factories.ReportedAgeFactory.create(person=person) for _ in range(n)]
    _cite_all(ages, source)
    affiliations = [factories.AffiliationFactory.create(person=person) for _ in range(min(n, 20))]
    _cite_all(affiliations, source)
    for extra_case in [factories.CaseFactory.create() for _ in range(min(n, 10))]:
        extra_case.watched_by.add(ngo_staff.organization)
        factories.CaseParticipantFactory.create(case=extra_case, person=person)
        _cite_all(
            [factories.HearingFactory.create(case=extra_case) for _ in range(n // 10 or 1)], source
        )
    _cite_all(
        [factories.ChargeFactory.create(case=case, defendant=person) for _ in range(n)], source
    )
    _cite_all(
        [factories.SentenceFactory.create(case=case, defendant=person) for _ in range(n)], source
    )
    _cite_all(
        [factories.CustodyIntervalFactory.create(person=person, case=case) for _ in range(n)],
        source,
    )
    claims = [factories.AsylumClaimFactory.create(person=person) for _ in range(min(n, 20))]
    _cite_all(claims, source)
    _cite_all(
        [factories.AsylumClaimStepFactory.create(claim=c) for c in claims for _ in range(3)], source
    )
    said = [factories.StatementFactory.create(speaker=person) for _ in range(n)]
    _cite_all(said, source)
    for statement in [factories.StatementFactory.create() for _ in range(min(n, 20))]:
        statement.about_persons.add(person)
    _cite_all([person], source)
    client = client_for(ngo_staff)
    # +1: the audit log's INSERT for reading a person (audit/middleware.py).
    # +1: django-otp's OTPMiddleware loads the session's verified device (accounts/mfa.py).
    with django_assert_max_num_queries(30 + 1 + 1):
        html(client.get(person.get_absolute_url()))


@pytest.mark.parametrize("n", SIZES)
def test_source_page_queries_stay_flat(case, ngo_staff, n, django_assert_max_num_queries):
    grown = _grow_case(case, n)
    client = client_for(ngo_staff)
    # +1: django-otp's OTPMiddleware loads the session's verified device (accounts/mfa.py).
    with django_assert_max_num_queries(11 + 1):
        html(client.get(grown.source.get_absolute_url()))


@pytest.mark.parametrize("n", SIZES)
def test_home_queries_stay_flat(ngo_staff, n, django_assert_max_num_queries, time_machine):
    time_machine.move_to(dt.datetime(2020, 1, 1, 9, tzinfo=ALMATY))
    for _ in range(min(n, 60)):
        case = factories.CaseFactory.create()
        case.watched_by.add(ngo_staff.organization)
        person = factories.PersonFactory.create()
        factories.CaseParticipantFactory.create(case=case, person=person)
        factories.CustodyIntervalFactory.create(case=case, person=person)
        factories.HearingFactory.create(case=case, date=day(2020, 1, 21))
    for _ in range(min(n, 20)):
        factories.SourceFactory.create()
    client = client_for(ngo_staff)
    # +1: django-otp's OTPMiddleware loads the session's verified device (accounts/mfa.py).
    with django_assert_max_num_queries(8 + 1):
        page = html(client.get(reverse("home")))
    assert page.count("Next hearing:") == min(n, 50)
