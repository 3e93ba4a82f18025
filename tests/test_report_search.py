"""Full-text search of source reports: words in English and Russian, highlighted passages,
filters, who sees what, and a cost that stays flat however many reports match."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from cases.models import Case
from core.partial_dates import PartialDate
from sources import search
from sources.models import Source, SourceKind
from tests import factories
from tests.helpers import client_for, html

URL = reverse("report_search")
ZAYSAN_TEXT = (
    "Kazakhstan is prosecuting Kaster Musakhanuly and Murager Alimuly, two ethnic Kazakh "
    "Chinese citizens from Xinjiang who are seeking asylum. The men were detained in Almaty "
    "and their trial opened in Zaysan on January 6, 2020."
)
RUSSIAN_TEXT = (
    "Суд в Зайсане рассмотрел дело двух этнических казахов. После задержания беженцев "
    "содержали в следственном изоляторе."
)


def search_page(client: Client, **data: object) -> str:
    return html(client.post(URL, {key: str(value) for key, value in data.items()}))


def titles(page: str) -> list[str]:
    """The titles of the results, in order, without their highlighting."""
    found = re.findall(r'<p class="card-title"><a href="/sources/\d+/">(.*?)</a>', page)
    return [unescape(re.sub(r"</?mark>", "", title)) for title in found]


@pytest.fixture
def reports(db: None) -> dict[str, Source]:
    hrw = factories.OrganizationFactory.create(name="Human Rights Watch")
    amnesty = factories.OrganizationFactory.create(name="Amnesty International")
    return {
        "zaysan": factories.SourceFactory.create(
            title="Kazakhstan: Don't Return Chinese Asylum Seekers",
            publisher=hrw,
            kind=SourceKind.NEWS_RELEASE,
            published=PartialDate.day(2020, 1, 6),
            text=ZAYSAN_TEXT,
        ),
        "brief": factories.SourceFactory.create(
            title="Advocacy brief on Xinjiang refugees",
            publisher=amnesty,
            kind=SourceKind.ADVOCACY_BRIEF,
            published=PartialDate.month(2019, 10),
            text="Sayragul Sauytbai fled China in April 2018 and was refused refugee status.",
        ),
        "russian": factories.SourceFactory.create(
            title="Приговор в Зайсане",
            publisher=amnesty,
            kind=SourceKind.NEWS_ARTICLE,
            published=PartialDate.year(2020),
            language="ru",
            text=RUSSIAN_TEXT,
        ),
    }


@pytest.fixture
def ngo_client(ngo_staff: User) -> Client:
    return client_for(ngo_staff)


# -- words -------------------------------------------------------------------------------------


def test_a_word_of_the_text_finds_its_report_in_any_form(reports, ngo_client):
    # "detaining" and "detained" share the English stem "detain".
    assert titles(search_page(ngo_client, words="detaining")) == [reports["zaysan"].title]


def test_a_word_of_the_title_finds_its_report_and_ranks_it_first(reports, ngo_client):
    factories.SourceFactory.create(
        title="Another report",
        published=PartialDate.day(2021, 1, 1),
        text="Refugees were mentioned once in passing.",
    )
    found = titles(search_page(ngo_client, words="refugees"))
    assert found[0] == reports["brief"].title
    assert "Another report" in found


def test_a_russian_word_form_finds_another_form_in_a_russian_text(reports, ngo_client):
    # The Russian stemmer takes "задержание" and "задержания" to the same stem, "беженцы"
    # and "беженцев" too; an English document would not stem them.
    assert titles(search_page(ngo_client, words="задержание")) == [reports["russian"].title]
    assert titles(search_page(ngo_client, words="беженцы")) == [reports["russian"].title]


def test_an_english_word_in_a_source_of_unknown_language_is_found_as_written(db, ngo_client):
    source = factories.SourceFactory.create(language="", text="Interview in Zaysan.")
    assert titles(search_page(ngo_client, words="zaysan")) == [source.title]


def test_web_search_syntax_excludes_a_word(reports, ngo_client):
    page = search_page(ngo_client, words="china -asylum")
    assert titles(page) == [reports["brief"].title]


def test_no_match_says_so(reports, ngo_client):
    assert "No source you may see matches" in search_page(ngo_client, words="extradition")


def test_the_search_is_sent_by_post_and_the_empty_form_by_get(reports, ngo_client):
    page = html(ngo_client.get(URL))
    assert 'method="post"' in page
    assert "Results" not in page
    # Words in the address are not read: names must not travel there.
    assert titles(html(ngo_client.get(URL, {"words": "Zaysan"}))) == []


# -- highlighting ------------------------------------------------------------------------------


def test_the_matching_passage_is_highlighted(reports, ngo_client):
    page = search_page(ngo_client, words="Zaysan")
    assert "trial opened in <mark>Zaysan</mark> on January" in page
    assert "Приговор в <mark>Зайсане</mark>" not in page  # "zaysan" is not "зайсан"


def test_a_title_match_is_highlighted_in_the_title(reports, ngo_client):
    page = search_page(ngo_client, words="приговор")
    assert "<mark>Приговор</mark> в Зайсане" in page


def test_highlighted_passages_escape_the_reports_own_markup(db, ngo_client):
    # ts_headline drops what its parser takes for tags; everything else is escaped.
    factories.SourceFactory.create(
        title="Fees < 5 & title",
        text="Fees < 5 & > 2 before the hearing <script>alert(1)</script> \ue000 it's over.",
    )
    page = search_page(ngo_client, words="hearing fees")
    assert "<script>" not in page
    assert "<mark>Fees</mark> &lt; 5 &amp; &gt; 2 before the <mark>hearing</mark>" in page
    assert "<mark>Fees</mark> &lt; 5 &amp; title" in page
    assert "it&#x27;s over" in page
    assert "\ue000" not in page


def test_highlight_makes_only_balanced_marks():
    marked = search.highlight("a \ue000b\ue001 <c> \ue001d \ue000e")
    assert marked == "a <mark>b</mark> &lt;c&gt; d e"
    assert search.passages("one\ue002 two \ue000x\ue001") == ["one", "two <mark>x</mark>"]


# -- filters -----------------------------------------------------------------------------------


def test_publisher_and_kind_filters(reports, ngo_client):
    amnesty = reports["brief"].publisher
    assert titles(search_page(ngo_client, words="Xinjiang", publisher=amnesty.pk)) == [
        reports["brief"].title
    ]
    assert titles(search_page(ngo_client, words="Xinjiang", kind=SourceKind.NEWS_RELEASE)) == [
        reports["zaysan"].title
    ]


def test_filters_work_without_words_most_recent_first(reports, ngo_client):
    amnesty = reports["brief"].publisher
    assert titles(search_page(ngo_client, publisher=amnesty.pk)) == [
        reports["russian"].title,
        reports["brief"].title,
    ]


def test_date_range_keeps_sources_whose_date_may_fall_in_it(reports, ngo_client):
    # The Russian article is dated only "2020": it may fall in January 2020.
    page = search_page(ngo_client, published_from="2020-01", published_to="2020-01")
    assert sorted(titles(page)) == sorted([reports["zaysan"].title, reports["russian"].title])
    assert titles(search_page(ngo_client, published_to="2019")) == [reports["brief"].title]
    assert "before its start" in search_page(ngo_client, published_from="2020", published_to="2019")


def test_person_filter_finds_sources_cited_for_the_person_names_and_facts(
    reports, case: Case, ngo_client
):
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=kaster)
    other = factories.PersonFactory.create(display_name="Someone else")
    factories.CaseParticipantFactory.create(case=case, person=other)
    name = factories.NameVariantFactory.create(person=kaster, text="Қастер Мұсаханұлы")
    charge = factories.ChargeFactory.create(case=case, defendant=kaster)
    factories.CitationFactory.create(source=reports["zaysan"], fact=kaster)
    factories.CitationFactory.create(source=reports["russian"], fact=name)
    factories.CitationFactory.create(source=reports["brief"], fact=charge)
    factories.CitationFactory.create(source=factories.SourceFactory.create(), fact=other)

    assert sorted(titles(search_page(ngo_client, person=kaster.pk))) == sorted(
        [reports["zaysan"].title, reports["russian"].title, reports["brief"].title]
    )
    assert titles(search_page(ngo_client, words="asylum", person=kaster.pk)) == [
        reports["zaysan"].title
    ]


def test_person_filter_ignores_facts_of_cases_the_user_may_not_see(reports, case: Case, ngo_client):
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=kaster)
    hidden_case = factories.CaseFactory.create(title="Hidden case")
    hidden_charge = factories.ChargeFactory.create(case=hidden_case, defendant=kaster)
    factories.CitationFactory.create(source=reports["brief"], fact=hidden_charge)
    assert titles(search_page(ngo_client, person=kaster.pk)) == []


def test_person_choices_are_only_people_the_user_may_see(reports, case, ngo_staff_elsewhere):
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=kaster)
    client = client_for(ngo_staff_elsewhere)
    assert "Kaster Musakhanuly" not in html(client.get(URL))
    page = search_page(client, person=kaster.pk)
    assert "Select a valid choice" in page
    assert titles(page) == []


def test_person_filter_by_name_uses_the_one_person_of_that_name(reports, case: Case, ngo_client):
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=kaster)
    factories.NameVariantFactory.create(person=kaster, text="Kaster Musakhanuly")
    factories.CitationFactory.create(source=reports["zaysan"], fact=kaster)
    page = search_page(ngo_client, person_name="Қастер Мұсаханұлы")
    assert titles(page) == [reports["zaysan"].title]
    # The person is kept (by id, in the form's body) for the next search.
    assert f'name="person" value="{kaster.pk}"' in page
    assert 'value="Kaster Musakhanuly"' in page


def test_person_filter_by_name_asks_which_of_several_namesakes(reports, case: Case, ngo_client):
    first = factories.PersonFactory.create(display_name="Erlan Nurlanov")
    second = factories.PersonFactory.create(display_name="Erlan Nurlanov")
    for person in (first, second):
        factories.CaseParticipantFactory.create(case=case, person=person)
    factories.CitationFactory.create(source=reports["brief"], fact=second)
    page = search_page(ngo_client, person_name="Erlan Nurlanov")
    assert "choose one" in page
    assert f'type="radio" name="person" value="{first.pk}"' in page
    assert f'type="radio" name="person" value="{second.pk}"' in page
    assert titles(page) == []
    chosen = search_page(
        ngo_client,
        person_name="Erlan Nurlanov ",
        person_chosen_for="Erlan Nurlanov ",
        person=second.pk,
    )
    assert titles(chosen) == [reports["brief"].title]


def test_person_filter_by_name_reports_no_match_and_hides_other_peoples_names(
    reports, case, ngo_staff_elsewhere
):
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(case=case, person=kaster)
    page = search_page(client_for(ngo_staff_elsewhere), person_name="Kaster Musakhanuly")
    assert "No person you may see has this name" in page
    assert titles(page) == []
    assert 'type="radio"' not in page


# -- who sees what -----------------------------------------------------------------------------


@pytest.fixture
def confidential(lawyer_on_case: User) -> Source:
    return factories.SourceFactory.create(
        title="Lawyer's note on the Zaysan hearing",
        kind=SourceKind.LAWYER_RECORD,
        confidential=True,
        created_by=lawyer_on_case,
        text="Met the clients in Zaysan before the hearing.",
    )


def test_confidential_sources_are_hidden_from_others(confidential, ngo_client, lawyer_colleague):
    assert confidential.title not in search_page(ngo_client, words="Zaysan")
    assert confidential.title not in search_page(client_for(lawyer_colleague), words="hearing")
    assert confidential.publisher.name not in html(ngo_client.get(URL))


def test_confidential_sources_are_shown_to_their_author_and_admins(
    confidential, lawyer_on_case, admin_user
):
    for user in (lawyer_on_case, admin_user):
        page = search_page(client_for(user), words="Zaysan")
        assert confidential.title in titles(page)
        assert "Confidential" in page


def test_a_user_without_a_role_finds_nothing(reports, outsider):
    assert titles(search_page(client_for(outsider), words="Zaysan")) == []


# -- cost --------------------------------------------------------------------------------------


def make_reports(count: int, *, word: str = "asylum") -> None:
    publisher = factories.OrganizationFactory.create(name="Busy NGO")
    for n in range(count):
        factories.SourceFactory.create(
            publisher=publisher,
            published=PartialDate.day(2019, 1, 1 + n % 28),
            text=f"Report {n} on {word} seekers detained at the border.",
        )


@pytest.mark.parametrize("count", [2, 50])
def test_query_count_stays_flat(count, case, ngo_client, django_assert_num_queries):
    make_reports(count)
    person = factories.PersonFactory.create()
    factories.CaseParticipantFactory.create(case=case, person=person)
    data = {"words": "asylum", "person": person.pk, "published_from": "2019"}
    search_page(ngo_client, **data)  # warms the content type cache
    factories.CitationFactory.create(source=Source.objects.first(), fact=person)
    # session, user, roles, the chosen person (validation), the page's ids, the page's rows
    # with their headlines, then publishers for the choices (people are found by name)
    with django_assert_num_queries(7):
        page = search_page(ngo_client, **data)
    assert len(titles(page)) == 1
    with django_assert_num_queries(6):
        page = search_page(ngo_client, words="asylum")
    assert len(titles(page)) == min(count, search.PAGE_SIZE)


def test_pages_of_results_follow_each_other(db, ngo_client):
    make_reports(search.PAGE_SIZE + 5)
    first = search_page(ngo_client, words="asylum")
    assert f"{search.PAGE_SIZE + 5} sources match" in first
    assert 'name="page" value="2"' in first
    second = search_page(ngo_client, words="asylum", page=2)
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    assert 'name="page" value="1"' in second


def test_a_very_common_word_ranks_only_the_most_recent_matches(
    db, ngo_client, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(search, "RANK_CAP", 5)
    make_reports(12)
    oldest = Source.objects.order_by("published", "pk")[:6]
    page = search_page(ngo_client, words="asylum")
    assert "More than 5 sources match" in page
    found = titles(page)
    assert 0 < len(found) <= 6
    assert not set(found) & {source.title for source in oldest}


def test_a_word_in_thousands_of_reports_returns_one_bounded_page_quickly(db, ngo_client):
    # Bulk insert: the search document is computed by the database, not by save().
    texts = [f"Report {n} on the asylum procedure, with padding. " * 20 for n in range(3000)]
    Source.objects.bulk_create(
        [
            Source(kind=SourceKind.NEWS_ARTICLE, title=f"Bulk {n}", language="en", text=text)
            for n, text in enumerate(texts)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sources_source")
    started = time.perf_counter()
    page = search_page(ngo_client, words="asylum")
    elapsed = time.perf_counter() - started
    assert f"More than {search.RANK_CAP} sources match" in page
    assert len(titles(page)) == search.PAGE_SIZE
    assert elapsed < 2.0, elapsed
