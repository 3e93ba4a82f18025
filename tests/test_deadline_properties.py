"""Properties of the deadline engine that hold for every input (hypothesis, no database).

A property marked xfail(strict=True) does not hold today: its `@example` is the smallest
counterexample found, worked by hand in the comment above it."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from core.partial_dates import PartialDate
from deadlines.engine import compute
from deadlines.engine.counting import (
    PROCEDURAL,
    Roll,
    Term,
    add_term,
    months_and_days,
    subtract_terms,
)
from deadlines.engine.custody_time import scale
from deadlines.engine.derivation import Work
from deadlines.engine.facts import (
    CaseFile,
    ClaimFact,
    CrossingFact,
    CustodyFact,
    HearingFact,
    Offence,
    SentenceFact,
)
from deadlines.engine.results import DeadlineKind, Status
from deadlines.engine.rules import KAZAKHSTAN, RULES_BY_ID
from deadlines.engine.sentences import verdict_deadlines

D = date
KZ = KAZAKHSTAN
ONE_DAY = timedelta(days=1)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The years the holidays package and the rules cover well.
days = st.dates(min_value=D(2016, 1, 1), max_value=D(2029, 12, 31))
terms = st.builds(Term, st.just(0), st.integers(0, 60), st.integers(0, 29))
sentence_terms = st.builds(Term, st.just(0), st.integers(1, 36), st.integers(0, 29))
ratios = st.sampled_from(["1:1", "1.5:1", "2:1"])
RATIO_ORDER = {"1:1": 1, "1.5:1": 2, "2:1": 3}


def units(term: Term) -> int:
    """A term in days, a month counted as 30 (the courts' convention)."""
    return term.total_months * 30 + term.days


# -- month arithmetic ----------------------------------------------------------------------------


@FAST
@given(start=days, months=st.integers(0, 120))
@example(start=D(2020, 1, 31), months=1)
def test_adding_months_clamps_to_the_end_of_a_shorter_month(start, months) -> None:
    end = add_term(start, Term(0, months, 0))
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])
    if (start, months) == (D(2020, 1, 31), 1):
        assert end == D(2020, 2, 29)


@FAST
@given(first=days, second=days, term=terms, more=terms)
def test_adding_a_term_is_monotone(first, second, term, more) -> None:
    first, second = sorted((first, second))
    assert add_term(first, term) <= add_term(second, term)
    # A term at least as long in months and in days never ends earlier.
    longer = Term(0, term.months + more.months, term.days + more.days)
    assert add_term(first, term) <= add_term(first, longer)


@FAST
@given(start=days, end=days)
@example(start=D(2020, 1, 31), end=D(2020, 3, 1))
def test_months_and_days_then_adding_them_back_round_trips(start, end) -> None:
    start, end = sorted((start, end))
    between = months_and_days(start, end)
    assert 0 <= between.days <= 30
    assert add_term(start, between) == end


@FAST
@given(start=days, end=days, later=st.integers(0, 400))
def test_months_and_days_grows_with_the_end_counted_at_30_days_a_month(start, end, later) -> None:
    start, end = sorted((start, end))
    assert units(months_and_days(start, end)) <= units(
        months_and_days(start, end + timedelta(days=later))
    )


@FAST
@given(term=terms)
def test_normalising_keeps_the_length_at_30_days_a_month(term) -> None:
    normal = term.normalised()
    assert units(normal) == units(term)
    assert 0 <= normal.days < 30


@FAST
@given(whole=terms, part=terms)
def test_subtracting_terms_leaves_the_difference_or_none(whole, part) -> None:
    left = subtract_terms(whole, part)
    if units(part) >= units(whole):
        assert left is None
    else:
        assert left is not None
        assert units(left) + units(part) == units(whole)


@FAST
@given(term=terms)
def test_scaling_by_one_is_the_identity_after_normalisation(term) -> None:
    assert scale(term, Fraction(1)) == term.normalised()


@FAST
@given(
    term=terms, ratio=st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(3, 2), Fraction(2)])
)
def test_scaling_rounds_up_never_down(term, ratio) -> None:
    exact = units(term) * ratio
    assert exact <= units(scale(term, ratio)) < exact + 1


# -- working days --------------------------------------------------------------------------------


