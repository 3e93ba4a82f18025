from __future__ import annotations

from django.template.response import TemplateResponse

from core.access import AuthenticatedRequest, get_case_for_user


def case_detail(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    case = get_case_for_user(request.user, pk)
    return TemplateResponse(request, "cases/case_detail.html", {"case": case})
