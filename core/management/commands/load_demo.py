"""`manage.py load_demo`: load or refresh the demo data and the demo accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.demo import (
    ACCOUNTS_FILE,
    DATA_FILE,
    has_mfa_lines,
    load_demo,
    password_box,
    save_passwords,
)


class Command(BaseCommand):
    help = (
        "Load the reference case of DOMAIN.md as demo data, with one account per role. "
        "Safe to run again: it changes only what differs from the data file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="The data file.")
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts new passwords (printed once, saved to the accounts file).",
        )
        parser.add_argument(
            "--accounts-file",
            type=Path,
            default=ACCOUNTS_FILE,
            help="Where new passwords are saved (mode 0600).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even though DATABASE_URL points at a production server.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo creates a superuser with a printed password: never by accident in production.
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "DATABASE_URL is set: load_demo would add demo accounts (one a superuser) to a "
                "production database. Pass --allow-production if that is really what you want."
            )
        report = load_demo(options["file"], reset_passwords=options["reset_passwords"])
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(report.summary())
        accounts_file: Path = options["accounts_file"]
        if report.passwords:
            save_passwords(report.passwords, accounts_file)
            self.stdout.write(self.style.SUCCESS(password_box(report.passwords, accounts_file)))
        elif accounts_file.is_file() and not has_mfa_lines(accounts_file):
            # An accounts file from before sign-in needed a second factor.
            save_passwords({}, accounts_file)
            self.stdout.write(
                f"Demo accounts already exist; their passwords and (demo-only) second-factor "
                f"secrets are in {accounts_file}."
            )
        elif accounts_file.is_file():
            self.stdout.write(
                f"Demo accounts already exist; their passwords and (demo-only) second-factor "
                f"secrets are in {accounts_file} (--reset-passwords makes new ones)."
            )
        else:
            self.stdout.write(
                f"Demo accounts already exist; {accounts_file} is missing, so run "
                "load_demo --reset-passwords for new passwords."
            )
