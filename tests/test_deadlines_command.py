"""`manage.py deadlines`: every computed deadline, for an operator, as a table or as JSON."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, CustodyKind, ParticipantRole
from core.partial_dates import PartialDate
from deadlines import collect
from deadlines.engine.results import Deadline, DeadlineKind, Gap, Scenario, Step
from tests import factories

day = PartialDate.day


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadlines", *args, stdout=out, no_color=True)
    return out.getvalue()


@pytest.fixture
def two_cases(case: Case) -> SimpleNamespace:
    """Two defendants in custody, in two cases that nobody in particular follows."""
    kaster = factories.PersonFactory.create(display_name="Kaster Musakhanuly")
    factories.CaseParticipantFactory.create(
        case=case, person=kaster, role=ParticipantRole.DEFENDANT
    )
    factories.CustodyIntervalFactory.create(
        person=kaster, case=case, kind=CustodyKind.PRETRIAL, start=day(2019, 10, 18)
    )
    other = factories.CaseFactory.create(title="Tabarikuli, border crossing")
    tilek = factories.PersonFactory.create(display_name="Tilek Tabarikuli")
    factories.CaseParticipantFactory.create(case=other, person=tilek)
    factories.CustodyIntervalFactory.create(
        person=tilek, case=other, kind=CustodyKind.PRETRIAL, start=day(2019, 10, 22)
    )
    return SimpleNamespace(case=case, kaster=kaster, other=other, tilek=tilek)


# -- over the real engine -------------------------------------------------------------------------


def test_lists_every_deadline_over_all_records(two_cases):
    out = run("--today", "2019-11-01")
    everything = collect.report_for_all(today=dt.date(2019, 11, 1)).deadlines
    assert everything
    for deadline in everything:
        assert f"[{deadline.key}]" in out
    assert "Kaster Musakhanuly" in out
    assert "Tilek Tabarikuli" in out
    assert out.startswith(f"Deadlines computed on 2019-11-01: {len(everything)}")
    assert "DATE / WINDOW" in out


def test_json_lists_every_deadline_with_its_explanation(two_cases):
    items = json.loads(run("--json", "--today", "2019-11-01"))
    report = collect.report_for_all(today=dt.date(2019, 11, 1))
    assert [item["key"] for item in items] == [d.key for d in report.deadlines]
    for item, deadline in zip(items, report.deadlines, strict=True):
        assert item["kind"] == deadline.kind.value
        assert item["status"] == deadline.status(dt.date(2019, 11, 1)).value
        assert item["rule_ids"] == list(deadline.rule_ids)
        assert item["rule_id"] in (*deadline.rule_ids, None) or deadline.scenarios
        assert len(item["explanation"]) == len(deadline.scenarios)
        if deadline.is_window:
            assert (item["earliest"], item["latest"]) == (
                deadline.earliest.isoformat(),
                deadline.latest.isoformat(),
            )
            assert "date" not in item
        else:
            assert item["date"] == deadline.earliest.isoformat()
    persons = {item["person"] for item in items}
    assert {"Kaster Musakhanuly", "Tilek Tabarikuli"} <= persons


def test_narrows_to_one_person_or_one_case(two_cases):
    by_person = json.loads(
        run("--json", "--today", "2019-11-01", "--person", str(two_cases.tilek.pk))
    )
    assert by_person
    assert {item["person_id"] for item in by_person} <= {two_cases.tilek.pk, None}
    by_case = json.loads(run("--json", "--today", "2019-11-01", "--case", str(two_cases.case.pk)))
    assert by_case
    assert {item["case_id"] for item in by_case} == {two_cases.case.pk}


def test_unknown_person_or_case_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No person has id 999999"):
        run("--person", "999999")
    with pytest.raises(CommandError, match="No case has id 999999"):
        run("--case", "999999")


def test_bad_day_is_a_clear_error(db):
    with pytest.raises(CommandError, match="not a date"):
        run("--today", "22 June 2020")


def test_today_defaults_to_the_local_day(db, time_machine):
    time_machine.move_to(
        dt.datetime(2020, 6, 22, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=6)))
    )
    assert run().startswith("Deadlines computed on 2020-06-22: 0\nNone.")


# -- the output for a deadline built by hand ------------------------------------------------------


@pytest.fixture
def release(two_cases, monkeypatch) -> Deadline:
    deadline = Deadline(
        kind=DeadlineKind.RELEASE,
        key="release:sentence-1",
        title="Release at the end of the term",
        earliest=dt.date(2020, 6, 19),
        latest=dt.date(2020, 7, 3),
        person_id=two_cases.kaster.pk,
        case_id=two_cases.case.pk,
        rule_ids=("kz.pec.165", "kz.cc.62.3@2020"),
        scenarios=(
            Scenario(
                "Credit until entry into force",
                dt.date(2020, 6, 19),
                (Step("Custody counts twice.", "kz.cc.62.3@2020"), Step("Roll back to Friday.")),
            ),
            Scenario(
                "Credit until the verdict", dt.date(2020, 7, 3), (Step("Holiday.", "kz.pec.165"),)
            ),
        ),
        other_readings=(
            Scenario("The court's arithmetic", dt.date(2020, 7, 14), (Step("3 months 3 days."),)),
        ),
        uncertain_because=("the day the verdict entered into force",),
        unverified=("Criminal Code Art. 62(3): the day it came into force is not verified",),
        actual=day(2020, 6, 22),
    )
    handover = Deadline(
        kind=DeadlineKind.TREATY_HANDOVER,
        key="treaty_handover:custody-1",
        title="Hand-over window closes",
        earliest=dt.date(2019, 10, 25),
        latest=dt.date(2019, 10, 25),
        person_id=two_cases.kaster.pk,
        suppressed_because="An asylum claim is pending.",
    )
    gap = Gap(
        DeadlineKind.PAROLE, "parole:sentence-2", "the gravity of the offence", two_cases.tilek.pk
    )
    report = collect.DeadlineReport(
        [handover, deadline],
        [gap],
        {p.pk: p for p in (two_cases.kaster, two_cases.tilek)},
        {two_cases.case.pk: two_cases.case},
    )
    monkeypatch.setattr(collect, "report_for_all", lambda **kwargs: report)
    return deadline


def test_table_line_then_indented_derivation(release):
    out = run("--today", "2020-06-25")
    lines = out.splitlines()
    row = next(line for line in lines if line.startswith("2020-06-19 – 2020-07-03"))
    assert "due" in row
    assert "Release" in row
    assert "Kaster Musakhanuly" in row
    assert "Border case" in row
    assert "kz.pec.165, kz.cc.62.3@2020" in row
    at = lines.index(row)
    derivation = lines[at + 1 : at + 14]
    assert derivation[0] == "    Release at the end of the term  [release:sentence-1]"
    assert "    window because: the day the verdict entered into force" in derivation
    assert "    Credit until entry into force: 19 June 2020" in derivation
    assert "        1. Custody counts twice. [kz.cc.62.3@2020]" in derivation
    assert "        2. Roll back to Friday." in derivation
    assert "    other reading, The court's arithmetic: 14 July 2020" in derivation
    assert "    what happened: 22 June 2020 (within the window)" in derivation
    assert "    SET ASIDE: An asylum claim is pending." in out
    assert "Needs data: 1" in out
    assert "    Parole eligibility (Tilek Tabarikuli): missing the gravity of the offence" in out


def test_json_object_of_one_deadline(release):
    items = json.loads(run("--json", "--today", "2020-06-25"))
    handover, item = items
    assert handover["suppressed"] == "An asylum claim is pending."
    assert handover["date"] == "2019-10-25"
    assert handover["status"] == "overdue"
    assert item == {
        "kind": "release",
        "key": "release:sentence-1",
        "title": "Release at the end of the term",
        "person_id": release.person_id,
        "person": "Kaster Musakhanuly",
        "case_id": release.case_id,
        "case": "Border case",
        "earliest": "2020-06-19",
        "latest": "2020-07-03",
        "status": "due",
        "rule_id": "kz.pec.165",
        "rule_ids": ["kz.pec.165", "kz.cc.62.3@2020"],
        "unverified": ["Criminal Code Art. 62(3): the day it came into force is not verified"],
        "uncertain_because": ["the day the verdict entered into force"],
        "actual": "2020-06-22",
        "actual_difference_days": 0,
        "explanation": [
            {
                "scenario": "Credit until entry into force",
                "date": "2020-06-19",
                "steps": ["Custody counts twice. [kz.cc.62.3@2020]", "Roll back to Friday."],
            },
            {
                "scenario": "Credit until the verdict",
                "date": "2020-07-03",
                "steps": ["Holiday. [kz.pec.165]"],
            },
        ],
        "other_readings": [
            {
                "scenario": "The court's arithmetic",
                "date": "2020-07-14",
                "steps": ["3 months 3 days."],
            }
        ],
        "suppressed": None,
    }
