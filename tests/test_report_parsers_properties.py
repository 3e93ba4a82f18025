"""Property tests: whatever bytes arrive, reading gives a report or a `ReportError`, never
another exception; whatever text arrives, extraction never raises and quotes the text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.partial_dates import PartialDate
from people.models import Person
from sources.reports.dates import YearContext, find_dates
from sources.reports.facts import extract_facts
from sources.reports.found import EntityKind, Mention, ReportError, ReportText
from sources.reports.mentions import find_mentions
from sources.reports.reading import read_report
from sources.reports.sentences import split_sentences
from tests import factories
from tests.test_report_reading import WRAPPED_PDF_LINES, make_pdf

NAMES = st.sampled_from(["report.txt", "report.html", "report.pdf", "report", "r.htm", "r.text"])
VALID_FILES = [
    b"Kaster Musakhanuly was detained on October 14 in Almaty.\n\nHe applied for asylum.",
    "6 декабря 2019 года Дархан Дильманов заявил об этом.".encode("cp1251"),
    b"\xff\xfe" + "Darhan Dilmanov stated it.".encode("utf-16-le"),
    b"<html><head><meta charset='utf-8'><title>T</title></head><body><p>On January 6, 2020,"
    b" hearings began.</p><script>x()</script></body></html>",
    make_pdf(WRAPPED_PDF_LINES, title="Brief"),
]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, name: str) -> None:
    try:
        report = read_report(data, name)
    except ReportError as error:
        message = str(error)
        assert message
        assert message.endswith(".")
        return
    assert isinstance(report, ReportText)
    assert report.format in {"txt", "html", "pdf"}
    assert report.language in {"en", "ru", "kk"}
    assert "\x00" not in report.text
    assert "\r" not in report.text


@SETTINGS
@given(data=st.binary(max_size=4000), name=NAMES)
def test_random_bytes_are_read_or_refused(data: bytes, name: str) -> None:
    _read(data, name)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, str]:
    index = draw(st.integers(0, len(VALID_FILES) - 1))
    data = bytearray(VALID_FILES[index])
    for _ in range(draw(st.integers(1, 8))):
        operation = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        position = draw(st.integers(0, max(0, len(data) - 1)))
        if operation == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif operation == "cut":
            del data[position:]
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=40))
        elif data:
            del data[position : position + draw(st.integers(1, 64))]
    name = ["a.txt", "a.txt", "a.txt", "a.html", "a.pdf"][index]
    return bytes(data), draw(st.sampled_from([name, "a.txt", "a.pdf", "a.html"]))


@SETTINGS
@given(case=mutated())
def test_mutated_valid_files_are_read_or_refused(case: tuple[bytes, str]) -> None:
    _read(*case)


TEXT = st.one_of(
    st.text(max_size=600),
    st.text(alphabet="KkaМусхнлы ,.\n", max_size=200),
    st.lists(
        st.sampled_from(
            [
                "On January 6, 2020,",
                "Kaster Musakhanuly",
                " and ",
                "were sentenced to one year",
                "was adjourned",
                "postponed to January 21",
                "detained on October 14 in Almaty",
                "released on August 17",
                "said",
                "“we will transfer them”",
                "applied for asylum",
                "crossed the border",
                "fled China",
                "Musakhanuly",
                "Кастера Мусаханулы",
                "Human Rights Watch",
                "Khadisha Akaeva",
                "6 декабря 2019 года",
                "заявил, что они будут возвращены",
                "они",
                "the two men",
                ". ",
                "\n\n",
                "\n",
                ", ",
                "Art. 31",
                "in 2018",
                "31 February",
            ]
        ),
        max_size=40,
    ).map("".join),
)


@st.composite
def text_and_mentions(draw: st.DrawFn) -> tuple[str, list[Mention]]:
    text = draw(TEXT)
    mentions = []
    for _ in range(draw(st.integers(0, 6))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        mentions.append(
            Mention(
                kind=draw(st.sampled_from(list(EntityKind))),
                text=text[start:end],
                start=start,
                end=end,
                entity_id=draw(st.one_of(st.none(), st.integers(1, 5))),
                close_to_id=draw(st.one_of(st.none(), st.integers(1, 5))),
            )
        )
    return text, mentions


REPORT_DATES = st.one_of(
    st.none(),
    st.builds(PartialDate.month, st.integers(1990, 2030), st.integers(1, 12)),
    st.builds(PartialDate.year, st.integers(1990, 2030)),
)


@settings(max_examples=200, deadline=None)
@given(case=text_and_mentions(), report_date=REPORT_DATES)
def test_extraction_never_raises_and_quotes_the_text(
    case: tuple[str, list[Mention]], report_date: PartialDate | None
) -> None:
    text, mentions = case
    for fact in extract_facts(text, mentions=mentions, report_date=report_date):
        assert 0 <= fact.start <= fact.end <= len(text)
        assert fact.quote == text[fact.start : fact.end]


@settings(max_examples=200, deadline=None)
@given(text=TEXT, report_date=REPORT_DATES)
def test_sentences_and_dates_stay_inside_the_text(
    text: str, report_date: PartialDate | None
) -> None:
    previous_end = 0
    for sentence in split_sentences(text):
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end].strip() == text[sentence.start : sentence.end]
        previous_end = sentence.end
    dates = find_dates(text)
    years = YearContext(text, dates, report_date)
    for date in dates:
        assert text[date.start : date.end] == date.text
        years.resolve(date)
        years.resolve(date, future=True)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT)
def test_mentions_never_raise_and_point_into_the_text(text: str) -> None:
    person = Person.objects.filter(display_name="Kaster Musakhanuly").first()
    if person is None:
        person = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
        factories.NameVariantFactory.create(person=person, text="Кастер Мусаханулы")
    for mention in find_mentions(text):
        assert text[mention.start : mention.end] == mention.text
        assert mention.entity_id is not None or mention.kind == EntityKind.PERSON
