"""The demo dataset: the reference case of DOMAIN.md section 3, one account per role.

`load_demo` reads demo/reference_case.json, a "vigil/1" document (docs/import-format.md), and
loads it with the interchange loader (`core.interchange`) in one transaction: records by
their external id, names, citations and links by their natural keys, a record saved only when
a value differs, so a second run writes nothing, not even history rows. Sources' "file" is
read from ../shared/reports/ when that folder exists.

What is demo-only lives here: the "demo" section of the file (the organization that follows
every case and person, and one account per role) and the passwords file.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

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
        for case_id in spec.get("cases", []):
            self.loader.upsert(
                CaseAssignment, {"case": self.loader.ref(case_id, Case), "user": user}, {}
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
        f"Also saved to {path} (readable by you only).",
    ]
    inner = max(len(line) for line in lines)
    rule = "+" + "-" * (inner + 2) + "+"
    return "\n".join([rule, *(f"| {line.ljust(inner)} |" for line in lines), rule])
