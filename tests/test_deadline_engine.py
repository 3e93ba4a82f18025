"""The deadline engine against the reference case and hand-worked examples of every rule
(no database: facts are built by hand, as `deadlines.collect` would build them).

Each expected date has its arithmetic in a comment, so a reader can redo it on paper. A test
marked xfail(strict=True) records a wrong result of the engine: its reason gives the figure the
law gives."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.partial_dates import PartialDate
from deadlines.engine import compute, custody
from deadlines.engine.counting import Term
from deadlines.engine.facts import (
    CaseFile,
    ClaimFact,
    ClaimStep,
    CrossingFact,
    CustodyFact,
    HearingFact,
    Offence,
    SentenceFact,
)
from deadlines.engine.results import Deadline, DeadlineKind, Gap, Scenario, Status
from deadlines.engine.rules import KAZAKHSTAN, RULES_BY_ID
from deadlines.engine.sentences import verdict_deadlines

D = date
day = PartialDate.day
ALMATY = ZoneInfo("Asia/Almaty")
KZ = KAZAKHSTAN
ART_392_1 = Offence("CC", "392", "1")
ART_392_2 = Offence("CC", "392", "2")

# -- building facts ----------------------------------------------------------------------------


def held(
    kind: str,
    start: PartialDate | None,
    end: PartialDate | None = None,
    *,
    ref: str = "",
    person_id: int = 1,
    case_id: int = 1,
    started_at: datetime | None = None,
) -> CustodyFact:
    return CustodyFact(
        ref or f"{kind}-{person_id}",
        person_id=person_id,
        case_id=case_id,
        kind=kind,
        start=start,
        end=end,
        started_at=started_at,
    )


def sentence(pronounced: PartialDate, **fields: object) -> SentenceFact:
    values: dict[str, object] = {"person_id": 1, "case_id": 1, "kind": "imprisonment"}
    values.update(fields)
    return SentenceFact("sentence-1", pronounced=pronounced, **values)  # type: ignore[arg-type]


def verdict(
    one: SentenceFact,
    intervals: tuple[CustodyFact, ...] = (),
    hearings: tuple[HearingFact, ...] = (),
    offences: tuple[Offence, ...] = (),
) -> tuple[dict[DeadlineKind, Deadline], list[Gap]]:
    found, gaps = verdict_deadlines([one], intervals, hearings, offences, KZ)
    by_kind = {d.kind: d for d in found}
    assert len(by_kind) == len(found), "one deadline of each kind per verdict"
    return by_kind, gaps


def readings(deadline: Deadline) -> tuple[Scenario, ...]:
    return (*deadline.scenarios, *deadline.other_readings)


def reading_on(deadline: Deadline, when: date, *containing: str) -> Scenario:
    """The reading that gives `when` and whose steps say every one of `containing`."""
    found = [
        s
        for s in readings(deadline)
        if s.date == when and all(part in text(s) for part in containing)
    ]
    every = [(s.label, s.date) for s in readings(deadline)]
    assert found, f"no reading on {when} saying {containing}: {every}"
    return found[0]


def text(scenario: Scenario) -> str:
    return "\n".join(step.text for step in scenario.steps)


def kinds(deadlines: tuple[Deadline, ...] | list[Deadline]) -> list[DeadlineKind]:
    return [d.kind for d in deadlines]


# -- the reference case: Kaster Musakhanuly (DOMAIN.md section 5) ------------------------------

KASTER = 1
ZAYSAN_CASE = 1


def kaster_custody() -> tuple[CustodyFact, ...]:
    return (
        held("arrest", day(2019, 10, 14), PartialDate(D(2019, 10, 14), D(2019, 10, 18))),
        held("pretrial", day(2019, 10, 18), day(2020, 1, 21)),
        held("prison", day(2020, 1, 21), day(2020, 6, 22)),
    )


def kaster_sentence() -> SentenceFact:
    return sentence(
        day(2020, 1, 21),
        term=Term(1),
        institution="minimum",
        credit_stated="2:1",
        offences=(ART_392_1,),
    )


@pytest.fixture
def kaster() -> dict[DeadlineKind, Deadline]:
    found, gaps = verdict(kaster_sentence(), kaster_custody())
    assert gaps == []
    return found


def test_reference_appeal_window_ends_5_february_at_the_earliest(kaster) -> None:
    # 21 January 2020 + 15 days, the start day not counted: Wednesday 5 February. The copy of
    # the verdict may have reached the men in custody up to 5 days later (unverified bound):
    # 26 January + 15 = Monday 10 February.
    appeal = kaster[DeadlineKind.APPEAL_VERDICT]
    assert (appeal.earliest, appeal.latest) == (D(2020, 2, 5), D(2020, 2, 10))
    assert "the day the convict in custody received the copy of the verdict" in (
        appeal.uncertain_because
    )


def test_reference_verdict_enters_into_force_6_february_at_the_earliest(kaster) -> None:
    in_force = kaster[DeadlineKind.VERDICT_IN_FORCE]
    assert (in_force.earliest, in_force.latest) == (D(2020, 2, 6), D(2020, 2, 11))
    assert "enters into force the next day, 6 February 2020" in text(in_force.scenarios[0])


def test_reference_release_window_holds_the_actual_release_of_22_june(kaster) -> None:
    # The credit counts as time served before the entry into force, so the year is reckoned
    # from the entry into force less the credit (days first, then months).
    # Earliest: custody read as long as possible (arrest to 18 October, so 14 October onwards
    # without a break) and credited to 11 February (copy received 26 January):
    #   14 October 2019 to 10 February 2020 = 3 months 28 days; × 2 = 6 months 56 days
    #   = 7 months 26 days; 11 February − 26 days − 7 months = 16 June 2019; + 1 year =
    #   16 June 2020; last day Monday 15 June.
    # Latest: custody read as short as possible (arrest on 14 October only, then 18 October)
    # and credited to 6 February:
    #   1 day + 18 October to 5 February (3 months 19 days) = 3 months 20 days; × 2 =
    #   7 months 10 days; 6 February − 10 days − 7 months = 27 June 2019; + 1 year =
    #   27 June 2020; last day Friday 26 June.
    release = kaster[DeadlineKind.RELEASE]
    assert (release.earliest, release.latest) == (D(2020, 6, 15), D(2020, 6, 26))
    assert release.window.contains(D(2020, 6, 22))
    assert release.actual == day(2020, 6, 22)
    assert release.actual_difference_days() == 0
    assert release.status(D(2026, 11, 22)) is Status.PASSED
    earliest, latest = release.scenarios
    assert "3 months 28 days × 2 = 7 months 26 days" in text(earliest)
    assert "reckoned from 11 February 2020 − 7 months 26 days = 16 June 2019" in text(earliest)
    assert "Monday 15 June 2020" in text(earliest)
    assert "3 months 20 days × 2 = 7 months 10 days" in text(latest)
    assert "Friday 26 June 2020" in text(latest)


def test_reference_judges_reading_gives_14_july(kaster) -> None:
    # Pretrial custody from 18 October credited only to the verdict of 21 January: 18 October
    # to 20 January = 3 months 3 days; × 2 = 6 months 6 days; 12 months − 6 months 6 days =
    # 5 months 24 days; 21 January + 5 months 24 days = 15 July; last day Tuesday 14 July.
    judge = reading_on(
        kaster[DeadlineKind.RELEASE],
        D(2020, 7, 14),
        "3 months 3 days",
        "6 months 6 days",
        "5 months 24 days",
    )
    assert "18 October 2019" in judge.label
    assert "Credit counted only to the day of the verdict, 21 January 2020" in text(judge)


def test_reference_credit_to_the_verdict_from_14_october_gives_3_july(kaster) -> None:
    # 14 October 2019 to 20 January 2020 = 3 months 7 days; × 2 = 6 months 14 days; left
    # 5 months 16 days; 21 January + 5 months 16 days = 7 July; last day Monday 6 July, Capital
    # Day after a weekend: Friday 3 July.
    to_verdict = reading_on(kaster[DeadlineKind.RELEASE], D(2020, 7, 3), "14 October 2019")
    assert "credited to the verdict" in to_verdict.label
    assert "6 July 2020 is a day off (Capital Day)" in text(to_verdict)
    assert "Friday 3 July 2020" in text(to_verdict)


def test_reference_credit_until_entry_into_force_from_14_october_gives_19_june(kaster) -> None:
    # 14 October 2019 to 5 February 2020 = 3 months 23 days; × 2 = 6 months 46 days =
    # 7 months 16 days; left 4 months 14 days; 6 February + 4 months 14 days = 20 June;
    # last day Friday 19 June.
    until_force = reading_on(
        kaster[DeadlineKind.RELEASE],
        D(2020, 6, 19),
        "In custody from 14 October 2019 to 5 February 2020: 3 months 23 days",
        "Custody is credited until the verdict enters into force, 6 February 2020",
    )
    assert "Friday 19 June 2020" in text(until_force)


def test_reference_release_applies_the_lenient_2020_credit_and_says_why(kaster) -> None:
    steps = text(kaster[DeadlineKind.RELEASE].scenarios[0])
    assert "one day of custody counts as 2 days" in steps
    assert "Criminal Code Art. 6" in steps
    assert {"kz.cc.62.3@2020", "kz.cc.6", "kz.cc.62.window", "kz.pec.165"} <= set(
        kaster[DeadlineKind.RELEASE].rule_ids
    )


def test_reference_unverified_names_every_unverified_rule_applied(kaster) -> None:
    for deadline in kaster.values():
        caveats = [RULES_BY_ID[rule_id].caveat for rule_id in deadline.rule_ids]
        assert set(deadline.unverified) == {caveat for caveat in caveats if caveat}
    assert set(kaster[DeadlineKind.RELEASE].unverified) == {
        "Criminal Procedure Code (delivery of the verdict): not verified against the text of the "
        "law",
        "Criminal Code Art. 62(3): the day it came into force is not verified",
    }


def test_reference_every_rule_a_step_names_exists(kaster) -> None:
    named = [step.rule_id for d in kaster.values() for s in readings(d) for step in s.steps]
    assert named
    assert {rule_id for rule_id in named if rule_id} <= set(RULES_BY_ID)
    for deadline in kaster.values():
        assert set(deadline.rule_ids) <= set(RULES_BY_ID)


ARITHMETIC = re.compile(r" [×÷+−=] |\d+ (?:days?|months?|hours?) (?:from|later)")


def test_reference_every_step_with_arithmetic_names_its_rule(kaster) -> None:
    bare = [
        step.text
        for deadline in kaster.values()
        for s in readings(deadline)
        for step in s.steps
        if ARITHMETIC.search(step.text) and not step.rule_id
    ]
    assert bare == []


def test_reference_parole_after_six_months_actually_served(kaster) -> None:
    # Art. 392 part 1 is of small gravity: a third of 1 year = 4 months, reached by credit
    # (2 months held × 2) on 14 December 2019; but never before 6 months actually served:
    # 14 October 2019 + 6 months = 14 April 2020. Read as short as possible: 1 day + 18 October
    # onwards, 5 months 29 days more = 16 April 2020.
    parole = kaster[DeadlineKind.PAROLE]
    assert (parole.earliest, parole.latest) == (D(2020, 4, 14), D(2020, 4, 16))
    steps = text(parole.scenarios[0])
    assert "small gravity" in steps
    assert "reached on 14 December 2019" in steps
    assert "Never before 6 months actually served: reached on 14 April 2020" in steps


def test_reference_case_file_through_compute() -> None:
    case_file = CaseFile(
        custody=kaster_custody(),
        sentences=(kaster_sentence(),),
        hearings=(
            HearingFact(
                "trial-1", case_id=1, date=day(2020, 1, 6), kind="trial", status="adjourned"
            ),
            HearingFact(
                "verdict-1", case_id=1, date=day(2020, 1, 21), kind="verdict", status="held"
            ),
        ),
        claims=(
            ClaimFact(
                "claim-1",
                person_id=1,
                case_id=None,
                host_country="KZ",
                status="pending",
                registered=day(2019, 10, 29),
            ),
        ),
        crossings=(
            CrossingFact(
                "crossing-1",
                person_id=1,
                case_id=1,
                date=PartialDate(D(2019, 10, 1), D(2019, 10, 6)),
                to_country="KZ",
            ),
        ),
        case_jurisdictions={1: "KZ"},
        case_offences={(1, 1): (ART_392_1,)},
    )
    result = compute(case_file, today=D(2020, 1, 22))
    by_key = {d.key: d for d in result.deadlines}
    assert [d.earliest for d in result.deadlines] == sorted(d.earliest for d in result.deadlines)
    # The arrest of 14 October led straight into pretrial custody: the 2-month limit counts
    # from it, the first day counted: 14 October + 2 months − 1 day = 13 December 2019.
    assert by_key["pretrial_cap:pretrial-1:2"].latest == D(2019, 12, 13)
    # Trial opened 6 January: the 3-month limit (13 January) covers the custody to trial.
    assert by_key["pretrial_cap:pretrial-1:3"].latest == D(2020, 1, 13)
    assert "pretrial_cap:pretrial-1:9" not in by_key
    # The hand-over window is shown struck through: a claim is pending.
    handover = by_key["treaty_handover:arrest-1"]
    assert handover.suppressed_because.startswith("An asylum claim is pending (since 29 October")
    # Decision due 29 January 2020: 85 days pending on 22 January.
    decision = by_key["asylum_decision:claim-1"]
    assert decision.latest == D(2020, 1, 29)
    assert any("85 days since registration" in i.value for i in decision.inputs)
    assert by_key["release:sentence-1"].window.contains(D(2020, 6, 22))
    assert result.gaps == ()


# -- The Diplomat, January 2020: Tilek Tabarikuly ---------------------------------------------


def test_tabarikuly_term_served_by_credit_days_after_the_verdict() -> None:
    # Pretrial custody from 22 October 2019, still held; verdict 16 January 2020: 6 months,
    # minimum security, 2:1. Six months ÷ 2 = 3 months of custody: 22 October + 3 months =
    # 22 January 2020, so the last day of the term is Tuesday 21 January, five days after the
    # verdict and before it can enter into force (1 February at the earliest).
    one = sentence(day(2020, 1, 16), term=Term(0, 6), institution="minimum", credit_stated="2:1")
    found, gaps = verdict(one, (held("pretrial", day(2019, 10, 22)),))
    release = found[DeadlineKind.RELEASE]
    assert release.latest <= D(2020, 1, 23)  # the verdict + 7 days
    assert (release.earliest, release.latest) == (D(2020, 1, 21), D(2020, 1, 21))
    steps = text(release.scenarios[0])
    assert "22 October 2019 + 3 months = 22 January 2020" in steps
    assert "The term is served by custody before the verdict enters into force." in steps
    assert release.status(D(2020, 1, 22)) is Status.OVERDUE  # still held the day after
    # No article recorded: parole cannot be computed, and the page says what is missing.
    assert [g.kind for g in gaps] == [DeadlineKind.PAROLE]


# -- appeal against a verdict (CPC Art. 418, 470) ----------------------------------------------


@pytest.mark.parametrize(
    ("pronounced", "last_day", "reason"),
    [
        # Tuesday 21 January 2020 + 15 = Wednesday 5 February: a working day.
        (D(2020, 1, 21), D(2020, 2, 5), ""),
        # 17 December 2019 + 15 = 1 January 2020 (New Year); 2 January (New Year); 3 January
        # (day off moved from Sunday 5 January); Saturday 4 January; Sunday 5 January is worked.
        (D(2019, 12, 17), D(2020, 1, 5), "New Year's Day"),
        (D(2019, 12, 19), D(2020, 1, 5), "Day off (substituted from 01/05/2020)"),
        # 6 March 2020 + 15 = Saturday 21 March, Nowruz to 25 March: Thursday 26 March.
        (D(2020, 3, 6), D(2020, 3, 26), "Nowruz Holiday"),
        # Saturday 17 August 2019 + 15 = Sunday 1 September: Monday 2 September.
        (D(2019, 8, 17), D(2019, 9, 2), "Sunday"),
    ],
)
def test_verdict_appeal_is_15_days_moved_off_a_day_off(pronounced, last_day, reason) -> None:
    found, _ = verdict(sentence(PartialDate.of(pronounced), kind="fine"))
    appeal = found[DeadlineKind.APPEAL_VERDICT]
    assert (appeal.earliest, appeal.latest) == (last_day, last_day)
    in_force = found[DeadlineKind.VERDICT_IN_FORCE]
    assert in_force.earliest == D.fromordinal(last_day.toordinal() + 1)
    steps = text(appeal.scenarios[0])
    if reason:
        assert f"a day off ({reason}), so the next working day" in steps
    else:
        assert "a day off (" not in steps
    assert appeal.rule_ids == ("kz.cpc.418", "kz.cpc.48", "kz.cpc.470")


def test_verdict_appeal_counts_from_the_copy_a_convict_in_custody_received() -> None:
    # Copy received Friday 24 January 2020: + 15 = Saturday 8 February → Monday 10 February;
    # in force Tuesday 11 February.
    one = sentence(
        day(2020, 1, 21), term=Term(1), institution="minimum", copy_received=D(2020, 1, 24)
    )
    found, _ = verdict(one, (held("pretrial", day(2019, 10, 18)),))
    assert found[DeadlineKind.APPEAL_VERDICT].window == day(2020, 2, 10)
    assert found[DeadlineKind.VERDICT_IN_FORCE].window == day(2020, 2, 11)
    assert "from the day the copy of the verdict was received (the convict was in custody)" in (
        text(found[DeadlineKind.APPEAL_VERDICT].scenarios[0])
    )


def test_an_appeal_ruling_puts_the_verdict_in_force_that_day() -> None:
    ruling = HearingFact("appeal-1", case_id=1, date=day(2020, 3, 20), kind="appeal", status="held")
    found, _ = verdict(sentence(day(2020, 1, 21), kind="fine"), hearings=(ruling,))
    assert DeadlineKind.APPEAL_VERDICT not in found
    assert found[DeadlineKind.VERDICT_IN_FORCE].window == day(2020, 3, 20)
    assert found[DeadlineKind.VERDICT_IN_FORCE].rule_ids == ("kz.cpc.470",)


def test_a_recorded_entry_into_force_is_used_as_it_is() -> None:
    one = sentence(day(2020, 1, 21), kind="fine", entered_into_force=day(2020, 2, 7))
    found, _ = verdict(one)
    assert found[DeadlineKind.VERDICT_IN_FORCE].window == day(2020, 2, 7)
    assert found[DeadlineKind.VERDICT_IN_FORCE].actual == day(2020, 2, 7)


def test_a_verdict_dated_only_to_a_month_gives_a_window() -> None:
    # 1 August 2018 + 15 = Thursday 16 August; 31 August + 15 = Saturday 15 September →
    # Monday 17 September.
    found, _ = verdict(sentence(PartialDate.month(2018, 8), kind="fine"))
    appeal = found[DeadlineKind.APPEAL_VERDICT]
    assert (appeal.earliest, appeal.latest) == (D(2018, 8, 16), D(2018, 9, 17))
    assert appeal.uncertain_because == ("the verdict is dated only to August 2018",)


def test_a_defendant_released_at_the_verdict_appeals_from_the_announcement() -> None:
    # Sayragul Sauytbai: pretrial custody ending the day of the verdict, 1 August 2018, six
    # months suspended, released in court. Art. 418 gives the copy rule only to a convict held
    # in custody: 1 August + 15 = Thursday 16 August 2018.
    one = sentence(day(2018, 8, 1), kind="suspended", term=Term(0, 6))
    found, _ = verdict(one, (held("pretrial", day(2018, 5, 21), day(2018, 8, 1)),))
    assert found[DeadlineKind.APPEAL_VERDICT].window == day(2018, 8, 16)


# -- appeal against a custody order (CPC Art. 107) ---------------------------------------------


def test_custody_order_appeal_is_3_days_from_the_start_of_custody_without_a_hearing() -> None:
    # Friday 18 October 2019 + 3 = Monday 21 October.
    appeal = custody.custody_order_appeal(held("pretrial", day(2019, 10, 18)), None, KZ)
    assert appeal is not None
    assert appeal.window == day(2019, 10, 21)
    assert "No custody hearing is recorded" in text(appeal.scenarios[0])
    assert appeal.title == "Last day to appeal the custody order"


def test_custody_order_appeal_counts_from_the_hearing_and_leaves_the_weekend() -> None:
    # Order made Wednesday 16 October 2019: + 3 = Saturday 19 October → Monday 21 October.
    order = HearingFact(
        "custody-1", case_id=1, date=day(2019, 10, 16), kind="custody", status="held"
    )
    appeal = custody.custody_order_appeal(held("pretrial", day(2019, 10, 18)), order, KZ)
    assert appeal is not None
    assert appeal.window == day(2019, 10, 21)
    assert "a day off (Saturday)" in text(appeal.scenarios[0])


def test_house_arrest_order_appeal() -> None:
    # Serikzhan Bilash, house arrest from Sunday 10 March 2019: + 3 = Wednesday 13 March.
    appeal = custody.custody_order_appeal(held("house_arrest", day(2019, 3, 10)), None, KZ)
    assert appeal is not None
    assert appeal.window == day(2019, 3, 13)
    assert appeal.title == "Last day to appeal the house-arrest order"


def test_no_custody_order_appeal_for_a_prison_term() -> None:
    assert custody.custody_order_appeal(held("prison", day(2020, 1, 21)), None, KZ) is None


# -- detention on arrest (CPC Art. 131) ----------------------------------------------------------


def test_arrest_cap_is_48_hours_from_the_hour_of_detention() -> None:
    # 15:30 on 14 October 2019 + 48 hours = 15:30 on 16 October; 72 hours: 17 October.
    arrest = held(
        "arrest",
        day(2019, 10, 14),
        started_at=datetime(2019, 10, 14, 15, 30, tzinfo=ALMATY),
    )
    cap = custody.arrest_cap(arrest, KZ)
    assert cap is not None
    assert cap.window == day(2019, 10, 16)
    assert "48 hours later is 15:30 on 16 October 2019" in text(cap.scenarios[0])
    (extended,) = cap.other_readings
    assert extended.date == D(2019, 10, 17)
    assert cap.status(D(2019, 10, 17)) is Status.OVERDUE  # still held, no end recorded


def test_arrest_cap_reads_the_hour_of_detention_in_local_time() -> None:
    # 03:00 on 14 October 2019 in Almaty (UTC+6 then) + 48 hours = 03:00 on 16 October.
    started = datetime(2019, 10, 14, 3, 0, tzinfo=ALMATY).astimezone(UTC)
    cap = custody.arrest_cap(held("arrest", day(2019, 10, 14), started_at=started), KZ)
    assert cap is not None
    assert cap.window == day(2019, 10, 16)
    assert "03:00 on 14 October 2019" in text(cap.scenarios[0])


def test_arrest_cap_with_only_a_day_ends_two_days_later() -> None:
    # Detained on 14 October 2019, hour unknown: 48 hours end on 16 October at that hour.
    arrest = held("arrest", day(2019, 10, 14), day(2019, 10, 16))
    cap = custody.arrest_cap(arrest, KZ)
    assert cap is not None
    assert cap.window == day(2019, 10, 16)
    assert cap.other_readings[0].date == D(2019, 10, 17)
    assert cap.actual == day(2019, 10, 16)
    assert cap.status(D(2019, 10, 20)) is Status.PASSED


def test_arrest_cap_of_an_arrest_dated_to_a_range_is_a_window() -> None:
    # Detained 1–3 October: 48 hours end 3–5 October; 72 hours from 3 October: 6 October.
    cap = custody.arrest_cap(held("arrest", PartialDate(D(2019, 10, 1), D(2019, 10, 3))), KZ)
    assert cap is not None
    assert (cap.earliest, cap.latest) == (D(2019, 10, 3), D(2019, 10, 5))
    assert cap.other_readings[0].date == D(2019, 10, 6)
    assert cap.uncertain_because == ("the day of detention",)


# -- pretrial custody limits (CPC Art. 151) ----------------------------------------------------


def limits(
    interval: CustodyFact,
    gravity: str,
    today: date,
    arrests: tuple[CustodyFact, ...] = (),
    trial_start: date | None = None,
) -> list[Deadline]:
    return custody.pretrial_limits(interval, arrests, trial_start, gravity, KZ, today)


def test_two_month_limit_counts_the_first_day_and_never_moves() -> None:
    # 18 October 2019 + 2 months − 1 day = Tuesday 17 December 2019, Independence Day: a
    # custody term is not moved off a holiday.
    found = limits(held("pretrial", day(2019, 10, 18)), "small", D(2019, 11, 1))
    assert kinds(found) == [DeadlineKind.PRETRIAL_CAP, DeadlineKind.PRETRIAL_EXTENSION_REQUEST]
    cap, request = found
    assert cap.window == day(2019, 12, 17)
    assert "start day counted, calendar days, never moved" in text(cap.scenarios[0])
    # The request is shown for the day before the limit (the lead time is not verified).
    assert request.window == day(2019, 12, 16)
    assert "Criminal Procedure Code Art. 151: not verified against the text of the law" in (
        request.unverified
    )


def test_two_month_limit_counts_from_the_arrest_that_led_into_custody() -> None:
    # Arrested 14 October, in pretrial custody from 18 October: 14 October + 2 months − 1 day.
    arrest = held("arrest", day(2019, 10, 14), day(2019, 10, 18))
    found = limits(held("pretrial", day(2019, 10, 18)), "small", D(2019, 11, 1), (arrest,))
    assert found[0].window == day(2019, 12, 13)
    assert "the detention that led into it: 14 October 2019" in text(found[0].scenarios[0])


@pytest.mark.parametrize(
    ("gravity", "months"),
    [
        ("small", [2, 3, 9]),
        ("medium", [2, 3, 9]),
        ("grave", [2, 3, 9, 12]),
        ("especially_grave", [2, 3, 9, 12, 18]),
        (custody.GRAVITY_UNKNOWN, [2, 3, 9, 12, 18]),
    ],
)
def test_extension_stages_follow_the_gravity(gravity, months) -> None:
    # From 1 March 2019, held to 15 March 2021: 2 months → 30 April 2019, 3 → 31 May 2019,
    # 9 → 30 November 2019, 12 → 29 February 2020, 18 → 31 August 2020.
    last_days = {
        2: D(2019, 4, 30),
        3: D(2019, 5, 31),
        9: D(2019, 11, 30),
        12: D(2020, 2, 29),
        18: D(2020, 8, 31),
    }
    interval = held("pretrial", day(2019, 3, 1), day(2021, 3, 15))
    found = limits(interval, gravity, D(2022, 1, 1))
    assert kinds(found) == [DeadlineKind.PRETRIAL_CAP] * len(months)
    assert [d.latest for d in found] == [last_days[m] for m in months]
    assert [d.key for d in found] == [f"pretrial_cap:pretrial-1:{m}" for m in months]
    assert all(d.status(D(2022, 1, 1)) is Status.PASSED for d in found)


def test_stages_stop_at_the_one_that_covers_the_custody() -> None:
    # Held 1 March to 15 July 2019: the 9-month limit (30 November) covers it.
    found = limits(held("pretrial", day(2019, 3, 1), day(2019, 7, 15)), "small", D(2022, 1, 1))
    assert [d.latest for d in found] == [D(2019, 4, 30), D(2019, 5, 31), D(2019, 11, 30)]


def test_extension_request_for_the_next_limit_while_custody_runs_before_trial() -> None:
    # On 5 May 2019, past the 2-month limit (30 April): the 3-month limit is 31 May, the
    # request due the day before, 30 May.
    found = limits(held("pretrial", day(2019, 3, 1)), "small", D(2019, 5, 5))
    assert kinds(found) == [
        DeadlineKind.PRETRIAL_CAP,
        DeadlineKind.PRETRIAL_CAP,
        DeadlineKind.PRETRIAL_EXTENSION_REQUEST,
    ]
    assert found[2].window == day(2019, 5, 30)
    assert found[0].status(D(2019, 5, 5)) is Status.OVERDUE
    assert found[1].status(D(2019, 5, 5)) is Status.UPCOMING


def test_no_extension_request_once_custody_ended_or_trial_began() -> None:
    ended = limits(held("pretrial", day(2019, 3, 1), day(2019, 4, 10)), "small", D(2019, 4, 1))
    assert DeadlineKind.PRETRIAL_EXTENSION_REQUEST not in kinds(ended)
    at_trial = limits(held("pretrial", day(2019, 3, 1)), "small", D(2019, 4, 1), (), D(2019, 3, 20))
    assert DeadlineKind.PRETRIAL_EXTENSION_REQUEST not in kinds(at_trial)
    assert all(d.done for d in at_trial)


# -- asylum (Law on Refugees Art. 10, 11, 8 and 18) ---------------------------------------------


def crossing(when: PartialDate) -> CrossingFact:
    return CrossingFact("crossing-1", person_id=1, case_id=1, date=when, to_country="KZ")


def claim(
    status: str,
    *,
    filed: PartialDate | None = None,
    registered: PartialDate | None = None,
    decided: PartialDate | None = None,
    steps: tuple[ClaimStep, ...] = (),
) -> ClaimFact:
    return ClaimFact(
        "claim-1",
        person_id=1,
        case_id=None,
        host_country="KZ",
        status=status,
        filed=filed,
        registered=registered,
        decided=decided,
        steps=steps,
    )


def asylum_deadlines(
    case_file: CaseFile, today: date
) -> tuple[dict[DeadlineKind, Deadline], tuple[Gap, ...]]:
    result = compute(case_file, today=today)
    return {d.kind: d for d in result.deadlines}, result.gaps


def test_asylum_application_window_from_a_disputed_crossing() -> None:
    # Crossed 1 or 6 October 2019 (sources disagree): 5 calendar days, the start day not
    # counted, nothing moved: 6 October to 11 October. After a forced crossing away from a
    # checkpoint: 24 hours from 1 October, 2 October.
    found, _ = asylum_deadlines(
        CaseFile(crossings=(crossing(PartialDate(D(2019, 10, 1), D(2019, 10, 6))),)),
        D(2019, 10, 7),
    )
    application = found[DeadlineKind.ASYLUM_APPLICATION]
    assert (application.earliest, application.latest) == (D(2019, 10, 6), D(2019, 10, 11))
    assert application.uncertain_because == ("the day of the crossing",)
    assert application.other_readings[0].date == D(2019, 10, 2)
    assert application.status(D(2019, 10, 7)) is Status.DUE
    assert application.rule_ids == ("kz.refugees.10",)


def test_asylum_application_met_late_shows_by_how_much() -> None:
    # Crossed 6 October: due 11 October; the claim was filed 20 October, 9 days later.
    case_file = CaseFile(
        crossings=(crossing(day(2019, 10, 6)),),
        claims=(claim("filed", filed=day(2019, 10, 20)),),
    )
    found, _ = asylum_deadlines(case_file, D(2019, 10, 21))
    application = found[DeadlineKind.ASYLUM_APPLICATION]
    assert application.window == day(2019, 10, 11)
    assert application.actual_difference_days() == 9
    assert application.status(D(2019, 10, 21)) is Status.PASSED


def test_registration_of_a_detainees_claim_within_one_plus_two_days() -> None:
    # Asked for asylum in custody on 25 October 2019: authority told by 26 October, claim
    # registered by 28 October. Registered on 29 October: one day late.
    case_file = CaseFile(
        custody=(held("pretrial", day(2019, 10, 18), case_id=1),),
        claims=(claim("registered", filed=day(2019, 10, 25), registered=day(2019, 10, 29)),),
    )
    found, _ = asylum_deadlines(case_file, D(2019, 11, 1))
    registration = found[DeadlineKind.ASYLUM_REGISTRATION]
    assert registration.window == day(2019, 10, 28)
    assert registration.actual_difference_days() == 1
    assert "told within 1 day (26 October 2019)" in text(registration.scenarios[0])


def test_no_registration_deadline_for_a_claim_filed_at_liberty() -> None:
    case_file = CaseFile(claims=(claim("filed", filed=day(2019, 10, 25)),))
    found, gaps = asylum_deadlines(case_file, D(2019, 11, 1))
    assert DeadlineKind.ASYLUM_REGISTRATION not in found
    assert [g.missing for g in gaps] == ["the day the claim was registered"]


def test_decision_due_3_months_after_registration_12_if_extended() -> None:
    # Registered 29 October 2019: 3 months → 29 January 2020; 12 months → 29 October 2020.
    # On 22 January 2020 the claim has been pending 85 days (3 + 30 + 31 + 21).
    found, _ = asylum_deadlines(
        CaseFile(claims=(claim("pending", registered=day(2019, 10, 29)),)), D(2020, 1, 22)
    )
    decision = found[DeadlineKind.ASYLUM_DECISION]
    extended = found[DeadlineKind.ASYLUM_DECISION_EXTENDED]
    assert decision.window == day(2020, 1, 29)
    assert extended.window == day(2020, 10, 29)
    pending = [i.value for i in decision.inputs if i.label == "Pending"]
    assert pending == [
        "85 days since registration on 29 October 2019 (status: pending; no decision recorded)"
    ]
    assert decision.status(D(2020, 1, 30)) is Status.OVERDUE


def test_decision_due_clamps_to_the_end_of_a_short_month() -> None:
    # Registered 30 November 2019: + 3 months = 30 February, which does not exist: 29 February.
    found, _ = asylum_deadlines(
        CaseFile(claims=(claim("registered", registered=day(2019, 11, 30)),)), D(2019, 12, 1)
    )
    assert found[DeadlineKind.ASYLUM_DECISION].window == day(2020, 2, 29)
    assert found[DeadlineKind.ASYLUM_DECISION_EXTENDED].window == day(2020, 11, 30)


def test_a_decided_claim_says_how_long_it_was_pending_and_is_passed() -> None:
    # Registered 29 October 2019, refused 1 March 2020: 124 days (3 + 30 + 31 + 31 + 29).
    registered, decided = day(2019, 10, 29), day(2020, 3, 1)
    found, _ = asylum_deadlines(
        CaseFile(claims=(claim("refused", registered=registered, decided=decided),)),
        D(2020, 6, 1),
    )
    decision = found[DeadlineKind.ASYLUM_DECISION]
    assert any(i.value == "124 days until the decision" for i in decision.inputs)
    assert decision.actual_difference_days() == 32  # 29 January to 1 March
    assert decision.status(D(2020, 6, 1)) is Status.PASSED


def test_one_month_to_leave_after_a_refusal_dated_only_to_october_2018() -> None:
    # Sayragul Sauytbai, refused "in October 2018": 1 October + 1 month = 1 November;
    # 31 October + 1 month = 31 November, which does not exist: 30 November.
    found, _ = asylum_deadlines(
        CaseFile(claims=(claim("refused", decided=PartialDate.month(2018, 10)),)), D(2019, 1, 1)
    )
    leave = found[DeadlineKind.LEAVE_AFTER_REFUSAL]
    assert (leave.earliest, leave.latest) == (D(2018, 11, 1), D(2018, 11, 30))
    assert leave.uncertain_because == ("the refusal is dated only to October 2018",)
    assert leave.rule_ids == ("kz.refugees.8-18",)


def test_one_month_to_leave_counts_from_the_refusal_step_when_no_decision_day() -> None:
    steps = (ClaimStep("filed", day(2018, 5, 1)), ClaimStep("refused", day(2018, 10, 10)))
    found, _ = asylum_deadlines(CaseFile(claims=(claim("refused", steps=steps),)), D(2019, 1, 1))
    assert found[DeadlineKind.LEAVE_AFTER_REFUSAL].window == day(2018, 11, 10)


def test_no_time_to_leave_while_the_refusal_is_appealed() -> None:
    found, _ = asylum_deadlines(
        CaseFile(claims=(claim("appealed", decided=day(2018, 10, 10)),)), D(2019, 1, 1)
    )
    assert DeadlineKind.LEAVE_AFTER_REFUSAL not in found


# -- the treaty hand-over (unverified rule) ----------------------------------------------------


def handover_file(*claims: ClaimFact) -> CaseFile:
    return CaseFile(
        custody=(held("arrest", day(2019, 10, 14), day(2019, 10, 18)),),
        crossings=(crossing(day(2019, 10, 6)),),
        claims=claims,
        case_jurisdictions={1: "KZ"},
    )


def test_treaty_handover_is_suppressed_while_an_asylum_claim_is_pending() -> None:
    # Detained 14 October 2019: 7 days later, 21 October.
    found, _ = asylum_deadlines(
        handover_file(claim("pending", filed=day(2019, 10, 20))), D(2019, 10, 15)
    )
    handover = found[DeadlineKind.TREATY_HANDOVER]
    assert handover.window == day(2019, 10, 21)
    assert handover.suppressed_because == (
        "An asylum claim is pending (since 20 October 2019): no hand-over while it is (Law on "
        "Refugees Art. 8; Refugee Convention Art. 33)."
    )
    assert (
        "China–Kazakhstan border agreement of 2006: not verified against the text of the law"
        in (handover.unverified)
    )


def test_treaty_handover_is_not_suppressed_without_a_pending_claim() -> None:
    for claims in ((), (claim("refused", decided=day(2019, 10, 1)),)):
        found, _ = asylum_deadlines(handover_file(*claims), D(2019, 10, 15))
        handover = found[DeadlineKind.TREATY_HANDOVER]
        assert handover.window == day(2019, 10, 21)
        assert handover.suppressed_because == ""


# -- probation and restrictions ------------------------------------------------------------------


def test_probation_end_is_a_gap_when_the_probation_period_is_missing() -> None:
    # Sayragul Sauytbai: 1 August 2018, six months suspended, no probation period reported.
    found, gaps = verdict(sentence(day(2018, 8, 1), kind="suspended", term=Term(0, 6)))
    assert DeadlineKind.RESTRICTION_END not in found
    assert DeadlineKind.RELEASE not in found
    assert [(g.kind, g.missing) for g in gaps] == [
        (DeadlineKind.RESTRICTION_END, "the probation period")
    ]


def test_probation_ends_the_day_before_the_anniversary_of_the_entry_into_force() -> None:
    # 1 August 2018 + 15 = Thursday 16 August; in force 17 August; 12 months, the first day
    # counted: 16 August 2019.
    one = sentence(day(2018, 8, 1), kind="suspended", term=Term(0, 6), probation_months=12)
    found, gaps = verdict(one)
    assert gaps == []
    assert found[DeadlineKind.RESTRICTION_END].window == day(2019, 8, 16)
    assert found[DeadlineKind.RESTRICTION_END].title == "Probation ends (12 months)"


def test_a_three_month_ban_ends_on_its_last_day_even_a_holiday() -> None:
    # Serikzhan Bilash, travel banned for three months on Saturday 17 August 2019: appeal to
    # Sunday 1 September → Monday 2 September; in force 3 September; + 3 months − 1 day =
    # 2 December 2019 (First President Day, observed): a term of days served is not moved.
    found, gaps = verdict(sentence(day(2019, 8, 17), kind="ban", term=Term(0, 3)))
    assert gaps == []
    ban = found[DeadlineKind.RESTRICTION_END]
    assert ban.window == day(2019, 12, 2)
    assert ban.title == "Ban ends (3 months)"
    assert (
        "Criminal Code Art. 63 and 44: not verified against the text of the law" in ban.unverified
    )


def test_a_restriction_without_a_term_is_a_gap() -> None:
    _, gaps = verdict(sentence(day(2019, 8, 17), kind="restriction"))
    assert [g.missing for g in gaps] == ["the term of the restriction"]


# -- release and the credit for custody (CC Art. 62, 6; PEC Art. 165) ---------------------------


def single_release(one: SentenceFact, *intervals: CustodyFact) -> Deadline:
    found, gaps = verdict(one, intervals)
    assert gaps == [] or all(g.kind is DeadlineKind.PAROLE for g in gaps)
    release = found[DeadlineKind.RELEASE]
    assert release.earliest == release.latest, "every input is certain"
    return release


def test_custody_begun_in_2019_gets_the_lenient_2020_credit() -> None:
    # Held from 1 November 2019, verdict 20 January 2020, in force 5 February 2020, 1 year,
    # minimum security. 1 November to 4 February = 3 months 4 days; × 2 (2020 text, applied
    # to the 2019 days by Art. 6) = 6 months 8 days, counted as served before 5 February:
    # 5 February − 6 months 8 days = 28 July 2019; + 1 year = 28 July 2020; last day Monday
    # 27 July 2020.
    release = single_release(
        sentence(
            day(2020, 1, 20),
            term=Term(1),
            institution="minimum",
            entered_into_force=day(2020, 2, 5),
        ),
        held("pretrial", day(2019, 11, 1)),
    )
    assert release.window == day(2020, 7, 27)
    steps = text(release.scenarios[0])
    assert "as the more lenient law it applies to the whole period (Criminal Code Art. 6)" in steps
    assert "3 months 4 days × 2 = 6 months 8 days" in steps
    assert {"kz.cc.62.3@2020", "kz.cc.6"} <= set(release.rule_ids)
    assert "kz.cc.62.3@2015" not in release.rule_ids


def test_custody_and_verdict_in_2019_credit_one_day_for_one() -> None:
    # Held from 1 June 2019, in force 18 November 2019, 1 year, minimum security, the court
    # said 2:1. The 2019 text gives 1:1 whatever the institution: 1 June to 17 November =
    # 5 months 17 days; left 6 months 13 days; 18 November + 6 months 13 days = 31 May 2020;
    # last day Saturday 30 May → Friday 29 May.
    release = single_release(
        sentence(
            day(2019, 11, 1),
            term=Term(1),
            institution="minimum",
            credit_stated="2:1",
            entered_into_force=day(2019, 11, 18),
        ),
        held("pretrial", day(2019, 6, 1)),
    )
    assert release.window == day(2020, 5, 29)
    steps = text(release.scenarios[0])
    assert "The court stated 2 days per day; the rule gives 1" in steps
    assert "Criminal Code Art. 6)" not in steps
    assert "kz.cc.6" not in release.rule_ids
    assert "kz.cc.62.3@2015" in release.rule_ids


def test_medium_security_credits_one_and_a_half_days() -> None:
    # Held from 1 February 2020, in force 1 May 2020, 1 year, medium security: 3 months × 1.5 =
    # 4 months 15 days; left 7 months 15 days; 1 May + 7 months 15 days = 16 December;
    # last day Tuesday 15 December 2020. No Art. 6: custody began under the 2020 text.
    release = single_release(
        sentence(
            day(2020, 4, 15), term=Term(1), institution="medium", entered_into_force=day(2020, 5, 1)
        ),
        held("pretrial", day(2020, 2, 1)),
    )
    assert release.window == day(2020, 12, 15)
    steps = text(release.scenarios[0])
    assert "3 months × 1.5 = 4 months 15 days" in steps
    assert "kz.cc.6" not in release.rule_ids


def test_house_arrest_counts_two_days_for_one() -> None:
    # House arrest 1 February to 30 April 2020, then custody from 1 May; in force 1 June 2020;
    # 1 year, maximum security (1:1). Custody 1 month + house arrest 3 months ÷ 2 = 1 month
    # 15 days: 2 months 15 days served before 1 June: 1 June − 2 months 15 days = 17 March
    # 2020; + 1 year = 17 March 2021; last day Tuesday 16 March 2021.
    release = single_release(
        sentence(
            day(2020, 5, 15),
            term=Term(1),
            institution="maximum",
            entered_into_force=day(2020, 6, 1),
        ),
        held("house_arrest", day(2020, 2, 1), day(2020, 4, 30)),
        held("pretrial", day(2020, 5, 1)),
    )
    assert release.window == day(2021, 3, 16)
    steps = text(release.scenarios[0])
    assert "House arrest counts at 0.5 (Criminal Code Art. 62(4)); in all 2 months 15 days" in steps
    assert "kz.cc.62.4" in release.rule_ids


def test_release_is_a_gap_without_custody_or_without_a_rate() -> None:
    _, gaps = verdict(sentence(day(2020, 1, 21), term=Term(1), institution="minimum"))
    assert (DeadlineKind.RELEASE, "the day custody began") in [(g.kind, g.missing) for g in gaps]
    _, gaps = verdict(
        sentence(day(2020, 1, 21), term=Term(1)), (held("pretrial", day(2019, 10, 18)),)
    )
    assert (DeadlineKind.RELEASE, "the institution type or the court's credit rate") in [
        (g.kind, g.missing) for g in gaps
    ]


def test_release_is_never_before_the_verdict() -> None:
    # Held from 1 June 2020, verdict 1 December 2020 (copy received that day), 6 months,
    # minimum security: 3 months of custody at 2:1 covered the term on 1 September 2020, three
    # months before the verdict. Released at the verdict, 1 December 2020.
    release = single_release(
        sentence(
            day(2020, 12, 1), term=Term(0, 6), institution="minimum", copy_received=D(2020, 12, 1)
        ),
        held("pretrial", day(2020, 6, 1)),
    )
    assert release.earliest >= D(2020, 12, 1)


def test_one_more_day_of_custody_never_delays_release() -> None:
    # 2 months, minimum security in 2019 (1:1), verdict 16 January 2019, copy received that
    # day: appeal to Thursday 31 January, in force 1 February 2019, held throughout.
    # From 1 January: 1 month credited, 1 month left; 1 February + 1 month = 1 March; last day
    #   Thursday 28 February.
    # From 31 December 2018: 1 month 1 day credited, 29 days left; 1 February + 29 days =
    #   2 March; last day Friday 1 March: later, for longer custody. By the calendar, 2 months
    #   from 31 December end on 27 February (28 February clamped, the day before).
    def release_from(start: PartialDate) -> date:
        one = sentence(
            day(2019, 1, 16), term=Term(0, 2), institution="minimum", copy_received=D(2019, 1, 16)
        )
        return single_release(one, held("pretrial", start)).earliest

    assert release_from(day(2019, 1, 1)) == D(2019, 2, 28)
    assert release_from(day(2018, 12, 31)) <= D(2019, 2, 28)


def test_a_day_of_credit_never_delays_release() -> None:
    # 2 months, in force 1 January 2019, one day held on 10 December 2018 (1:1).
    # No credit: 1 January + 2 months = 1 March; last day Thursday 28 February.
    # With the day: 2 months − 1 day = 1 month 29 days; 1 January + 1 month 29 days = 2 March;
    # last day Friday 1 March.
    one = sentence(
        day(2018, 12, 14),
        term=Term(0, 2),
        institution="minimum",
        entered_into_force=day(2019, 1, 1),
    )
    release = single_release(one, held("arrest", day(2018, 12, 10), day(2018, 12, 10)))
    assert release.earliest <= D(2019, 2, 28)


def test_release_of_someone_imprisoned_after_the_verdict_entered_into_force() -> None:
    # At liberty until the verdict of 21 January 2020 entered into force (6 February);
    # imprisoned from 10 March 2020; 1 year: 10 March 2021, last day Tuesday 9 March 2021.
    one = sentence(day(2020, 1, 21), term=Term(1), institution="minimum")
    found, gaps = verdict(one, (held("prison", day(2020, 3, 10)),))
    assert DeadlineKind.RELEASE not in [g.kind for g in gaps]
    assert found[DeadlineKind.RELEASE].window == day(2021, 3, 9)


def test_release_counts_what_is_left_from_the_day_imprisonment_began() -> None:
    # Held 1–30 November 2019 (1 month × 2 = 2 months), released; verdict 20 January 2020, in
    # force 5 February; imprisoned from 1 March 2020; 1 year − 2 months = 10 months from
    # 1 March = 1 January 2021, last day Thursday 31 December 2020. The engine counts the
    # 10 months from 5 February: 5 December, last day 4 December.
    one = sentence(
        day(2020, 1, 20), term=Term(1), institution="minimum", entered_into_force=day(2020, 2, 5)
    )
    release = single_release(
        one,
        held("pretrial", day(2019, 11, 1), day(2019, 11, 30)),
        held("prison", day(2020, 3, 1), ref="prison-1"),
    )
    assert release.window == day(2020, 12, 31)


# -- parole (CC Art. 72) ---------------------------------------------------------------------------


def test_parole_after_a_third_when_that_comes_after_six_months() -> None:
    # Art. 392 part 2 (medium gravity), 3 years, medium security; held from 3 February 2020, in
    # force 17 June 2020. A third of 3 years = 12 months. Credit to 17 June: 4 months 14 days ×
    # 1.5 = 6 months 21 days (4.5 months + 21 days); 5 months 9 days more after 17 June:
    # 26 November 2020. Six months actually served on 3 August 2020: the third decides.
    one = sentence(
        day(2020, 6, 1), term=Term(3), institution="medium", entered_into_force=day(2020, 6, 17)
    )
    found, gaps = verdict(one, (held("pretrial", day(2020, 2, 3)),), offences=(ART_392_2,))
    assert gaps == []
    parole = found[DeadlineKind.PAROLE]
    assert parole.window == day(2020, 11, 26)
    steps = text(parole.scenarios[0])
    assert "Art. 392 part 2: an offence of medium gravity" in steps
    assert "1/3 of 3 years = 12 months" in steps
    assert "Never before 6 months actually served: reached on 3 August 2020" in steps


def test_parole_is_never_before_the_verdict_enters_into_force() -> None:
    # Art. 392 part 2, 3 years, medium security; held from 3 February 2020; verdict 1 February
    # 2021, copy received that day: appeal to 16 February, in force 17 February 2021. A third
    # (12 months) is reached by credit on 3 October 2020 (8 months × 1.5) and 6 months actually
    # served on 3 August 2020, but parole applies to a sentence in force: 17 February 2021.
    one = sentence(day(2021, 2, 1), term=Term(3), institution="medium", copy_received=D(2021, 2, 1))
    found, _ = verdict(one, (held("pretrial", day(2020, 2, 3)),), offences=(ART_392_2,))
    assert found[DeadlineKind.PAROLE].earliest >= D(2021, 2, 17)


def test_no_parole_when_the_term_ends_first() -> None:
    # Tabarikuly's 6 months were served by credit on 21 January; six months actually served
    # only on 22 April 2020.
    one = sentence(day(2020, 1, 16), term=Term(0, 6), institution="minimum", offences=(ART_392_1,))
    found, gaps = verdict(one, (held("pretrial", day(2019, 10, 22)),))
    assert DeadlineKind.PAROLE not in found
    assert gaps == []


# -- hearings and statuses -------------------------------------------------------------------------


def test_a_scheduled_hearing_is_a_deadline_and_a_held_one_is_not() -> None:
    scheduled = HearingFact(
        "hearing-1", case_id=1, date=day(2020, 1, 21), kind="verdict", status="scheduled"
    )
    adjourned = HearingFact(
        "hearing-2", case_id=1, date=day(2020, 1, 6), kind="trial", status="adjourned"
    )
    result = compute(
        CaseFile(hearings=(scheduled, adjourned), case_jurisdictions={1: "KZ"}), today=D(2020, 1, 7)
    )
    assert [(d.kind, d.window) for d in result.deadlines] == [
        (DeadlineKind.NEXT_HEARING, day(2020, 1, 21))
    ]


def test_nothing_is_computed_for_a_case_outside_a_known_jurisdiction() -> None:
    case_file = CaseFile(
        custody=kaster_custody(), sentences=(kaster_sentence(),), case_jurisdictions={1: "SE"}
    )
    assert compute(case_file, today=D(2020, 1, 22)).deadlines == ()


def window_deadline(*, done: bool = False, actual: PartialDate | None = None) -> Deadline:
    return Deadline(
        kind=DeadlineKind.APPEAL_VERDICT,
        key="appeal_verdict:test",
        title="Last day to appeal the verdict",
        earliest=D(2020, 2, 5),
        latest=D(2020, 2, 10),
        done=done,
        actual=actual,
    )


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2020, 2, 4), Status.UPCOMING),
        (D(2020, 2, 5), Status.DUE),
        (D(2020, 2, 7), Status.DUE),
        (D(2020, 2, 10), Status.DUE),
        (D(2020, 2, 11), Status.OVERDUE),
    ],
)
def test_status_moves_from_upcoming_to_due_to_overdue(today, status) -> None:
    assert window_deadline().status(today) is status


def test_a_past_deadline_is_passed_once_done_or_once_it_happened() -> None:
    assert window_deadline(done=True).status(D(2020, 2, 11)) is Status.PASSED
    happened = window_deadline(actual=day(2020, 2, 12))
    assert happened.status(D(2020, 2, 11)) is Status.PASSED
    assert happened.actual_difference_days() == 2
    assert window_deadline(actual=day(2020, 2, 1)).actual_difference_days() == -4
    assert window_deadline().actual_difference_days() is None
    assert window_deadline(done=True).status(D(2020, 2, 6)) is Status.DUE


def test_the_engine_is_plain_python_with_no_django_import() -> None:
    import ast
    from pathlib import Path

    engine = Path(__file__).resolve().parent.parent / "deadlines" / "engine"
    for module in engine.glob("*.py"):
        tree = ast.parse(module.read_text())
        imported = [
            name
            for node in ast.walk(tree)
            for name in (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
        ]
        assert not [name for name in imported if name.split(".")[0] == "django"], module.name
