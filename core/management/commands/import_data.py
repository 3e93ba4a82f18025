"""`manage.py import_data FILE… [--dry-run]`: import "vigil/1" JSON or CSV files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.interchange.errors import ImportDataError
from core.interchange.imports import import_bytes
from core.interchange.reading import read_path


class Command(BaseCommand):
    help = (
        'Import "vigil/1" JSON files, or CSV files of persons, organizations or sources '
        "(docs/import-format.md). Each file is all or nothing: on any error nothing of it is "
        "written and every error is listed. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, updated and left unchanged; write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        dry_run: bool = options["dry_run"]
        failed: list[str] = []
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        started = time.monotonic()
        for number, path in enumerate(files, start=1):
            prefix = f"[{number}/{len(files)}] {path.name}"
            self.stderr.write(f"{prefix}: reading")

            def progress(kind: str, count: int, prefix: str = prefix) -> None:
                self.stderr.write(f"{prefix}: {kind} ({count})")

            try:
                report = import_bytes(
                    path.name,
                    read_path(path),
                    dry_run=dry_run,
                    reports_dir=path.parent.resolve(),
                    progress=progress,
                )
            except ImportDataError as error:
                failed.append(path.name)
                self.stderr.write(
                    self.style.ERROR(
                        f"{prefix}: not imported, {len(error.issues)} error(s); nothing written"
                    )
                )
                for issue in error.issues:
                    self.stderr.write(f"  {issue}")
                continue
            for warning in report.warnings:
                self.stderr.write(self.style.WARNING(f"  {warning}"))
            self.stdout.write(
                f"{path.name}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged" + (" (dry run)" if dry_run else "")
            )
            for kind, created, updated, unchanged in report.rows():
                self.stdout.write(
                    f"  {kind}: {created} created, {updated} updated, {unchanged} unchanged"
                )
            totals["created"] += report.created
            totals["updated"] += report.updated
            totals["unchanged"] += report.unchanged
        seconds = time.monotonic() - started
        mode = "Dry run (nothing written)" if dry_run else "Imported"
        self.stdout.write(
            f"{mode}: {len(files) - len(failed)} of {len(files)} file(s) in {seconds:.1f} s; "
            f"{totals['created']} created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged."
        )
        if failed:
            raise CommandError(f"{len(failed)} file(s) not imported: {', '.join(failed)}")