@FAST
@given(raw=days)
def test_rolling_forward_lands_on_the_next_working_day(raw) -> None:
    moved = KZ.calendar.roll(raw, Roll.FORWARD)
    assert moved >= raw
    assert KZ.calendar.is_working_day(moved)
    between = raw
    while between < moved:
        assert not KZ.calendar.is_working_day(between)
        between += ONE_DAY


@FAST
@given(raw=days)
def test_rolling_backward_lands_on_the_preceding_working_day(raw) -> None:
    moved = KZ.calendar.roll(raw, Roll.BACKWARD)
    assert moved <= raw
    assert KZ.calendar.is_working_day(moved)
    between = raw
    while between > moved:
        assert not KZ.calendar.is_working_day(between)
        between -= ONE_DAY


@FAST
@given(raw=days)
def test_custody_terms_never_roll(raw) -> None:
    assert KZ.calendar.roll(raw, Roll.NONE) == raw


@FAST
@given(start=days, length=st.integers(1, 30))
def test_a_procedural_term_ends_on_a_working_day_no_earlier_than_its_raw_end(start, length) -> None:
    last = Work().count_days(
        start, length, PROCEDURAL, KZ.calendar, RULES_BY_ID["kz.cpc.48"], "The term"
    )
    raw = start + timedelta(days=length)  # the start day not counted
    assert last >= raw
    assert KZ.calendar.is_working_day(last)


# -- release ---------------------------------------------------------------------------------------


def release_day(
    start: date, end: date | None, in_force: date, term: Term, stated: str = "1:1"
) -> date:
    """The release computed for one stretch of custody, `end` None while still held, with the
    entry into force recorded and the court's stated credit rate (no institution type)."""
    custody = CustodyFact(
        "custody-1",
        person_id=1,
        case_id=1,
        kind="pretrial",
        start=PartialDate.of(start),
        end=PartialDate.of(end) if end else None,
    )
    sentence = SentenceFact(
        "sentence-1",
        person_id=1,
        case_id=1,
        kind="imprisonment",
        pronounced=PartialDate.of(in_force - timedelta(days=16)),
        term=term,
        credit_stated=stated,
        entered_into_force=PartialDate.of(in_force),
    )
    found, _ = verdict_deadlines([sentence], [custody], [], [], KZ)
    (release,) = [d for d in found if d.kind is DeadlineKind.RELEASE]
    assert release.earliest == release.latest
    return release.earliest


def release_without_credit(in_force: date, term: Term) -> date:
    """The term served entirely from the entry into force."""
    return KZ.calendar.roll(add_term(in_force, term) - ONE_DAY, Roll.BACKWARD)


@st.composite
def custody_cases(draw: st.DrawFn) -> tuple[date, date, date, Term, str]:
    """Custody from `start` to `end` inclusive, before the entry into force."""
    start = draw(st.dates(min_value=D(2016, 1, 1), max_value=D(2027, 12, 31)))
    end = start + timedelta(days=draw(st.integers(0, 500)))
    in_force = end + timedelta(days=draw(st.integers(1, 200)))
    return start, end, in_force, draw(sentence_terms), draw(ratios)


# With 1:1 credit, a term of 2 months and the verdict in force on 1 February 2019:
# custody 1–31 January = 1 month, 1 month left: 1 February + 1 month = 1 March, last day
# Thursday 28 February. Custody from 31 December = 1 month 1 day, 29 days left: 1 February +
# 29 days = 2 March, last day Friday 1 March: a day later for a day more in custody.
@SLOW
@given(case=custody_cases(), earlier=st.integers(0, 60), later=st.integers(0, 60))
@example(case=(D(2019, 1, 1), D(2019, 1, 31), D(2019, 2, 1), Term(0, 2), "1:1"), earlier=1, later=0)
def test_longer_custody_never_makes_release_later(case, earlier, later) -> None:
    start, end, in_force, term, stated = case
    longer_end = min(end + timedelta(days=later), in_force - ONE_DAY)
    shorter = release_day(start, end, in_force, term, stated)
    longer = release_day(start - timedelta(days=earlier), longer_end, in_force, term, stated)
    assert longer <= shorter


