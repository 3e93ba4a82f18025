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
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from accounts import mfa

LOGIN_AT = "vigil_login_at"
SEEN_AT = "vigil_seen_at"
EXPIRED = "vigil_session_expired"
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
        if request.user.is_authenticated:
            self.check_limits(request)
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
