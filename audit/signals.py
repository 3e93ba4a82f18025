"""Sign-ins, failed sign-ins and sign-outs, from django.contrib.auth's signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from audit.models import AuditAction, AuditEvent

DISPATCH_UID = "audit.signals"


def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    AuditEvent.objects.record(AuditAction.SIGN_IN, request=request, user=user)


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The username typed, never the password (Django has already masked it anyway).
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))
    AuditEvent.objects.record(AuditAction.SIGN_IN_FAILED, request=request, username=username)


def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        AuditEvent.objects.record(AuditAction.SIGN_OUT, request=request, user=user)


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid=DISPATCH_UID)
    user_login_failed.connect(sign_in_failed, dispatch_uid=DISPATCH_UID)
    user_logged_out.connect(signed_out, dispatch_uid=DISPATCH_UID)
