from __future__ import annotations

from django.template.response import TemplateResponse

from core.access import AuthenticatedRequest, get_source_for_user


def source_detail(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    page = get_source_for_user(request.user, pk)
    return TemplateResponse(
        request,
        "sources/source_detail.html",
        {"source": page.source, "cited_facts": page.cited_facts},
    )
