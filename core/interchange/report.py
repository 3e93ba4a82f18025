"""What a load did, or in a dry run would do, by kind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """What a load did (or, in a dry run, would do), by kind."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def created(self) -> int:
        return self.total("created")

    @property
    def updated(self) -> int:
        return self.total("updated")

    @property
    def unchanged(self) -> int:
        return self.total("unchanged")

    def rows(self) -> list[tuple[str, int, int, int]]:
        return [
            (kind, c["created"], c["updated"], c["unchanged"])
            for kind, c in sorted(self.counts.items())
        ]

    def summary(self, title: str = "Demo data") -> str:
        by_kind = ", ".join(f"{kind} {c}/{u}/{n}" for kind, c, u, n in self.rows())
        return (
            f"{title}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged (created/updated/unchanged: {by_kind})"
        )
