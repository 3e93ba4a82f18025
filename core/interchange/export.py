"""The whole database as one "vigil/1" document, in a deterministic order: kinds in load
order, records by id, names by text, citations by source, field and quote, links by id.

Records that have no external id (entered through the pages) are given "<kind>:pk-<pk>" in
the export, so their references hold; importing the export stores that id on them.
Fields left at their default are left out, so the export reads like a hand-written file."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django_countries.fields import Country

from core.interchange.kinds import FORMAT, KIND_OF_MODEL, KINDS, NAME_MODELS, data_fields
from core.interchange.values import comparable
from core.models import CitedRecord
from core.partial_dates import PartialDate
from people.models import VariantKind
from sources.models import Citation


def export_id(obj: models.Model) -> str:
    external_id = getattr(obj, "external_id", None)
    return external_id or f"{KIND_OF_MODEL[type(obj)]}:pk-{obj.pk}"


def export_document(about: str = "") -> dict[str, Any]:
    document: dict[str, Any] = {"format": FORMAT}
    if about:
        document["about"] = about
    ids: dict[tuple[type[models.Model], int], str] = {}
    for model in KINDS.values():
        for pk, external_id in model._default_manager.values_list("pk", "external_id"):
            ids[(model, pk)] = external_id or f"{KIND_OF_MODEL[model]}:pk-{pk}"
    citations = _citations(ids)
    for kind, model in KINDS.items():
        records = [_record(obj, ids, citations) for obj in _objects(model)]
        document[kind] = sorted(records, key=lambda record: record["id"])
    return document


def export_json(about: str = "") -> str:
    return json.dumps(export_document(about), ensure_ascii=False, indent=1) + "\n"


def _objects(model: type[models.Model]) -> Any:
    fields = data_fields(model)
    m2m = [name for name, f in fields.items() if f.many_to_many]
    queryset = model._default_manager.order_by("pk").prefetch_related(*m2m)
    if model in NAME_MODELS:
        queryset = queryset.prefetch_related("names")
    return queryset


def _record(
    obj: models.Model,
    ids: dict[tuple[type[models.Model], int], str],
    citations: dict[tuple[int, int], list[dict[str, Any]]],
) -> dict[str, Any]:
    model = type(obj)
    record: dict[str, Any] = {"id": ids[(model, obj.pk)]}
    for name, model_field in data_fields(model).items():
        if model_field.many_to_many:
            related = model_field.related_model
            linked = sorted(ids[(related, target.pk)] for target in getattr(obj, name).all())
            if linked:
                record[name] = linked
        elif model_field.is_relation:
            pk = getattr(obj, model_field.attname)
            if pk is not None:
                record[name] = ids[(model_field.related_model, pk)]
        else:
            value = getattr(obj, name)
            if comparable(value) != comparable(model_field.get_default()):
                record[name] = _plain(value)
    if model in NAME_MODELS:
        names = [_name(variant, ids) for variant in obj.names.all()]  # type: ignore[attr-defined]
        if names:
            record["names"] = sorted(names, key=lambda name: name["text"])
    if issubclass(model, CitedRecord):
        content_type = ContentType.objects.get_for_model(model)
        cited = citations.get((content_type.pk, obj.pk))
        if cited:
            record["citations"] = cited
    return record


def _name(variant: Any, ids: dict[tuple[type[models.Model], int], str]) -> dict[str, Any]:
    from sources.models import Source

    name: dict[str, Any] = {"text": variant.text}
    if variant.kind != VariantKind.AS_REPORTED:
        name["kind"] = variant.kind
    if variant.language:
        name["language"] = variant.language
    if variant.source_id:
        name["source"] = ids[(Source, variant.source_id)]
    return name


def _citations(
    ids: dict[tuple[type[models.Model], int], str],
) -> dict[tuple[int, int], list[dict[str, Any]]]:
    from sources.models import Source

    found: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for citation in Citation.objects.order_by("pk"):
        entry: dict[str, Any] = {
            "source": ids[(Source, citation.source_id)],
            "quote": citation.quote,
        }
        for key, value in (
            ("field", citation.field),
            ("locator", citation.locator),
            ("reported", citation.reported_value),
            ("reported_date", citation.reported_date),
            ("note", citation.note),
        ):
            if value:
                entry[key] = _plain(value)
        found.setdefault((citation.content_type_id, citation.object_id), []).append(entry)
    for entries in found.values():
        entries.sort(key=lambda e: (e["source"], e.get("field", ""), e["quote"]))
    return found


def _plain(value: Any) -> Any:
    """A field value as JSON: partial dates and dates as ISO text, countries by code."""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, Country):
        return value.code
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple) or (
        hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict)
    ):
        return [_plain(item) for item in value]
    return value
