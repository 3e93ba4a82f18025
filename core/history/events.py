"""Events read for people: who, when, what kind of change, each field's old and new value as
the record's pages show it, and a short name for the record (deleted ones too).

Values come from pghistory's `Events` rows, whose `pgh_data` and `pgh_diff` hold the columns
as PostgreSQL's `row_to_json` writes them ("[2019-10-01,2019-11-01)" for a partial date).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models.fields.related import ForeignKey
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django_countries.fields import CountryField

from cases.models import AsylumClaim, Case
from core.display import country_name, date_label
from core.fields import PartialDateField, from_range
from core.partial_dates import PartialDate
from core.sensitive import readable_records, sensitive_fields
from hearings.models import Hearing
from people.models import Person
from sources.models import Source

if TYPE_CHECKING:
    from accounts.models import User


# The id is in the page's address. Other bookkeeping (timestamps, lock versions, content
# hashes) is not editable and stays out too (`ValueRenderer.shown`): it would bury the changes.
HIDDEN_COLUMNS = frozenset({"id"})
_RANGE = re.compile(r"^([\[(])(\d{4}-\d{2}-\d{2})?,(\d{4}-\d{2}-\d{2})?([\])])$")


def _action_label(kind: str, *, link: bool = False) -> str:
    """A link between two records (an NGO following a case) is added or removed."""
    labels = {
        "insert": _("Added") if link else _("Created"),
        "update": _("Changed"),
        "delete": _("Removed") if link else _("Deleted"),
    }
    return labels.get(kind, kind)


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None  # None when the record was created
    new: str


@dataclass
class HistoryEntry:
    """One event, ready to read: who did what to which record, when."""

    when: datetime
    action: str  # "Created", "Changed", "Deleted", in the active language
    user: models.Model | None = None
    user_url: str | None = None
    # What else the context recorded (the page, the command), for the admin.
    context: list[tuple[str, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    event_id: int = 0
    kind: str = ""  # insert, update, delete
    who: str = ""
    via: str = ""  # the named action or command behind the change, if any
    restored_from: int | None = None
    restored_from_when: datetime | None = None  # when that version was written, if listed
    model: type[models.Model] | None = None
    object_id: str | None = None
    record_label: str = ""
    record_url: str = ""  # the record's own history page, when the reader may open it
    restorable: bool = False
    # Events written together (one import, one page's save) share a context.
    context_id: Any = None
    is_batch: ClassVar[bool] = False

    @property
    def slug(self) -> str:
        """An anchor unique across event tables."""
        return _slug(self.model, self.event_id)

    @property
    def restored_from_slug(self) -> str:
        """The anchor of the version this change restored, on the same record's page."""
        return _slug(self.model, self.restored_from) if self.restored_from else ""


def _slug(model: type[models.Model] | None, event_id: int) -> str:
    label = model._meta.label_lower.replace(".", "-") if model else "event"
    return f"event-{label}-{event_id}"


# -- values ------------------------------------------------------------------------------------


def _partial_date(value: str) -> PartialDate | None:
    """A daterange as row_to_json writes it, "[2019-10-01,2019-11-01)"."""
    match = _RANGE.match(value)
    if not match or not match[2] or not match[3]:
        return None
    bounds = match[1] + match[4]
    lower, upper = date.fromisoformat(match[2]), date.fromisoformat(match[3])
    return from_range(DateRange(lower, upper, bounds))


def _partial_date_label(value: str) -> str:
    """ "[2019-10-01,2019-11-01)" as "October 2019"; anything unexpected as it is."""
    parsed = _partial_date(value)
    return date_label(parsed) if parsed else value


def _related_label(obj: models.Model) -> str:
    """A related record as a field's value: its name, cheaply (a hearing by its date, not
    through its case)."""
    if isinstance(obj, Hearing):
        return _("hearing of %(date)s") % {"date": date_label(obj.date)}
    if isinstance(obj, ContentType):
        model = obj.model_class()
        return str(model._meta.verbose_name) if model else str(obj)
    if isinstance(obj, get_user_model()):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


# What the label of a related record reads through, fetched with it so that labelling a page
# of values costs one query per related model.
_LABEL_RELATIONS: dict[type[models.Model], tuple[str, ...]] = {
    Source: ("publisher",),
    AsylumClaim: ("person",),
}


