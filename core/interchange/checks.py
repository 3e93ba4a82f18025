"""Checking a "vigil/1" document without writing: types, values, fields, references (in
the document or the database: one query per kind) and cycles. Every problem becomes an
`Issue`; `Loader` writes only a document with none."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from core.fields import PartialDateField
from core.interchange.errors import Issue, show
from core.interchange.kinds import (
    CITATION_KEYS,
    EXTRA_KEYS,
    FORMAT,
    KIND_OF_MODEL,
    KINDS,
    MAX_ID_LENGTH,
    NAME_KEYS,
    NAME_MODELS,
    data_fields,
    related_model,
)
from core.interchange.report import LoadReport
from core.interchange.values import has_json_type, json_type, kind_name, max_length, message
from core.models import CitedRecord
from core.partial_dates import PartialDate, PartialDateError
from people.models import VariantKind
from sources.models import Source

Locate = Callable[[str, int, str], str]


def json_path(kind: str, index: int, rest: str) -> str:
    return f"{kind}[{index}]{rest}"


@dataclass
class Record:
    kind: str
    index: int
    model: type[models.Model]
    data: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)  # field name -> Python value
    refs: dict[str, str] = field(default_factory=dict)  # field name -> external id
    links: dict[str, list[str]] = field(default_factory=dict)  # many-to-many name -> ids

    @property
    def id(self) -> str:
        return str(self.data["id"])


class _NoValue:
    pass


NO_VALUE: Any = _NoValue()


class Checker:
    """The checks of a document; `Loader` adds the writing."""

    def __init__(
        self,
        data: Any,
        report: LoadReport,
        *,
        file: str,
        extra_sections: Iterable[str] = (),
        reports_dir: Path | None = None,
        locate: Locate = json_path,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.data = data
        self.report = report
        self.file = file
        self.extra_sections = set(extra_sections)
        self.reports_dir = reports_dir
        self.locate = locate
        self.progress = progress
        self.issues: list[Issue] = []
        self.records: list[Record] = []
        self.by_id: dict[str, Record] = {}
        self.loaded: dict[str, models.Model] = {}
        self.existing: dict[str, type[models.Model]] = {}  # ids already in the database

    # -- checking ------------------------------------------------------------------------------
    def problem(self, where: str, name: str, value: Any, expected: str) -> None:
        shown = show(value) if value is not NO_VALUE else ""
        self.issues.append(Issue(self.file, where, name, shown, expected))

    def check(self) -> None:
        data = self.data
        if not isinstance(data, dict):
            self.problem("", "", NO_VALUE, 'a JSON object with "format": "vigil/1"')
            return
        if data.get("format") != FORMAT:
            self.problem("format", "format", data.get("format"), f"the format {FORMAT!r}")
            return
        allowed = {"format", "about", *KINDS, *self.extra_sections}
        for key in data:
            if key not in allowed:
                self.problem(key, key, NO_VALUE, f"a known section: {', '.join(sorted(KINDS))}")
        for kind, model in KINDS.items():
            records = data.get(kind, [])
            if not isinstance(records, list):
                self.problem(kind, kind, records, "a list of records")
                continue
            for index, raw in enumerate(records):
                self.check_identity(kind, index, model, raw)
        self.find_existing()
        for record in self.records:
            self.check_record(record)
        self.check_cycles()

    def check_identity(self, kind: str, index: int, model: type[models.Model], raw: Any) -> None:
        where = self.locate(kind, index, "")
        if not isinstance(raw, dict):
            self.problem(where, "", raw, 'a record (a JSON object with an "id")')
            return
        external_id = raw.get("id")
        if not isinstance(external_id, str) or not external_id.strip():
            self.problem(self.locate(kind, index, ".id"), "id", external_id, "a non-empty text id")
            return
        if len(external_id) > MAX_ID_LENGTH:
            self.problem(
                self.locate(kind, index, ".id"),
                "id",
                external_id,
                f"an id of at most {MAX_ID_LENGTH} characters",
            )
            return
        if external_id in self.by_id:
            first = self.by_id[external_id]
            self.problem(
                self.locate(kind, index, ".id"),
                "id",
                external_id,
                f"an id used once (also at {self.locate(first.kind, first.index, '')})",
            )
            return
        record = Record(kind, index, model, raw)
        self.records.append(record)
        self.by_id[external_id] = record

    def find_existing(self) -> None:
        """Every external id the document mentions that the database already holds: one query
        per kind."""
        wanted: set[str] = set(self.by_id)
        for record in self.records:
            wanted.update(_mentioned_ids(record.data))
        for model in KINDS.values():
            found = model._default_manager.filter(external_id__in=wanted).values_list(
                "external_id", flat=True
            )
            for external_id in found:
                self.existing[external_id] = model

    def check_record(self, record: Record) -> None:
        fields = data_fields(record.model)
        at = record
        before = len(self.issues)
        for name, raw in record.data.items():
            where = self.locate(at.kind, at.index, f".{name}")
            if name in EXTRA_KEYS:
                continue
            model_field = fields.get(name)
            if model_field is None:
                self.problem(
                    where,
                    name,
                    NO_VALUE,
                    f"a field of {at.kind}: {', '.join(sorted({*fields, *self.extras(at)}))}",
                )
                continue
            if model_field.many_to_many:
                self.check_links(record, name, model_field, raw, where)
            elif model_field.is_relation:
                self.check_reference(record, name, model_field, raw, where)
            else:
                self.check_value(record, name, model_field, raw, where)
        if "names" in record.data:
            self.check_names(record)
        if "citations" in record.data:
            self.check_citations(record)
        if "file" in record.data:
            value = record.data["file"]
            where = self.locate(at.kind, at.index, ".file")
            if record.model is not Source:
                self.problem(where, "file", NO_VALUE, "a file only on sources")
            elif not isinstance(value, str) or "/" in value or "\\" in value or value in ("", ".."):
                self.problem(where, "file", value, "the name of a report file")
        if len(self.issues) == before:
            self.check_model(record)

    def extras(self, record: Record) -> set[str]:
        keys = {"id"}
        if record.model in NAME_MODELS:
            keys.add("names")
        if issubclass(record.model, CitedRecord):
            keys.add("citations")
        if record.model is Source:
            keys.add("file")
        return keys

    def check_value(
        self, record: Record, name: str, model_field: Any, raw: Any, where: str
    ) -> None:
        expected = json_type(model_field)
        if raw is None:
            if model_field.null:
                record.values[name] = None
            else:
                self.problem(where, name, raw, expected)
            return
        if not has_json_type(model_field, raw):
            self.problem(where, name, raw, expected)
            return
        try:
            if isinstance(model_field, PartialDateField):
                value: Any = PartialDate.parse(raw)
            else:
                value = model_field.to_python(raw)
        except (ValidationError, PartialDateError, ValueError, TypeError) as error:
            self.problem(where, name, raw, f"{expected}: {message(error)}")
            return
        record.values[name] = value

    def check_reference(
        self, record: Record, name: str, model_field: Any, raw: Any, where: str
    ) -> None:
        if raw is None or raw == "":
            if not model_field.null:
                self.problem(where, name, raw, f"the id of a {kind_name(model_field)}")
            else:
                record.refs[name] = ""
            return
        if self.known(raw, related_model(model_field), where, name):
            record.refs[name] = raw

    def check_links(
        self, record: Record, name: str, model_field: Any, raw: Any, where: str
    ) -> None:
        if not isinstance(raw, list):
            self.problem(where, name, raw, f"a list of ids of {kind_name(model_field)}s")
            return
        ids = []
        for position, item in enumerate(raw):
            if self.known(item, related_model(model_field), f"{where}[{position}]", name):
                ids.append(item)
        record.links[name] = ids

    def known(self, external_id: Any, model: type[models.Model], where: str, name: str) -> bool:
        """Whether `external_id` is a record of `model`, in this document or the database."""
        kind = KIND_OF_MODEL[model]
        if not isinstance(external_id, str):
            self.problem(where, name, external_id, f"the id (text) of one of {kind}")
            return False
        in_file = self.by_id.get(external_id)
        found = in_file.model if in_file else self.existing.get(external_id)
        if found is None:
            self.problem(
                where, name, external_id, f"the id of one of {kind}, in this file or the database"
            )
            return False
        if found is not model:
            self.problem(
                where, name, external_id, f"the id of one of {kind}, not of {KIND_OF_MODEL[found]}"
            )
            return False
        return True

    def check_names(self, record: Record) -> None:
        base = self.locate(record.kind, record.index, ".names")
        names = record.data["names"]
        if record.model not in NAME_MODELS:
            self.problem(base, "names", NO_VALUE, "names only on persons and organizations")
            return
        if not isinstance(names, list):
            self.problem(base, "names", names, "a list of names")
            return
        model = NAME_MODELS[record.model][0]
        for position, name in enumerate(names):
            where = f"{base}[{position}]"
            if not isinstance(name, dict):
                self.problem(where, "names", name, 'a name: {"text": …}')
                continue
            for key in name.keys() - NAME_KEYS:
                self.problem(f"{where}.{key}", key, NO_VALUE, f"one of {sorted(NAME_KEYS)}")
            text = name.get("text")
            if not isinstance(text, str) or not text.strip():
                self.problem(f"{where}.text", "text", text, "the name as text")
            elif len(text) > max_length(model, "text"):
                self.problem(f"{where}.text", "text", text, "a shorter name")
            kind = name.get("kind", VariantKind.AS_REPORTED)
            if kind not in VariantKind.values:
                self.problem(f"{where}.kind", "kind", kind, f"one of {VariantKind.values}")
            if not isinstance(name.get("language", ""), str):
                self.problem(f"{where}.language", "language", name["language"], "text")
            if name.get("source"):
                self.known(name["source"], Source, f"{where}.source", "source")

    def check_citations(self, record: Record) -> None:
        base = self.locate(record.kind, record.index, ".citations")
        citations = record.data["citations"]
        if not issubclass(record.model, CitedRecord):
            self.problem(base, "citations", NO_VALUE, "citations only on facts")
            return
        if not isinstance(citations, list):
            self.problem(base, "citations", citations, "a list of citations")
            return
        fields = data_fields(record.model)
        for position, citation in enumerate(citations):
            where = f"{base}[{position}]"
            if not isinstance(citation, dict):
                self.problem(where, "citations", citation, 'a citation: {"source", "quote"}')
                continue
            for key in citation.keys() - CITATION_KEYS:
                self.problem(f"{where}.{key}", key, NO_VALUE, f"one of {sorted(CITATION_KEYS)}")
            self.known(citation.get("source"), Source, f"{where}.source", "source")
            quote = citation.get("quote")
            if not isinstance(quote, str) or not quote.strip():
                self.problem(f"{where}.quote", "quote", quote, "the quoted passage as text")
            for key, limit in (("field", 50), ("locator", 100), ("reported", 300), ("note", 0)):
                value = citation.get(key, "")
                if not isinstance(value, str):
                    self.problem(f"{where}.{key}", key, value, "text")
                elif limit and len(value) > limit:
                    self.problem(f"{where}.{key}", key, value, f"at most {limit} characters")
            cited = citation.get("field", "")
            if isinstance(cited, str) and cited and cited not in fields:
                self.problem(f"{where}.field", "field", cited, f"a field of {record.kind}")
            reported_date = citation.get("reported_date")
            if reported_date is not None:
                try:
                    if not isinstance(reported_date, str):
                        raise TypeError("not text")
                    PartialDate.parse(reported_date)
                except (PartialDateError, TypeError) as error:
                    self.problem(
                        f"{where}.reported_date",
                        "reported_date",
                        reported_date,
                        f"a partial date such as 2019-10-06: {message(error)}",
                    )

    def check_model(self, record: Record) -> None:
        """The model's own validation (choices, lengths, required fields) on the values."""
        model = record.model
        fields = data_fields(model)
        relations = [f.name for f in model._meta.fields if f.is_relation]
        exclude = set(relations)
        is_new = record.id not in self.existing
        if not is_new:
            exclude |= {name for name in fields if name not in record.values}
        candidate = model(**dict(record.values.items()))
        try:
            candidate.full_clean(
                exclude=sorted(exclude), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = self.locate(record.kind, record.index, f".{name}")
                raw = record.data.get(name, NO_VALUE)
                self.problem(where, name, raw, " ".join(messages))

    def check_cycles(self) -> None:
        """References (not many-to-many links) between records of the document must not loop:
        each record is written after the records it refers to."""
        state: dict[str, int] = {}  # 1 visiting, 2 done
        for start in self.records:
            if state.get(start.id):
                continue
            stack: list[tuple[Record, list[str]]] = [(start, self.in_file_refs(start))]
            path = [start.id]
            state[start.id] = 1
            while stack:
                record, pending = stack[-1]
                if not pending:
                    state[record.id] = 2
                    stack.pop()
                    path.pop()
                    continue
                target = pending.pop()
                if state.get(target) == 1:
                    loop = [*path[path.index(target) :], target]
                    self.problem(
                        self.locate(record.kind, record.index, ""),
                        "",
                        NO_VALUE,
                        "references without a cycle, found " + " → ".join(loop),
                    )
                elif not state.get(target):
                    state[target] = 1
                    path.append(target)
                    follow = self.by_id[target]
                    stack.append((follow, self.in_file_refs(follow)))

    def in_file_refs(self, record: Record) -> list[str]:
        return [value for value in record.refs.values() if value in self.by_id]


def _mentioned_ids(value: Any) -> Iterable[str]:
    """Every string in a record: ids it might refer to (cheap to over-approximate)."""
    if isinstance(value, str):
        if len(value) <= MAX_ID_LENGTH:
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("quote", "notes", "text", "summary", "description"):
                yield from _mentioned_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _mentioned_ids(item)
