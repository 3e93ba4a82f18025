from __future__ import annotations

from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from core.access import AuthenticatedRequest, get_source_for_user
from sources.forms import ReportSearchForm
from sources.search import search_reports


def source_detail(request: AuthenticatedRequest, pk: int) -> TemplateResponse:
    page = get_source_for_user(request.user, pk)
    return TemplateResponse(
        request,
        "sources/source_detail.html",
        {"source": page.source, "cited_facts": page.cited_facts},
    )


# The search is sent by POST, pages included. The words are often a name ("Musakhanuly",
# "Саутбай"), and names of people at risk must not travel in addresses, where they stay in
# server and proxy logs and in the history of a shared browser. A GET shows the empty form.
# Nothing is written, so sending the form again is harmless.
@require_http_methods(["GET", "POST"])
def report_search(request: AuthenticatedRequest) -> TemplateResponse:
    submitted = request.method == "POST"
    form = ReportSearchForm(request.POST if submitted else None, user=request.user)
    results = search_reports(request.user, form.report_query()) if form.is_valid() else None
    return TemplateResponse(
        request,
        "sources/report_search.html",
        {"form": form, "results": results},
    )
