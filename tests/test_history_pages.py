"""History pages as their readers see them: who changed what and when on one record, a case's
whole history, who may read them (the same people who may read the record), and an admin's
restore of an old version, which is itself a recorded change."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pghistory
import pgtrigger
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from accounts.models import User
from cases.models import AsylumStatus, Case, Charge, ChargeStatus, CustodyKind, ParticipantRole
from core.history import restore_version
from core.partial_dates import PartialDate
from hearings.models import Hearing, HearingStatus
from people.models import Person
from tests import factories
from tests.helpers import client_for, html

pytestmark = pytest.mark.django_db
day = PartialDate.day


def record_url(record) -> str:
    opts = record._meta
    return reverse("record_history", args=[opts.app_label, opts.model_name, record.pk])


def restore_url(record) -> str:
    opts = record._meta
    return reverse("record_restore", args=[opts.app_label, opts.model_name, record.pk])


def case_url(case: Case) -> str:
    return reverse("case_history", args=[case.pk])


def events_of(record) -> list[Events]:
    return list(Events.objects.tracks(record).order_by("pgh_id"))


def flat(history) -> list:
    """A case history's entries, batches (records created together) opened."""
    rows = history.page.object_list
    return [e for row in rows for e in (row.entries if getattr(row, "is_batch", False) else [row])]


def text(page: str) -> str:
    """The page's words, tags dropped and spaces folded, for assertions about what it says."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def named(username: str, first: str, last: str) -> User:
    user = User.objects.get(username=username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def hearing(case: Case) -> Hearing:
    return factories.HearingFactory.create(case=case, date=day(2020, 1, 6))


# -- one record --------------------------------------------------------------------------------


def test_history_shows_who_changed_what_newest_first(hearing, lawyer_on_case) -> None:
    lawyer = named(lawyer_on_case.username, "Lazzat", "Akhat")
    judge = factories.PersonFactory.create(display_name="Judge Sarsenbayev", is_public_figure=True)
    with pghistory.context(user=lawyer.pk, action="record_hearing_outcome"):
        hearing.status = HearingStatus.ADJOURNED
        hearing.outcome = "Adjourned after two hours."
        hearing.judge = judge
        hearing.date = day(2020, 1, 7)
        hearing.save()

    page = html(client_for(lawyer).get(record_url(hearing)))

    entries = text(page)
    assert "History: Hearing of 7 January 2020" in entries
    changed, created = entries.index("Changed"), entries.index("Created")
    assert changed < created  # newest first
    change = entries[changed:created]
    assert "by Lazzat Akhat (record hearing outcome)" in change
    assert "Status was Scheduled → now Adjourned" in change
    assert "Date was 6 January 2020 → now 7 January 2020" in change
    assert "Judge was — → now Judge Sarsenbayev" in change
    assert "Outcome was — → now Adjourned after two hours." in change
    assert "Updated" not in change  # bookkeeping columns stay out of the way
    assert "by database (no user recorded)" in entries[created:]


def test_bulk_update_shows_as_a_change_with_no_user(hearing, ngo_staff) -> None:
    Hearing.objects.filter(case=hearing.case).update(outcome="Verdict announced.")

    page = text(html(client_for(ngo_staff).get(record_url(hearing))))

    assert "Changed" in page
    assert "by database (no user recorded)" in page
    assert "Outcome was — → now Verdict announced." in page


def test_import_names_its_command(hearing, ngo_staff) -> None:
    with pghistory.context(source="load_demo"):
        Hearing.objects.filter(pk=hearing.pk).update(outcome="From the report.")

    page = text(html(client_for(ngo_staff).get(record_url(hearing))))

    assert "by import / command load_demo" in page


def test_creation_lists_the_values_it_started_with(case, ngo_staff) -> None:
    defendant = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=defendant)
    charge = factories.ChargeFactory.create(
        case=case,
        defendant=defendant,
        status=ChargeStatus.CONVICTED,
        filed=PartialDate.month(2019, 10),
    )

    page = text(html(client_for(ngo_staff).get(record_url(charge))))

    assert f"History: Charge: Kaster Musakhanuly under {charge.provision}" in page
    assert "Status Convicted" in page  # the choice's label, not "convicted"
    assert "Filed October 2019" in page  # the partial date at its precision
    assert "Defendant Kaster Musakhanuly" in page


def test_record_history_links_back_to_the_record_and_its_case(hearing, ngo_staff) -> None:
    page = html(client_for(ngo_staff).get(record_url(hearing)))

    assert f'href="{hearing.case.get_absolute_url()}#hearing-{hearing.pk}"' in page
    assert f'href="{case_url(hearing.case)}"' in page


@pytest.mark.parametrize(
    "reader", ["outsider", "lawyer_colleague", "ngo_staff_elsewhere"], ids=lambda r: r
)
def test_who_may_not_see_the_case_gets_404_for_its_histories(request, hearing, reader) -> None:
    client = client_for(request.getfixturevalue(reader))

    assert client.get(record_url(hearing)).status_code == 404
    assert client.get(record_url(hearing.case)).status_code == 404
    assert client.get(case_url(hearing.case)).status_code == 404


@pytest.mark.parametrize("reader", ["lawyer_on_case", "ngo_staff", "admin_user"])
def test_who_may_see_the_case_reads_its_histories(request, hearing, reader) -> None:
    client = client_for(request.getfixturevalue(reader))

    assert client.get(record_url(hearing)).status_code == 200
    assert client.get(record_url(hearing.case)).status_code == 200
    assert client.get(case_url(hearing.case)).status_code == 200


def test_a_missing_record_answers_404_like_a_hidden_one(hearing, ngo_staff, admin_user) -> None:
    missing = reverse("record_history", args=["hearings", "hearing", hearing.pk + 1000])
    assert client_for(ngo_staff).get(missing).status_code == 404
    assert client_for(admin_user).get(missing).status_code == 404
    unknown = reverse("record_history", args=["hearings", "nothing", hearing.pk])
    assert client_for(admin_user).get(unknown).status_code == 404


def test_accounts_have_no_history_page(admin_user, lawyer_on_case) -> None:
    """A user's history holds no password hash, but it is no legal record either."""
    lawyer_on_case.set_password("another horse battery staple")
    lawyer_on_case.save()
    assert "password" not in events_of(lawyer_on_case)[-1].pgh_data

    url = reverse("record_history", args=["accounts", "user", lawyer_on_case.pk])
    assert client_for(admin_user).get(url).status_code == 404


