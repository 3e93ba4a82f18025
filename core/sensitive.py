"""Sensitive fields: the values that can put a person or their family in danger, and who may
read them.

Reading a case or a person's file is not enough. NGO staff follow many people at once (their
timelines, custody, hearings, what officials said; DOMAIN.md section 1), and a lawyer not on
the case sees only public figures. Where someone lives, which relatives are still in the
country they fled and what the threats against them are is what a lawyer needs to defend
the person, not what an advocate needs to follow the case; a leak of it endangers relatives
who are out of anyone's reach. So:

- **admins** read every sensitive value;
- **lawyers assigned to a case in which the person takes part** (the users who may record that
  case's hearings, `Case.objects.writable_by`) read that person's sensitive values;
- **everyone else, NGO staff of the following organization included**, sees the person's page
  without them: not on the page or its timeline, not in any CSV export, iCalendar feed, name
  search, the JSON search API, a history page (a change to a sensitive field shows that it
  changed, never the values) or a citation of such a field (the quote would tell).

`SENSITIVE_FIELDS` is the one list of those fields. A whole record can be sensitive too: a
confidential `Source` (a lawyer's notes from a visit) is read only by admins and its author
(`SourceQuerySet.visible_to`), and every citation of it goes with it (`core.access`).

The admin site and the `export_data` command (run by operators on the server, for backups and
transfers) hold everything, these fields included: both are for admins only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, Value

from cases.models import Case, CaseParticipant
from people.models import Person
from sources.models import Source

if TYPE_CHECKING:
    from accounts.models import User

SENSITIVE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Person: ("address", "relatives", "risk_notes"),
}
# Records that are sensitive as a whole when the named flag is set.
CONFIDENTIAL_RECORDS: dict[type[models.Model], str] = {Source: "confidential"}


def sensitive_fields(model: type[models.Model]) -> tuple[str, ...]:
    return SENSITIVE_FIELDS.get(model, ())


def readable_persons(user: User) -> models.QuerySet[Person]:
    """The persons whose sensitive values `user` may read."""
    if not user.is_authenticated or not user.has_role:
        return Person.objects.none()
    if user.is_vigil_admin:
        return Person.objects.all()
    return Person.objects.filter(
        Exists(
            CaseParticipant.objects.filter(
                person=OuterRef("pk"), case__in=Case.objects.writable_by(user)
            )
        )
    )


def readable_records(user: User, model: type[models.Model]) -> models.QuerySet[Any]:
    """The rows of `model` whose sensitive values `user` may read."""
    if model is Person:
        return readable_persons(user)
    if user.is_authenticated and user.is_vigil_admin:
        return model._default_manager.all()
    return model._default_manager.none()


def may_read_sensitive_expression(user: User, person_ref: str = "pk") -> Exists | Value:
    """True where `user` may read the sensitive values of the person at `person_ref`, for
    annotating a queryset (one subquery, no extra round trip)."""
    if not user.is_authenticated or not user.has_role:
        return Value(False, output_field=models.BooleanField())
    if user.is_vigil_admin:
        return Value(True, output_field=models.BooleanField())
    return Exists(
        CaseParticipant.objects.filter(
            person=OuterRef(person_ref), case__in=Case.objects.writable_by(user)
        )
    )


def may_read_sensitive(user: User, person: Person) -> bool:
    """Whether `user` may read `person`'s address, relatives and risk notes."""
    annotated = getattr(person, "user_may_read_sensitive", None)
    if isinstance(annotated, bool):
        return annotated
    return readable_persons(user).filter(pk=person.pk).exists()


def hidden_citations(user: User) -> Q:
    """Citations that `user` may not read because they support a sensitive field of a record
    whose sensitive values are not for them (filter with `~`)."""
    if user.is_authenticated and user.is_vigil_admin:
        return Q(pk__in=[])
    hidden = Q(pk__in=[])
    for model, fields in SENSITIVE_FIELDS.items():
        readable = readable_records(user, model).values("pk").order_by()
        # The content type named through a join, not ContentType.get_for_model: no query.
        hidden |= Q(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            field__in=fields,
        ) & ~Q(object_id__in=readable)
    return hidden
