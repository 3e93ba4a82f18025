"""Logs the reads and refusals worth knowing about, by the URL's name: one INSERT for a
person or case page, an export or calendar feed, and any 403; nothing for other requests.

Hidden records answer 404 exactly like missing ones (core/access.py), and telling the two
apart would cost a query per 404, so they are not logged as refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponseBase

from audit.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Audited:
    action: AuditAction
    object_type: str
    # Replaces the request's path where the address itself is a secret.
    path: str | None = None


AUDITED_VIEWS: dict[str, Audited] = {
    "person_detail": Audited(AuditAction.VIEW_PERSON, "people.person"),
    "person_timeline_print": Audited(AuditAction.VIEW_PERSON, "people.person"),
    "admin:people_person_change": Audited(AuditAction.VIEW_PERSON, "people.person"),
    "case_detail": Audited(AuditAction.VIEW_CASE, "cases.case"),
    "admin:cases_case_change": Audited(AuditAction.VIEW_CASE, "cases.case"),
    "case_export": Audited(AuditAction.EXPORT, "cases.case"),
    "person_export": Audited(AuditAction.EXPORT, "people.person"),
    "case_calendar": Audited(AuditAction.EXPORT, "cases.case"),
    "calendar_feed": Audited(AuditAction.EXPORT, "deadlines.calendarfeed", "/calendar/<token>.ics"),
}
_ACTOR = "_audit_actor"


def act_as(request: HttpRequest, user: User) -> None:
    """Log this request as `user`'s: for addresses read without a session (calendar feeds)."""
    setattr(request, _ACTOR, user)


def _object_id(kwargs: dict[str, object]) -> int | None:
    raw = kwargs.get("pk", kwargs.get("object_id"))
    try:
        return int(str(raw))
    except ValueError:
        return None


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        audited = AUDITED_VIEWS.get(match.view_name) if match is not None else None
        if response.status_code == 403:
            action = AuditAction.PERMISSION_DENIED
        elif audited is not None and response.status_code == 200 and request.method == "GET":
            action = audited.action
        else:
            return response
        AuditEvent.objects.record(
            action,
            request=request,
            user=getattr(request, _ACTOR, None),
            object_type=audited.object_type if audited else "",
            object_id=_object_id(match.kwargs) if audited and match else None,
            path=audited.path if audited else None,
        )
        return response