def test_confidential_source_stays_hidden_in_a_name_history(case, ngo_staff, admin_user) -> None:
    person = factories.PersonFactory.create()
    factories.CaseParticipantFactory.create(case=case, person=person)
    secret = factories.SourceFactory.create(title="Lawyer's notes", confidential=True)
    name = factories.NameVariantFactory.create(person=person, text="Qaster", source=secret)

    assert "Lawyer&#x27;s notes" not in html(client_for(ngo_staff).get(record_url(name)))
    assert "Lawyer&#x27;s notes" in html(client_for(admin_user).get(record_url(name)))


def test_deleted_record_history_is_for_admins(hearing, ngo_staff, admin_user) -> None:
    url = record_url(hearing)
    hearing.delete()

    assert client_for(ngo_staff).get(url).status_code == 404
    page = html(client_for(admin_user).get(url))
    assert "This record has been deleted" in page
    assert "Restore this version" not in page


# -- a case ------------------------------------------------------------------------------------


@pytest.fixture
def story(case: Case, ngo_staff: User) -> SimpleNamespace:
    """A case with a record of every kind that hangs off it, each changed once by a lawyer."""
    org = ngo_staff.organization
    assert org is not None
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=kaster)
    lawyer = factories.PersonFactory.create(display_name="Lazzat Akhat")
    participant = factories.CaseParticipantFactory.create(
        case=case, person=lawyer, role=ParticipantRole.DEFENCE_LAWYER
    )
    charge = factories.ChargeFactory.create(case=case, defendant=kaster)
    trial = factories.HearingFactory.create(case=case, date=day(2020, 1, 6))
    verdict = factories.HearingFactory.create(case=case, date=day(2020, 1, 21))
    sentence = factories.SentenceFactory.create(case=case, defendant=kaster, hearing=verdict)
    custody = factories.CustodyIntervalFactory.create(
        case=case, person=kaster, kind=CustodyKind.PRETRIAL
    )
    claim = factories.AsylumClaimFactory.create(case=case, person=kaster)
    step = factories.AsylumClaimStepFactory.create(claim=claim)
    release = factories.SourceFactory.create(title="Don't Return Chinese Asylum Seekers")
    citation = factories.CitationFactory.create(source=release, fact=trial)
    secret = factories.SourceFactory.create(title="Lawyer's own notes", confidential=True)
    factories.CitationFactory.create(source=secret, fact=trial)
    # A custody interval of someone the NGO may not see, filed under the case.
    stranger = factories.PersonFactory.create(display_name="Unlisted relative")
    factories.CustodyIntervalFactory.create(case=case, person=stranger)
    editor = factories.UserFactory.create(username="editor", first_name="Aigerim", last_name="N.")
    with pghistory.context(user=editor.pk):
        Hearing.objects.filter(pk=trial.pk).update(
            status=HearingStatus.ADJOURNED, adjourned_to=verdict
        )
        Charge.objects.filter(pk=charge.pk).update(status=ChargeStatus.CONVICTED)
    return SimpleNamespace(**locals())


