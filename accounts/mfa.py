"""The second factor: an authenticator app (TOTP) and one-time backup codes (django-otp).

A code of six digits is checked against the user's authenticator, anything else against the
backup codes, so a mistyped backup code never slows down the next TOTP attempt. django-otp
refuses a TOTP code whose time step is not after the last one accepted (a reused code), deletes
a backup code once used, and makes each device wait 1, 2, 4, 8… seconds after failures.
"""

from __future__ import annotations

import io
import re
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
_TOTP = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Outcome:
    device: Device | None
    wait: bool = False


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same one on a reload, so a code the
    user already scanned keeps working)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in, in groups of four."""
    raw = b32encode(unhexlify(device.key)).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(data: str) -> str:
    """`data` as an inline SVG QR code (no script, no external image)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    # A fixed size in pixels (the viewBox scales it), with a label for screen readers.
    svg = re.sub(r'width="[^"]*" height="[^"]*"', 'width="220" height="220"', svg, count=1)
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1)


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def confirm_authenticator(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending `device` with a code from it: it replaces any earlier authenticator
    and new backup codes replace the old. Returns the backup codes, or None if the code is
    wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not _TOTP.fullmatch(normalise(code)) or not device.verify_token(normalise(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_backup_codes(user)


def new_backup_codes(user: User) -> list[str]:
    """Ten new one-time codes; the earlier ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user: User, code: str) -> Outcome:
    """Check `code` against the user's authenticator or backup codes."""
    code = normalise(code)
    model: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if _TOTP.fullmatch(code) else StaticDevice
    )
    with transaction.atomic():
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        waiting = False
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                waiting = True
                continue
            if device.verify_token(code):
                return Outcome(device)
    return Outcome(None, wait=waiting)


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Record in the session that the second factor was passed, under a new session id."""
    request.session.cycle_key()
    otp_login(request, device)


def is_verified_session(request: HttpRequest) -> bool:
    return DEVICE_ID_SESSION_KEY in request.session


def forget_devices(user: User) -> None:
    """Remove the authenticator and backup codes: the user enrols again at the next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
