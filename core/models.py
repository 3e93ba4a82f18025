"""Building blocks shared by every legal record."""

from __future__ import annotations

from typing import Any

import pghistory
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def track() -> Any:
    """History of every insert, update and delete, written by database triggers so that
    bulk updates and raw SQL are recorded too; the acting user comes from pghistory's
    context (middleware for requests, `pghistory.context` in commands)."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )


def track_links(through: type[models.Model], *, app_label: str, model_name: str) -> None:
    """History for a many-to-many link table: who follows a case, whom a statement is about."""
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.DeleteEvent(),
        obj_field=None,
        app_label=app_label,
        model_name=model_name,
    )(through)


class Record(models.Model):
    """A fact or entity that imports can address by a stable identifier."""

    external_id = models.CharField(
        _("external id"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "Stable identifier used by imports and exports, e.g. person:kaster-musakhanuly."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CitedRecord(Record):
    """A fact that sources support through citations."""

    citations = GenericRelation("sources.Citation")

    class Meta:
        abstract = True


def end_not_before_start(start: str, end: str, name: str) -> models.CheckConstraint:
    """A partial-date interval whose end may be open but never lies wholly before its start."""
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | ~Q(**{f"{end}__fully_lt": F(start)}),
        name=name,
        violation_error_message=_("The end date is before the start date."),
    )