def test_case_history_names_each_record_and_links_to_its_history(story, ngo_staff) -> None:
    page = html(client_for(ngo_staff).get(case_url(story.case)))
    words = text(page)

    assert "History: Border case" in words
    for record, label in [
        (story.case, "Case: Border case"),
        (story.trial, "Hearing of 6 January 2020"),
        (story.verdict, "Hearing of 21 January 2020"),
        (story.charge, "Charge: Kaster Musakhanuly under"),
        (story.sentence, "Sentence of Kaster Musakhanuly, 21 January 2020"),
        (story.custody, "Pretrial custody: Kaster Musakhanuly from 18 October 2019"),
        (story.claim, "Asylum claim: Kaster Musakhanuly in Kazakhstan"),
        (story.step, "Asylum claim step: Registered (29 October 2019)"),
        (story.participant, "Participant: Lazzat Akhat (Defence lawyer)"),
        # A citation names the fact it supports, and its source (publisher first).
        (story.citation, "Hearing of 6 January 2020: citation of Organization"),
    ]:
        assert label in words
        assert f'href="{record_url(record)}"' in page
    assert "Status was Scheduled → now Adjourned" in words
    assert "Adjourned to was — → now hearing of 21 January 2020" in words
    assert "by Aigerim N." in words


def test_case_history_hides_what_the_reader_may_not_see(story, ngo_staff, admin_user) -> None:
    ngo_page = html(client_for(ngo_staff).get(case_url(story.case)))
    admin_page = html(client_for(admin_user).get(case_url(story.case)))

    assert "Lawyer&#x27;s own notes" not in ngo_page
    assert "Unlisted relative" not in ngo_page
    assert "Lawyer&#x27;s own notes" in admin_page
    assert "Unlisted relative" in admin_page


def test_records_created_together_read_as_one_line(case, ngo_staff) -> None:
    with pghistory.context(source="load_demo"):
        for date in (day(2020, 1, 6), day(2020, 1, 21), day(2020, 2, 5)):
            factories.HearingFactory.create(case=case, date=date)

    response = client_for(ngo_staff).get(case_url(case))

    [batch] = [row for row in response.context["history"].page.object_list if row.is_batch]
    assert len(batch.entries) == 3
    page = text(html(response))
    assert "3 records at once by import / command load_demo" in page
    assert "Hearing of 5 February 2020" in page


def test_case_history_is_newest_first(story, ngo_staff) -> None:
    """A test's changes share one transaction, hence one time: the order within a record
    shows it."""
    with pghistory.context(user=ngo_staff.pk):
        Hearing.objects.filter(pk=story.verdict.pk).update(outcome="One year.")

    history = client_for(ngo_staff).get(case_url(story.case)).context["history"]

    entries = flat(history)
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    verdict = [e.kind for e in entries if e.record_label == "Hearing of 21 January 2020"]
    assert verdict == ["update", "insert"]


