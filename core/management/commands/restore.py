"""`manage.py restore DUMP [--target NAME] [--force]`: restore a backup and verify it
(`make restore BACKUP=… [TARGET_DB=…] [FORCE=1]`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backups import BackupError, Database, default_target, restore


class Command(BaseCommand):
    help = (
        "Check a dump's SHA-256 against its manifest, restore it with pg_restore into a scratch "
        "database (<database>_restore unless --target names another), then compare every "
        "table's row count and checksum with the manifest. The live database is replaced only "
        "with --force. Exits non-zero unless everything matches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", type=Path, help="A vigil-….dump made by `manage.py backup`.")
        parser.add_argument(
            "--target", help="Database to restore into (default: <configured database>_restore)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the target even if it is the live database or was not made by restore.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        target = options["target"] or default_target(Database.configured().name)
        self.stdout.write(f"Restoring {options['dump']} into {target}…")
        try:
            verdict = restore(options["dump"], target=target, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        if not verdict.ok:
            raise CommandError(f"{verdict}\n(after {seconds:.1f} s)")
        self.stdout.write(self.style.SUCCESS(f"{verdict} ({seconds:.1f} s)"))
