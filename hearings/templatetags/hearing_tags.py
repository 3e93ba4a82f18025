"""`{% hearings_to_log %}`: on the home page, the hearings a lawyer should log now."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django import template
from django.utils import timezone

from cases.models import Case
from hearings.models import Hearing, HearingStatus

if TYPE_CHECKING:
    from accounts.models import User

register = template.Library()

RECENT = timedelta(days=30)  # a hearing this old without an outcome is still worth a reminder
LIMIT = 20


def hearings_to_log(user: User, today: date) -> tuple[list[Hearing], list[Hearing]]:
    """(today's hearings, earlier ones still marked scheduled) of the cases the user is
    assigned to and may record."""
    cases = Case.objects.writable_by(user).filter(assignments__user=user)
    found = list(
        Hearing.objects.filter(
            case__in=cases,
            status=HearingStatus.SCHEDULED,
            date__startswith__lte=today,
            date__endswith__gt=today - RECENT,
        )
        .select_related("case", "court")
        .order_by("-date", "time", "pk")[:LIMIT]
    )
    return (
        [hearing for hearing in found if hearing.date.contains(today)],
        [hearing for hearing in found if not hearing.date.contains(today)],
    )


@register.inclusion_tag("hearings/_hearings_to_log.html", takes_context=True)
def hearings_to_log_section(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    if not (user.is_lawyer or user.is_vigil_admin):
        return {"shown": False}
    today_list, missing = hearings_to_log(user, timezone.localdate())
    return {"shown": True, "today": today_list, "missing": missing}
