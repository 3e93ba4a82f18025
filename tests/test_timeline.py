"""A person's timeline: publications, disputed dates at the date, filters, the printable view,
the strip above the list, and a page that costs the same queries at 10 entries and at 270."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CustodyKind, ParticipantRole
from core.partial_dates import PartialDate
from hearings.models import HearingKind, HearingStatus
from people.models import Person
from people.timeline import Entry
from people.timeline_filters import KIND_GROUPS, LATEST_ENTRIES
from people.timeline_strip import strip_for
from tests import factories
from tests.helpers import client_for, html

ALMATY = dt.timezone(dt.timedelta(hours=5))
day = PartialDate.day


@pytest.fixture
def frozen(time_machine) -> None:
    time_machine.move_to(dt.datetime(2020, 3, 1, 9, tzinfo=ALMATY))


@pytest.fixture
def kaster(case: Case) -> SimpleNamespace:
    """The Zaysan defendant: a disputed border crossing, custody still running, two hearings,
    an official's statement, a second case, and sources cited several times each."""
    amnesty = factories.SourceFactory.create(
        title="Kazakhstan must not return asylum-seekers",
        publisher=factories.OrganizationFactory.create(name="Amnesty International"),
        published=PartialDate.month(2019, 12),
    )
    secondary = factories.SourceFactory.create(
        title="Court reporting",
        publisher=factories.OrganizationFactory.create(name="Local news"),
        published=PartialDate.month(2020, 1),
    )
    hrw = factories.SourceFactory.create(
        title="Improper prosecution",
        publisher=factories.OrganizationFactory.create(name="Human Rights Watch"),
        published=day(2020, 1, 9),
    )
    person = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=person)
    crossing = factories.LifeEventFactory.create(
        person=person, case=case, date=PartialDate(dt.date(2019, 10, 1), dt.date(2019, 10, 6))
    )
    factories.CitationFactory.create(
        fact=crossing,
        source=amnesty,
        field="date",
        quote="crossed the border on 6 October 2019",
        reported_value="6 October 2019",
        reported_date=day(2019, 10, 6),
    )
    factories.CitationFactory.create(
        fact=crossing,
        source=secondary,
        field="date",
        quote="crossed the border on 1 October",
        reported_date=day(2019, 10, 1),
    )
    custody = factories.CustodyIntervalFactory.create(
        person=person, case=case, kind=CustodyKind.PRETRIAL, start=day(2019, 10, 18)
    )
    factories.CitationFactory.create(
        fact=custody, source=hrw, field="start", quote="detained on October 14"
    )
    factories.CitationFactory.create(fact=custody, source=amnesty, quote="in pretrial detention")
    verdict = factories.HearingFactory.create(
        case=case, date=day(2020, 1, 21), kind=HearingKind.VERDICT, status=HearingStatus.HELD
    )
    trial = factories.HearingFactory.create(
        case=case, date=day(2020, 1, 6), status=HearingStatus.ADJOURNED, adjourned_to=verdict
    )
    factories.CitationFactory.create(fact=trial, source=hrw, quote="adjourned after two hours")
    statement = factories.StatementFactory.create(
        speaker=factories.PersonFactory.create(
            display_name="Darkhan Dilmanov", is_public_figure=True
        ),
        date=day(2019, 12, 6),
    )
    statement.about_persons.add(person)
    factories.CitationFactory.create(fact=statement, source=amnesty, quote="will be returned")
    # A second case the NGO follows, with a source nobody else cites.
    asylum_case = factories.CaseFactory.create(title="Asylum procedure")
    asylum_case.watched_by.add(*case.watched_by.all())
    factories.CaseParticipantFactory.create(
        case=asylum_case, person=person, role=ParticipantRole.APPLICANT
    )
    claim = factories.AsylumClaimFactory.create(person=person, case=asylum_case)
    ministry = factories.SourceFactory.create(title="Ministry letter", published=None)
    factories.CitationFactory.create(fact=claim, source=ministry, quote="claim filed")
    return SimpleNamespace(
        person=person,
        case=case,
        asylum_case=asylum_case,
        amnesty=amnesty,
        secondary=secondary,
        hrw=hrw,
        ministry=ministry,
        trial=trial,
    )


