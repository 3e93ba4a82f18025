"""Mentions and candidate facts of the three shared reports, with the demo's names loaded, and
the rules they rest on: dates and their years, sentences, Russian text, query counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from core.demo import DATA_FILE, REPORTS_DIR, load_demo
from core.partial_dates import PartialDate
from people.models import Person
from sources.reports.dates import YearContext, find_dates
from sources.reports.facts import extract_facts
from sources.reports.found import CandidateFact, EntityKind, FactKind, Mention
from sources.reports.mentions import find_mentions
from sources.reports.reading import read_report
from sources.reports.sentences import split_sentences
from tests import factories

HRW = "000_0c1871c1cf395577.txt"
AMNESTY = "001_034e519167086772.txt"
AIUSA = "004_7cf3e61135b32b10.txt"
REPORT_DATES = {
    HRW: PartialDate.month(2020, 1),
    AMNESTY: PartialDate.month(2019, 12),
    AIUSA: PartialDate.month(2020, 1),
}

needs_reports = pytest.mark.skipif(
    not (REPORTS_DIR / HRW).is_file(), reason="the shared reports are not in ../shared/reports/"
)


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The demo loaded once for the module, inside a transaction rolled back at its end (each
    test's own transaction is a savepoint within it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo(DATA_FILE)
            yield {
                str(external_id): pk
                for pk, external_id in Person.objects.values_list("pk", "external_id")
                if external_id
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_loaded: dict[str, int], db: None) -> dict[str, int]:
    """The demo's persons by external id."""
    return _demo_loaded


def _read(name: str) -> str:
    path: Path = REPORTS_DIR / name
    return read_report(path.read_bytes(), name).text


def _extract(name: str) -> tuple[str, list[Mention], list[CandidateFact]]:
    text = _read(name)
    mentions = find_mentions(text)
    return text, mentions, extract_facts(text, mentions=mentions, report_date=REPORT_DATES[name])


def _facts(facts: list[CandidateFact], kind: FactKind) -> list[CandidateFact]:
    return [fact for fact in facts if fact.kind == kind]


# -- mentions ----------------------------------------------------------------------------------


@needs_reports
@pytest.mark.django_db
def test_the_reference_case_is_found_in_every_report(demo: dict[str, int]) -> None:
    kaster, murager = demo["person:kaster-musakhanuly"], demo["person:murager-alimuly"]
    dilmanov = demo["person:darkhan-dilmanov"]
    for name in (HRW, AMNESTY, AIUSA):
        text = _read(name)
        mentions = find_mentions(text)
        found = {m.entity_id for m in mentions if m.kind == EntityKind.PERSON}
        assert {kaster, murager, dilmanov} <= found, name
        for mention in mentions:
            assert text[mention.start : mention.end] == mention.text


@needs_reports
@pytest.mark.django_db
def test_spelling_variants_and_typos_are_found(demo: dict[str, int]) -> None:
    amnesty = find_mentions(_read(AMNESTY))
    [darhan] = [m for m in amnesty if m.text == "Darhan Dilmanov"]
    assert darhan.entity_id == demo["person:darkhan-dilmanov"]
    aiusa = find_mentions(_read(AIUSA))
    [typo] = [m for m in aiusa if m.text == "Kaster Muakhanuly"]
    assert typo.entity_id == demo["person:kaster-musakhanuly"]
    [sautybai] = [m for m in aiusa if m.text == "Sayragul Sautybai"]
    assert sautybai.entity_id == demo["person:sayragul-sauytbai"]


@needs_reports
@pytest.mark.django_db
def test_a_surname_alone_after_the_full_name_is_the_same_person(demo: dict[str, int]) -> None:
    text = _read(HRW)
    mentions = find_mentions(text)
    position = text.index("Musakhanuly, 31, and Alimuly, 25")
    alone = {m.text: m.entity_id for m in mentions if position <= m.start < position + 40}
    assert alone == {
        "Musakhanuly": demo["person:kaster-musakhanuly"],
        "Alimuly": demo["person:murager-alimuly"],
    }


@needs_reports
@pytest.mark.django_db
def test_organizations_are_found_by_any_of_their_names(demo: dict[str, int]) -> None:
    names = {m.text for m in find_mentions(_read(AMNESTY)) if m.kind == EntityKind.ORGANIZATION}
    assert {"Committee of National Security", "Amnesty International"} <= names
    hrw = {m.text for m in find_mentions(_read(HRW)) if m.kind == EntityKind.ORGANIZATION}
    assert {"Human Rights Watch", "National Security Committee"} <= hrw


