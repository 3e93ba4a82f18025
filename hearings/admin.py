"""Hearings and sentences; `HearingInline` is shown on the case page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import RECORD_FIELDSET, RECORD_READONLY, CompactInline, HistoryModelAdmin
from hearings.models import Hearing, Sentence
from sources.admin import CitationInline, CitedFilter


class HearingInline(CompactInline):
    """The case's sessions, one line each; details on the hearing's own page."""

    model = Hearing
    fk_name = "case"
    fields = ("date", "time", "kind", "status", "court", "judge")
    autocomplete_fields = ("court", "judge")
    select_related = ("case",)
    ordering = ("date", "time")


@admin.register(Hearing)
class HearingAdmin(HistoryModelAdmin):
    list_display = ("case", "date", "time", "kind", "status", "court", "judge", "adjourned_to")
    list_filter = ("status", "kind", ("court", admin.RelatedOnlyFieldListFilter), CitedFilter)
    search_fields = (
        "case__title",
        "case__reference",
        "court__name",
        "judge__display_name",
        "outcome",
        "external_id",
    )
    list_select_related = ("case", "court", "judge", "adjourned_to__case")
    ordering = ("-date", "-time")
    autocomplete_fields = ("case", "court", "judge", "prosecutor", "adjourned_to")
    readonly_fields = RECORD_READONLY
    fieldsets = (
        (None, {"fields": ("case", "court", ("date", "time"), ("kind", "status"))}),
        (_("Present"), {"fields": ("judge", "prosecutor", "defence_present", "attendance")}),
        (
            _("Outcome"),
            {"fields": ("outcome", ("adjourned_to", "adjournment_reason"), "notes")},
        ),
        RECORD_FIELDSET,
    )
    inlines = (CitationInline,)

    def save_model(self, request: HttpRequest, obj: Hearing, form: Any, change: bool) -> None:
        if change:  # an admin's edit, too, tells a lawyer with the form open
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


@admin.register(Sentence)
class SentenceAdmin(HistoryModelAdmin):
    list_display = (
        "defendant",
        "case",
        "kind",
        "term",
        "institution_type",
        "pronounced",
        "entered_into_force",
        "expulsion",
    )
    list_filter = ("kind", "institution_type", "custody_credit", "expulsion", CitedFilter)
    search_fields = ("defendant__display_name", "defendant__names__text", "case__title")
    list_select_related = ("case", "defendant")
    ordering = ("-pronounced",)
    autocomplete_fields = ("case", "defendant", "hearing")
    readonly_fields = RECORD_READONLY
    fieldsets = (
        (None, {"fields": ("case", "defendant", "hearing", "pronounced", "kind")}),
        (
            _("Term"),
            {
                "fields": (
                    ("term_years", "term_months", "term_days"),
                    "institution_type",
                    "custody_credit",
                    "probation_months",
                )
            },
        ),
        (_("Fine"), {"fields": (("fine_amount", "fine_currency"),)}),
        (
            _("Expulsion and appeal"),
            {"fields": ("expulsion", "copy_received", "entered_into_force")},
        ),
        (None, {"fields": ("notes",)}),
        RECORD_FIELDSET,
    )
    inlines = (CitationInline,)

    @admin.display(description=_("term"))
    def term(self, sentence: Sentence) -> str:
        return sentence.term_label()
