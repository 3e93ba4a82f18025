"""`manage.py deadlines`: every computed deadline over all records, for an operator.

It reads everything (no user, no access rules): run it only where the whole database may be
read. Human output is a table, each deadline followed by its derivation; `--json` gives the same
as a list of objects for scripts.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.models import Case
from core.display import date_label
from deadlines import collect
from deadlines.engine.results import Deadline, Scenario
from deadlines.pages import (
    DeadlineRow,
    GapRow,
    day_label,
    kind_label,
    main_rule_id,
    row_for,
    rule_info,
)
from people.models import Person

INDENT = "    "


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today {value!r} is not a date like 2020-06-22") from None


def window_text(deadline: Deadline) -> str:
    if deadline.is_window:
        return f"{deadline.earliest.isoformat()} – {deadline.latest.isoformat()}"
    return deadline.earliest.isoformat()


def step_texts(scenario: Scenario) -> list[str]:
    """Each step in words, followed by the id of the rule it applies."""
    return [
        f"{step.text} [{step.rule_id}]" if step.rule_id else step.text for step in scenario.steps
    ]


def step_lines(scenario: Scenario) -> list[str]:
    return [f"{number}. {text}" for number, text in enumerate(step_texts(scenario), start=1)]


def as_json(row: DeadlineRow) -> dict[str, Any]:
    deadline = row.deadline
    item: dict[str, Any] = {
        "kind": deadline.kind.value,
        "key": deadline.key,
        "title": deadline.title,
        "person_id": deadline.person_id,
        "person": row.person.display_name if row.person else None,
        "case_id": deadline.case_id,
        "case": row.case.title if row.case else None,
    }
    if deadline.is_window:
        item["earliest"] = deadline.earliest.isoformat()
        item["latest"] = deadline.latest.isoformat()
    else:
        item["date"] = deadline.earliest.isoformat()
    item |= {
        "status": row.status.value,
        "rule_id": main_rule_id(deadline) or None,
        "rule_ids": list(deadline.rule_ids),
        "unverified": list(deadline.unverified),
        "uncertain_because": list(deadline.uncertain_because),
        "actual": deadline.actual.iso() if deadline.actual else None,
        "actual_difference_days": deadline.actual_difference_days(),
        "explanation": [_scenario_json(s) for s in deadline.scenarios],
        "other_readings": [_scenario_json(s) for s in deadline.other_readings],
        "suppressed": deadline.suppressed_because or None,
    }
    return item


def _scenario_json(scenario: Scenario) -> dict[str, Any]:
    return {
        "scenario": scenario.label,
        "date": scenario.date.isoformat(),
        "steps": step_texts(scenario),
    }


class Command(BaseCommand):
    help = (
        "Print every deadline computed from all records (no access rules: operators only), "
        "each with the rules and the steps behind it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", type=int, metavar="ID", help="Only this person's.")
        parser.add_argument("--case", type=int, metavar="ID", help="Only this case's.")
        parser.add_argument("--json", action="store_true", help="A JSON list, for scripts.")
        parser.add_argument(
            "--today",
            type=str,
            metavar="YYYY-MM-DD",
            help="Compute statuses as on this day (default: today in TIME_ZONE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else timezone.localdate()
        person_id: int | None = options["person"]
        case_id: int | None = options["case"]
        if person_id is not None and not Person.objects.filter(pk=person_id).exists():
            raise CommandError(f"No person has id {person_id}.")
        if case_id is not None and not Case.objects.filter(pk=case_id).exists():
            raise CommandError(f"No case has id {case_id}.")
        report = collect.report_for_all(today=today, case_id=case_id, person_id=person_id)
        rows = [row_for(deadline, report, today) for deadline in report.deadlines]
        if options["json"]:
            self.stdout.write(json.dumps([as_json(row) for row in rows], indent=2))
            return
        gaps = [
            GapRow(
                gap,
                report.persons.get(gap.person_id) if gap.person_id else None,
                report.cases.get(gap.case_id) if gap.case_id else None,
            )
            for gap in report.gaps
        ]
        self.stdout.write("\n".join(self.human(rows, gaps, today)))

    def human(self, rows: list[DeadlineRow], gaps: list[GapRow], today: date) -> list[str]:
        lines = [f"Deadlines computed on {today.isoformat()}: {len(rows)}"]
        if not rows:
            lines.append("None.")
        table = [
            (
                window_text(row.deadline),
                row.status.value,
                kind_label(row.deadline.kind),
                _name(row.person, row.deadline.person_id),
                _title(row.case, row.deadline.case_id),
                ", ".join(row.deadline.rule_ids),
            )
            for row in rows
        ]
        header = ("DATE / WINDOW", "STATUS", "KIND", "PERSON", "CASE", "RULES")
        widths = [max(len(cells[i]) for cells in [header, *table]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        if rows:
            lines += ["", line(header).rstrip()]
        for row, cells in zip(rows, table, strict=True):
            lines.append("")
            lines.append(self.style.MIGRATE_HEADING(line(cells).rstrip()))
            lines += [INDENT + text for text in self.details(row)]
        if gaps:
            lines += ["", f"Needs data: {len(gaps)}"]
            for item in gaps:
                who = " · ".join(
                    part
                    for part in (
                        _name(item.person, item.gap.person_id),
                        _title(item.case, item.gap.case_id),
                    )
                    if part
                )
                lines.append(f"{INDENT}{item.kind_label} ({who}): missing {item.gap.missing}")
        return lines

    def details(self, row: DeadlineRow) -> list[str]:
        deadline = row.deadline
        lines = [f"{deadline.title}  [{deadline.key}]"]
        if deadline.suppressed_because:
            lines.append(f"SET ASIDE: {deadline.suppressed_because}")
        for reason in deadline.uncertain_because:
            lines.append(f"window because: {reason}")
        for caveat in deadline.unverified:
            lines.append(f"unverified rule: {caveat}")
        for scenario in deadline.scenarios:
            lines.append(f"{scenario.label or 'computed date'}: {day_label(scenario.date)}")
            lines += [INDENT + text for text in step_lines(scenario)]
        for scenario in deadline.other_readings:
            lines.append(f"other reading, {scenario.label}: {day_label(scenario.date)}")
            lines += [INDENT + text for text in step_lines(scenario)]
        if deadline.actual is not None:
            difference = deadline.actual_difference_days()
            lines.append(
                f"what happened: {date_label(deadline.actual)}"
                + (f" ({difference:+d} days)" if difference else " (within the window)")
            )
        rules = [rule_info(rule_id) for rule_id in deadline.rule_ids]
        for rule in rules:
            if rule.known:
                lines.append(f"rule {rule.id}: {rule.article}, {rule.title}")
        return lines


def _name(person: Person | None, person_id: int | None) -> str:
    if person is not None:
        return person.display_name
    return f"person {person_id}" if person_id else ""


def _title(case: Case | None, case_id: int | None) -> str:
    if case is not None:
        return case.title
    return f"case {case_id}" if case_id else ""