@pytest.mark.django_db
def test_cyrillic_and_inflected_names_are_found(demo: dict[str, int]) -> None:
    text = "Суд приговорил Кастера Мусаханулы. Дархан Дильманов заявил об этом КНБ."
    found = {m.text: m.entity_id for m in find_mentions(text)}
    assert found["Кастера Мусаханулы"] == demo["person:kaster-musakhanuly"]
    assert found["Дархан Дильманов"] == demo["person:darkhan-dilmanov"]


@pytest.mark.django_db
def test_unknown_names_are_proposed_and_close_ones_point_to_the_known_person(
    demo: dict[str, int],
) -> None:
    text = (
        "Kastor Musakhanuly spoke to Aigerim Nurlanovna in Almaty. "
        "Human Rights Watch and the Refugee Convention were cited in Central Asia."
    )
    mentions = find_mentions(text)
    unknown = {m.text: m for m in mentions if m.entity_id is None}
    assert set(unknown) == {"Kastor Musakhanuly", "Aigerim Nurlanovna"}
    assert unknown["Kastor Musakhanuly"].close_to_id == demo["person:kaster-musakhanuly"]
    assert unknown["Aigerim Nurlanovna"].close_to_id is None
    proposals = extract_facts(text, mentions=mentions, report_date=None)
    kinds = {(f.kind, f.values["name"]) for f in proposals}
    assert (FactKind.NEW_VARIANT, "Kastor Musakhanuly") in kinds
    assert (FactKind.NEW_PERSON, "Aigerim Nurlanovna") in kinds


@needs_reports
@pytest.mark.django_db
def test_mentions_take_a_constant_number_of_queries(
    demo: dict[str, int], django_assert_max_num_queries: object
) -> None:
    text = _read(HRW)
    for _ in range(40):
        factories.PersonFactory.create()
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        find_mentions(text)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        find_mentions("\n\n".join([text, _read(AMNESTY), _read(AIUSA)] * 5))


# -- facts of the shared reports ---------------------------------------------------------------


@needs_reports
@pytest.mark.django_db
def test_on_6_december_in_a_december_2019_statement_is_2019_12_06(demo: dict[str, int]) -> None:
    text, _, facts = _extract(AMNESTY)
    [statement] = _facts(facts, FactKind.STATEMENT)
    assert statement.date == PartialDate.day(2019, 12, 6)
    assert statement.date_text == "On 6 December"
    assert statement.values["speaker_id"] == demo["person:darkhan-dilmanov"]
    assert statement.values["stance"] == "will_return"
    assert "director of the border service" in str(statement.values["office"])
    assert set(statement.person_ids) == {
        demo["person:kaster-musakhanuly"],
        demo["person:murager-alimuly"],
    }
    assert text[statement.start : statement.end] == statement.quote
    assert "would be returned to China" in statement.quote  # one sentence across the PDF lines
    [crossing] = _facts(facts, FactKind.BORDER_CROSSING)
    assert crossing.date == PartialDate.day(2019, 10, 6)


@needs_reports
@pytest.mark.django_db
def test_the_verdict_of_21_january_2020(demo: dict[str, int]) -> None:
    _, _, facts = _extract(HRW)
    [verdict] = [
        f for f in _facts(facts, FactKind.VERDICT) if f.date == PartialDate.day(2020, 1, 21)
    ]
    assert verdict.values["term_years"] == 1
    assert verdict.values["kind"] == "imprisonment"
    assert verdict.values["expulsion"] == "ruled_out"
    assert set(verdict.person_ids) == {
        demo["person:kaster-musakhanuly"],
        demo["person:murager-alimuly"],
    }


@needs_reports
@pytest.mark.django_db
def test_detention_on_14_october_2019(demo: dict[str, int]) -> None:
    _, _, facts = _extract(HRW)
    [custody] = [f for f in _facts(facts, FactKind.CUSTODY) if f.values["edge"] == "start"]
    assert custody.date == PartialDate.day(2019, 10, 14)
    assert custody.values == {"custody_kind": "arrest", "edge": "start", "place": "Almaty"}
    assert len(custody.person_ids) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "continuation",
    [
        "The hearing was adjourned and postponed to January 21.",
        "The hearing was adjourned after two hours, and the case was postponed to January 21.",
    ],
)
def test_a_sentence_naming_no_one_completes_the_hearing_before_it(
    demo: dict[str, int], continuation: str
) -> None:
    text = (
        "On January 6, 2020, the trial of Kaster Musakhanuly and Murager Alimuly began in "
        f"Zaysan. {continuation}"
    )
    facts = extract_facts(text, mentions=find_mentions(text), report_date=None)
    [hearing] = _facts(facts, FactKind.HEARING)
    assert hearing.values == {"status": "adjourned", "adjourned_to": "2020-01-21"}
    assert hearing.quote == text
    assert len(hearing.person_ids) == 2


