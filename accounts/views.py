"""Sign-in, the second factor and the account's security page.

Signing in is two steps: the password (`LoginView`, throttled by django-axes), then a code
(`verify`), or for a user without an authenticator the set-up (`enrol`). Changing the
authenticator or the backup codes needs the password again within the last five minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.forms import AuthenticatorCodeForm, CodeForm, PasswordConfirmForm
from accounts.middleware import EXPIRED, mfa_not_required
from accounts.models import User

REAUTH_AT = "vigil_reauth_at"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _next(request: HttpRequest) -> str:
    """The page to go on to after a step, if it is on this site; else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


class LoginView(auth_views.LoginView):
    """The password step. The session gets a new id here and again after the second factor."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.session.pop(EXPIRED, False)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        super().form_valid(form)
        step = "mfa_verify" if mfa.has_authenticator(_user(self.request)) else "mfa_enrol"
        return HttpResponseRedirect(_with_next(step, self.get_success_url()))


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site signs in through Vigil's own two-step sign-in."""
    return HttpResponseRedirect(
        _with_next("login", request.GET.get("next") or reverse("admin:index"))
    )


@never_cache
@mfa_not_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))
    if not mfa.has_authenticator(user):
        return HttpResponseRedirect(_with_next("mfa_enrol", _next(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = mfa.verify(user, form.cleaned_data["code"])
        if outcome.device is not None:
            mfa.mark_verified(request, outcome.device)
            if outcome.device.persistent_id.startswith("otp_static"):
                left = mfa.backup_codes_left(user)
                messages.warning(
                    request,
                    _("You used a backup code; %(left)d left. Make new ones on your account page.")
                    % {"left": left},
                )
            return redirect(_next(request))
        if outcome.wait:
            form.add_error("code", _("Too many wrong codes: wait a few seconds, then try again."))
        else:
            form.add_error("code", _("That code is wrong, expired or already used."))
    return TemplateResponse(request, "accounts/verify.html", {"form": form, "next": _next(request)})


def _enrolment(
    request: HttpRequest, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """Show a new authenticator's QR code and secret; on a right code from it, make it the
    user's authenticator and show new backup codes once."""
    user = _user(request)
    device = mfa.pending_authenticator(user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_authenticator(user, device, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            mfa.mark_verified(request, device)
            return TemplateResponse(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next(request), "new_authenticator": True},
            )
        form.add_error("code", _("That code does not match: check the app's clock and try again."))
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": mfa.qr_svg(device.config_url),
        "secret": mfa.secret_base32(device),
        **(extra or {}),
    }
    return TemplateResponse(request, template, context)


@never_cache
@mfa_not_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # Someone who has an authenticator proves it; a password alone never adds another.
    if mfa.has_authenticator(user):
        return HttpResponseRedirect(_with_next("mfa_verify", _next(request)))
    return _enrolment(request, "accounts/enrol.html")


def recent_password_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view needs the password typed within the last REAUTH_SECONDS."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        confirmed_at = request.session.get(REAUTH_AT)
        if (
            not isinstance(confirmed_at, int)
            or time.time() - confirmed_at > settings.REAUTH_SECONDS
        ):
            return HttpResponseRedirect(_with_next("confirm_password", request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
def confirm_password(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[REAUTH_AT] = int(time.time())
        return redirect(_next(request))
    return TemplateResponse(
        request, "accounts/confirm_password.html", {"form": form, "next": _next(request)}
    )


@never_cache
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "backup_codes_left": mfa.backup_codes_left(user),
        "authenticator": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
    }
    return TemplateResponse(request, "accounts/security.html", context)


@never_cache
@recent_password_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return TemplateResponse(request, "accounts/backup_codes_new.html", {})
    codes = mfa.new_backup_codes(_user(request))
    return TemplateResponse(
        request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("account_security")}
    )


@never_cache
@recent_password_required
def replace_authenticator(request: HttpRequest) -> HttpResponse:
    response = _enrolment(request, "accounts/replace_authenticator.html")
    if request.method == "POST" and "codes" in (getattr(response, "context_data", None) or {}):
        # A new authenticator signs out every other session.
        user = _user(request)
        user.end_all_sessions()
        update_session_auth_hash(request, user)
    return response


@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    user.end_all_sessions()
    update_session_auth_hash(request, user)
    messages.success(request, _("Your other sessions are signed out."))
    return redirect("account_security")
