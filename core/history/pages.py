"""The history pages' data: one record's events, and a case's whole history (the case and
every record hanging off it), each fetched for a reader who may see them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from pghistory.models import Events

from cases.models import (
    AsylumClaim,
    AsylumClaimStep,
    Case,
    CaseParticipant,
    Charge,
    CustodyInterval,
)
from core.access import visible_records
from core.display import fact_label, fact_url
from core.history.events import (
    HistoryEntry,
    ValueRenderer,
    event_model,
    event_rows,
    history_entries,
    history_url,
    is_link,
    record_label,
    tracked_model,
)
from hearings.models import Hearing, Sentence
from people.models import Person
from sources.models import Citation, Source

if TYPE_CHECKING:
    from accounts.models import User


# -- one record --------------------------------------------------------------------------------

HISTORY_PER_PAGE = 50


@dataclass(frozen=True)
class RecordHistory:
    model: type[models.Model]
    pk: int
    record: models.Model | None  # None once deleted (only admins see a deleted record's history)
    label: str
    belongs_to: str  # the case or person the record is part of, when it has one
    page: Page[Any]
    entries: list[HistoryEntry]
    record_url: str | None  # the page that shows the record
    case_history_url: str | None  # the whole history of the case it belongs to
    restore_url: str | None  # where an admin posts a version to restore


def history_model(app_label: str, model_name: str) -> type[models.Model]:
    """A tracked model by its URL names; 404 for anything else."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    if not getattr(model, "pgh_event_models", None):
        raise Http404
    return model


def _visible_record(user: User, model: type[models.Model], pk: int) -> models.Model | None:
    """The record if the user may see it; None if an admin asks for a deleted record; 404
    otherwise, without saying whether it exists."""
    queryset = visible_records(user, model)
    if queryset is None:
        raise Http404
    record = queryset.filter(pk=pk).first()
    if record is None and not user.is_vigil_admin:
        raise Http404
    return record


def get_record_history_for_user(
    user: User, model: type[models.Model], pk: int, page_number: Any = None
) -> RecordHistory:
    """A record's events, newest first, for a reader who may see the record."""
    record = _visible_record(user, model, pk)
    events = Events.objects.tracks(model(pk=pk)).order_by("-pgh_created_at", "-pgh_id")
    page = Paginator(events, HISTORY_PER_PAGE).get_page(page_number)
    listed = list(page.object_list)
    newest = (listed[0] if page.number == 1 else events.first()) if listed else None
    renderer = ValueRenderer({model: event_rows([newest, *listed] if newest else [])}, user=user)
    if newest is not None:
        label = record_label(renderer, model, newest.pgh_data or {})
    elif record is not None:  # a record from before history was kept
        label = fact_label(record)
    else:  # nothing recorded: an admin asking for a record that never existed
        raise Http404
    entries = history_entries(listed, user=user, renderer=renderer)
    can_restore = user.is_vigil_admin and record is not None
    for entry in entries:
        entry.restorable = (
            can_restore
            and entry.kind in ("insert", "update")
            and newest is not None
            and entry.event_id != newest.pgh_id
        )
    case_id = record.pk if isinstance(record, Case) else getattr(record, "case_id", None)
    return RecordHistory(
        model=model,
        pk=pk,
        record=record,
        label=label,
        belongs_to=_belongs_to(record),
        page=page,
        entries=entries,
        record_url=_record_page(record),
        case_history_url=reverse("case_history", args=[case_id]) if case_id else None,
        restore_url=(
            reverse("record_restore", args=[model._meta.app_label, model._meta.model_name, pk])
            if can_restore
            else None
        ),
    )


def _belongs_to(record: models.Model | None) -> str:
    for name in ("case", "person", "claim", "speaker", "organization"):
        if getattr(record, f"{name}_id", None) is not None:
            return str(getattr(record, name))
    return ""


def _record_page(record: models.Model | None) -> str | None:
    if record is None:
        return None
    if isinstance(record, Source):
        return record.get_absolute_url()
    if isinstance(record, Citation):
        return record.source.get_absolute_url()
    return fact_url(record)