def _page(user, person: Person, query: str = "") -> str:
    return html(client_for(user).get(person.get_absolute_url() + query))


def _entries(page: str) -> list[str]:
    """The timeline's entries, each as its HTML."""
    listing = page[page.index('<ol class="timeline">') :]
    listing = listing[: listing.index("</ol>\n")]
    return listing.split('<li class="entry ')[1:]


def _entry(page: str, title: str) -> str:
    return next(entry for entry in _entries(page) if title in entry)


# -- publications ----------------------------------------------------------------------------


def test_each_source_appears_once_as_its_publication(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person)
    published = [e for e in _entries(page) if e.startswith('entry-source"')]
    titles = [source.title for source in (kaster.amnesty, kaster.secondary, kaster.hrw)]
    assert len(published) == 4  # and the ministry's letter
    for title in titles:
        assert sum(f"Published: {title}" in entry for entry in published) == 1
    amnesty = _entry(page, f"Published: {kaster.amnesty.title}")
    assert f'<a href="{kaster.amnesty.get_absolute_url()}">' in amnesty
    assert "Amnesty International" in amnesty
    assert '<time datetime="2019-12">December 2019</time>' in amnesty


def test_publications_take_their_place_in_time(kaster, ngo_staff, frozen):
    entries = [
        e for e in _entries(_page(ngo_staff, kaster.person)) if "Published:" in e or "said:" in e
    ]
    expected = [
        kaster.amnesty.title,  # December 2019: a month sorts at its first day
        "Dilmanov said",  # 6 December 2019
        kaster.secondary.title,  # January 2020
        kaster.hrw.title,  # 9 January 2020
        kaster.ministry.title,  # undated, last
    ]
    assert len(entries) == len(expected)
    for entry, text in zip(entries, expected, strict=True):
        assert text in entry


def test_a_source_citing_only_a_name_is_a_publication_too(kaster, ngo_staff, frozen):
    name = factories.NameVariantFactory.create(person=kaster.person, text="Қастер Мұсаханұлы")
    kazakh = factories.SourceFactory.create(title="Kazakh-language report")
    factories.CitationFactory.create(fact=name, source=kazakh, quote="Қастер Мұсаханұлы")
    assert "Published: Kazakh-language report" in _page(ngo_staff, kaster.person)


def test_a_confidential_source_is_no_publication_for_others(kaster, ngo_staff, frozen):
    notes = factories.SourceFactory.create(title="Lawyer notes", confidential=True)
    factories.CitationFactory.create(fact=kaster.trial, source=notes, quote="Seen in court")
    assert "Lawyer notes" not in _page(ngo_staff, kaster.person)


# -- disputed dates ----------------------------------------------------------------------------


def test_a_disputed_date_is_shown_at_the_date_with_each_claim_and_source(kaster, ngo_staff, frozen):
    crossing = _entry(_page(ngo_staff, kaster.person), "Border crossing")
    assert crossing.count("Sources disagree") == 1  # at the date, not again with the sources
    note = crossing[crossing.index("Sources disagree on the date") :]
    assert crossing.index("1 – 6 October 2019") < crossing.index("Sources disagree on the date")
    assert crossing.index("Sources disagree on the date") < crossing.index("entry-title")
    note = note[: note.index("</div>")]
    assert "<strong>6 October 2019</strong>" in note
    assert f'<a href="{kaster.amnesty.get_absolute_url()}">{kaster.amnesty.title}</a>' in note
    assert '<time datetime="2019-10-01">1 October 2019</time>' in note
    assert f'<a href="{kaster.secondary.get_absolute_url()}">Court reporting</a>' in note


def test_a_dispute_on_another_field_stays_with_the_sources(kaster, ngo_staff, frozen):
    crossing = factories.LifeEventFactory.create(person=kaster.person, date=day(2018, 4, 1))
    for source, place in ((kaster.amnesty, "Khorgos"), (kaster.hrw, "Zaysan")):
        factories.CitationFactory.create(
            fact=crossing, source=source, field="place", quote=place, reported_value=place
        )
    entry = _entries(_page(ngo_staff, kaster.person))[0]
    assert "Sources disagree on the date" not in entry
    assert "Sources disagree</strong>" in entry
    assert "on the place" in entry


