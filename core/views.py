"""The home page: what the signed-in user follows, at a glance."""

from __future__ import annotations

from django.template.response import TemplateResponse

from core.access import AuthenticatedRequest, get_dashboard_for_user


def home(request: AuthenticatedRequest) -> TemplateResponse:
    dashboard = get_dashboard_for_user(request.user)
    return TemplateResponse(request, "core/home.html", {"dashboard": dashboard})
