"""The audit log in the admin: read and filter only. Nobody adds, changes or deletes events
(the database would refuse the last two anyway)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "path", "ip_address"]
    list_filter = ["action", "at", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username"]
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False
    actions = None

    # Every Vigil admin reads the log (the site lets in no one else); no model permission
    # to hand out or forget.
    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return bool(getattr(request.user, "is_vigil_admin", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_vigil_admin", False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
