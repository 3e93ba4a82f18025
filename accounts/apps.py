from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # After every app's migrate, not only this one's: on a fresh database the permissions
        # of the apps listed after accounts exist only once their own post_migrate has run.
        post_migrate.connect(_ensure_role_groups, dispatch_uid="accounts.role_groups")
        user_logged_in.connect(_start_session_clock, dispatch_uid="accounts.session_clock")


def _ensure_role_groups(**kwargs: Any) -> None:
    # Permissions exist only after migrate, so the groups are kept in step here.
    from accounts.groups import ensure_role_groups

    ensure_role_groups(using=kwargs.get("using", "default"))


def _start_session_clock(request: Any = None, **kwargs: Any) -> None:
    # Every sign-in (the login form, the test client's force_login) starts the session's
    # idle and absolute limits (accounts/middleware.py).
    from accounts.middleware import start_session_clock

    if request is not None and hasattr(request, "session"):
        start_session_clock(request)
