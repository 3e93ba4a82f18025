"""Sources, their citations, and the citation inline every cited fact's page reuses."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.db.models.fields.related import ForeignKey
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.admin import SMALL_TEXT, HistoryModelAdmin, RelatedLabelsMixin, admin_link
from core.models import CitedRecord
from sources.models import Citation, Proposal, ReportMention, Source


def cited_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, CitedRecord)]


def facts_prefetch(site: admin.AdminSite, request: HttpRequest) -> GenericPrefetch:
    """Fetch the cited facts with their admins' querysets, so their labels cost no query per
    row: one query per kind of fact on the page."""
    querysets = [site.get_model_admin(model).get_queryset(request) for model in cited_models()]
    return GenericPrefetch("fact", querysets)


def describe_fact(citation: Citation) -> str:
    """ "Charge: Person 1: Art. 330…", linked to the fact's admin page."""
    fact = citation.fact
    if fact is None:
        return str(_("(deleted record)"))
    return format_html("{}: {}", capfirst(fact._meta.verbose_name), admin_link(fact))


class CitedFilter(admin.SimpleListFilter):
    """Facts with or without a supporting source: unsupported facts need a citation."""

    title = _("supported by a source")
    parameter_name = "cited"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        if self.value() not in ("yes", "no"):
            return queryset
        cited = Exists(
            Citation.objects.filter(
                content_type=ContentType.objects.get_for_model(queryset.model),
                object_id=OuterRef("pk"),
            )
        )
        return queryset.filter(cited if self.value() == "yes" else ~cited)


class CitationInline(RelatedLabelsMixin, GenericTabularInline):
    """The sources supporting a fact; on the page of every cited record."""

    model = Citation
    extra = 0
    fields = ("source", "field", "quote", "locator", "reported_value", "reported_date", "note")
    autocomplete_fields = ("source",)
    formfield_overrides = SMALL_TEXT
    verbose_name_plural = _("citations (sources supporting this record)")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Citation]:
        return super().get_queryset(request).select_related("source__publisher")


class CitingFactsInline(admin.TabularInline):
    """Read-only: the facts this source supports, each linked to its admin page."""

    model = Citation
    fk_name = "source"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("fact_link", "field", "quote", "reported_value", "reported_date")
    readonly_fields = fields
    verbose_name_plural = _("facts citing this source")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Citation]:
        queryset = super().get_queryset(request).select_related("content_type", "source__publisher")
        return queryset.prefetch_related(facts_prefetch(self.admin_site, request))

    @admin.display(description=_("fact"))
    def fact_link(self, citation: Citation) -> str:
        return describe_fact(citation)


@admin.register(Source)
class SourceAdmin(HistoryModelAdmin):
    list_display = (
        "title",
        "kind",
        "publisher",
        "published",
        "language",
        "confidential",
        "citation_count",
    )
    list_filter = ("kind", "confidential", "language")
    search_fields = ("title", "url", "publisher__name", "external_id", "text")
    list_select_related = ("publisher",)
    ordering = ("-published", "title")
    autocomplete_fields = ("publisher", "created_by")
    readonly_fields = ("content_hash", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {"fields": ("kind", "title", "publisher", "url", "published", "language")},
        ),
        (_("Text"), {"fields": ("text",)}),
        (_("Access"), {"fields": ("confidential", "created_by")}),
        (
            _("Record"),
            {
                "fields": ("external_id", "content_hash", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )
    inlines = (CitingFactsInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Source]:
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, source: Any) -> int:
        return int(source.citation_count)

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Citation)
class CitationAdmin(HistoryModelAdmin):
    list_display = (
        "source",
        "fact_link",
        "field",
        "reported_value",
        "reported_date",
        "locator",
    )
    list_filter = (("content_type", admin.RelatedOnlyFieldListFilter), "source__kind")
    search_fields = ("quote", "reported_value", "field", "source__title")
    list_select_related = ("source__publisher", "content_type")
    ordering = ("-created_at",)
    autocomplete_fields = ("source",)
    readonly_fields = ("fact_link",)
    fields = (
        "source",
        ("content_type", "object_id"),
        "fact_link",
        "field",
        "quote",
        "locator",
        ("reported_value", "reported_date"),
        "note",
    )

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Citation]:
        return (
            super().get_queryset(request).prefetch_related(facts_prefetch(self.admin_site, request))
        )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "content_type":  # only models that can be cited
            models_ = cited_models()
            kwargs["queryset"] = ContentType.objects.filter(
                pk__in=[ct.pk for ct in ContentType.objects.get_for_models(*models_).values()]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("fact"))
    def fact_link(self, citation: Citation) -> str:
        return describe_fact(citation)


@admin.register(ReportMention)
class ReportMentionAdmin(HistoryModelAdmin):
    list_display = ("text", "kind", "person", "organization", "variant", "match", "source")
    list_filter = ("kind", "match")
    search_fields = ("text", "variant", "source__title")
    list_select_related = ("person", "organization", "source__publisher")
    autocomplete_fields = ("source", "person", "organization", "close_to")


@admin.register(Proposal)
class ProposalAdmin(HistoryModelAdmin):
    """Proposals are reviewed at /sources/review/; here they can be inspected and corrected."""

    list_display = ("__str__", "kind", "status", "date", "source", "reviewed_by", "reviewed_at")
    list_filter = ("status", "kind")
    search_fields = ("quote", "date_text", "source__title")
    list_select_related = ("source__publisher", "reviewed_by")
    autocomplete_fields = ("source", "persons", "reviewed_by")
    readonly_fields = ("fingerprint", "created_records", "created_at")