# One day held, a term of 1 month 1 day, in force 1 February 2019. At 1:1: 1 day credited,
# 1 month left, last day 28 February. At 1.5:1: 2 days credited (1.5 rounded up), 29 days left,
# 1 February + 29 days = 2 March, last day 1 March.
@SLOW
@given(case=custody_cases(), other=ratios)
@example(case=(D(2019, 1, 10), D(2019, 1, 10), D(2019, 2, 1), Term(0, 1, 1), "1:1"), other="1.5:1")
def test_a_higher_credit_ratio_never_makes_release_later(case, other) -> None:
    start, end, in_force, term, stated = case
    low, high = sorted((stated, other), key=RATIO_ORDER.__getitem__)
    assert release_day(start, end, in_force, term, high) <= release_day(
        start, end, in_force, term, low
    )


# Held from 15 March 2019 without a break, 3 months at 1:1. In force 14 April: 15 March to
# 13 April = 30 days, taken as a whole month; 2 months left: 14 June, last day Thursday 13 June.
# In force 15 April: 1 month credited, 2 months left: 15 June, last day Friday 14 June.
@SLOW
@given(
    start=st.dates(min_value=D(2016, 1, 1), max_value=D(2027, 12, 31)),
    held_days=st.integers(1, 400),
    later=st.integers(1, 60),
    term=sentence_terms,
    stated=ratios,
)
@example(start=D(2019, 3, 15), held_days=30, later=1, term=Term(0, 3), stated="1:1")
def test_a_later_entry_into_force_never_makes_release_later_for_someone_held_throughout(
    start, held_days, later, term, stated
) -> None:
    in_force = start + timedelta(days=held_days)
    later_release = release_day(start, None, in_force + timedelta(days=later), term, stated)
    # A term served before the verdict ends in the courtroom on the verdict's day (release_day
    # puts it 16 days before the entry into force), which no weekend moves back.
    later_verdict = in_force + timedelta(days=later - 16)
    assert later_release <= max(release_day(start, None, in_force, term, stated), later_verdict)


# Held from 15 March 2019 without a break, 3 months at 1:1: the term ends on 14 June whenever
# the verdict entered into force, since every day until then is credited one for one.
@SLOW
@given(
    start=st.dates(min_value=D(2016, 1, 1), max_value=D(2027, 12, 31)),
    held_days=st.integers(1, 400),
    term=sentence_terms,
)
@example(start=D(2019, 3, 15), held_days=30, term=Term(0, 3))
def test_at_one_for_one_the_entry_into_force_does_not_move_release_of_someone_held_throughout(
    start, held_days, term
) -> None:
    in_force = start + timedelta(days=held_days)
    assume(add_term(start, term) > in_force)  # the term outlasts the custody before it
    expected = KZ.calendar.roll(add_term(start, term) - ONE_DAY, Roll.BACKWARD)
    assert release_day(start, None, in_force, term, "1:1") == expected


# One day held (10 December 2018), 2 months, in force 1 January 2019. No credit: 1 March, last
# day Thursday 28 February. With the day: 1 month 29 days left: 2 March, last day Friday 1 March.
# Worse with a holiday: one day held (1 January 2021), 2 months, in force 9 January 2021. No
# credit: 9 March, last day Monday 8 March (Women's Day) → Friday 5 March. With the day: 9 February
# + 29 days = 10 March, last day Tuesday 9 March: four days later for a day of credit.
@SLOW
@given(case=custody_cases())
@example(case=(D(2018, 12, 10), D(2018, 12, 10), D(2019, 1, 1), Term(0, 2), "1:1"))
@example(case=(D(2021, 1, 1), D(2021, 1, 1), D(2021, 1, 9), Term(0, 2), "1:1"))
def test_credit_never_makes_release_later_than_no_credit(case) -> None:
    start, end, in_force, term, stated = case
    assert release_day(start, end, in_force, term, stated) <= release_without_credit(in_force, term)


# -- every deadline of random case files -----------------------------------------------------------


FIRST_DAY, LAST_DAY = D(2016, 1, 1), D(2024, 12, 31)


def partial_dates(low: date = FIRST_DAY, high: date = LAST_DAY) -> st.SearchStrategy[PartialDate]:
    @st.composite
    def build(draw: st.DrawFn) -> PartialDate:
        first = draw(st.dates(min_value=low, max_value=high))
        spread = draw(st.sampled_from([0, 0, 0, 2, 5, 30]))
        return PartialDate(first, first + timedelta(days=spread))

    return build()


