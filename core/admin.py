"""Shared admin building blocks (the site itself is core/admin_site.py): base classes that
keep changelists to a fixed number of queries, and the History page read from pghistory's
trigger-written events through core/history.py (so imports, bulk updates and raw SQL show up,
not only edits made in the admin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models.fields.related import ForeignKey
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from pghistory import core as pghistory_core
from pghistory.models import Events

from core.history import HistoryEntry, history_entries

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


# -- History ----------------------------------------------------------------------------------
# Reading the events is core/history.py's work, shared with the history pages of the site.


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
            "entries": self._entries(list(page.object_list)),
            "related_events_url": self._related_events_url(obj),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.history_template, context)

    @staticmethod
    def _entries(events: list[Any]) -> list[HistoryEntry]:
        entries = history_entries(events)
        for entry in entries:
            entry.user_url = admin_url(entry.user) if entry.user else None
        return entries

    def _related_events_url(self, obj: models.Model) -> str | None:
        """pghistory's own events list, for rows that point to this one (names, steps…)."""
        try:
            url = reverse("admin:pghistory_events_changelist", current_app=self.admin_site.name)
        except NoReverseMatch:
            return None
        return f"{url}?method=references&obj={self.opts.label}:{obj.pk}"


class HistoryModelAdmin(EventHistoryMixin, VigilModelAdmin):
    """Base for every tracked (legal) model."""
