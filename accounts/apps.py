from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        post_migrate.connect(_ensure_role_groups, sender=self)


def _ensure_role_groups(**kwargs: Any) -> None:
    # Permissions exist only after migrate, so the groups are kept in step here.
    from accounts.groups import ensure_role_groups

    ensure_role_groups(using=kwargs.get("using", "default"))
