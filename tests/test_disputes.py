"""When sources disagree (pure: no database)."""

from __future__ import annotations

from dataclasses import dataclass

from core.partial_dates import PartialDate
from sources.disputes import disagreements


@dataclass(frozen=True)
class Cited:
    source: str
    field: str = "date"
    reported_value: str = ""
    reported_date: PartialDate | None = None


def test_two_days_for_one_crossing_disagree():
    six = Cited(
        "amnesty", reported_value="6 October 2019", reported_date=PartialDate.day(2019, 10, 6)
    )
    one = Cited("secondary", reported_value="1 October", reported_date=PartialDate.day(2019, 10, 1))
    [dispute] = disagreements([six, one])
    assert dispute.field == "date"
    assert [(v.value, v.citations) for v in dispute.values] == [
        ("6 October 2019", (six,)),
        ("1 October", (one,)),
    ]


def test_a_day_inside_a_reported_month_agrees():
    day = Cited("a", reported_value="6 December", reported_date=PartialDate.day(2019, 12, 6))
    month = Cited("b", reported_value="December 2019", reported_date=PartialDate.month(2019, 12))
    assert disagreements([day, month]) == []


def test_rewording_is_not_disagreement_but_another_claim_is():
    pending = Cited("a", field="status", reported_value="pending")
    still = Cited("b", field="status", reported_value="Still pending.")
    assert disagreements([pending, still]) == []
    illegally = Cited("a", field="description", reported_value="illegally crossing the border")
    illegal = Cited("b", field="description", reported_value="illegal border crossing")
    assert disagreements([illegally, illegal]) == []
    director = Cited("a", field="office", reported_value="director of the border service")
    deputy = Cited("b", field="office", reported_value="Deputy Chief of the KNB")
    assert [d.field for d in disagreements([director, deputy])] == ["office"]


def test_fields_are_compared_separately_and_blank_values_ignored():
    cited = [
        Cited("a", field="start", reported_date=PartialDate.day(2019, 10, 14)),
        Cited("b", field="end", reported_date=PartialDate.day(2020, 6, 22)),
        Cited("c", field="start", reported_value=""),
    ]
    assert disagreements(cited) == []


def test_numbers_are_compared_whole():
    one = Cited("a", field="age", reported_value="31")
    other = Cited("b", field="age", reported_value="310")
    assert [d.field for d in disagreements([one, other])] == ["age"]


def test_spellings_of_a_name_are_not_a_dispute():
    darhan = Cited("a", field="display_name", reported_value="Darhan Dilmanov")
    darkhan = Cited("b", field="display_name", reported_value="Darkhan Dilmanov")
    assert disagreements([darhan, darkhan]) == []