def _restricted(user: User | None) -> dict[type[models.Model], models.QuerySet[Any]]:
    """Related records named only to those who may see them: a custody interval moved out of
    a case must not print the title of a case the reader may not open."""
    if user is None or user.is_vigil_admin:
        return {}
    return {
        Case: Case.objects.visible_to(user),
        Person: Person.objects.visible_to(user),
        Source: Source.objects.visible_to(user),
    }


class ValueRenderer:
    """Turns raw event columns into what the record's pages show: field names, choice labels,
    partial dates, and the names of related records (fetched once per related model).

    `user` limits the related records named to those the user may see; None names them all
    (the admin)."""

    def __init__(
        self,
        rows: Mapping[type[models.Model], Iterable[Mapping[str, Any]]],
        *,
        user: User | None = None,
        known: Iterable[models.Model] = (),
    ) -> None:
        self._fields: dict[type[models.Model], dict[str, models.Field[Any, Any]]] = {}
        wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        for model, model_rows in rows.items():
            fields = self.fields(model)
            for row in model_rows:
                for column, value in row.items():
                    model_field = fields.get(column)
                    if isinstance(model_field, ForeignKey) and value is not None:
                        wanted[model_field.related_model].add(value)
        # `known`: records already fetched for the reader (the case of a case's history).
        self.related: dict[type[models.Model], dict[Any, models.Model]] = defaultdict(dict)
        for obj in known:
            self.related[type(obj)][obj.pk] = obj
        self._user = user
        self._sensitive_hidden: dict[tuple[type[models.Model], Any], bool] = {}
        restricted = _restricted(user)
        for related, pks in wanted.items():
            missing = pks - set(self.related[related])
            if not missing:
                continue
            if related is ContentType:  # cached by Django after the first use
                for pk in missing:
                    self.related[related][pk] = ContentType.objects.get_for_id(pk)
                continue
            queryset = restricted.get(related, related._default_manager.all())
            queryset = queryset.select_related(*_LABEL_RELATIONS.get(related, ()))
            self.related[related].update(queryset.in_bulk(missing))

    def fields(self, model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
        """The model's fields by column, in the form's order."""
        if model not in self._fields:
            self._fields[model] = {f.column: f for f in model._meta.concrete_fields if f.column}
        return self._fields[model]

    def shown(self, model: type[models.Model], column: str) -> bool:
        model_field = self.fields(model).get(column)
        if column in HIDDEN_COLUMNS:
            return False
        # Not in the model (a column dropped since) still shows; bookkeeping does not.
        return model_field is None or model_field.editable or model_field.is_relation

    def label(self, model: type[models.Model], column: str) -> str:
        model_field = self.fields(model).get(column)
        return str(capfirst(model_field.verbose_name)) if model_field else column

    def render(self, model: type[models.Model], column: str, value: Any) -> str:
        """The value as the pages show it; "—" for nothing."""
        return self.text(model, column, value) or "—"

    def text(self, model: type[models.Model], column: str, value: Any) -> str:
        """The value as the pages show it; "" for nothing."""
        model_field = self.fields(model).get(column)
        if value is None or value == "":
            return ""
        if model_field is None:
            return str(value)
        if isinstance(model_field, ForeignKey):
            obj = self.related[model_field.related_model].get(value)
            if obj is not None:
                return _related_label(obj)
            if model_field.related_model in (Case, Person, Source):
                return _("not shown")  # deleted, or not for this reader: do not say which
            return _("#%(pk)s (deleted)") % {"pk": value}
        if isinstance(model_field, PartialDateField):
            return _partial_date_label(str(value))
        if isinstance(model_field, CountryField):
            return ", ".join(country_name(code) or code for code in str(value).split(","))
        if model_field.flatchoices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return str(_("yes") if value else _("no"))
        if isinstance(model_field, models.DateTimeField):
            moment = parse_datetime(str(value))
            return str(formats.localize(timezone.localtime(moment))) if moment else str(value)
        if isinstance(model_field, models.DateField):
            day = parse_date(str(value))
            return date_label(PartialDate.of(day)) if day else str(value)
        if isinstance(model_field, models.TimeField):
            moment_of_day = parse_time(str(value))
            return moment_of_day.strftime("%H:%M") if moment_of_day else str(value)
        return Truncator(str(value)).chars(300)

    def hides_sensitive(self, model: type[models.Model], pk: Any) -> bool:
        """Whether the reader may not read the sensitive values of this record (sensitive.py);
        asked once per record."""
        if not sensitive_fields(model) or self._user is None or self._user.is_vigil_admin:
            return False
        key = (model, pk)
        if key not in self._sensitive_hidden:
            readable = readable_records(self._user, model).filter(pk=pk).exists()
            self._sensitive_hidden[key] = not readable
        return self._sensitive_hidden[key]

    def changes(self, model: type[models.Model], event: Any) -> list[Change]:
        """A creation lists the values the record started with; a change, old → new. A
        sensitive field the reader may not read shows that it changed, not its values."""
        created = event.pgh_label == "insert"
        secret: frozenset[str] = frozenset()
        if self.hides_sensitive(model, event.pgh_obj_id):
            fields = self.fields(model)
            names = sensitive_fields(model)
            secret = frozenset(c for c, f in fields.items() if f.name in names)
        if created:
            items = [(column, (None, value)) for column, value in (event.pgh_data or {}).items()]
        else:
            items = list((event.pgh_diff or {}).items())
        # JSON objects come back in key order; show the fields in the form's order.
        order = list(self.fields(model))
        items.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        withheld = _("(confidential)")
        return [
            Change(
                self.label(model, column),
                None if created else withheld,
                withheld,
            )
            if column in secret
            else Change(
                self.label(model, column),
                None if created else self.render(model, column, old),
                self.render(model, column, new),
            )
            for column, (old, new) in items
            if self.shown(model, column) and not (old in (None, "") and new in (None, ""))
        ]

    def value_of(self, model: type[models.Model], row: Mapping[str, Any]) -> Callable[[str], str]:
        """Reads one row's fields by name, as text ("" for nothing)."""
        by_name = {f.name: f.column for f in self.fields(model).values()}

        def value(name: str) -> str:
            column = by_name.get(name) or name
            return self.text(model, column, row.get(column))

        return value


# -- records -----------------------------------------------------------------------------------


def _or_unknown(text: str) -> str:
    return text or _("date unknown")


# How each kind of record is named in a history, from its latest values (deleted records too).
_LABELS: dict[str, Callable[[Callable[[str], str]], str]] = {
    "cases.Case": lambda v: _("Case: %(title)s") % {"title": v("title")},
    "cases.CaseParticipant": lambda v: (
        _("Participant: %(person)s (%(role)s)") % {"person": v("person"), "role": v("role")}
    ),
    "cases.Charge": lambda v: (
        _("Charge: %(person)s under %(provision)s")
        % {"person": v("defendant"), "provision": v("provision")}
    ),
    "hearings.Hearing": lambda v: _("Hearing of %(date)s") % {"date": _or_unknown(v("date"))},
    "hearings.Sentence": lambda v: (
        _("Sentence of %(person)s, %(date)s")
        % {"person": v("defendant"), "date": _or_unknown(v("pronounced"))}
    ),
    "cases.CustodyInterval": lambda v: (
        _("%(kind)s: %(person)s from %(start)s")
        % {"kind": v("kind"), "person": v("person"), "start": _or_unknown(v("start"))}
    ),
    "cases.AsylumClaim": lambda v: (
        _("Asylum claim: %(person)s in %(country)s")
        % {"person": v("person"), "country": v("host_country")}
    ),
    "cases.AsylumClaimStep": lambda v: (
        _("Asylum claim step: %(status)s (%(date)s)")
        % {"status": v("status"), "date": _or_unknown(v("date"))}
    ),
    "cases.LegalProvision": lambda v: (
        _("%(instrument)s, Art. %(article)s %(part)s")
        % {"instrument": v("instrument"), "article": v("article"), "part": v("part")}
    ).strip(),
    "sources.Source": lambda v: _("Source: %(title)s") % {"title": v("title")},
    "sources.Citation": lambda v: (
        _("Citation of %(source)s") % {"source": Truncator(v("source")).chars(60)}
    ),
    "people.Person": lambda v: v("display_name"),
    "people.Organization": lambda v: v("name"),
    "people.NameVariant": lambda v: (
        _("Spelling “%(name)s” of %(person)s") % {"name": v("text"), "person": v("person")}
    ),
    "cases.Case_watched_by": lambda v: (
        _("Followed by %(organization)s") % {"organization": v("organization")}
    ),
}


def record_label(renderer: ValueRenderer, model: type[models.Model], row: Mapping[str, Any]) -> str:
    """One line naming a record from one of its events: "Hearing of 6 January 2020"."""
    label = _LABELS.get(model._meta.label)
    if label is not None:
        return label(renderer.value_of(model, row))
    return f"{capfirst(model._meta.verbose_name)} #{row.get('id', '?')}"


def history_url(model: type[models.Model], pk: Any) -> str:
    """The history page of one record (whether the reader may open it is checked there)."""
    opts = model._meta
    return reverse("record_history", args=[opts.app_label, opts.model_name, pk])


def event_model(model: type[models.Model]) -> type[models.Model]:
    """The table pghistory's triggers write the model's events to (one per tracked model)."""
    tracked: type[models.Model] = getattr(model, "pgh_event_model")  # noqa: B009
    return tracked


def is_link(model: type[models.Model]) -> bool:
    """A many-to-many link table (a case's followers): no history page of its own."""
    return bool(model._meta.auto_created)


def tracked_model(event: Any) -> type[models.Model]:
    """The model an `Events` row is about (its event table's tracked model)."""
    tracked: type[models.Model] = apps.get_model(event.pgh_model).pgh_tracked_model
    return tracked


def event_rows(events: Iterable[Any]) -> list[Mapping[str, Any]]:
    """The values events hold: each one's row, and what its changes replaced."""
    rows: list[Mapping[str, Any]] = []
    for event in events:
        rows.append(event.pgh_data or {})
        rows.append({column: pair[0] for column, pair in (event.pgh_diff or {}).items()})
    return rows


def _who(context: Mapping[str, Any], user: models.Model | None) -> str:
    """The person behind a change, or what made it when no person is recorded."""
    if user is not None:
        full_name = getattr(user, "get_full_name", lambda: "")()
        return str(full_name or getattr(user, "username", user))
    if context.get("user") is not None:
        return _("deleted user #%(pk)s") % {"pk": context["user"]}
    name = context.get("command") or context.get("source") or context.get("action")
    if name:
        return _("import / command %(name)s") % {"name": name}
    return _("database (no user recorded)")


def _via(context: Mapping[str, Any]) -> str:
    """The named action or command behind a person's change: "record hearing outcome"."""
    return str(context.get("action") or context.get("command") or "").replace("_", " ")


def history_entries(
    events: Sequence[Any],
    *,
    user: User | None = None,
    renderer: ValueRenderer | None = None,
    known: Iterable[models.Model] = (),
) -> list[HistoryEntry]:
    """Who, when and old → new for `pghistory.models.Events` rows of any tracked models.

    `user` is the reader: related records they may not see are not named (None: the admin)."""
    models_of = {id(event): tracked_model(event) for event in events}
    if renderer is None:
        by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
        for event in events:
            by_model[models_of[id(event)]].append(event)
        renderer = ValueRenderer(
            {model: event_rows(model_events) for model, model_events in by_model.items()},
            user=user,
            known=known,
        )
    user_pks = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users = get_user_model()._default_manager.in_bulk(user_pks)
    entries = []
    for event in events:
        model = models_of[id(event)]
        context = dict(event.pgh_context or {})
        actor = users.get(context.get("user"))
        shown_context = {k: v for k, v in context.items() if k != "user" and v}
        restored_from = context.get("restored_from")
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                action=_action_label(event.pgh_label, link=is_link(model)),
                user=actor,
                context=[(str(key), str(value)) for key, value in shown_context.items()],
                changes=[] if is_link(model) else renderer.changes(model, event),
                event_id=event.pgh_id,
                kind=event.pgh_label,
                who=_who(context, actor),
                via=_via(context) if actor else "",
                restored_from=int(restored_from) if restored_from is not None else None,
                model=model,
                object_id=event.pgh_obj_id,
                context_id=event.pgh_context_id,
            )
        )
    written = {(entry.model, entry.event_id): entry.when for entry in entries}
    for entry in entries:
        if entry.restored_from is not None:
            entry.restored_from_when = written.get((entry.model, entry.restored_from))
    return entries
