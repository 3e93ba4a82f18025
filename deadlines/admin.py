"""Calendar feeds in the admin: see who has an address, and revoke one. Addresses are created
only by their owners (the token is shown to them once), never here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryModelAdmin
from deadlines.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(HistoryModelAdmin):
    list_display = ("user", "label", "prefix", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("user__username", "label", "prefix")
    ordering = ("-created_at",)
    fields = ("user", "label", "prefix", "created_at", "revoked_at")
    readonly_fields = ("user", "prefix", "created_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected addresses"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d addresses revoked.") % {"count": count})
