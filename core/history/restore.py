"""An admin's restore of an old version: a recorded change of its own, refused whole when the
old values break today's rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pghistory
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.fields.related import ForeignKey
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.history.events import event_model

if TYPE_CHECKING:
    from accounts.models import User


class RestoreRefused(Exception):
    """The version cannot be restored; the message says why. Nothing was written."""


def restorable_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """What a restore writes back: the fields a person edits, as the event recorded them."""
    event_fields = {f.attname for f in event_model(model)._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.attname in event_fields
    ]


def restore_version(user: User, model: type[models.Model], pk: int, event_id: int) -> list[str]:
    """Write back the editable fields of the record as event `event_id` recorded them, in one
    transaction, as a change of its own that names the admin and the version restored.

    Returns the labels of the fields that changed (empty: the record already held them).
    Raises PermissionDenied for anyone but an admin, Http404 for an event of another record,
    and RestoreRefused when the record is gone or the old values break today's rules."""
    if not user.is_vigil_admin:
        raise PermissionDenied
    snapshot = (
        event_model(model)
        ._default_manager.filter(pgh_id=event_id, pgh_obj_id=pk, pgh_label__in=("insert", "update"))
        .first()
    )
    if snapshot is None:
        raise Http404
    try:
        with transaction.atomic(), pghistory.context(restored_from=event_id, user=user.pk):
            record = model._default_manager.select_for_update().filter(pk=pk).first()
            if record is None:
                raise RestoreRefused(
                    _("This record has been deleted: restoring deleted records is not possible.")
                )
            changed = []
            for model_field in restorable_fields(model):
                value = getattr(snapshot, model_field.attname)
                if getattr(record, model_field.attname) != value:
                    setattr(record, model_field.attname, value)
                    changed.append(str(capfirst(model_field.verbose_name)))
                    _check_target_exists(model_field, value)
            if not changed:
                return []
            exclude = []
            if _lock_version(model):
                # Whoever has the record open in a form must learn it changed under them.
                record.version = F("version") + 1  # type: ignore[attr-defined]
                exclude.append("version")
            record.full_clean(exclude=exclude)
            record.save()
    except ValidationError as error:
        raise RestoreRefused(_refusal(model, error)) from error
    except ObjectDoesNotExist as error:  # a check in `clean` following a vanished link
        raise RestoreRefused(
            _("This version points to a record that no longer exists; nothing was changed.")
        ) from error
    except IntegrityError as error:
        raise RestoreRefused(
            _("This version breaks a rule the data keeps today; nothing was changed.")
        ) from error
    return changed


def _check_target_exists(model_field: models.Field[Any, Any], value: Any) -> None:
    """An old version may point to a record deleted since: say so rather than fail later."""
    if not isinstance(model_field, ForeignKey) or value is None:
        return
    if not model_field.related_model._base_manager.filter(pk=value).exists():
        raise RestoreRefused(
            _(
                "This version cannot be restored: its “%(field)s” is a record that has been "
                "deleted since. Nothing was changed."
            )
            % {"field": capfirst(model_field.verbose_name)}
        )


def _lock_version(model: type[models.Model]) -> bool:
    """Whether the model counts its saves for optimistic locking (a hearing's `version`)."""
    try:
        version = model._meta.get_field("version")
    except FieldDoesNotExist:
        return False
    return isinstance(version, models.IntegerField) and not version.editable


def _refusal(model: type[models.Model], error: ValidationError) -> str:
    messages = []
    by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for name, errors in by_field.items():
        try:
            label = str(capfirst(getattr(model._meta.get_field(name), "verbose_name", name)))
        except FieldDoesNotExist:
            label = ""
        for message in errors:
            messages.append(f"{label}: {message}" if label and name != "__all__" else message)
    return _("This version cannot be restored: %(errors)s Nothing was changed.") % {
        "errors": " ".join(messages)
    }
