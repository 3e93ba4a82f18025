from __future__ import annotations

from functools import cached_property

import pghistory
from django.contrib.auth.models import AbstractUser
from django.db import models
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

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

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
