"""Signing in through the real two steps, for the tests of sign-in, MFA and sessions."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

PASSWORD = "correct horse battery staple"  # the factories' password


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def authenticator(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Phone", defaults={"confirmed": True}
    )
    return device


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password, "next": "/"}, **extra
    )


def sign_in(client: Client, user: User, *, steps_ahead: int = 0) -> Any:
    """Password, then a current code from the user's authenticator (created if missing)."""
    device = authenticator(user)
    response = password_step(client, user.username)
    assert response.status_code == 302, response
    assert response["Location"].startswith(reverse("mfa_verify"))
    response = client.post(reverse("mfa_verify"), {"code": code_for(device, steps_ahead)})
    assert response.status_code == 302, response.content
    return response