LINK_TRIGGERS = ("cases.Case_watched_by:insert_insert", "cases.Case_watched_by:delete_delete")


@pytest.fixture
def link_triggers(db: None) -> None:
    """The history triggers of the case-follower link table, which no migration installs
    yet (see the expected failure below); installed inside the test's transaction."""
    pgtrigger.install(*LINK_TRIGGERS)


def test_case_history_shows_followers_added_and_removed(link_triggers, case, ngo_staff) -> None:
    second = factories.OrganizationFactory.create(name="Second NGO")
    with pghistory.context(user=ngo_staff.pk):
        case.watched_by.add(second)
        case.watched_by.remove(second)

    history = client_for(ngo_staff).get(case_url(case)).context["history"]

    links = [e for e in flat(history) if e.record_label == "Followed by Second NGO"]
    assert [(e.action, e.who, e.record_url) for e in links] == [
        ("Removed", "ngo_staff", ""),
        ("Added", "ngo_staff", ""),
    ]


def test_follower_links_are_recorded_by_the_migrated_triggers(case, other_org) -> None:
    case.watched_by.add(other_org)

    assert Events.objects.references(case).across("cases.CaseFollowerEvent").exists()


def test_case_history_keeps_deleted_records_but_links_them_for_admins_only(
    story, ngo_staff, admin_user
) -> None:
    sentence_url = record_url(story.sentence)
    story.sentence.delete()

    ngo_page = html(client_for(ngo_staff).get(case_url(story.case)))
    admin_page = html(client_for(admin_user).get(case_url(story.case)))

    assert "Deleted" in text(ngo_page)
    assert "Sentence of Kaster Musakhanuly, 21 January 2020" in text(ngo_page)
    assert f'href="{sentence_url}"' not in ngo_page
    assert f'href="{sentence_url}"' in admin_page


def test_case_history_does_not_show_other_cases(story, ngo_staff) -> None:
    other = factories.CaseFactory.create(title="Another case")
    other.watched_by.add(ngo_staff.organization)
    factories.HearingFactory.create(case=other, date=day(2021, 3, 3))

    page = text(html(client_for(ngo_staff).get(case_url(story.case))))

    assert "Hearing of 3 March 2021" not in page
    assert "Another case" not in page


def _grow(story: SimpleNamespace, n: int, user: User) -> None:
    """n more events: changes by a user to the case's hearings, charge and custody."""
    with pghistory.context(user=user.pk):
        for i in range(n):
            Hearing.objects.filter(pk=story.verdict.pk).update(outcome=f"Outcome {i}")
    more = factories.HearingFactory.create_batch(n, case=story.case)
    factories.CitationFactory.create_batch(n, source=story.release, fact=story.verdict)
    Hearing.objects.filter(pk__in=[h.pk for h in more]).update(notes="Checked")


SIZES = (2, 50)


@pytest.mark.parametrize("n", SIZES)
def test_case_history_queries_stay_flat(story, ngo_staff, n, django_assert_max_num_queries):
    _grow(story, n, ngo_staff)
    client = client_for(ngo_staff)
    with django_assert_max_num_queries(18):
        html(client.get(case_url(story.case)))


@pytest.mark.parametrize("n", SIZES)
def test_record_history_queries_stay_flat(story, ngo_staff, n, django_assert_max_num_queries):
    _grow(story, n, ngo_staff)
    client = client_for(ngo_staff)
    with django_assert_max_num_queries(12):
        html(client.get(record_url(story.verdict)))


def test_case_history_costs_the_same_with_few_and_many_events(story, ngo_staff, admin_user) -> None:
    client = client_for(ngo_staff)
    html(client.get(case_url(story.case)))  # content types and session warmed up

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            html(client.get(case_url(story.case)))
        return len(queries)

    few = count()
    _grow(story, 50, admin_user)
    many = count()

    assert client.get(case_url(story.case)).context["history"].total > 100
    assert few == many


# -- links -------------------------------------------------------------------------------------


