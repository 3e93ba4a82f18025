"""A proposal's values as a reviewer reads them: labels, choice labels, terms, names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import SimpleNamespace

import pytest
from django.utils import translation

from sources.reports.display import Shown, referenced_ids, term_label, values_display


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def shown(kind: str, values: Mapping[str, object]) -> dict[str, str]:
    return {v.label: v.text for v in values_display(kind, values)}


def test_a_verdict_reads_as_sentence_verdict_and_term() -> None:
    values = {"convicted": True, "term_years": 1, "term_months": 6, "kind": "imprisonment"}

    assert shown("verdict", values) == {
        "Verdict": "Convicted",
        "Term": "1 year 6 months",
        "Sentence": "Imprisonment",
    }


def test_custody_reads_its_kind_edge_and_place() -> None:
    values = {"edge": "start", "place": "Алматы", "custody_kind": "arrest"}

    assert shown("custody", values) == {
        "This date is the": "start",
        "Place": "Алматы",
        "Kind of custody": "Detention on arrest",
    }


def test_statuses_depend_on_the_kind_of_proposal() -> None:
    assert shown("hearing", {"status": "adjourned", "adjourned_to": "2019-12"}) == {
        "Status": "Adjourned",
        "Adjourned to": "December 2019",
    }
    assert shown("asylum_step", {"status": "refused", "host_country": "KZ"}) == {
        "Step": "Refused",
        "Host country": "Kazakhstan",
    }


def test_the_speaker_is_named_and_linked() -> None:
    speaker = SimpleNamespace(display_name="Dauren Abayev", get_absolute_url=lambda: "/people/4/")

    [value, stance] = values_display(
        "statement", {"speaker_id": 4, "stance": "denial"}, persons={4: speaker}
    )

    assert value == Shown("Speaker", "Dauren Abayev", "/people/4/")
    assert stance == Shown("Stance", "Denies abuses")


def test_unknown_keys_and_codes_fall_back_to_readable_words() -> None:
    assert shown("flight", {"route_note": "by_night", "from_country": "CN", "blank": ""}) == {
        "Route note": "by night",
        "From": "China",
    }
    assert shown("custody", {"custody_kind": "detention"}) == {"Kind of custody": "Detention"}
    assert shown("statement", {"speaker_id": 99}) == {"Speaker": "no longer recorded (99)"}
    assert shown("verdict", {"convicted": False, "expulsion": "ruled_out"}) == {
        "Verdict": "Acquitted",
        "Expulsion": "Ruled out by the court",
    }


def test_terms_name_only_the_parts_given() -> None:
    assert term_label(1) == "1 year"
    assert term_label(2, 0, 10) == "2 years 10 days"
    assert term_label() == ""


def test_referenced_ids_collects_persons_and_cases() -> None:
    assert referenced_ids([{"speaker_id": 4}, {"person_id": 5, "case_id": 7}, {"x": 1}]) == (
        {4, 5},
        {7},
    )
