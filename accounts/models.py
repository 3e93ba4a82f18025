from __future__ import annotations

from functools import cached_property

import pghistory
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


# Password hashes and login times stay out of history: one is a secret, the other noise.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
)
class User(AbstractUser):
    organization = models.ForeignKey(
        "people.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("NGO staff read the cases and persons their organization follows."),
    )
    session_generation = models.PositiveIntegerField(
        _("session generation"),
        default=0,
        editable=False,
        help_text=_(
            "Part of every session's signature: raising it ends all of this user's sessions."
        ),
    )

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django signs sessions with the password hash; the generation joins it, so an admin
        # (or the user) can end every session without touching the password.
        key_salt = "accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def end_all_sessions(self) -> None:
        """Sign this user out everywhere: every session fails its check on its next request."""
        type(self).objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def set_loaded_roles(self, names: list[str]) -> None:
        """Fill `roles` with group names read along with the user (`accounts.backends`)."""
        self.__dict__["roles"] = frozenset(names) if self.is_active else frozenset()

    @property
    def is_vigil_admin(self) -> bool:
        return self.is_active and (self.is_superuser or Role.ADMIN in self.roles)

    @property
    def is_lawyer(self) -> bool:
        return Role.LAWYER in self.roles

    @property
    def is_ngo_staff(self) -> bool:
        return Role.NGO_STAFF in self.roles

    @property
    def has_role(self) -> bool:
        return self.is_vigil_admin or bool(self.roles)

    def role_labels(self) -> list[str]:
        labels = [str(Role(name).label) for name in sorted(self.roles) if name in Role.values]
        if self.is_superuser and Role.ADMIN not in self.roles:
            labels.insert(0, str(Role.ADMIN.label))
        return labels