@st.composite
def case_files(draw: st.DrawFn) -> CaseFile:
    custody = []
    for number in range(draw(st.integers(0, 3))):
        start = draw(partial_dates())
        end = draw(
            st.one_of(
                st.none(),
                partial_dates(start.latest, start.latest + timedelta(days=400)),
            )
        )
        custody.append(
            CustodyFact(
                f"custody-{number}",
                person_id=1,
                case_id=1,
                kind=draw(st.sampled_from(["arrest", "pretrial", "house_arrest", "prison"])),
                start=start,
                end=end,
                end_unknown=end is None and draw(st.booleans()),
            )
        )
    sentences = []
    if draw(st.booleans()):
        pronounced = draw(partial_dates())
        sentences.append(
            SentenceFact(
                "sentence-1",
                person_id=1,
                case_id=1,
                kind=draw(st.sampled_from(["imprisonment", "suspended", "ban", "fine"])),
                pronounced=pronounced,
                term=draw(sentence_terms),
                institution=draw(st.sampled_from(["", "minimum", "medium", "maximum"])),
                credit_stated=draw(st.sampled_from(["", "1:1", "1.5:1", "2:1"])),
                probation_months=draw(st.one_of(st.none(), st.integers(1, 36))),
                entered_into_force=draw(
                    st.one_of(
                        st.none(),
                        partial_dates(pronounced.latest, pronounced.latest + timedelta(days=60)),
                    )
                ),
            )
        )
    hearings = [
        HearingFact(
            f"hearing-{number}",
            case_id=1,
            date=draw(partial_dates()),
            kind=draw(st.sampled_from(["trial", "verdict", "custody", "appeal"])),
            status=draw(st.sampled_from(["scheduled", "held", "adjourned"])),
        )
        for number in range(draw(st.integers(0, 2)))
    ]
    claims = []
    if draw(st.booleans()):
        claims.append(
            ClaimFact(
                "claim-1",
                person_id=1,
                case_id=None,
                host_country="KZ",
                status=draw(st.sampled_from(["filed", "registered", "pending", "refused"])),
                filed=draw(st.one_of(st.none(), partial_dates())),
                registered=draw(st.one_of(st.none(), partial_dates())),
                decided=draw(st.one_of(st.none(), partial_dates())),
            )
        )
    crossings = [
        CrossingFact(
            "crossing-1", person_id=1, case_id=1, date=draw(partial_dates()), to_country="KZ"
        )
    ]
    offences = draw(
        st.sampled_from([(), (Offence("CC", "392", "1"),), (Offence("CC", "392", "2"),)])
    )
    return CaseFile(
        custody=tuple(custody),
        sentences=tuple(sentences),
        hearings=tuple(hearings),
        claims=tuple(claims),
        crossings=tuple(crossings),
        case_jurisdictions={1: "KZ"},
        case_offences={(1, 1): offences},
    )


@SLOW
@given(case_file=case_files(), today=st.dates(min_value=D(2016, 1, 1), max_value=D(2026, 12, 31)))
def test_every_deadline_is_a_window_its_readings_bound(case_file, today) -> None:
    result = compute(case_file, today=today)
    for deadline in result.deadlines:
        assert deadline.earliest <= deadline.latest
        assert deadline.scenarios, deadline.key
        assert deadline.scenarios[0].date == deadline.earliest
        assert deadline.scenarios[-1].date == deadline.latest
        assert (deadline.earliest != deadline.latest) == (len(deadline.scenarios) == 2)
        assert deadline.status(today) in Status
        assert set(deadline.rule_ids) <= set(RULES_BY_ID)
        for reading in (*deadline.scenarios, *deadline.other_readings):
            for step in reading.steps:
                assert not step.rule_id or step.rule_id in RULES_BY_ID
    assert len({d.key for d in result.deadlines}) == len(result.deadlines)


def test_a_verdict_before_the_2014_codes_does_not_crash() -> None:
    custody = CustodyFact(
        "custody-1", person_id=1, case_id=1, kind="pretrial", start=PartialDate.day(2014, 3, 1)
    )
    sentence = SentenceFact(
        "sentence-1",
        person_id=1,
        case_id=1,
        kind="imprisonment",
        pronounced=PartialDate.day(2014, 9, 1),
        term=Term(1),
        institution="minimum",
    )
    result = compute(
        CaseFile(custody=(custody,), sentences=(sentence,), case_jurisdictions={1: "KZ"}),
        today=D(2020, 1, 1),
    )
    assert DeadlineKind.VERDICT_IN_FORCE in [d.kind for d in result.deadlines]
