"""Rows to PostgreSQL through COPY, in batches, with model defaults for unnamed columns."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import models
from django.db.models.fields import NOT_PROVIDED

BATCH_ROWS = 20_000

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Range(tuple[date, date]):
    """A daterange [lower, upper) as COPY reads it."""

    __slots__ = ()


def encode(value: object) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, Range):
        return f"[{value[0].isoformat()},{value[1].isoformat()})"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _default(field: models.Field[Any, Any], now: datetime) -> object:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.default is not NOT_PROVIDED:
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


class Table:
    """COPY into one model's table: `columns` are given per row, the rest take defaults."""

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], now: datetime, cursor: Any
    ) -> None:
        self.model = model
        self.cursor = cursor
        fields = {
            f.attname: f
            for f in model._meta.concrete_fields
            if not isinstance(f, models.GeneratedField)
        }
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        rest = [name for name in fields if name not in columns]
        self.names = [fields[name].column for name in (*columns, *rest)]
        suffix = "\t".join(encode(_default(fields[name], now)) for name in rest)
        self.suffix = ("\t" + suffix if suffix else "") + "\n"
        self.buffer = io.StringIO()
        self.pending = 0
        self.count = 0

    def add(self, row: Iterable[object]) -> None:
        self.buffer.write("\t".join(map(encode, row)))
        self.buffer.write(self.suffix)
        self.pending += 1
        if self.pending >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{name}"' for name in self.names)
        self.cursor.copy_expert(
            f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN', self.buffer
        )
        self.count += self.pending
        self.pending = 0
        self.buffer = io.StringIO()


class Loader:
    """Opens one `Table` per model on a psycopg2 cursor and flushes them all at the end."""

    def __init__(self, cursor: Any, now: datetime, on_rows: Callable[[int], None]) -> None:
        self.cursor = cursor
        self.now = now
        self.on_rows = on_rows
        self.tables: dict[tuple[type[models.Model], tuple[str, ...]], Table] = {}

    def table(self, model: type[models.Model], columns: Sequence[str]) -> Table:
        key = (model, tuple(columns))
        if key not in self.tables:
            self.tables[key] = Table(model, columns, self.now, self.cursor)
        return self.tables[key]

    def add(self, model: type[models.Model], columns: Sequence[str], row: Sequence[object]) -> None:
        self.table(model, columns).add(row)
        self.on_rows(1)

    def finish(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table in self.tables.values():
            table.flush()
            label = table.model._meta.label
            counts[label] = counts.get(label, 0) + table.count
        return counts
