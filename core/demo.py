"""The demo dataset: the reference case of DOMAIN.md section 3, one account per role.

`load_demo` reads demo/reference_case.json, a "vigil/1" document (docs/import-format.md), and
loads it with the interchange loader (`core.interchange`) in one transaction: records by
their external id, names, citations and links by their natural keys, a record saved only when
a value differs, so a second run writes nothing, not even history rows. Sources' "file" is
read from ../shared/reports/ when that folder exists.

What is demo-only lives here: the "demo" section of the file (the organization that follows
every case and person, and one account per role), the passwords file, and the accounts' second
factor: an authenticator secret and backup codes derived from the username, fixed so that a
reviewer can sign in. They are public (this file) and must never guard real data.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import User
from cases.models import Case, CaseAssignment
from core.interchange.errors import ImportDataError
from core.interchange.kinds import FORMAT, KINDS
from core.interchange.loader import Loader
from core.interchange.report import LoadReport
from people.models import Organization

__all__ = ["FORMAT", "KINDS", "DemoDataError", "LoadReport", "load_demo"]

DATA_FILE = Path(settings.BASE_DIR) / "demo" / "reference_case.json"
REPORTS_DIR = Path(settings.BASE_DIR).parent / "shared" / "reports"
ACCOUNTS_FILE = Path(settings.BASE_DIR) / "var" / "demo-accounts.txt"

# The demo file is checked like any import; its errors are import errors.
DemoDataError = ImportDataError


def load_demo(path: Path = DATA_FILE, *, reset_passwords: bool = False) -> LoadReport:
    """Load or refresh the demo from `path`; one transaction, history context "load_demo"."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DemoDataError.one(path.name, f"a readable JSON file: {error}") from error
    report = LoadReport()
    with transaction.atomic(), pghistory.context(source="load_demo"):
        loader = Loader(
            data, report, file=path.name, extra_sections={"demo"}, reports_dir=REPORTS_DIR
        )
        loader.run()
        _Demo(loader, report).run(data.get("demo", {}), reset_passwords=reset_passwords)
    return report


class _Demo:
    def __init__(self, loader: Loader, report: LoadReport) -> None:
        self.loader = loader
        self.report = report

    def run(self, demo: dict[str, Any], *, reset_passwords: bool) -> None:
        loader = self.loader
        if follower_id := demo.get("follower"):
            follower = loader.ref(follower_id, Organization)
            for record in loader.data.get("persons", []) + loader.data.get("cases", []):
                loader.link(loader.loaded[record["id"]], "watched_by", [follower])
        for spec in demo.get("accounts", []):
            self.account(spec, reset_password=reset_passwords)

    def account(self, spec: dict[str, Any], *, reset_password: bool) -> None:
        """Create a demo account once; an existing one keeps its password and settings and
        only gains a missing role, organization or case assignment."""
        user = User.objects.filter(username=spec["username"]).first()
        changed = False
        if user is None:
            user = User(
                username=spec["username"],
                first_name=spec.get("first_name", ""),
                last_name=spec.get("last_name", ""),
                is_staff=spec.get("is_staff", False),
                is_superuser=spec.get("is_superuser", False),
            )
        if spec.get("organization") and user.organization_id is None:
            user.organization = self.loader.ref(spec["organization"], Organization)
            changed = True
        if user.pk is None or reset_password:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            self.report.passwords[user.username] = password
            changed = True
        outcome = "created" if user.pk is None else "updated"
        if changed:
            user.save()
        group, _ = Group.objects.get_or_create(name=spec["role"])
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            changed = True
        self.report.count("user", outcome if changed else "unchanged")
        ensure_demo_mfa(user, reset=reset_password)
        for case_id in spec.get("cases", []):
            self.loader.upsert(
                CaseAssignment, {"case": self.loader.ref(case_id, Case), "user": user}, {}
            )


# -- the demo accounts' second factor (DEMO ONLY) ----------------------------------------------
DEMO_BACKUP_CODES = 5


def demo_totp_key(username: str) -> str:
    """The demo account's authenticator key (hex): fixed, public, demo only."""
    return hashlib.sha256(f"vigil-demo-only-totp:{username}".encode()).hexdigest()[:40]


def demo_backup_codes(username: str) -> list[str]:
    return [
        hashlib.sha256(f"vigil-demo-only-backup:{username}:{i}".encode()).hexdigest()[:10]
        for i in range(DEMO_BACKUP_CODES)
    ]


def demo_authenticator(username: str) -> TOTPDevice:
    """An unsaved device carrying the demo key, for its secret and otpauth:// address."""
    return TOTPDevice(user=User(username=username), key=demo_totp_key(username), confirmed=True)


def ensure_demo_mfa(user: User, *, reset: bool = False) -> bool:
    """Give a demo account its fixed authenticator and backup codes, once (again on reset)."""
    if not reset and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    mfa.forget_devices(user)
    TOTPDevice.objects.create(
        user=user, name="Demo authenticator", key=demo_totp_key(user.username), confirmed=True
    )
    codes = StaticDevice.objects.create(user=user, name=mfa.BACKUP_NAME, confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=codes, token=code) for code in demo_backup_codes(user.username)
    )
    return True


def mfa_lines(username: str) -> list[str]:
    device = demo_authenticator(username)
    return [
        f"{username}: authenticator secret {mfa.secret_base32(device)}",
        f"{username}: {device.config_url}",
        f"{username}: backup codes {' '.join(demo_backup_codes(username))}",
    ]


MFA_NOTE = (
    "DEMO ONLY: these second-factor secrets are fixed in core/demo.py; add the secret (or the "
    "otpauth:// address) to an authenticator app, or use a backup code once."
)


# -- the passwords file and the console box ----------------------------------------------------
def save_passwords(passwords: dict[str, str], path: Path = ACCOUNTS_FILE) -> None:
    """Merge `passwords` into the demo accounts file, readable by its owner only (0600)."""
    entries = read_passwords(path)
    entries.update(passwords)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(
            "# Vigil demo accounts. New passwords: manage.py load_demo --reset-passwords\n"
        )
        handle.writelines(f"{username}\t{password}\n" for username, password in entries.items())
        handle.write(f"#\n# {MFA_NOTE}\n")
        handle.writelines(f"# {line}\n" for username in entries for line in mfa_lines(username))


def has_mfa_lines(path: Path = ACCOUNTS_FILE) -> bool:
    return path.is_file() and "otpauth://" in path.read_text(encoding="utf-8")


def read_passwords(path: Path = ACCOUNTS_FILE) -> dict[str, str]:
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("\t", 1) for line in lines if line and not line.startswith("#"))
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def password_box(passwords: dict[str, str], path: Path) -> str:
    width = max(len(u) for u in passwords)
    lines = [
        "Demo accounts (shown once):",
        *(f"  {user.ljust(width)}  {password}" for user, password in passwords.items()),
        "Second step after the password:",
        *(f"  {line}" for user in passwords for line in mfa_lines(user)),
        MFA_NOTE,
        f"Also saved to {path} (readable by you only).",
    ]
    inner = max(len(line) for line in lines)
    rule = "+" + "-" * (inner + 2) + "+"
    return "\n".join([rule, *(f"| {line.ljust(inner)} |" for line in lines), rule])