def test_case_page_links_to_its_history_and_each_records(story, ngo_staff) -> None:
    page = html(client_for(ngo_staff).get(story.case.get_absolute_url()))

    assert f'href="{case_url(story.case)}"' in page
    for record in (story.trial, story.sentence, story.charge, story.custody, story.participant):
        assert f'href="{record_url(record)}"' in page


def test_person_page_links_each_event_to_its_history(story, ngo_staff) -> None:
    page = html(client_for(ngo_staff).get(story.kaster.get_absolute_url()))

    assert f'href="{record_url(story.kaster)}"' in page
    for record in (story.trial, story.sentence, story.charge, story.custody, story.claim):
        assert f'href="{record_url(record)}"' in page


def test_source_page_links_each_cited_fact_to_its_history(story, ngo_staff) -> None:
    page = html(client_for(ngo_staff).get(story.release.get_absolute_url()))

    assert f'href="{record_url(story.release)}"' in page
    assert f'href="{record_url(story.trial)}"' in page


# -- restore -----------------------------------------------------------------------------------


@pytest.fixture
def edited(hearing: Hearing, lawyer_on_case: User) -> SimpleNamespace:
    """A hearing whose outcome a lawyer wrote, then rewrote."""
    with pghistory.context(user=lawyer_on_case.pk):
        Hearing.objects.filter(pk=hearing.pk).update(
            outcome="Adjourned after two hours.", adjournment_reason="No interpreter"
        )
    first = events_of(hearing)[-1]
    with pghistory.context(user=lawyer_on_case.pk):
        Hearing.objects.filter(pk=hearing.pk).update(outcome="Typo", adjournment_reason="")
    return SimpleNamespace(hearing=hearing, first=first)


def test_admin_sees_a_restore_button_beside_each_past_version(edited, admin_user) -> None:
    page = html(client_for(admin_user).get(record_url(edited.hearing)))

    # Three versions (created, first outcome, rewrite): the current one needs no button.
    assert page.count("Restore this version") == 2
    assert f'name="event" value="{edited.first.pgh_id}"' in page


def test_admin_restores_an_old_version_as_a_new_change(edited, admin_user) -> None:
    client = client_for(admin_user)
    before = len(events_of(edited.hearing))

    response = client.post(restore_url(edited.hearing), {"event": edited.first.pgh_id})

    assert response.status_code == 302
    assert response["Location"] == record_url(edited.hearing)
    edited.hearing.refresh_from_db()
    assert edited.hearing.outcome == "Adjourned after two hours."
    assert edited.hearing.adjournment_reason == "No interpreter"
    assert edited.hearing.version == 2  # a lawyer with the old form open is told
    events = events_of(edited.hearing)
    assert len(events) == before + 1
    restored = events[-1]
    assert restored.pgh_diff["outcome"] == ["Typo", "Adjourned after two hours."]
    assert restored.pgh_context["user"] == admin_user.pk
    assert restored.pgh_context["restored_from"] == edited.first.pgh_id
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Restored Hearing of 6 January 2020 to the chosen version: Outcome, Reason."
    ]
    page = text(html(client.get(record_url(edited.hearing))))
    assert "Restored the version of" in page
    assert f"by {admin_user.username}" in page


@pytest.mark.parametrize("reader", ["lawyer_on_case", "ngo_staff"])
def test_non_admin_may_not_restore(request, edited, reader) -> None:
    client = client_for(request.getfixturevalue(reader))
    before = len(events_of(edited.hearing))

    assert "Restore this version" not in html(client.get(record_url(edited.hearing)))
    response = client.post(restore_url(edited.hearing), {"event": edited.first.pgh_id})

    assert response.status_code == 403
    edited.hearing.refresh_from_db()
    assert edited.hearing.outcome == "Typo"
    assert len(events_of(edited.hearing)) == before


def test_outsider_restore_is_404(edited, outsider) -> None:
    response = client_for(outsider).post(
        restore_url(edited.hearing), {"event": edited.first.pgh_id}
    )
    assert response.status_code == 404


