"""The name search page. Names never travel in addresses: the box on every page posts to
/search/, and the results are rendered from that POST (no redirect carrying the name)."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from core.access import AuthenticatedRequest
from people.name_search import search_names

FIELD = "name_search"
MAX_QUERY = 200


@require_http_methods(["GET", "POST"])
def name_search(request: AuthenticatedRequest) -> TemplateResponse:
    """Persons and organizations matching the posted name, ranked; a GET shows the empty form
    and ignores any name in the address."""
    query = ""
    results = None
    if request.method == "POST":
        query = request.POST.get(FIELD, "").strip()[:MAX_QUERY]
        results = search_names(request.user, query) if query else []
    response = TemplateResponse(
        request, "people/search.html", {"query": query, "results": results, "field": FIELD}
    )
    # The page holds names: no shared cache, no back-button copy on a shared machine.
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response
