"""What the deadline pages show, built from a `DeadlineReport` without touching the database.

The engine's results are plain dataclasses; these helpers add what a page needs around them:
the status on a given day, labels in the active language, the person and case records, the
rules behind each step, and the dashboard's sections and filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.display import date_label
from core.partial_dates import PartialDate
from deadlines.engine.results import MAIN_RULE_KEY, Deadline, DeadlineKind, Gap, Scenario, Status

if TYPE_CHECKING:
    from cases.models import Case
    from deadlines.collect import DeadlineReport
    from people.models import Person

WEEK = timedelta(days=7)
MONTH = timedelta(days=30)
RECENTLY = timedelta(days=30)

STATUS_LABELS = {
    Status.UPCOMING: gettext_lazy("Upcoming"),
    Status.DUE: gettext_lazy("Due now"),
    Status.OVERDUE: gettext_lazy("Overdue"),
    Status.PASSED: gettext_lazy("Passed"),
}


def kind_label(kind: DeadlineKind) -> str:
    """The kind's label in the active language (the engine's labels are the English msgids)."""
    return _(kind.label)


def status_label(status: Status) -> str:
    return str(STATUS_LABELS[status])


def day_label(day: date) -> str:
    return date_label(PartialDate.of(day))


# -- rules -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    """What a page says about a rule: its article and title, source, dates and caveats."""

    id: str
    article: str = ""
    title: str = ""
    legal_source: str = ""
    verified: bool = True
    dates_verified: bool = True
    in_force_from: date | None = None
    in_force_until: date | None = None
    note: str = ""

    @property
    def known(self) -> bool:
        return bool(self.article or self.title)


def _rules_by_id() -> Mapping[str, Any]:
    try:
        from deadlines.engine.rules import RULES_BY_ID
    except ImportError:  # pragma: no cover - the engine always ships its rules
        return {}
    return RULES_BY_ID


def rule_info(rule_id: str) -> RuleInfo:
    """The rule as the engine describes it; only its id when the engine does not know it."""
    rule = _rules_by_id().get(rule_id)
    if rule is None:
        return RuleInfo(id=rule_id)
    return RuleInfo(
        id=rule_id,
        article=str(getattr(rule, "article", "")),
        title=str(getattr(rule, "title", "")),
        legal_source=str(getattr(rule, "legal_source", "")),
        verified=bool(getattr(rule, "verified", True)),
        dates_verified=bool(getattr(rule, "dates_verified", True)),
        in_force_from=getattr(rule, "in_force_from", None),
        in_force_until=getattr(rule, "in_force_until", None),
        note=str(getattr(rule, "note", "")),
    )


def main_rule_id(deadline: Deadline) -> str:
    """The rule a deadline is named after (the release rule for a release), else the first
    the engine lists, or the first step's."""
    key = MAIN_RULE_KEY.get(deadline.kind)
    for rule_id in deadline.rule_ids:
        if key and getattr(_rules_by_id().get(rule_id), "key", None) == key:
            return rule_id
    if deadline.rule_ids:
        return deadline.rule_ids[0]
    for scenario in deadline.scenarios:
        for step in scenario.steps:
            if step.rule_id:
                return step.rule_id
    return ""


# -- one deadline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline as a list shows it on one day."""

    deadline: Deadline
    status: Status
    person: Person | None
    case: Case | None

    @property
    def kind_label(self) -> str:
        return kind_label(self.deadline.kind)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def subject(self) -> str:
        """Whose deadline it is, for a calendar title: the person, else the case."""
        if self.person is not None:
            return self.person.display_name
        return self.case.title if self.case is not None else ""


def row_for(deadline: Deadline, report: DeadlineReport, today: date) -> DeadlineRow:
    return DeadlineRow(
        deadline=deadline,
        status=deadline.status(today),
        person=report.persons.get(deadline.person_id) if deadline.person_id else None,
        case=report.cases.get(deadline.case_id) if deadline.case_id else None,
    )


@dataclass(frozen=True)
class StepView:
    number: int
    text: str
    rule: RuleInfo | None


@dataclass(frozen=True)
class ScenarioView:
    label: str
    date: date
    steps: list[StepView]

    @property
    def date_label(self) -> str:
        return day_label(self.date)

    @property
    def heading(self) -> str:
        """The reading's name; a deadline with a single reading leaves it unnamed."""
        return self.label or _("The computed date")


def scenario_view(scenario: Scenario) -> ScenarioView:
    return ScenarioView(
        label=scenario.label,
        date=scenario.date,
        steps=[
            StepView(number, step.text, rule_info(step.rule_id) if step.rule_id else None)
            for number, step in enumerate(scenario.steps, start=1)
        ],
    )


@dataclass(frozen=True)
class Derivation:
    """Everything the derivation page shows about one deadline on one day."""

    row: DeadlineRow
    scenarios: list[ScenarioView]
    other_readings: list[ScenarioView]
    rules: list[RuleInfo]

    @property
    def deadline(self) -> Deadline:
        return self.row.deadline

    @property
    def actual_difference(self) -> str:
        """How what happened compares with the computed window, in words; "" when unknown."""
        days = self.deadline.actual_difference_days()
        if days is None:
            return ""
        if days == 0:
            return _("Within the computed window.")
        if days > 0:
            return ngettext(
                "%(days)d day after the computed date.",
                "%(days)d days after the computed date.",
                days,
            ) % {"days": days}
        return ngettext(
            "%(days)d day before the computed date.",
            "%(days)d days before the computed date.",
            -days,
        ) % {"days": -days}


