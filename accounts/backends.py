"""The authentication backend: Django's, loading the signed-in user and their roles at once.

Every signed-in request loads its user (`get_user`), and nearly every page then asks for the
user's roles (`User.roles`, the names of their auth groups). Django's `ModelBackend` spends one
query on each; this backend reads both in one, aggregating the group names into the user's
row, and fills `User.roles` with them. The checks stay Django's: an inactive user is not
returned, and the session's hash (password and session generation) is compared by
`django.contrib.auth.get_user` as before.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q

from accounts.models import User


class RoleLoadingBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.annotate(
                role_names=ArrayAgg(
                    "groups__name", filter=Q(groups__isnull=False), default=[], distinct=True
                )
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user.set_loaded_roles(user.role_names)
        return user
