from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class VigilAdminSite(AdminSite):
    site_header = _("Vigil administration")
    site_title = _("Vigil administration")
    index_title = _("Records")

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff flag and the admin role (or superuser): the records are confidential, so a
        stray is_staff on a lawyer's account must not open the admin."""
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_vigil_admin", False))
