"""Measure name search: `manage.py name_search_quality [--set FILE] [--verbose]`.

Loads the persons of the quality set (people/name_quality.json) in a transaction it rolls
back, searches among them only for every query, and prints precision and recall of the first
result, the precision over every result shown (similar names ranked lower count against it),
then every miss. A query counts as found when its expected person ranks first; a
query expecting no one counts against precision when anything is returned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from people.models import NameVariant, Person
from people.name_search import NameMatch, search_people_among

DEFAULT_SET = Path(__file__).resolve().parents[2] / "name_quality.json"


class _Rollback(Exception):
    pass


@dataclass
class Figures:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    queries: int = 0
    returned: int = 0  # every result of every query, not only the first
    returned_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        returned = self.true_positives + self.false_positives
        return self.true_positives / returned if returned else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def precision_all(self) -> float:
        """Share of all results shown that are the expected person: similar names count."""
        return self.returned_right / self.returned if self.returned else 1.0

    def judge(self, query: str, expected: str | None, results: list[NameMatch]) -> None:
        self.queries += 1
        self.returned += len(results)
        self.returned_right += sum(1 for r in results if r.display_name == expected)
        top = results[0] if results else None
        got = (
            f"{top.display_name} via “{top.matched_variant}” ({top.match_kind})"
            if top
            else "nothing"
        )
        if expected is None:
            if top:
                self.false_positives += 1
                self.misses.append(f"{query!r}: expected no one, got {got}")
            return
        if top and top.display_name == expected:
            self.true_positives += 1
            return
        self.false_negatives += 1
        if top:
            self.false_positives += 1
        self.misses.append(f"{query!r}: expected {expected}, got {got}")


def measure(quality_set: dict[str, Any]) -> Figures:
    """Search every query among the set's persons only, in a transaction rolled back."""
    figures = Figures()
    try:
        with transaction.atomic():
            ids = []
            for record in quality_set["persons"]:
                person = Person.objects.create(display_name=record["display_name"])
                ids.append(person.pk)
                for text in record["names"]:
                    NameVariant.objects.create(person=person, text=text)
            persons = Person.objects.filter(pk__in=ids)
            for query, expected in quality_set["queries"]:
                figures.judge(query, expected, search_people_among(persons, query))
            raise _Rollback
    except _Rollback:
        pass
    return figures


class Command(BaseCommand):
    help = "Print precision and recall of name search on the quality set, and every miss."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="quality set (JSON)")

    def handle(self, *args: object, **options: Any) -> None:
        quality_set = json.loads(Path(options["set"]).read_text(encoding="utf-8"))
        figures = measure(quality_set)
        self.stdout.write(
            f"queries: {figures.queries}  persons: {len(quality_set['persons'])}\n"
            f"precision: {figures.precision:.3f}  recall: {figures.recall:.3f}  "
            f"(first result; TP {figures.true_positives}, FP {figures.false_positives}, "
            f"FN {figures.false_negatives})\n"
            f"precision over every result shown: {figures.precision_all:.3f} "
            f"({figures.returned_right} of {figures.returned})"
        )
        if figures.misses:
            self.stdout.write(f"misses ({len(figures.misses)}):")
            for miss in figures.misses:
                self.stdout.write(f"  {miss}")
        else:
            self.stdout.write("misses: none")
