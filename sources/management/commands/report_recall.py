"""Measure report reading and extraction: `manage.py report_recall [FILES…] [--answers PATH]
[--json]`.

Reads each report (`sources.reports.reading`), finds its mentions and candidate facts
(`sources.reports.mentions`, `sources.reports.facts`) and compares them with hand-made answers
(`sources/reports/recall_answers.json`): the known persons a reader finds in the report and the
dated events a reader records. Prints per report and overall:

- person recall: answer persons (external ids) found as mentions of a known person;
- event recall: answer events matched by a proposal of the same kind whose date overlaps and
  whose persons (with a statement's speaker) include the answer's;
- event precision, for information: dated event proposals that match an answer event of the
  same kind and overlapping date sharing a person.

Read only: nothing is written to the database. Person recall needs the demo data loaded
(`manage.py load_demo`). Without FILES, the answers' reports in ../shared/reports/.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.partial_dates import PartialDate, PartialDateError
from people.models import Person
from sources.reports.facts import extract_facts
from sources.reports.found import CandidateFact, EntityKind, FactKind, ReportError
from sources.reports.mentions import find_mentions
from sources.reports.reading import read_report

DEFAULT_ANSWERS = Path(__file__).resolve().parents[2] / "reports" / "recall_answers.json"
NAME_KINDS = (FactKind.NEW_PERSON, FactKind.NEW_VARIANT)


def default_reports_dir() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "reports"


@dataclass
class Figures:
    persons_expected: int = 0
    persons_found: int = 0
    events_expected: int = 0
    events_found: int = 0
    proposals: int = 0
    proposals_right: int = 0
    missed: list[str] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        self.persons_expected += other.persons_expected
        self.persons_found += other.persons_found
        self.events_expected += other.events_expected
        self.events_found += other.events_found
        self.proposals += other.proposals
        self.proposals_right += other.proposals_right
        self.missed.extend(other.missed)

    @property
    def person_recall(self) -> float:
        return self.persons_found / self.persons_expected if self.persons_expected else 1.0

    @property
    def event_recall(self) -> float:
        return self.events_found / self.events_expected if self.events_expected else 1.0

    @property
    def event_precision(self) -> float:
        return self.proposals_right / self.proposals if self.proposals else 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "person_recall": round(self.person_recall, 3),
            "persons": [self.persons_found, self.persons_expected],
            "event_recall": round(self.event_recall, 3),
            "events": [self.events_found, self.events_expected],
            "event_precision": round(self.event_precision, 3),
            "proposals": [self.proposals_right, self.proposals],
            "missed": self.missed,
        }


@dataclass(frozen=True)
class _Event:
    kind: str
    date: PartialDate
    persons: frozenset[str]
    label: str


def measure(path: Path, answer: dict[str, Any]) -> Figures:
    """Read, extract and compare one report with its answer (read only)."""
    report_date = _date(answer.get("report_date"))
    report = read_report(path.read_bytes(), path.name)
    mentions = find_mentions(report.text)
    facts = extract_facts(report.text, mentions=mentions, report_date=report_date)
    ids = {m.entity_id for m in mentions if m.entity_id is not None}
    ids |= {int(str(f.values["speaker_id"])) for f in facts if _is_int(f.values.get("speaker_id"))}
    ids |= {p for f in facts for p in f.person_ids}
    external = dict(Person.objects.filter(pk__in=ids).values_list("pk", "external_id"))

    figures = Figures()
    found_persons = {
        external.get(m.entity_id)
        for m in mentions
        if m.kind == EntityKind.PERSON and m.entity_id is not None
    }
    for person in answer.get("persons", []):
        figures.persons_expected += 1
        if person in found_persons:
            figures.persons_found += 1
        else:
            figures.missed.append(f"{path.name}: person {person}")

    proposals = [_proposal(f, external) for f in facts if f.kind not in NAME_KINDS and f.date]
    expected = [
        _Event(e["kind"], PartialDate.parse(e["date"]), frozenset(e["persons"]), e["date"])
        for e in answer.get("events", [])
    ]
    for event in expected:
        figures.events_expected += 1
        if any(_covers(p, event) for p in proposals):
            figures.events_found += 1
        else:
            figures.missed.append(
                f"{path.name}: {event.kind} {event.label} {', '.join(sorted(event.persons))}"
            )
    for proposal in proposals:
        figures.proposals += 1
        if any(_agrees(proposal, event) for event in expected):
            figures.proposals_right += 1
    return figures


def _proposal(fact: CandidateFact, external: dict[int, str | None]) -> _Event:
    people = set(fact.person_ids)
    speaker = fact.values.get("speaker_id")
    if _is_int(speaker):
        people.add(int(str(speaker)))
    assert fact.date is not None
    names = frozenset(str(external.get(p) or f"id:{p}") for p in people)
    return _Event(str(fact.kind), fact.date, names, fact.date.iso())


def _covers(proposal: _Event, event: _Event) -> bool:
    return (
        proposal.kind == event.kind
        and proposal.date.overlaps(event.date)
        and event.persons <= proposal.persons
    )


def _agrees(proposal: _Event, event: _Event) -> bool:
    return (
        proposal.kind == event.kind
        and proposal.date.overlaps(event.date)
        and bool(event.persons & proposal.persons)
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date(value: object) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(str(value))
    except PartialDateError as error:
        raise CommandError(f"report_date {value!r}: {error}") from error


class Command(BaseCommand):
    help = "Person and event recall of report extraction against hand-made answers (read only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="Report files to measure.")
        parser.add_argument("--answers", type=Path, default=DEFAULT_ANSWERS)
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        answers_path: Path = options["answers"]
        try:
            answers = json.loads(answers_path.read_text(encoding="utf-8")).get("reports", {})
        except (OSError, ValueError, AttributeError) as error:
            raise CommandError(f"Cannot read the answers {answers_path}: {error}") from error
        files: list[Path] = list(options["files"]) or [
            default_reports_dir() / name
            for name in sorted(answers)
            if (default_reports_dir() / name).is_file()
        ]
        if not files:
            raise CommandError(f"No reports to measure in {default_reports_dir()}.")
        total = Figures()
        per_report: dict[str, dict[str, Any]] = {}
        for path in files:
            try:
                figures = measure(path, answers.get(path.name, {}))
            except (OSError, ReportError) as error:
                raise CommandError(f"{path}: {error}") from error
            total.add(figures)
            per_report[path.name] = figures.as_json()
        if options["json"]:
            self.stdout.write(json.dumps({"reports": per_report, "overall": total.as_json()}))
            return
        for name, figures_json in per_report.items():
            self.stdout.write(f"{name}: {self._line(figures_json)}")
        self.stdout.write(f"overall: {self._line(total.as_json())}")
        for miss in total.missed:
            self.stdout.write(f"  missed {miss}")

    @staticmethod
    def _line(figures: dict[str, Any]) -> str:
        persons, events, proposals = figures["persons"], figures["events"], figures["proposals"]
        return (
            f"persons {figures['person_recall']:.0%} ({persons[0]}/{persons[1]}), "
            f"events {figures['event_recall']:.0%} ({events[0]}/{events[1]}), "
            f"event precision {figures['event_precision']:.0%} ({proposals[0]}/{proposals[1]})"
        )
