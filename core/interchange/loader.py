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
from core.scripts import detect_script
from people.models import NameFields, Person, VariantKind
from people.names import match_key
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
        """Records in waves (a wave refers only to records written before it), each wave one
        query per model to find what exists and one bulk insert for what is new; then names,
        links and citations, also in bulk."""
        self.prefetch_refs()
        pending = list(self.records)
        while pending:
            ready = [r for r in pending if all(v in self.loaded for v in self.in_file_refs(r))]
            if not ready:  # check_cycles found none; kept as a guard against a loop
                raise ImportDataError.one(self.file, f"no cycle through {pending[0].id}")
            by_model: dict[type[models.Model], list[Record]] = {}
            for record in ready:
                by_model.setdefault(record.model, []).append(record)
            for model, records in by_model.items():
                self.load_records(model, records)
            pending = [r for r in pending if r.id not in self.loaded]
        for kind in KINDS:
            records = [r for r in self.records if r.kind == kind]
            if self.progress and records:
                self.progress(kind, len(records))
            for record in records:
                obj = self.loaded[record.id]
                for name, ids in record.links.items():
                    related = related_model(record.model._meta.get_field(name))
                    self.link(obj, name, [self.ref(i, related) for i in ids])
            self.load_names(records)
            self.load_citations(records)

    def prefetch_refs(self) -> None:
        """Every record the file refers to but does not hold, one query per model."""
        wanted: dict[type[models.Model], set[str]] = {}
        for record in self.records:
            for name, external_id in record.refs.items():
                if external_id and external_id not in self.by_id:
                    model = related_model(record.model._meta.get_field(name))
                    wanted.setdefault(model, set()).add(external_id)
            for name, ids in record.links.items():
                model = related_model(record.model._meta.get_field(name))
                wanted.setdefault(model, set()).update(i for i in ids if i not in self.by_id)
            for item in [*record.data.get("names", []), *record.data.get("citations", [])]:
                if item.get("source") and item["source"] not in self.by_id:
                    wanted.setdefault(Source, set()).add(item["source"])
        for model, external_ids in wanted.items():
            for obj in model._default_manager.filter(external_id__in=external_ids):
                self.loaded.setdefault(obj.external_id, obj)  # type: ignore[attr-defined]

    def record_values(self, record: Record) -> dict[str, Any]:
        values = dict(record.values)
        for name, external_id in record.refs.items():
            model_field = record.model._meta.get_field(name)
            target = self.ref(external_id, related_model(model_field)) if external_id else None
            values[model_field.attname] = target.pk if target else None  # type: ignore[union-attr]
        if "file" in record.data:
            self.add_report_text(record, values)
        return values

    def load_records(self, model: type[models.Model], records: list[Record]) -> None:
        existing = {
            obj.external_id: obj  # type: ignore[attr-defined]
            for obj in model._default_manager.filter(external_id__in=[r.id for r in records])
        }
        new: list[tuple[Record, models.Model]] = []
        for record in records:
            values = self.record_values(record)
            obj = existing.get(record.id)
            if obj is None:
                obj = model(external_id=record.id, **values)
                new.append((record, obj))
            else:
                self.update(obj, values, record)
            self.loaded[record.id] = obj
        self.insert(new)

    def load_names(self, records: list[Record]) -> None:
        with_names = [r for r in records if r.data.get("names")]
        if not with_names:
            return
        model, owner_field = NAME_MODELS[with_names[0].model]
        owners = [self.loaded[r.id] for r in with_names]
        existing = {
            (getattr(obj, f"{owner_field}_id"), obj.text): obj  # type: ignore[attr-defined]
            for obj in model._default_manager.filter(**{f"{owner_field}__in": owners})
        }
        new: list[tuple[Record, models.Model]] = []
        for record, owner in zip(with_names, owners, strict=True):
            for name in record.data["names"]:
                source = self.ref(name["source"], Source) if name.get("source") else None
                values = {
                    "kind": name.get("kind", VariantKind.AS_REPORTED),
                    "language": name.get("language", ""),
                    "source_id": source.pk if source else None,
                }
                obj = existing.get((owner.pk, name["text"]))
                if obj is None:
                    obj = model(**{owner_field: owner, "text": name["text"]}, **values)
                    existing[(owner.pk, name["text"])] = obj
                    new.append((record, obj))
                else:
                    self.update(obj, values, record)
        self.insert(new)

    def load_citations(self, records: list[Record]) -> None:
        cited = [r for r in records if r.data.get("citations")]
        if not cited:
            return
        content_type = ContentType.objects.get_for_model(cited[0].model)
        facts = [self.loaded[r.id].pk for r in cited]
        existing = {
            (c.source_id, c.object_id, c.field, c.quote): c
            for c in Citation.objects.filter(content_type=content_type, object_id__in=facts)
        }
        new: list[tuple[Record, models.Model]] = []
        for record in cited:
            obj = self.loaded[record.id]
            for citation in record.data["citations"]:
                source = self.ref(citation["source"], Source)
                reported_date = citation.get("reported_date")
                key = (source.pk, obj.pk, citation.get("field", ""), citation["quote"])
                values = {
                    "locator": citation.get("locator", ""),
                    "reported_value": citation.get("reported", ""),
                    "reported_date": PartialDate.parse(reported_date) if reported_date else None,
                    "note": citation.get("note", ""),
                }
                found = existing.get(key)
                if found is None:
                    found = Citation(
                        source=source,
                        content_type=content_type,
                        object_id=obj.pk,
                        field=key[2],
                        quote=key[3],
                        **values,
                    )
                    existing[key] = found
                    new.append((record, found))
                else:
                    self.update(found, values, record)
                if source.text and squash(citation["quote"]) not in squash(source.text):
                    self.report.warnings.append(
                        f"{record.id}: quote not found in {citation['source']}: "
                        f"{citation['quote']!r}"
                    )
        self.insert(new)

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

    def ref(self, external_id: str, model: type[M]) -> M:
        obj = self.loaded.get(external_id)
        if obj is None:
            obj = model._default_manager.filter(external_id=external_id).first()
            if obj is not None:
                self.loaded[external_id] = obj
        if not isinstance(obj, model):  # checked before writing; kept as a guard
            raise ImportDataError.one(self.file, f"{external_id!r} is not a {model.__name__}")
        return obj

    def upsert(self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
        """Find one row by `lookup`, then create it, or save it if a value differs (for
        callers outside the document, such as the demo's accounts)."""
        kind = str(model._meta.verbose_name)
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.report.count(kind, "created")
        elif any(comparable(getattr(obj, k)) != comparable(v) for k, v in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
            self.report.count(kind, "updated")
        else:
            self.report.count(kind, "unchanged")
        return obj

    def update(self, obj: models.Model, values: dict[str, Any], record: Record) -> None:
        """Save `obj` with `values` if one of them differs (history records the change)."""
        kind = str(obj._meta.verbose_name)
        if all(comparable(getattr(obj, k)) == comparable(v) for k, v in values.items()):
            self.report.count(kind, "unchanged")
            return
        for name, value in values.items():
            setattr(obj, name, value)
        self.save_one(obj, record)
        self.report.count(kind, "updated")

    def insert(self, new: list[tuple[Record, models.Model]]) -> None:
        """Create `new` (all of one model) with one bulk insert; the triggers still write
        history. On a refusal each row is saved on its own to say which record failed."""
        if not new:
            return
        model = type(new[0][1])
        for _record, obj in new:
            before_insert(obj)
        try:
            with transaction.atomic():
                model._default_manager.bulk_create([obj for _record, obj in new])
        except (IntegrityError, DataError):
            for record, obj in new:
                self.save_one(obj, record)
        for _ in new:
            self.report.count(str(model._meta.verbose_name), "created")

    def save_one(self, obj: models.Model, record: Record) -> None:
        try:
            # Savepoint: a constraint the database refuses is reported, and the caller's
            # transaction is rolled back as a whole.
            with transaction.atomic():
                obj.save()
        except (IntegrityError, DataError) as error:
            self.problem(
                self.locate(record.kind, record.index, ""),
                "",
                NO_VALUE,
                f"a {obj._meta.verbose_name} the database accepts: {str(error).splitlines()[0]}",
            )
            raise _WriteFailed from error

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


def before_insert(obj: models.Model) -> None:
    """What the models' `save` computes before writing, for rows written by `bulk_create`
    (which does not call `save`): name keys and scripts, a source's content hash."""
    if isinstance(obj, Person):
        obj.search_key = match_key(obj.display_name)
    elif isinstance(obj, NameFields):
        if not obj.script:
            obj.script = detect_script(obj.text)
        obj.search_key = match_key(obj.text)
    elif isinstance(obj, Source):
        obj.content_hash = hashlib.sha256(obj.text.encode()).hexdigest() if obj.text else None
