"""`manage.py backup [--output-dir DIR]`: a verified pg_dump of the database (`make backup`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backups import BackupError, backup, manifest_path


class Command(BaseCommand):
    help = (
        "Dump the database with pg_dump (custom format) into var/backups/vigil-<UTC time>.dump, "
        "with a manifest beside it: versions, migrations, and every table's row count and "
        "checksum, read in the snapshot that was dumped. `manage.py restore` checks all of it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="Where the dump and its manifest go (created with mode 0700).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            dump, manifest = backup(options["output_dir"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["tables"]
        rows = sum(entry["rows"] for entry in tables.values())
        self.stdout.write(
            f"Backed up {manifest['database']} ({len(tables)} tables, {rows} rows, "
            f"{manifest['dump']['bytes'] / 1024:.0f} KiB) in {time.monotonic() - started:.1f} s:\n"
            f"  dump      {dump}\n  manifest  {manifest_path(dump)}\n"
            f"  sha256    {manifest['dump']['sha256']}\n"
            f"Check it with: make restore BACKUP={dump}"
        )