@needs_reports
@pytest.mark.django_db
def test_the_6_january_hearing_adjourned_to_21_january(demo: dict[str, int]) -> None:
    _, _, facts = _extract(HRW)
    [hearing] = _facts(facts, FactKind.HEARING)
    assert hearing.date == PartialDate.day(2020, 1, 6)
    assert hearing.values == {"status": "adjourned", "adjourned_to": "2020-01-21"}
    assert "postponed to January 21" in hearing.quote
    assert len(hearing.person_ids) == 2


@needs_reports
@pytest.mark.django_db
def test_dates_without_year_before_a_report_belong_to_the_year_before(
    demo: dict[str, int],
) -> None:
    _, _, facts = _extract(AIUSA)
    bilash = demo["person:serikzhan-bilash"]
    custody = {
        f.values["edge"]: f for f in _facts(facts, FactKind.CUSTODY) if bilash in f.person_ids
    }
    assert custody["start"].date == PartialDate.day(2019, 3, 10)
    assert custody["start"].values["custody_kind"] == "house_arrest"
    assert custody["end"].date == PartialDate.day(2019, 8, 17)
    sauytbai = demo["person:sayragul-sauytbai"]
    [refusal] = [f for f in _facts(facts, FactKind.ASYLUM_STEP) if f.values["status"] == "refused"]
    assert refusal.person_ids == (sauytbai,)  # "her application": the sentence before
    assert refusal.date == PartialDate.month(2018, 10)


@needs_reports
@pytest.mark.django_db
def test_recall_command_reports_the_figures(demo: dict[str, int]) -> None:
    out = StringIO()
    call_command("report_recall", "--json", stdout=out)
    figures = json.loads(out.getvalue())["overall"]
    assert figures["person_recall"] >= 0.9
    assert figures["event_recall"] >= 0.8


# -- Russian -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_russian_verdict_and_statement(demo: dict[str, int]) -> None:
    text = (
        "21 января 2020 года Зайсанский районный суд приговорил Кастера Мусаханулы и "
        "Мурагера Алимулы к одному году лишения свободы без выдворения в Китай. "
        "6 декабря 2019 года Дархан Дильманов заявил, что они будут возвращены в Китай. "
        "Их задержали 14 октября в Алматы."
    )
    mentions = find_mentions(text)
    facts = extract_facts(text, mentions=mentions, report_date=PartialDate.month(2020, 1))
    two = {demo["person:kaster-musakhanuly"], demo["person:murager-alimuly"]}
    [verdict] = _facts(facts, FactKind.VERDICT)
    assert verdict.date == PartialDate.day(2020, 1, 21)
    assert set(verdict.person_ids) == two
    assert verdict.values["term_years"] == 1
    assert verdict.values["kind"] == "imprisonment"
    assert verdict.values["expulsion"] == "ruled_out"
    [statement] = _facts(facts, FactKind.STATEMENT)
    assert statement.date == PartialDate.day(2019, 12, 6)
    assert statement.values["speaker_id"] == demo["person:darkhan-dilmanov"]
    assert statement.values["stance"] == "will_return"
    assert statement.values["language"] == "ru"
    assert set(statement.person_ids) == two
    [custody] = _facts(facts, FactKind.CUSTODY)
    assert custody.date == PartialDate.day(2019, 10, 14)
    assert custody.values["place"] == "Алматы"


# -- rules without the database ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "report", "expected"),
    [
        ("On January 21, 2020, they were sentenced.", None, "2020-01-21"),
        ("It began on 21 January 2020.", None, "2020-01-21"),
        ("On 6 December he said so.", PartialDate.month(2019, 12), "2019-12-06"),
        ("On March 10, he was arrested.", PartialDate.month(2020, 1), "2019-03-10"),
        ("They were detained on October 14.", PartialDate.month(2020, 1), "2019-10-14"),
        ("She fled in April 2018.", None, "2018-04"),
        ("He spoke in December 2019.", None, "2019-12"),
        ("It happened in 2018.", None, "2018"),
        ("after the January 6 court proceedings", PartialDate.month(2020, 1), "2020-01-06"),
        ("6 декабря 2019 года он заявил.", None, "2019-12-06"),
        ("в апреле 2018 г. она бежала.", None, "2018-04"),
        ("Их задержали 14 октября.", PartialDate.month(2020, 1), "2019-10-14"),
        ("Released on 2019-08-17.", None, "2019-08-17"),
    ],
)
def test_dates_as_reports_write_them(text: str, report: PartialDate | None, expected: str) -> None:
    [date] = find_dates(text)
    assert YearContext(text, [date], report).resolve(date).iso() == expected  # type: ignore[union-attr]


