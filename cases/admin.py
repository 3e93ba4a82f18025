"""Cases and what they hold: participants, assignments, charges, custody, asylum claims."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from cases.models import (
    AsylumClaim,
    AsylumClaimStep,
    Case,
    CaseAssignment,
    CaseParticipant,
    Charge,
    CustodyInterval,
    LegalProvision,
)
from core.admin import (
    RECORD_FIELDSET,
    RECORD_READONLY,
    CompactInline,
    HistoryModelAdmin,
)
from hearings.admin import HearingInline
from sources.admin import CitationInline, CitedFilter

PERSON_SEARCH = ("person__display_name", "person__names__text")


class OngoingFilter(admin.SimpleListFilter):
    """Custody with no end date: the person is still held."""

    title = _("ongoing")
    parameter_name = "ongoing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Still held")), ("no", _("Ended"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> Any:
        if self.value() in ("yes", "no"):
            return queryset.filter(end__isnull=self.value() == "yes")
        return queryset


# -- Inlines ---------------------------------------------------------------------------------


class CaseParticipantInline(CompactInline):
    model = CaseParticipant
    fields = ("person", "role", "organization", "start", "end")
    autocomplete_fields = ("person", "organization")
    select_related = ("person",)


class CaseAssignmentInline(CompactInline):
    model = CaseAssignment
    fields = ("user",)
    autocomplete_fields = ("user",)
    select_related = ("case", "user")
    show_change_link = False


class ChargeInline(CompactInline):
    model = Charge
    fields = ("defendant", "provision", "status", "filed")
    autocomplete_fields = ("defendant", "provision")
    select_related = ("defendant", "provision")


class AsylumClaimStepInline(CompactInline):
    model = AsylumClaimStep
    fields = ("status", "date", "note")


# -- Model admins ----------------------------------------------------------------------------


@admin.register(LegalProvision)
class LegalProvisionAdmin(HistoryModelAdmin):
    list_display = (
        "instrument",
        "article",
        "part",
        "paragraph",
        "title",
        "jurisdiction",
        "in_force_from",
        "in_force_until",
    )
    list_filter = (("jurisdiction", CountryFilter), "instrument")
    search_fields = ("instrument", "article", "title", "external_id")
    ordering = ("instrument", "article", "part", "paragraph")
    autocomplete_fields = ("predecessor",)
    readonly_fields = RECORD_READONLY
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("instrument", "jurisdiction"),
                    ("article", "part", "paragraph"),
                    "title",
                    ("in_force_from", "in_force_until"),
                    "predecessor",
                )
            },
        ),
        RECORD_FIELDSET,
    )


@admin.register(Case)
class CaseAdmin(HistoryModelAdmin):
    list_display = ("title", "kind", "status", "jurisdiction", "court", "reference", "opened")
    list_filter = (
        "kind",
        "status",
        ("jurisdiction", CountryFilter),
        ("watched_by", admin.RelatedOnlyFieldListFilter),
        CitedFilter,
    )
    search_fields = (
        "title",
        "reference",
        "external_id",
        "participants__person__display_name",
        "participants__person__names__text",
    )
    list_select_related = ("court",)
    ordering = ("-opened", "title")
    autocomplete_fields = ("court", "watched_by")
    readonly_fields = RECORD_READONLY
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    ("kind", "status"),
                    ("jurisdiction", "court", "reference"),
                    ("opened", "closed"),
                    "summary",
                    "watched_by",
                )
            },
        ),
        RECORD_FIELDSET,
    )
    inlines = (
        CaseParticipantInline,
        CaseAssignmentInline,
        ChargeInline,
        HearingInline,
        CitationInline,
    )


@admin.register(CaseParticipant)
class CaseParticipantAdmin(HistoryModelAdmin):
    list_display = ("person", "role", "case", "organization", "start", "end")
    list_filter = ("role", CitedFilter)
    search_fields = (*PERSON_SEARCH, "case__title")
    list_select_related = ("case", "person", "organization")
    ordering = ("case__title", "role", "person__display_name")
    autocomplete_fields = ("case", "person", "organization")
    readonly_fields = RECORD_READONLY
    inlines = (CitationInline,)


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(HistoryModelAdmin):
    list_display = ("case", "user", "created_at")
    list_filter = (("user", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("case__title", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("case", "user")
    ordering = ("-created_at",)
    autocomplete_fields = ("case", "user")


@admin.register(Charge)
class ChargeAdmin(HistoryModelAdmin):
    list_display = ("defendant", "provision", "status", "case", "filed")
    list_filter = ("status", ("provision", admin.RelatedOnlyFieldListFilter), CitedFilter)
    search_fields = (
        "defendant__display_name",
        "defendant__names__text",
        "case__title",
        "provision__article",
        "description",
    )
    list_select_related = ("case", "defendant", "provision")
    ordering = ("case__title", "defendant__display_name")
    autocomplete_fields = ("case", "defendant", "provision")
    readonly_fields = RECORD_READONLY
    inlines = (CitationInline,)


@admin.register(CustodyInterval)
class CustodyIntervalAdmin(HistoryModelAdmin):
    list_display = ("person", "kind", "start", "end", "place", "authority", "case")
    list_filter = (OngoingFilter, "kind", CitedFilter)
    search_fields = (*PERSON_SEARCH, "place", "case__title", "authority__name")
    list_select_related = ("person", "case", "authority")
    ordering = ("person__display_name", "start")
    autocomplete_fields = ("person", "case", "authority")
    readonly_fields = RECORD_READONLY
    inlines = (CitationInline,)


@admin.register(AsylumClaim)
class AsylumClaimAdmin(HistoryModelAdmin):
    list_display = ("person", "host_country", "status", "filed", "registered", "decided", "case")
    list_filter = ("status", ("host_country", CountryFilter), CitedFilter)
    search_fields = (*PERSON_SEARCH, "case__title", "authority__name")
    list_select_related = ("person", "case")
    ordering = ("person__display_name", "filed")
    autocomplete_fields = ("person", "authority", "case")
    readonly_fields = RECORD_READONLY
    inlines = (AsylumClaimStepInline, CitationInline)


@admin.register(AsylumClaimStep)
class AsylumClaimStepAdmin(HistoryModelAdmin):
    list_display = ("claim", "status", "date")
    list_filter = ("status", CitedFilter)
    search_fields = ("claim__person__display_name", "claim__person__names__text", "note")
    list_select_related = ("claim__person",)
    ordering = ("claim__person__display_name", "date")
    autocomplete_fields = ("claim",)
    readonly_fields = RECORD_READONLY
    inlines = (CitationInline,)
