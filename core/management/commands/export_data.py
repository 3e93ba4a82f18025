"""`manage.py export_data [--output FILE]`: the whole database as one "vigil/1" document."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.models import AuditAction, AuditEvent
from core.interchange.export import export_json


class Command(BaseCommand):
    help = (
        'Export every record, name, citation and link as a "vigil/1" JSON document that '
        "import_data reads back (docs/import-format.md). Accounts are not exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Logged first: an export that fails half-way may already have shown records.
        AuditEvent.objects.record(
            AuditAction.EXPORT, username=getpass.getuser(), path="manage.py export_data"
        )
        text = export_json()
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Exported to {output} ({len(text.encode()):,} bytes).")