def test_agreeing_sources_raise_no_note_at_the_date(kaster, ngo_staff, frozen):
    kaster.person.life_events.get().citations.filter(source=kaster.secondary).update(
        reported_date=day(2019, 10, 6)
    )
    assert "Sources disagree" not in _page(ngo_staff, kaster.person)


# -- filters -----------------------------------------------------------------------------------


def test_filter_by_kind_shows_only_those_kinds(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person, "?kind=hearings&kind=statements")
    kinds = {entry.split('"')[0] for entry in _entries(page)}
    assert kinds == {"entry-hearing", "entry-statement"}
    total = len(_entries(_page(ngo_staff, kaster.person)))
    assert f"Showing 3 entries of {total}." in page
    assert re.search(r'<input type="checkbox" name="kind" value="hearings"[^>]* checked>', page)
    assert not re.search(r'<input type="checkbox" name="kind" value="custody"[^>]* checked>', page)


def test_filter_groups_kinds_for_people_and_counts_them(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person)
    form = page[page.index('<details class="timeline-filters"') : page.index("</details>")]
    assert "Border and life events (1)" in form
    assert "Custody (1)" in form
    assert "Hearings (2)" in form
    assert "Publications (4)" in form
    assert "Deadlines (" in form  # computed from the custody, the hearings and the claim


def test_filter_by_case_keeps_that_cases_entries_and_publications(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person, f"?case={kaster.asylum_case.pk}")
    titles = " ".join(_entries(page))
    assert "Asylum claim filed" in titles
    assert "Published: Ministry letter" in titles
    assert "Border crossing" not in titles
    assert "Dilmanov" not in titles  # said about the person, in no case
    assert f"Published: {kaster.amnesty.title}" not in titles
    both = _page(ngo_staff, kaster.person, f"?case={kaster.asylum_case.pk}&case={kaster.case.pk}")
    assert "Border crossing" in both
    assert f"Published: {kaster.amnesty.title}" in both


def test_filters_put_ids_and_slugs_in_the_address_never_names(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person)
    form = page[page.index('<details class="timeline-filters"') : page.index("</details>")]
    values = {v.split('"')[0] for v in form.split('value="')[1:]}
    assert values == {
        "custody",
        "events",
        "hearings",
        "asylum",
        "statements",
        "publications",
        "deadlines",
        str(kaster.case.pk),
        str(kaster.asylum_case.pk),
    }
    assert 'method="get"' in form


def test_unknown_filter_values_are_reported_and_ignored(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person, "?case=999999&kind=hearings")
    assert "Select a valid choice" in page
    assert {e.split('"')[0] for e in _entries(page)} == {"entry-hearing"}


def test_nothing_matching_says_so(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person, "?kind=charges")
    assert "Nothing matches these filters." in page


def test_htmx_gets_only_the_timeline_back(kaster, ngo_staff, frozen):
    response = client_for(ngo_staff).get(
        kaster.person.get_absolute_url() + "?kind=hearings", headers={"HX-Request": "true"}
    )
    fragment = html(response)
    assert fragment.lstrip().startswith('<div id="timeline-results"')
    assert "<html" not in fragment
    assert "Trial session" in fragment
    assert "Border crossing" not in fragment
    assert "HX-Request" in response["Vary"]
    full = client_for(ngo_staff).get(kaster.person.get_absolute_url())
    assert "HX-Request" in full["Vary"]
    assert "<html" in html(full)


def test_the_page_asks_htmx_to_keep_it_out_of_the_browsers_history_cache(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person)
    assert 'hx-history="false"' in page  # confidential: never copied to localStorage
    assert 'hx-get="' in page


# -- printable view ----------------------------------------------------------------------------


