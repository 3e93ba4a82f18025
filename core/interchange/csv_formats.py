"""CSV for the flat kinds: persons (with their name variants), organizations and sources.

The file's name says its kind (persons*.csv, organizations*.csv, sources*.csv); the first line
names the columns: "id" and any field of the kind (CSV_COLUMNS lists them in the documented
order), plus "names" for persons and organizations. An empty cell leaves the field out (an
existing record keeps its value). Lists ("citizenships", "names") are separated by "|";
true/false cells read true, false, yes, no, 1 or 0. Each row becomes one record of a "vigil/1"
document, so a CSV file is checked and loaded exactly like JSON, with issues named by line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.db import models
from django_countries.fields import CountryField

from core.interchange.errors import ImportDataError, Issue, show
from core.interchange.kinds import FORMAT, KINDS, NAME_MODELS, data_fields

CSV_COLUMNS: dict[str, list[str]] = {
    "persons": [
        "id",
        "display_name",
        "sex",
        "birth_date",
        "citizenships",
        "ethnicity",
        "is_public_figure",
        "notes",
        "names",
    ],
    "organizations": ["id", "name", "kind", "country", "parent", "notes", "names"],
    "sources": [
        "id",
        "kind",
        "title",
        "publisher",
        "url",
        "published",
        "language",
        "notes",
        "confidential",
    ],
}
LIST_SEPARATOR = "|"
TRUE = {"true", "yes", "1"}
FALSE = {"false", "no", "0"}

Locate = Callable[[str, int, str], str]


def csv_kind(file: str) -> str | None:
    name = file.rsplit("/", 1)[-1].lower()
    return next((kind for kind in CSV_COLUMNS if name.startswith(kind)), None)


def csv_document(file: str, text: str) -> tuple[dict[str, Any], Locate]:
    """The document of one CSV file and how to name a place in it (by line)."""
    kind = csv_kind(file)
    if kind is None:
        raise ImportDataError.one(
            file,
            "a CSV file named after its kind: " + ", ".join(f"{kind}….csv" for kind in CSV_COLUMNS),
        )
    model = KINDS[kind]
    fields = data_fields(model)
    allowed = set(CSV_COLUMNS[kind]) | {name for name, f in fields.items() if not f.many_to_many}
    if model not in NAME_MODELS:
        allowed.discard("names")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, [])
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ImportDataError.one(file, f"valid CSV: {error}") from error
    issues = []
    columns = [column.strip() for column in header]
    for column in columns:
        if column not in allowed:
            issues.append(
                Issue(
                    file, "line 1", column, "", f"a column of {kind}: {', '.join(sorted(allowed))}"
                )
            )
    if "id" not in columns:
        issues.append(Issue(file, "line 1", "id", "", 'an "id" column'))
    if len(set(columns)) != len(columns):
        issues.append(Issue(file, "line 1", "", show(header), "each column named once"))
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            issues.append(
                Issue(file, f"line {line}", "", show(row), f"{len(columns)} cells, as in line 1")
            )
            continue
        record: dict[str, Any] = {}
        for column, cell in zip(columns, row, strict=True):
            value = cell.strip()
            if value:
                record[column] = _cell(fields.get(column), column, value)
        records.append(record)
        lines.append(line)
    if issues:
        raise ImportDataError(issues)

    def locate(_kind: str, index: int, rest: str) -> str:
        where = f"line {lines[index]}" if 0 <= index < len(lines) else "line ?"
        return where + (f" ({rest.lstrip('.')})" if rest else "")

    return {"format": FORMAT, kind: records}, locate


def _cell(model_field: Any, column: str, value: str) -> Any:
    if column == "names":
        return [{"text": text.strip()} for text in value.split(LIST_SEPARATOR) if text.strip()]
    if isinstance(model_field, CountryField) and model_field.multiple:
        return [code.strip() for code in value.split(LIST_SEPARATOR) if code.strip()]
    if isinstance(model_field, models.BooleanField):
        lowered = value.lower()
        return True if lowered in TRUE else False if lowered in FALSE else value
    if isinstance(model_field, models.IntegerField) and value.lstrip("-").isdigit():
        return int(value)
    return value
