"""The three roles, kept as auth groups so admins manage them in the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    LAWYER = "lawyer", _("Lawyer")
    NGO_STAFF = "ngo_staff", _("NGO staff")
