"""The reference case as the demo loads it: its deadlines are right and explained, on Kaster
Musakhanuly's page, on the derivation page and in `manage.py deadlines --json`, and they follow
the records the moment those change."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from cases.models import CustodyInterval
from core.partial_dates import PartialDate
from hearings.models import Sentence
from people.models import Person
from tests.helpers import client_for, html

pytestmark = pytest.mark.django_db
TODAY = "2026-11-22"


@pytest.fixture(autouse=True)
def demo(tmp_path: Path) -> None:
    call_command(
        "load_demo", accounts_file=tmp_path / "accounts.txt", stdout=StringIO(), stderr=StringIO()
    )


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel("2026-11-22 09:00 +05:00", tick=False):
        yield


def deadlines_json(person: Person) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("deadlines", "--person", str(person.pk), "--json", "--today", TODAY, stdout=out)
    result: list[dict[str, Any]] = json.loads(out.getvalue())
    return result


def one(found: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (match,) = [d for d in found if d["kind"] == kind]
    return match


def kaster() -> Person:
    return Person.objects.get(display_name="Kaster Musakhanuly")


def test_the_release_window_holds_the_release_of_22_june_2020() -> None:
    release = one(deadlines_json(kaster()), "release")
    assert release["earliest"] <= "2020-06-22" <= release["latest"]
    assert (release["earliest"], release["latest"]) == ("2020-06-15", "2020-06-26")
    assert release["actual"] == "2020-06-22"
    assert release["actual_difference_days"] == 0
    assert release["rule_id"] == "kz.pec.165"
    assert release["status"] == "passed"
    assert (
        "the day the convict in custody received the copy of the verdict"
        in (release["uncertain_because"])
    )


def test_the_courts_own_arithmetic_and_the_readings_of_section_5_are_shown() -> None:
    release = one(deadlines_json(kaster()), "release")
    readings: dict[str, str] = {}
    for reading in release["other_readings"]:
        readings[reading["date"]] = readings.get(reading["date"], "") + " ".join(reading["steps"])
    # The judge: pretrial custody from 18 October, credited to the verdict.
    assert "3 months 3 days × 2 = 6 months 6 days" in readings["2020-07-14"]
    assert "5 months 24 days left to serve" in readings["2020-07-14"]
    # From the arrest on 14 October, to the verdict: 6 July is Capital Day.
    assert "6 July 2020 is a day off (Capital Day)" in readings["2020-07-03"]
    # From 14 October, credited until the entry into force on 6 February.
    assert (
        "Custody is credited until the verdict enters into force, 6 February 2020"
        in (readings["2020-06-19"])
    )


def test_the_appeal_and_the_entry_into_force_follow_the_verdict() -> None:
    found = deadlines_json(kaster())
    assert one(found, "appeal_verdict")["earliest"] == "2020-02-05"
    assert one(found, "verdict_in_force")["earliest"] == "2020-02-06"


def test_tabarikulys_term_is_used_up_within_days_of_his_verdict() -> None:
    tilek = Person.objects.get(display_name="Tilek Tabarikuli")
    release = one(deadlines_json(tilek), "release")
    assert release["date"] == "2020-01-21"  # the verdict was on 16 January
    steps = " ".join(step for reading in release["explanation"] for step in reading["steps"])
    assert "6 months ÷ 2 = 3 months of custody covers the whole term" in steps
    assert "served by custody before the verdict enters into force" in steps
    assert release["status"] == "passed"  # released on a day no source gives, not overdue


def test_the_person_page_shows_the_release_beside_what_happened() -> None:
    ngo = User.objects.get(username="ngo")
    page = html(client_for(ngo).get(kaster().get_absolute_url()))
    assert "Deadline: Release at the end of the term (1 year)" in page
    assert "Actually 22 June 2020, inside the computed window." in page
    key = one(deadlines_json(kaster()), "release")["key"]
    assert reverse("deadline_detail", args=[key]) in page


def test_the_derivation_page_lets_a_lawyer_redo_the_sums() -> None:
    ngo = User.objects.get(username="ngo")
    key = one(deadlines_json(kaster()), "release")["key"]
    page = html(client_for(ngo).get(reverse("deadline_detail", args=[key])))
    assert "3 months 28 days × 2 = 7 months 26 days" in page
    assert "Penal Execution Code Art. 165" in page
    assert "3 months 3 days × 2 = 6 months 6 days" in page


def test_a_corrected_fact_moves_the_deadline_at_once() -> None:
    sentence = Sentence.objects.get(defendant=kaster(), kind="imprisonment")
    sentence.entered_into_force = PartialDate.day(2020, 2, 6)
    sentence.save()
    release = one(deadlines_json(kaster()), "release")
    # The copy date no longer matters: only the uncertain arrest remains.
    assert (release["earliest"], release["latest"]) == ("2020-06-19", "2020-06-26")
    CustodyInterval.objects.filter(person=kaster(), kind="arrest").update(
        end=PartialDate.day(2019, 10, 18)
    )
    release = one(deadlines_json(kaster()), "release")
    assert release["date"] == "2020-06-19"
    ngo = User.objects.get(username="ngo")
    assert "19 June 2020" in html(client_for(ngo).get(kaster().get_absolute_url()))


def test_every_deadline_of_the_demo_opens_its_own_derivation_page() -> None:
    ngo = User.objects.get(username="ngo")
    client = client_for(ngo)
    for person in Person.objects.all():
        for deadline in deadlines_json(person):
            response = client.get(reverse("deadline_detail", args=[deadline["key"]]))
            assert response.status_code == 200, deadline["key"]
