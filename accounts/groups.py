from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from accounts.roles import Role

# Admins manage every record of Vigil's own apps and the accounts, and see and clear sign-in
# lockouts (axes).
ADMIN_APPS = ("accounts", "people", "cases", "hearings", "sources", "auth", "pghistory", "axes")


def ensure_role_groups(using: str = "default") -> None:
    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
    admin_group = Group.objects.using(using).get(name=Role.ADMIN)
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=ADMIN_APPS)
    admin_group.permissions.set(permissions)
