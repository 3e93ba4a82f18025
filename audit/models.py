"""The audit log: who signed in, who was refused, who exported and who read which person or
case, when and from where. Append-only: the database refuses every UPDATE and DELETE."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

USER_AGENT_LENGTH = 200


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
    SIGN_OUT = "sign_out", _("signed out")
    PERMISSION_DENIED = "permission_denied", _("permission refused")
    EXPORT = "export", _("export")
    VIEW_PERSON = "view_person", _("viewed a person")
    VIEW_CASE = "view_case", _("viewed a case")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind the TLS proxy that settings trust (BEHIND_TLS_PROXY), the
    last X-Forwarded-For entry, which that proxy appended; the rest a client can forge."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def record(
        self,
        action: AuditAction,
        *,
        request: HttpRequest | None = None,
        user: User | None = None,
        username: str = "",
        object_type: str = "",
        object_id: int | None = None,
        path: str | None = None,
    ) -> AuditEvent:
        """One INSERT. `user` defaults to the request's signed-in user; `path` to the request's
        path, which never carries the query string (filters, search terms)."""
        if user is None and request is not None:
            signed_in = getattr(request, "user", None)
            user = signed_in if signed_in is not None and signed_in.is_authenticated else None
        if user is not None:
            username = user.get_username()
        meta = request.META if request is not None else {}
        return self.create(
            action=action,
            actor=user,
            username=username[:150],
            object_type=object_type,
            object_id=object_id,
            path=(path if path is not None else request.path if request is not None else "")[:300],
            ip_address=client_ip(request) if request is not None else None,
            user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH],
        )


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        related_name="+",
        # The log outlives accounts: no constraint, and no cascade that would have to UPDATE
        # or DELETE rows the trigger protects. `username` keeps who it was.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        help_text=_("The signed-in user (or the owner of a calendar address); empty if none."),
    )
    username = models.CharField(
        _("username"),
        max_length=150,
        blank=True,
        help_text=_("The actor's username then, or the username typed at a failed sign-in."),
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(
        _("object type"),
        max_length=64,
        blank=True,
        help_text=_('"app_label.model" of what was read, exported or refused; never a value.'),
    )
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    path = models.CharField(
        _("path"),
        max_length=300,
        blank=True,
        help_text=_("The address without its query string; secret parts replaced."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(
        _("user agent"), max_length=USER_AGENT_LENGTH, blank=True, help_text=_("Truncated.")
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action}"