# -- a case and everything hanging off it ------------------------------------------------------

# Records that belong to a case through their own `case` column, and the case's followers.
CASE_RECORDS: tuple[type[models.Model], ...] = (
    Case,
    CaseParticipant,
    Charge,
    Hearing,
    Sentence,
    CustodyInterval,
    AsylumClaim,
)
# Records whose person must be visible too (the person's file, not only the case).
_PERSON_SCOPED = (CustodyInterval, AsylumClaim)
CASE_HISTORY_PER_PAGE = 100


@dataclass(frozen=True)
class CaseHistory:
    case: Case
    page: Page[HistoryEntry | HistoryBatch]
    total: int  # events, batches counted by their records


@dataclass(frozen=True)
class HistoryBatch:
    """Records created (or deleted) together by one import or one save: one line, not one
    per record."""

    entries: list[HistoryEntry]
    is_batch: ClassVar[bool] = True

    @property
    def first(self) -> HistoryEntry:
        return self.entries[0]


BATCH_MIN = 3


def batched(entries: list[HistoryEntry]) -> list[HistoryEntry | HistoryBatch]:
    """Runs of at least BATCH_MIN creations (or deletions) by the same hand at the same moment
    folded into one batch; every change keeps its own line."""

    def key(entry: HistoryEntry) -> tuple[Any, ...] | None:
        if entry.kind not in ("insert", "delete"):
            return None
        return (entry.kind, entry.context_id or (entry.when, entry.who))

    rows: list[HistoryEntry | HistoryBatch] = []
    run: list[HistoryEntry] = []

    def flush() -> None:
        if len(run) >= BATCH_MIN:
            rows.append(HistoryBatch(list(run)))
        else:
            rows.extend(run)
        run.clear()

    for entry in entries:
        if run and (key(entry) is None or key(entry) != key(run[0])):
            flush()
        if key(entry) is None:
            rows.append(entry)
        else:
            run.append(entry)
    flush()
    return rows


def _case_events(case: Case) -> list[Any]:
    """Every event of the case and of the records in it, deleted ones included: one query
    for the records pointing at the case, one for the steps of its asylum claims, two for the
    citations of all of them."""
    event_models = [event_model(model) for model in (*CASE_RECORDS, Case.watched_by.through)]
    events = list(Events.objects.references(case).across(*event_models))
    claims = {e.pgh_obj_id for e in events if e.pgh_obj_model == AsylumClaim._meta.label}
    if claims:
        events += Events.objects.references([AsylumClaim(pk=int(pk)) for pk in claims]).across(
            event_model(AsylumClaimStep)
        )
    facts: dict[type[models.Model], set[int]] = defaultdict(set)
    for event in events:
        if event.pgh_obj_id is not None:
            facts[apps.get_model(event.pgh_obj_model)].add(int(event.pgh_obj_id))
    types = ContentType.objects.get_for_models(*facts)
    cited = Q(pk__in=[])
    for model, pks in facts.items():
        cited |= Q(content_type=types[model], object_id__in=pks)
    citation_event = event_model(Citation)
    citation_ids = set(
        citation_event._default_manager.filter(cited).values_list("pgh_obj_id", flat=True)
    )
    if citation_ids:
        events += Events.objects.tracks([Citation(pk=pk) for pk in citation_ids]).across(
            citation_event
        )
    return events


