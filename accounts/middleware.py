"""Session limits and the second factor, enforced on every request.

`SessionLimitsMiddleware` signs a session out after 30 idle minutes or 12 hours after sign-in.
`MFARequiredMiddleware` (after django-otp's `OTPMiddleware`) lets a signed-in user who has not
yet passed the second factor reach only the sign-in, second-factor and sign-out pages: other
pages send them to verify (or enrol), and the JSON API answers 403.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.urls import reverse

from accounts import mfa

LOGIN_AT = "vigil_login_at"
SEEN_AT = "vigil_seen_at"
EXPIRED = "vigil_session_expired"
# A form posted just after the session ended, kept server-side for the same user's next visit.
UNSAVED = "vigil_unsaved_post"
# Activity is written to the session at most once a minute, not on every request.
SEEN_RESOLUTION = 60

# Views an unverified session may open: by URL name, for views this app does not define.
# The calendar feed authenticates by its own secret token, not by the session.
MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "calendar_feed",
    }
)


V = TypeVar("V", bound=Callable[..., Any])


def mfa_not_required(view: V) -> V:
    """Mark a view as open to a signed-in session that has not passed the second factor."""
    view.mfa_not_required = True  # type: ignore[attr-defined]
    return view


def start_session_clock(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in_as = request.user.pk if request.user.is_authenticated else None
        if signed_in_as is not None:
            self.check_limits(request)
        if not request.user.is_authenticated and _keeps_unsaved(request):
            if not request.session.items():
                request.session.cycle_key()  # never revive an ended session's key
            request.session[UNSAVED] = _unsaved_post(request, signed_in_as)
        return self.get_response(request)

    @staticmethod
    def check_limits(request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if not isinstance(login_at, int) or not isinstance(seen_at, int):
            # A session signed in some other way: its clock starts now.
            session[LOGIN_AT] = session[SEEN_AT] = now
            return
        idle = now - seen_at > settings.SESSION_IDLE_SECONDS
        too_old = now - login_at > settings.SESSION_MAX_SECONDS
        if idle or too_old:
            logout(request)
            request.session[EXPIRED] = True
        elif now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now


# Where a form posted without a session is not kept: sign-in and account pages, the API, the
# admin. Uploads (multipart) are never read here: their views install upload handlers first.
_NOT_KEPT = ("/login/", "/logout/", "/account/", "/api/", "/admin/", "/i18n/")


def _keeps_unsaved(request: HttpRequest) -> bool:
    return (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and not request.path_info.startswith(_NOT_KEPT)
    )


def _unsaved_post(request: HttpRequest, user_pk: int | None) -> dict[str, Any]:
    """What a form posted after its session ended held: a lawyer who typed a hearing outcome
    for an hour must not lose it to the idle limit (the session may be gone altogether by
    then). Kept in the new server-side session, never in the browser; the page only shows it
    again, to a user who may open that page, and nothing is saved until they send it."""
    fields = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
    return {"user": user_pk, "path": request.path, "at": int(time.time()), "fields": fields}


def restored_post(request: HttpRequest) -> QueryDict | None:
    """The form data posted to this page when the session had ended, once, after signing in
    again (as the same user, when the ended session still knew who it was; within the absolute
    session limit); None otherwise."""
    unsaved = request.session.get(UNSAVED)
    if not isinstance(unsaved, dict) or unsaved.get("path") != request.path:
        return None
    del request.session[UNSAVED]
    fresh = int(time.time()) - int(unsaved.get("at", 0)) <= settings.SESSION_MAX_SECONDS
    if unsaved.get("user") not in (None, request.user.pk) or not fresh:
        return None
    data = QueryDict(mutable=True)
    for key, values in unsaved.get("fields", {}).items():
        data.setlist(key, values)
    return data


class MFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"error": "Pass the second factor first: sign in again at /login/."}, status=403
            )
        match = request.resolver_match
        if getattr(view_func, "mfa_not_required", False) or (
            match is not None and match.view_name in MFA_EXEMPT_URL_NAMES
        ):
            return None
        step = "mfa_verify" if mfa.has_authenticator(user) else "mfa_enrol"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(step)}?{query}")