def test_printable_view_lists_every_citation_as_a_line(kaster, ngo_staff, frozen):
    url = reverse("person_timeline_print", args=[kaster.person.pk])
    page = html(client_for(ngo_staff).get(url))
    assert "Timeline of Kaster Musakhanuly" in page
    assert "Confidential." in page
    notes = page.count('<ol class="print-notes">')
    assert notes == 5  # crossing, custody, trial, statement, asylum claim
    assert "“crossed the border on 1 October”" in page
    assert "Sources disagree on the date:</strong>" in page
    assert "timeline-filters" not in page
    assert "1 March 2020" in page  # when it was printed


def test_printable_view_keeps_the_filters(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person, "?kind=hearings")
    assert f'href="/people/{kaster.person.pk}/timeline/print/?kind=hearings"' in page
    printed = html(
        client_for(ngo_staff).get(
            reverse("person_timeline_print", args=[kaster.person.pk]) + "?kind=hearings"
        )
    )
    assert "2 entries" in printed
    assert "Only Hearings." in " ".join(printed.split())
    assert "Border crossing" not in printed


def test_printable_view_needs_login_and_access(kaster, outsider, ngo_staff_elsewhere):
    url = reverse("person_timeline_print", args=[kaster.person.pk])
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(ngo_staff_elsewhere).get(url).status_code == 404


# -- the strip and deadline entries -------------------------------------------------------------


def test_the_strip_runs_open_custody_to_today(kaster, ngo_staff, frozen):
    page = _page(ngo_staff, kaster.person)
    strip = page[page.index('<figure class="strip-figure">') : page.index("</figure>")]
    assert strip.count('role="img"') == 2  # drawn for phones and for wider screens
    assert "1 period in custody, 2 court events, 3 other events" in strip
    assert "Pretrial custody began: 18 October 2019; still held" in strip
    assert "<title>Today: 1 March 2020</title>" in strip
    assert "(sources disagree on the date)" in strip
    assert "key-today" in strip
    assert "key-deadline" in strip  # the computed deadlines fly as flags


def test_a_deadline_entry_shows_its_status_and_links_to_its_own_page(db):
    entry = Entry(
        date=day(2020, 2, 5),
        kind="deadline",
        title="Deadline: Appeal against the verdict",
        status="overdue",
        link="/deadlines/zaysan-appeal/",
    )
    assert entry.url == "/deadlines/zaysan-appeal/"
    item = render_to_string("people/_timeline_entry.html", {"entry": entry})
    assert '<span class="badge badge-overdue">Overdue</span>' in item
    assert '<a href="/deadlines/zaysan-appeal/">Deadline: Appeal against the verdict</a>' in item
    strip = strip_for([entry], dt.date(2020, 3, 1))
    assert "flag flag-overdue" in strip.wide
    assert "Deadline: Appeal against the verdict (Overdue)" in strip.wide
    assert "deadline" in strip.keys


def test_a_case_entry_links_to_its_place_on_the_case_page(kaster, ngo_staff, frozen):
    trial = _entry(_page(ngo_staff, kaster.person), "Trial session")
    assert f'href="{kaster.case.get_absolute_url()}#hearing-{kaster.trial.pk}"' in trial


# -- queries -----------------------------------------------------------------------------------


def _grow(person: Person, org, n: int) -> None:
    """n records of every kind on the timeline across two cases of the person's own, each fact
    cited by two sources that disagree on its date."""
    sources = [factories.SourceFactory.create() for _ in range(n + 1)]
    cases = [factories.CaseFactory.create() for _ in range(2)]
    for case in cases:
        case.watched_by.add(org)
        factories.CaseParticipantFactory.create(case=case, person=person)
    facts: list = []
    for i in range(n):
        start = dt.date(2010, 1, 1) + dt.timedelta(days=40 * i)
        case = cases[i % 2]
        facts += [
            factories.LifeEventFactory.create(person=person, date=PartialDate.of(start)),
            factories.CustodyIntervalFactory.create(
                person=person,
                case=case,
                start=PartialDate.of(start),
                end=PartialDate.month(start.year + 1, start.month),
            ),
            factories.ChargeFactory.create(case=case, defendant=person),
            factories.HearingFactory.create(case=case, date=PartialDate.of(start)),
            factories.SentenceFactory.create(case=case, defendant=person),
            factories.AsylumClaimStepFactory.create(
                claim=factories.AsylumClaimFactory.create(person=person, case=case)
            ),
        ]
        statement = factories.StatementFactory.create(date=PartialDate.of(start))
        statement.about_persons.add(person)
        facts.append(statement)
    for i, fact in enumerate(facts):
        for offset in (0, 1):
            factories.CitationFactory.create(
                fact=fact,
                source=sources[(i + offset) % len(sources)],
                field="date",
                reported_date=day(2019, 10, 1 + 5 * offset),
            )
    factories.CitationFactory.create(fact=person, source=sources[-1])


