"""Validate a "vigil/1" document and upsert it in one transaction.

A document is a JSON object: "format": "vigil/1", then one list per kind (KINDS, in load
order). Each record has "id" (its external id), model fields by name, references to other
records by their ids, partial dates as ISO text, and optionally "names" (persons,
organizations), "citations" (cited records) and "file" (sources: a report whose text becomes
the source's text, read only when the caller names a reports folder).

`Loader.run` first checks the whole document without writing (`checks.py`: types, values,
fields, references, cycles) and raises `ImportDataError` with every issue; only a clean one is
written, record by record, saving a record only when a value differs, so loading the same
document again writes nothing, not even history rows.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import DataError, IntegrityError, models, transaction

from core.interchange.checks import NO_VALUE, Checker, Record, json_path
from core.interchange.errors import ImportDataError
from core.interchange.kinds import (
    KINDS,
    NAME_MODELS,
    related_model,
)
from core.interchange.report import LoadReport
from core.interchange.values import (
    comparable,
    squash,
)
from core.partial_dates import PartialDate
from people.models import VariantKind
from sources.models import Citation, Source

__all__ = ["ImportDataError", "LoadReport", "Loader", "json_path"]

M = TypeVar("M", bound=models.Model)


class Loader(Checker):
    """Check a document, then write it; `run` raises ImportDataError listing every issue."""

    # -- writing -------------------------------------------------------------------------------
    def run(self) -> None:
        """Check, then write inside the caller's transaction; raise on any issue."""
        self.check()
        if self.issues:
            raise ImportDataError(self.issues)
        with contextlib.suppress(_WriteFailed):
            self.write()
        if self.issues:
            raise ImportDataError(self.issues)

    def write(self) -> None:
        pending = list(self.records)
        while pending:
            ready = [r for r in pending if all(v in self.loaded for v in self.in_file_refs(r))]
            if not ready:  # check_cycles found none; kept as a guard against a loop
                raise ImportDataError.one(self.file, f"no cycle through {pending[0].id}")
            for record in ready:
                self.loaded[record.id] = self.load_record(record)
            pending = [r for r in pending if r.id not in self.loaded]
        for kind in KINDS:
            records = [r for r in self.records if r.kind == kind]
            if self.progress and records:
                self.progress(kind, len(records))
            for record in records:
                self.load_dependents(record)

    def load_record(self, record: Record) -> models.Model:
        values = dict(record.values)
        for name, external_id in record.refs.items():
            model_field = record.model._meta.get_field(name)
            target = self.ref(external_id, related_model(model_field)) if external_id else None
            values[model_field.attname] = target.pk if target else None  # type: ignore[union-attr]
        if "file" in record.data:
            self.add_report_text(record, values)
        return self.upsert(record.model, {"external_id": record.id}, values, record)

    def add_report_text(self, record: Record, values: dict[str, Any]) -> None:
        """The report's text when <reports_dir>/<file> exists; left as it is otherwise."""
        if self.reports_dir is None or "text" in values:
            return
        path = self.reports_dir / record.data["file"]
        if not path.is_file():
            return
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        duplicate = Source.objects.filter(content_hash=digest).exclude(external_id=record.id)
        if duplicate.exists():
            self.report.warnings.append(f"{record.id}: {path.name} is already another source")
            return
        values["text"] = text

    def load_dependents(self, record: Record) -> None:
        """Many-to-many links, names and citations: they refer to records of any kind."""
        obj = self.loaded[record.id]
        for name, ids in record.links.items():
            related = related_model(record.model._meta.get_field(name))
            self.link(obj, name, [self.ref(i, related) for i in ids])
        for name in record.data.get("names", []):
            self.load_name(obj, name, record)
        for citation in record.data.get("citations", []):
            self.cite(obj, citation, record)

    def load_name(self, owner: models.Model, name: dict[str, Any], record: Record) -> None:
        model, owner_field = NAME_MODELS[type(owner)]
        source = self.ref(name["source"], Source) if name.get("source") else None
        self.upsert(
            model,
            {owner_field: owner, "text": name["text"]},
            {
                "kind": name.get("kind", VariantKind.AS_REPORTED),
                "language": name.get("language", ""),
                "source_id": source.pk if source else None,
            },
            record,
        )

    def cite(self, obj: models.Model, citation: dict[str, Any], record: Record) -> None:
        source = self.ref(citation["source"], Source)
        reported_date = citation.get("reported_date")
        self.upsert(
            Citation,
            {
                "source": source,
                "content_type": ContentType.objects.get_for_model(obj),
                "object_id": obj.pk,
                "field": citation.get("field", ""),
                "quote": citation["quote"],
            },
            {
                "locator": citation.get("locator", ""),
                "reported_value": citation.get("reported", ""),
                "reported_date": PartialDate.parse(reported_date) if reported_date else None,
                "note": citation.get("note", ""),
            },
            record,
        )
        if source.text and squash(citation["quote"]) not in squash(source.text):
            self.report.warnings.append(
                f"{record.id}: quote not found in {citation['source']}: {citation['quote']!r}"
            )

    def ref(self, external_id: str, model: type[M]) -> M:
        obj = self.loaded.get(external_id)
        if obj is None:
            obj = model._default_manager.filter(external_id=external_id).first()
            if obj is not None:
                self.loaded[external_id] = obj
        if not isinstance(obj, model):  # checked before writing; kept as a guard
            raise ImportDataError.one(self.file, f"{external_id!r} is not a {model.__name__}")
        return obj

    def upsert(
        self,
        model: type[M],
        lookup: dict[str, Any],
        values: dict[str, Any],
        record: Record | None = None,
    ) -> M:
        """Find by `lookup`, then create, or save if a value in `values` differs."""
        kind = str(model._meta.verbose_name)
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            outcome = "created"
        elif any(comparable(getattr(obj, k)) != comparable(v) for k, v in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            outcome = "updated"
        else:
            self.report.count(kind, "unchanged")
            return obj
        try:
            # Savepoint: a constraint the database refuses is reported, and the caller's
            # transaction is rolled back as a whole.
            with transaction.atomic():
                obj.save()
        except (IntegrityError, DataError) as error:
            self.problem(
                self.locate(record.kind, record.index, "") if record else "",
                "",
                NO_VALUE,
                f"a {kind} the database accepts: {str(error).splitlines()[0]}",
            )
            raise _WriteFailed from error
        self.report.count(kind, outcome)
        return obj

    def link(self, obj: models.Model, name: str, targets: list[models.Model]) -> None:
        """Add missing many-to-many links; links made by users stay."""
        manager = getattr(obj, name)
        present = set(manager.values_list("pk", flat=True))
        kind = f"{obj._meta.verbose_name} {name.replace('_', ' ')}"
        for target in targets:
            if target.pk in present:
                self.report.count(kind, "unchanged")
            else:
                manager.add(target)
                self.report.count(kind, "created")


class _WriteFailed(Exception):
    pass
