"""JSON name search for integrations: `POST /api/search/people` with `{"q": "…"}`.

Authentication is the session (sign in through /login/). CSRF protection stays on: send the
`csrftoken` cookie's value in an `X-CSRFToken` header. A request without a session gets 401
JSON rather than the login page. Results are the persons the user may see, best first:
`{"results": [{"id", "display_name", "matched_variant", "match_kind", "score"}]}`, where
match_kind is "exact", "transliterated" or "fuzzy".
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from people.name_search import search_people

MAX_QUERY = 200


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@login_not_required
@require_POST
def search_people_api(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return _error("Sign in first: this API uses the session of a signed-in user.", 401)
    try:
        payload = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error('The body must be JSON, e.g. {"q": "Kaster Musakhanuly"}.', 400)
    query = payload.get("q") if isinstance(payload, dict) else None
    if not isinstance(query, str) or not query.strip():
        return _error('"q" must be a non-empty string: the name to search for.', 400)
    if len(query) > MAX_QUERY:
        return _error(f'"q" is longer than {MAX_QUERY} characters.', 400)
    results = search_people(request.user, query.strip())
    response = JsonResponse({"results": [match.as_json() for match in results]})
    add_never_cache_headers(response)
    return response