def derivation_for(deadline: Deadline, report: DeadlineReport, today: date) -> Derivation:
    rule_ids = list(deadline.rule_ids)
    for scenario in (*deadline.scenarios, *deadline.other_readings):
        rule_ids += [step.rule_id for step in scenario.steps if step.rule_id]
    return Derivation(
        row=row_for(deadline, report, today),
        scenarios=[scenario_view(s) for s in deadline.scenarios],
        other_readings=[scenario_view(s) for s in deadline.other_readings],
        rules=[rule_info(rule_id) for rule_id in dict.fromkeys(rule_ids)],
    )


# -- the dashboard -----------------------------------------------------------------------------


class DeadlineFilterForm(forms.Form):
    """Narrow the dashboard by kind, person and case: ids and kind slugs only, never names."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    person = forms.TypedChoiceField(
        label=gettext_lazy("Person"), required=False, coerce=int, empty_value=None
    )
    case = forms.TypedChoiceField(
        label=gettext_lazy("Case"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data: Any, *, report: DeadlineReport) -> None:
        super().__init__(data)
        # Only what some deadline or gap refers to: the report may hold every visible record.
        items: list[Deadline | Gap] = [*report.deadlines, *report.gaps]
        kinds = {item.kind for item in items}
        person_ids = {item.person_id for item in items}
        case_ids = {item.case_id for item in items}
        people = sorted(
            (p for pk, p in report.persons.items() if pk in person_ids),
            key=lambda p: (p.display_name.casefold(), p.pk),
        )
        cases = sorted(
            (c for pk, c in report.cases.items() if pk in case_ids),
            key=lambda c: (c.title.casefold(), c.pk),
        )
        self._set_choices(
            "kind",
            [("", _("All kinds"))]
            + [(kind.value, kind_label(kind)) for kind in DeadlineKind if kind in kinds],
        )
        self._set_choices(
            "person", [("", _("Everyone"))] + [(p.pk, p.display_name) for p in people]
        )
        self._set_choices("case", [("", _("All cases"))] + [(c.pk, c.title) for c in cases])

    def _set_choices(self, name: str, choices: list[tuple[Any, str]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def selection(self) -> Selection:
        """The valid choices; a value that is not (unknown, or not the user's) is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        kind = data.get("kind") or None
        return Selection(
            kind=DeadlineKind(kind) if kind else None,
            person_id=data.get("person"),
            case_id=data.get("case"),
        )


@dataclass(frozen=True)
class Selection:
    kind: DeadlineKind | None = None
    person_id: int | None = None
    case_id: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.kind or self.person_id or self.case_id)

    def matches(self, item: Deadline | Gap) -> bool:
        return (
            (self.kind is None or item.kind == self.kind)
            and (self.person_id is None or item.person_id == self.person_id)
            and (self.case_id is None or item.case_id == self.case_id)
        )


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    rows: list[DeadlineRow]
    collapsed: bool = False


@dataclass(frozen=True)
class GapRow:
    gap: Gap
    person: Person | None
    case: Case | None

    @property
    def kind_label(self) -> str:
        return kind_label(self.gap.kind)


@dataclass(frozen=True)
class Dashboard:
    today: date
    sections: list[Section]
    gaps: list[GapRow]
    older_passed: int  # passed more than RECENTLY ago: not listed
    set_aside: int  # suppressed deadlines: shown only on their own pages

    @property
    def is_empty(self) -> bool:
        return not any(section.rows for section in self.sections) and not self.gaps


def section_slug(row: DeadlineRow, today: date) -> str | None:
    """Where a deadline goes on the dashboard on `today`, or None when it is not listed."""
    deadline = row.deadline
    match row.status:
        case Status.OVERDUE:
            return "overdue"
        case Status.DUE:
            return "due"
        case Status.PASSED:
            return "passed" if deadline.latest >= today - RECENTLY else None
    if deadline.earliest <= today + WEEK:
        return "due"
    if deadline.earliest <= today + MONTH:
        return "soon"
    return "later"


def build_dashboard(report: DeadlineReport, today: date, selection: Selection) -> Dashboard:
    titles = {
        "overdue": (_("Overdue"), False),
        "due": (_("Due now or this week"), False),
        "soon": (_("Next 30 days"), False),
        "later": (_("Later"), True),
        "passed": (_("Passed in the last 30 days"), True),
    }
    grouped: dict[str, list[DeadlineRow]] = {slug: [] for slug in titles}
    older_passed = set_aside = 0
    for deadline in _ordered(report.deadlines):
        if not selection.matches(deadline):
            continue
        if deadline.suppressed_because:
            set_aside += 1
            continue
        row = row_for(deadline, report, today)
        slug = section_slug(row, today)
        if slug is None:
            older_passed += 1
        else:
            grouped[slug].append(row)
    # The most recent first among what has passed; everything else soonest first.
    grouped["passed"].reverse()
    gaps = [
        GapRow(
            gap,
            report.persons.get(gap.person_id) if gap.person_id else None,
            report.cases.get(gap.case_id) if gap.case_id else None,
        )
        for gap in report.gaps
        if selection.matches(gap)
    ]
    return Dashboard(
        today=today,
        sections=[
            Section(slug, str(title), grouped[slug], collapsed)
            for slug, (title, collapsed) in titles.items()
        ],
        gaps=gaps,
        older_passed=older_passed,
        set_aside=set_aside,
    )


def _ordered(deadlines: Iterable[Deadline]) -> Sequence[Deadline]:
    return sorted(deadlines, key=lambda d: (d.earliest, d.latest, d.kind.value, d.key))
