"""Shared admin building blocks (the site itself is core/admin_site.py): base classes that
keep changelists to a fixed number of queries, and the History page read from pghistory's
trigger-written events (so imports, bulk updates and raw SQL show up, not only edits made in
the admin)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models.fields.related import ForeignKey
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from pghistory import core as pghistory_core
from pghistory.models import Events

from core.display import country_name, date_label
from core.fields import PartialDateField, from_range

# The bookkeeping of every `core.models.Record`, folded away at the bottom of its form.
RECORD_FIELDSET: tuple[Any, Any] = (
    _("Record"),
    {"fields": ("external_id", "created_at", "updated_at"), "classes": ("collapse",)},
)
RECORD_READONLY = ("created_at", "updated_at")
# Tabular inlines: a text field two lines high instead of ten.
SMALL_TEXT: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}
}


def admin_url(obj: models.Model) -> str | None:
    """The admin change page of any registered model instance, or None."""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


def admin_link(obj: models.Model | None) -> str:
    if obj is None:
        return "—"
    url = admin_url(obj)
    return format_html('<a href="{}">{}</a>', url, obj) if url else str(obj)


if TYPE_CHECKING:
    _BaseAdmin = admin.options.BaseModelAdmin[Any]
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _BaseAdmin = _ModelAdmin = object


class RelatedLabelsMixin(_BaseAdmin):
    """An autocomplete widget prints the chosen record's `__str__`; take its queryset from the
    target's admin so the relations that label follows are fetched in the same query."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if "queryset" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            target = self.admin_site.get_model_admin(db_field.related_model)
            kwargs["queryset"] = target.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VigilModelAdmin(RelatedLabelsMixin, admin.ModelAdmin):
    """Base for every model admin: `list_select_related` also applies to the change page and
    to autocomplete results, whose labels (`__str__`) usually follow a foreign key."""

    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset


class CompactInline(RelatedLabelsMixin, admin.TabularInline):
    """One line per row, no empty extra forms, small text boxes."""

    extra = 0
    show_change_link = True
    select_related: tuple[str, ...] = ()
    formfield_overrides = SMALL_TEXT

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        # Inline rows print `__str__` next to the change link: fetch what it follows.
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.select_related) if self.select_related else queryset


# -- History ---------------------------------------------------------------------------------

ACTIONS = {"insert": _("Created"), "update": _("Changed"), "delete": _("Deleted")}
# Bookkeeping columns every save touches; they would bury the real changes.
HIDDEN_COLUMNS = frozenset({"id", "created_at", "updated_at"})
_RANGE = re.compile(r"^([\[(])(\d{4}-\d{2}-\d{2})?,(\d{4}-\d{2}-\d{2})?([\])])$")


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None  # None when the record was created
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    action: str
    user: models.Model | None = None
    user_url: str | None = None
    context: list[tuple[str, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _partial_date_label(value: str) -> str:
    """A daterange as row_to_json writes it, "[2019-10-01,2019-11-01)", as "October 2019"."""
    match = _RANGE.match(value)
    if not match or not match[2] or not match[3]:
        return value
    bounds = match[1] + match[4]
    lower, upper = date.fromisoformat(match[2]), date.fromisoformat(match[3])
    return date_label(from_range(DateRange(lower, upper, bounds)))


class _ValueRenderer:
    """Turns raw event columns into what the admin's forms would show: choice labels, partial
    date labels, and the names of related records (fetched once per model for the page)."""

    def __init__(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        self.fields: dict[str, models.Field[Any, Any]] = {
            f.column: f for f in model._meta.concrete_fields if f.column
        }
        wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        for row in rows:
            for column, value in row.items():
                model_field = self.fields.get(column)
                if isinstance(model_field, ForeignKey) and value is not None:
                    wanted[model_field.related_model].add(value)
        self.related = {
            related: related._default_manager.in_bulk(pks) for related, pks in wanted.items()
        }

    def label(self, column: str) -> str:
        model_field = self.fields.get(column)
        return str(capfirst(model_field.verbose_name)) if model_field else column

    def render(self, column: str, value: Any) -> str:
        model_field = self.fields.get(column)
        if value is None or value == "":
            return "—"
        if model_field is None:
            return str(value)
        if isinstance(model_field, ForeignKey):
            obj = self.related[model_field.related_model].get(value)
            return str(obj) if obj is not None else _("#%(pk)s (deleted)") % {"pk": value}
        if isinstance(model_field, PartialDateField):
            return _partial_date_label(str(value))
        if isinstance(model_field, CountryField):
            return ", ".join(country_name(code) or code for code in str(value).split(","))
        if model_field.flatchoices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return str(_("yes") if value else _("no"))
        if isinstance(model_field, models.DateTimeField) and (moment := parse_datetime(value)):
            return str(formats.localize(timezone.localtime(moment)))
        return Truncator(str(value)).chars(300)

    def changes(self, event: Any) -> list[Change]:
        created = event.pgh_label == "insert"
        if created:  # show what the record started with
            items = [(column, (None, value)) for column, value in (event.pgh_data or {}).items()]
        else:
            items = list((event.pgh_diff or {}).items())
        # JSON objects come back in key order; show the fields in the form's order.
        order = list(self.fields)
        items.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        return [
            Change(
                self.label(column),
                None if created else self.render(column, old),
                self.render(column, new),
            )
            for column, (old, new) in items
            if column not in HIDDEN_COLUMNS and not (old in (None, "") and new in (None, ""))
        ]


def history_entries(model: type[models.Model], events: list[Any]) -> list[HistoryEntry]:
    """Who, when and old → new for a page of `pghistory.models.Events` rows."""
    rows = [event.pgh_data or {} for event in events]
    rows += [{column: pair[0] for column, pair in (e.pgh_diff or {}).items()} for e in events]
    renderer = _ValueRenderer(model, rows)
    user_pks = {(e.pgh_context or {}).get("user") for e in events} - {None}
    users = get_user_model()._default_manager.in_bulk(user_pks)
    entries = []
    for event in events:
        context = dict(event.pgh_context or {})
        user = users.get(context.pop("user", None))
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                action=str(ACTIONS.get(event.pgh_label, event.pgh_label)),
                user=user,
                user_url=admin_url(user) if user else None,
                context=[(str(key), str(value)) for key, value in context.items() if value],
                changes=renderer.changes(event),
            )
        )
    return entries


class EventHistoryMixin(_ModelAdmin):
    """The History button shows the object's pghistory events, newest first."""

    history_template = "admin/vigil_history.html"
    history_per_page = 50

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not pghistory_core.event_models(tracks_model=self.model):
            # Django's view redirects for a missing object and shows LogEntry otherwise.
            return super().history_view(request, object_id, extra_context)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        events = Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")
        page = Paginator(events, self.history_per_page).get_page(request.GET.get(PAGE_VAR))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "entries": history_entries(self.model, list(page.object_list)),
            "related_events_url": self._related_events_url(obj),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.history_template, context)

    def _related_events_url(self, obj: models.Model) -> str | None:
        """pghistory's own events list, for rows that point to this one (names, steps…)."""
        try:
            url = reverse("admin:pghistory_events_changelist", current_app=self.admin_site.name)
        except NoReverseMatch:
            return None
        return f"{url}?method=references&obj={self.opts.label}:{obj.pk}"


class HistoryModelAdmin(EventHistoryMixin, VigilModelAdmin):
    """Base for every tracked (legal) model."""