def _count_queries(user, url: str) -> int:
    client = client_for(user)
    client.get(url)  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as queries:
        html(client.get(url))
    return len(queries)


@pytest.mark.parametrize("view", ["person_detail", "person_timeline_print"])
def test_the_timeline_costs_the_same_queries_at_ten_entries_and_at_300(
    ngo_org, ngo_staff, frozen, view
):
    small, large, two = (factories.PersonFactory.create() for _ in range(3))
    _grow(small, ngo_org, 1)
    _grow(large, ngo_org, 30)
    two.watched_by.add(ngo_org)  # two entries: a life event and a hearing
    factories.LifeEventFactory.create(person=two)
    factories.CaseParticipantFactory.create(
        case=factories.HearingFactory.create(case=factories.CaseFactory.create()).case, person=two
    )
    two.participations.get().case.watched_by.add(ngo_org)
    every_entry = reverse(view, args=[large.pk]) + "?all=1"
    large_page = html(client_for(ngo_staff).get(every_entry))
    assert len(re.findall(r'<li class="(?:entry |print-entry)', large_page)) >= 300
    assert large_page.count("Sources disagree") >= 200

    counts = {
        name: _count_queries(ngo_staff, reverse(view, args=[person.pk]))
        for name, person in (("small", small), ("large", large), ("two", two))
    }
    assert counts["small"] == counts["large"], counts
    # Prefetches of relations without rows are skipped: fewer kinds cost fewer queries.
    assert counts["two"] <= counts["large"], counts
    filtered = reverse(view, args=[large.pk]) + "?kind=hearings&kind=custody"
    assert _count_queries(ngo_staff, filtered) == counts["large"]
    assert _count_queries(ngo_staff, every_entry) == counts["large"]


def test_a_long_timeline_opens_on_its_latest_entries_and_shows_the_rest_on_request(
    ngo_org, ngo_staff, frozen
):
    person = factories.PersonFactory.create()
    _grow(person, ngo_org, 30)
    client = client_for(ngo_staff)
    url = reverse("person_detail", args=[person.pk])
    everything = html(client.get(url + "?all=1"))
    every_title = re.findall(r'<h3 class="entry-title">(.*?)</h3>', everything, re.S)
    assert len(every_title) > LATEST_ENTRIES

    page = html(client.get(url))
    titles = re.findall(r'<h3 class="entry-title">(.*?)</h3>', page, re.S)
    assert titles == every_title[-LATEST_ENTRIES:]
    earlier = len(every_title) - LATEST_ENTRIES
    assert f"{earlier} earlier entries are not listed; the latest {LATEST_ENTRIES} follow." in page
    assert 'href="?all=1#what-happened"' in page
    assert "earlier entries are not listed" not in everything
    # Filtered, the count is of every entry the filters keep, listed or not.
    every_kind = "&".join(f"kind={group.slug}" for group in KIND_GROUPS)
    filtered = html(client.get(f"{url}?{every_kind}"))
    total = len(every_title)
    assert f"Showing {total} entries of {total}." in filtered
    assert len(re.findall(r'<h3 class="entry-title">', filtered)) == LATEST_ENTRIES
    # The printable view lists every entry.
    printable = html(client.get(reverse("person_timeline_print", args=[person.pk])))
    assert len(re.findall(r'<li class="print-entry', printable)) == len(every_title)
