"""`import_bytes`: one file, all or nothing, recorded under the "import_data" history context."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pghistory
from django.db import DatabaseError, transaction

from core.interchange.errors import ImportDataError
from core.interchange.loader import Loader
from core.interchange.reading import parse
from core.interchange.report import LoadReport


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_bytes(
    file: str,
    data: bytes,
    *,
    dry_run: bool = False,
    reports_dir: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LoadReport:
    """Import one file's bytes: parse, check everything, then upsert in one transaction.

    Raises `ImportDataError` (every issue of the file) and then has written nothing. A dry run
    counts what it would create, update and leave unchanged, then rolls back."""
    report = LoadReport()
    try:
        document, locate = parse(file, data)
        if isinstance(document, dict) and "demo" in document:
            report.warnings.append(
                f"{file}: the demo section (demo accounts and follower) is read only by "
                "load_demo; ignored here"
            )
        with transaction.atomic(), pghistory.context(source="import_data", file=file):
            Loader(
                document,
                report,
                file=file,
                extra_sections={"demo"},
                reports_dir=reports_dir,
                locate=locate,
                progress=progress,
            ).run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ImportDataError:
        raise
    except RecursionError as error:
        raise ImportDataError.one(file, "data nested less deeply") from error
    except (DatabaseError, ValueError) as error:
        # Values the checks let through but the database refuses (text it cannot store).
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ImportDataError.one(file, f"data the database accepts: {message}") from error
    return report
