"""People, their names, organizations, affiliations, life events and statements."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from core.admin import RECORD_FIELDSET, RECORD_READONLY, CompactInline, HistoryModelAdmin
from people.models import (
    Affiliation,
    LifeEvent,
    NameVariant,
    Organization,
    OrganizationName,
    Person,
    ReportedAge,
    Statement,
)
from sources.admin import CitationInline, CitedFilter

NAME_FIELDS = ("text", "script", "language", "kind", "source")


# -- Inlines ---------------------------------------------------------------------------------


class NameVariantInline(CompactInline):
    model = NameVariant
    fields = NAME_FIELDS
    autocomplete_fields = ("source",)
    show_change_link = False


class ReportedAgeInline(CompactInline):
    model = ReportedAge
    fields = ("age", "as_of")


class PersonAffiliationInline(CompactInline):
    model = Affiliation
    fields = ("organization", "title", "start", "end")
    autocomplete_fields = ("organization",)
    select_related = ("person", "organization")


class LifeEventInline(CompactInline):
    model = LifeEvent
    fields = ("kind", "date", "place", "from_country", "to_country", "case")
    autocomplete_fields = ("case",)
    select_related = ("person",)


class OrganizationNameInline(CompactInline):
    model = OrganizationName
    fields = NAME_FIELDS
    autocomplete_fields = ("source",)
    show_change_link = False


class OrganizationAffiliationInline(CompactInline):
    model = Affiliation
    fields = ("person", "title", "start", "end")
    autocomplete_fields = ("person",)
    select_related = ("person", "organization")


# -- Model admins ----------------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(HistoryModelAdmin):
    list_display = (
        "display_name",
        "sex",
        "birth_date",
        "citizenship_names",
        "ethnicity",
        "is_public_figure",
    )
    list_filter = (
        "is_public_figure",
        "sex",
        ("citizenships", CountryFilter),
        "ethnicity",
        ("watched_by", admin.RelatedOnlyFieldListFilter),
        CitedFilter,
    )
    # Any spelling finds the person: every name variant is searched.
    search_fields = ("display_name", "names__text", "external_id")
    ordering = ("display_name",)
    autocomplete_fields = ("watched_by",)
    readonly_fields = RECORD_READONLY
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "display_name",
                    ("sex", "birth_date"),
                    ("citizenships", "ethnicity"),
                    "is_public_figure",
                    "watched_by",
                    "notes",
                )
            },
        ),
        (
            # Sensitive (core/sensitive.py): the admin is for admins only, who read them all.
            _("Confidential"),
            {"fields": ("address", "relatives", "risk_notes")},
        ),
        RECORD_FIELDSET,
    )
    inlines = (
        NameVariantInline,
        ReportedAgeInline,
        PersonAffiliationInline,
        LifeEventInline,
        CitationInline,
    )

    @admin.display(description=_("citizenships"))
    def citizenship_names(self, person: Person) -> str:
        countries: list[Any] = list(person.citizenships)  # Country objects; typed as str
        return ", ".join(str(country.name) for country in countries)


@admin.register(NameVariant)
class NameVariantAdmin(HistoryModelAdmin):
    list_display = ("text", "person", "kind", "script", "language", "source")
    list_filter = ("kind", "script", "language")
    search_fields = ("text", "person__display_name")
    list_select_related = ("person", "source__publisher")
    ordering = ("person__display_name", "kind", "text")
    autocomplete_fields = ("person", "source")


@admin.register(ReportedAge)
class ReportedAgeAdmin(HistoryModelAdmin):
    list_display = ("person", "age", "as_of")
    search_fields = ("person__display_name", "person__names__text")
    list_select_related = ("person",)
    ordering = ("person__display_name", "as_of")
    list_filter = (CitedFilter,)
    autocomplete_fields = ("person",)
    readonly_fields = RECORD_READONLY
    inlines = (CitationInline,)


@admin.register(Organization)
class OrganizationAdmin(HistoryModelAdmin):
    list_display = ("name", "kind", "country", "parent")
    list_filter = ("kind", ("country", CountryFilter), CitedFilter)
    search_fields = ("name", "names__text", "external_id")
    list_select_related = ("parent",)
    ordering = ("name",)
    autocomplete_fields = ("parent",)
    readonly_fields = RECORD_READONLY
    fieldsets = (
        (None, {"fields": ("name", ("kind", "country"), "parent", "notes")}),
        RECORD_FIELDSET,
    )
    inlines = (OrganizationNameInline, OrganizationAffiliationInline, CitationInline)


@admin.register(OrganizationName)
class OrganizationNameAdmin(HistoryModelAdmin):
    list_display = ("text", "organization", "kind", "script", "language", "source")
    list_filter = ("kind", "script", "language")
    search_fields = ("text", "organization__name")
    list_select_related = ("organization", "source__publisher")
    ordering = ("organization__name", "text")
    autocomplete_fields = ("organization", "source")


@admin.register(Affiliation)
class AffiliationAdmin(HistoryModelAdmin):
    list_display = ("person", "title", "organization", "start", "end")
    list_filter = ("organization__kind", CitedFilter)
    search_fields = ("person__display_name", "person__names__text", "organization__name", "title")
    list_select_related = ("person", "organization")
    ordering = ("person__display_name", "start")
    autocomplete_fields = ("person", "organization")
    readonly_fields = RECORD_READONLY
    inlines = (CitationInline,)


@admin.register(LifeEvent)
class LifeEventAdmin(HistoryModelAdmin):
    list_display = ("person", "kind", "date", "place", "from_country", "to_country", "case")
    list_filter = (
        "kind",
        ("from_country", CountryFilter),
        ("to_country", CountryFilter),
        CitedFilter,
    )
    search_fields = ("person__display_name", "person__names__text", "place", "description")
    list_select_related = ("person", "case")
    ordering = ("person__display_name", "date")
    autocomplete_fields = ("person", "case")
    readonly_fields = RECORD_READONLY
    inlines = (CitationInline,)


@admin.register(Statement)
class StatementAdmin(HistoryModelAdmin):
    list_display = ("speaker", "office", "organization", "date", "stance", "quote_excerpt")
    list_filter = ("stance", "language", CitedFilter)
    search_fields = ("quote", "office", "speaker__display_name", "speaker__names__text")
    list_select_related = ("speaker", "organization")
    ordering = ("-date",)
    autocomplete_fields = ("speaker", "organization", "about_persons", "about_cases")
    readonly_fields = RECORD_READONLY
    fieldsets = (
        (None, {"fields": ("speaker", "office", "organization", ("date", "medium"))}),
        (_("What was said"), {"fields": ("quote", ("language", "stance"))}),
        (_("About"), {"fields": ("about_persons", "about_cases")}),
        RECORD_FIELDSET,
    )
    inlines = (CitationInline,)

    @admin.display(description=_("quote"))
    def quote_excerpt(self, statement: Statement) -> str:
        return Truncator(statement.quote).chars(80)