def _latest_rows(events: Iterable[Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The latest values of each record among `events`, by (model label, pk)."""
    latest: dict[tuple[str, str], Any] = {}
    for event in events:
        key = (event.pgh_obj_model, event.pgh_obj_id or f"link-{event.pgh_id}")
        if key not in latest or latest[key].pgh_id < event.pgh_id:
            latest[key] = event
    return {key: event.pgh_data or {} for key, event in latest.items()}


def _visible_case_events(user: User, events: list[Any]) -> list[Any]:
    """Drop what the reader may not see although the case is theirs: custody intervals and
    asylum claims (and their steps) of persons they may not see, citations of confidential
    sources or of such records."""
    if user.is_vigil_admin:
        return events
    latest = _latest_rows(events)
    person_labels = {model._meta.label for model in _PERSON_SCOPED}
    person_ids: set[int] = {
        row["person_id"]
        for (label, _pk), row in latest.items()
        if label in person_labels and row.get("person_id") is not None
    }
    visible_persons = set(
        Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    hidden: set[tuple[str, str]] = {
        key
        for key, row in latest.items()
        if key[0] in person_labels and row.get("person_id") not in visible_persons
    }
    claim_label, step_label = AsylumClaim._meta.label, AsylumClaimStep._meta.label
    hidden |= {
        key
        for key, row in latest.items()
        if key[0] == step_label and (claim_label, str(row.get("claim_id"))) in hidden
    }
    citation_label = Citation._meta.label
    source_ids: set[int] = {
        row["source_id"]
        for (label, _pk), row in latest.items()
        if label == citation_label and row.get("source_id") is not None
    }
    sources = Source.objects.visible_to(user).filter(pk__in=source_ids)
    visible_sources = set(sources.values_list("pk", flat=True))
    for key, row in latest.items():
        if key[0] != citation_label:
            continue
        fact_model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
        fact = (fact_model._meta.label if fact_model else "", str(row["object_id"]))
        if row.get("source_id") not in visible_sources or fact in hidden:
            hidden.add(key)
    return [e for e in events if (e.pgh_obj_model, e.pgh_obj_id) not in hidden]


def get_case_history_for_user(user: User, pk: int, page_number: Any = None) -> CaseHistory:
    """Every change to a case the user may see and to the records in it, newest first, each
    naming its record and linking to that record's own history."""
    case = Case.objects.visible_to(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    events = _visible_case_events(user, _case_events(case))
    # Newest first. Events of one transaction share a time, so their order among themselves is
    # arbitrary: keep each hand's (context's) events together there, so an import reads as one
    # run whatever order the tables returned them in.
    events.sort(
        key=lambda e: (e.pgh_created_at, str(e.pgh_context_id or ""), e.pgh_id), reverse=True
    )
    latest = _latest_rows(events)
    by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
    for event in events:
        by_model[tracked_model(event)].append(event)
    renderer = ValueRenderer(
        {model: event_rows(model_events) for model, model_events in by_model.items()},
        user=user,
        known=[case],
    )
    entries = history_entries(events, user=user, renderer=renderer)
    deleted = {(e.pgh_obj_model, e.pgh_obj_id) for e in events if e.pgh_label == "delete"}
    labels: dict[tuple[str, str], str] = {}
    for entry in entries:
        assert entry.model is not None
        key = (entry.model._meta.label, entry.object_id or f"link-{entry.event_id}")
        if key not in labels:
            labels[key] = record_label(renderer, entry.model, latest.get(key, {}))
        entry.record_label = labels[key]
        # A deleted record's own page is for admins (its case no longer vouches for it).
        gone = (key[0], entry.object_id) in deleted and not user.is_vigil_admin
        if entry.object_id and not is_link(entry.model) and not gone:
            entry.record_url = history_url(entry.model, entry.object_id)
    # A citation names the fact it supports.
    citation_label = Citation._meta.label
    for entry in entries:
        if entry.model is Citation and entry.object_id:
            row = latest.get((citation_label, entry.object_id), {})
            if row.get("content_type_id") is None:
                continue
            fact_model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
            fact = labels.get((fact_model._meta.label if fact_model else "", str(row["object_id"])))
            if fact:
                entry.record_label = _("%(fact)s: %(citation)s") % {
                    "citation": entry.record_label.lower()[:1] + entry.record_label[1:],
                    "fact": fact,
                }
    page = Paginator(batched(entries), CASE_HISTORY_PER_PAGE).get_page(page_number)
    return CaseHistory(case=case, page=page, total=len(entries))