def test_restore_needs_post_and_an_event_of_this_record(edited, admin_user, case) -> None:
    client = client_for(admin_user)
    other = factories.HearingFactory.create(case=case)
    other_event = events_of(other)[-1]

    assert client.get(restore_url(edited.hearing)).status_code == 405
    assert client.post(restore_url(edited.hearing), {"event": "x"}).status_code == 404
    assert (
        client.post(restore_url(edited.hearing), {"event": other_event.pgh_id}).status_code == 404
    )


def test_restore_refuses_a_version_that_breaks_todays_rules(case, admin_user) -> None:
    """The charge was under one article, then moved to another; since then a second charge
    under the first article exists, so the old version would be a duplicate."""
    defendant = factories.PersonFactory.create()
    first_article, second_article = factories.LegalProvisionFactory.create_batch(2)
    charge = factories.ChargeFactory.create(case=case, defendant=defendant, provision=first_article)
    old = events_of(charge)[-1]
    Charge.objects.filter(pk=charge.pk).update(provision=second_article)
    factories.ChargeFactory.create(case=case, defendant=defendant, provision=first_article)
    before = len(events_of(charge))

    response = client_for(admin_user).post(restore_url(charge), {"event": old.pgh_id})

    assert response.status_code == 302
    charge.refresh_from_db()
    assert charge.provision == second_article
    assert len(events_of(charge)) == before
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("This version cannot be restored:")
    assert message.endswith("Nothing was changed.")


def test_restore_refuses_a_version_pointing_at_a_deleted_record(case, admin_user) -> None:
    later = factories.HearingFactory.create(case=case, date=day(2020, 1, 21))
    hearing = factories.HearingFactory.create(
        case=case, status=HearingStatus.ADJOURNED, adjourned_to=later
    )
    old = events_of(hearing)[-1]
    later.delete()  # the adjourned_to link is cleared: a change of its own
    before = len(events_of(hearing))

    with pytest.raises(Exception, match="cannot be restored"):
        restore_version(admin_user, Hearing, hearing.pk, old.pgh_id)

    hearing.refresh_from_db()
    assert hearing.adjourned_to is None
    assert len(events_of(hearing)) == before


def test_restoring_the_current_values_changes_nothing(edited, admin_user) -> None:
    current = events_of(edited.hearing)[-1]
    before = len(events_of(edited.hearing))

    response = client_for(admin_user).post(restore_url(edited.hearing), {"event": current.pgh_id})

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The record already holds the values of that version; nothing was changed."
    ]
    assert len(events_of(edited.hearing)) == before


def test_a_deleted_record_is_not_restored(edited, admin_user) -> None:
    url = restore_url(edited.hearing)
    edited.hearing.delete()

    response = client_for(admin_user).post(url, {"event": edited.first.pgh_id})

    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "restoring deleted records is not possible" in message
    assert not Hearing.objects.filter(pk=edited.hearing.pk).exists()


def test_restore_of_a_person_keeps_the_other_fields(case, admin_user, ngo_staff) -> None:
    person = factories.PersonFactory.create(display_name="Kaster Musahanuly", ethnicity="Kazakh")
    factories.CaseParticipantFactory.create(case=case, person=person)
    typo = events_of(person)[-1]
    Person.objects.filter(pk=person.pk).update(display_name="Kaster Musakhanuly")
    Person.objects.filter(pk=person.pk).update(ethnicity="Kazakh (from Xinjiang)")

    restore_version(admin_user, Person, person.pk, typo.pgh_id)

    person.refresh_from_db()
    assert (person.display_name, person.ethnicity) == ("Kaster Musahanuly", "Kazakh")
    page = text(html(client_for(ngo_staff).get(record_url(person))))
    assert f"by {admin_user.username}" in page


def test_asylum_status_labels_read_as_the_pages_show_them(case, ngo_staff) -> None:
    person = factories.PersonFactory.create()
    factories.CaseParticipantFactory.create(case=case, person=person)
    claim = factories.AsylumClaimFactory.create(person=person, case=case)
    claim.status = AsylumStatus.REFUSED
    claim.save()

    page = text(html(client_for(ngo_staff).get(record_url(claim))))

    assert "Status was Pending → now Refused" in page