def test_a_date_without_year_takes_the_year_of_its_paragraph() -> None:
    text = "In April 2018, she fled. She was released on bail in August.\n\nIn August he spoke."
    dates = find_dates(text)
    years = YearContext(text, dates, PartialDate.month(2020, 1))
    assert [years.resolve(d).iso() for d in dates] == ["2018-04", "2018-08", "2019-08"]  # type: ignore[union-attr]


def test_a_postponement_looks_forward() -> None:
    text = "The case was postponed to January 21."
    [date] = find_dates(text)
    years = YearContext(text, [date], PartialDate.month(2019, 12))
    assert years.resolve(date, future=True) == PartialDate.day(2020, 1, 21)


def test_no_year_anywhere_means_no_date() -> None:
    text = "He was detained on October 14."
    facts = extract_facts(text, mentions=[], report_date=None)
    assert facts == []  # no person, no fact
    [date] = find_dates(text)
    assert YearContext(text, [date], None).resolve(date) is None


def test_sentences_survive_the_pdf_layout() -> None:
    text = (
        "On 6 December the director of the border service, \n\n"
        "Darhan Dilmanov stated that the men who illegally crossed the border on 6 October \n\n"
        "would be returned to China.  \n\n"
        "Kaster Musakhanuly is held in Art. 31 conditions. He said so."
    )
    sentences = [text[s.start : s.end] for s in split_sentences(text)]
    assert len(sentences) == 3
    assert sentences[0].startswith("On 6 December")
    assert sentences[0].endswith("to China.")
    assert sentences[1] == "Kaster Musakhanuly is held in Art. 31 conditions."


def test_hypotheticals_and_charges_are_not_events() -> None:
    mention = Mention(EntityKind.PERSON, "Kaster Musakhanuly", 0, 18, entity_id=1)
    text = (
        "Kaster Musakhanuly would face detention if returned and is prosecuted for illegally "
        "crossing the border."
    )
    assert extract_facts(text, mentions=[mention], report_date=None) == []


@pytest.mark.django_db
def test_rules_read_other_phrasings_too() -> None:
    person = factories.PersonFactory.create(display_name="Yerzhan Kurmanov")
    text = (
        "Yerzhan Kurmanov was arrested on 3 May 2021 in Shymkent. On 12 June 2021 the court "
        "sentenced him to two years and six months in a penal colony. His appeal hearing is "
        "scheduled for 5 August. Kurmanov was freed on 2 September 2021."
    )
    mentions = find_mentions(text)
    facts = extract_facts(text, mentions=mentions, report_date=PartialDate.month(2021, 7))
    by_kind = {(f.kind, f.values.get("edge")): f for f in facts}
    arrest = by_kind[(FactKind.CUSTODY, "start")]
    assert (arrest.date, arrest.values["place"]) == (PartialDate.day(2021, 5, 3), "Shymkent")
    verdict = by_kind[(FactKind.VERDICT, None)]
    assert verdict.date == PartialDate.day(2021, 6, 12)
    assert (verdict.values["term_years"], verdict.values["term_months"]) == (2, 6)
    assert verdict.values["kind"] == "imprisonment"
    hearing = by_kind[(FactKind.HEARING, None)]
    assert hearing.date == PartialDate.day(2021, 8, 5)
    assert hearing.values["status"] == "scheduled"
    release = by_kind[(FactKind.CUSTODY, "end")]
    assert release.date == PartialDate.day(2021, 9, 2)
    assert {f.person_ids for f in facts} == {(person.pk,)}


@needs_reports
@pytest.mark.django_db
def test_raw_pdf_layout_without_reading_gives_the_same_statement(demo: dict[str, int]) -> None:
    raw = (REPORTS_DIR / AMNESTY).read_text(encoding="utf-8")
    mentions = find_mentions(raw)
    facts = extract_facts(raw, mentions=mentions, report_date=REPORT_DATES[AMNESTY])
    [statement] = _facts(facts, FactKind.STATEMENT)
    assert statement.date == PartialDate.day(2019, 12, 6)
    assert statement.quote.endswith("would be returned to China.")
    [custody] = _facts(facts, FactKind.CUSTODY)
    assert custody.values["place"] == "East Kazakhstan Region"
