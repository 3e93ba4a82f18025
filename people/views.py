from __future__ import annotations

from django.template.response import TemplateResponse

from core.access import AuthenticatedRequest, get_person_for_user
from people.timeline import person_timeline


def person_detail(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    person = get_person_for_user(request.user, pk)
    return TemplateResponse(
        request,
        "people/person_detail.html",
        {"person": person, "timeline": person_timeline(person)},
    )
