"""Calendar feeds: secret addresses that calendar apps poll for a user's deadlines.

A calendar app has no session, so the address itself is the credential. Only a SHA-256 hash of
the token is stored (a database leak does not leak working addresses), with a short prefix so
the owner can tell feeds apart. Revoking a feed makes its address answer 404 at once.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import track

if TYPE_CHECKING:
    from accounts.models import User

TOKEN_BYTES = 32  # 43 characters of URL-safe base64
PREFIX_LENGTH = 6


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)

    def owned_by(self, user: User) -> CalendarFeedQuerySet:
        return self.filter(user=user)

    def by_token(self, token: str) -> CalendarFeed | None:
        """The active feed this token opens, with its user; None for an unknown or revoked
        token."""
        return (
            self.active()
            .select_related("user")
            .filter(user__is_active=True, token_hash=hash_token(token))
            .first()
        )


class CalendarFeedManager(models.Manager["CalendarFeed"]):
    def get_queryset(self) -> CalendarFeedQuerySet:
        return CalendarFeedQuerySet(self.model, using=self._db)

    def active(self) -> CalendarFeedQuerySet:
        return self.get_queryset().active()

    def owned_by(self, user: User) -> CalendarFeedQuerySet:
        return self.get_queryset().owned_by(user)

    def by_token(self, token: str) -> CalendarFeed | None:
        return self.get_queryset().by_token(token)

    def create_for(self, user: User, label: str = "") -> tuple[CalendarFeed, str]:
        """A new feed and its token: the only time the token exists in clear."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        feed = self.create(
            user=user, label=label, token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH]
        )
        return feed, token


@track()
class CalendarFeed(models.Model):
    """A secret, revocable calendar address of one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        help_text=_("The feed shows what this user may see at the time it is read."),
    )
    label = models.CharField(
        _("label"),
        max_length=100,
        blank=True,
        help_text=_("Where the feed is used, to tell feeds apart, e.g. “phone”."),
    )
    token_hash = models.CharField(
        _("token hash"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("SHA-256 of the secret token; the token itself is never stored."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=PREFIX_LENGTH,
        editable=False,
        help_text=_("The token's first characters, to recognise the address."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(
        _("revoked"),
        null=True,
        blank=True,
        help_text=_("From this moment the address answers “not found”."),
    )

    objects = CalendarFeedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="calendar_feed_revoked_after_created",
                violation_error_message=_("A feed cannot be revoked before it was created."),
            ),
        ]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        name = f"{self.prefix}…"
        return f"{self.user}: {self.label} ({name})" if self.label else f"{self.user}: {name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
