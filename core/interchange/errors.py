"""Import errors: each names the file, where in it, the field, the bad value and what was
expected, so a whole file's problems can be fixed in one pass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def show(value: Any, limit: int = 80) -> str:
    """A bad value as the user typed it, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Issue:
    file: str
    where: str  # a JSON path ("persons[3].birth_date") or a CSV line ("line 4")
    field: str
    value: str  # shown with show(); "" when there is no value to show
    expected: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        details = []
        if self.field:
            details.append(f"field {self.field!r}")
        if self.value:
            details.append(f"value {self.value}")
        if details:
            parts.append(" ".join(details))
        return ": ".join([*parts, self.expected])


class ImportDataError(ValueError):
    """A file that cannot be imported; `issues` lists every problem found."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @classmethod
    def one(cls, file: str, expected: str, *, where: str = "") -> ImportDataError:
        return cls([Issue(file, where, "", "", expected)])
