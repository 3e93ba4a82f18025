"""`manage.py import_report FILE… [--publisher … --url … --published … --kind … --json]`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pghistory
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from tqdm import tqdm

from accounts.models import User
from core.partial_dates import PartialDate, PartialDateError
from people.models import Organization
from sources.models import SourceKind
from sources.reports.found import ReportError
from sources.reports.ingest import ImportOutcome, import_report
from sources.reports.reading import MAX_REPORT_BYTES

# Files above this size get a progress bar even when alone.
LARGE_FILE_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import report files (text, HTML, PDF): each becomes a source with the names it "
        "mentions and the facts it states proposed for review at /sources/review/. A report "
        "imported again is recognised by its text and not duplicated; facts already accepted "
        "or rejected are not proposed again. A file that cannot be read writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--publisher", default="", help="The publisher's external id or name (an organization)."
        )
        parser.add_argument("--url", default="", help="The report's address.")
        parser.add_argument(
            "--published", default="", help="Publication date: 2019-12-09, 2019-12 or 2019."
        )
        parser.add_argument(
            "--kind", default=SourceKind.OTHER, choices=SourceKind.values, help="Kind of source."
        )
        parser.add_argument("--language", default="", help="ISO 639-1 code; guessed if blank.")
        parser.add_argument("--user", default="", help="Username recorded in the history.")
        parser.add_argument(
            "--json", action="store_true", help="Print what was found as JSON on stdout."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        publisher = _publisher(options["publisher"])
        published = _published(options["published"])
        user = _user(options["user"])
        as_json: bool = options["json"]
        failed: list[str] = []
        outcomes: list[tuple[Path, ImportOutcome]] = []
        started = time.monotonic()
        sizes = [path.stat().st_size if path.is_file() else 0 for path in files]
        show_bar = len(files) > 1 or any(size > LARGE_FILE_BYTES for size in sizes)
        stream = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(files, desc="Reports", unit="file", file=stream, disable=not show_bar)
        with pghistory.context(user=user.pk if user else None, source="import_report"):
            for path in bar:
                bar.set_postfix_str(path.name)
                try:
                    if not path.is_file():
                        raise ReportError("There is no such file.")
                    if path.stat().st_size > MAX_REPORT_BYTES:
                        raise ReportError(
                            f"The file is larger than {MAX_REPORT_BYTES // (1024 * 1024)} MB."
                        )
                    outcome = import_report(
                        path.read_bytes(),
                        path.name,
                        publisher=publisher,
                        url=options["url"],
                        published=published,
                        kind=options["kind"],
                        language=options["language"],
                        user=user,
                    )
                except (ReportError, OSError) as error:
                    failed.append(path.name)
                    bar.write(self.style.ERROR(f"{path}: not imported: {error}"), file=stream)
                    continue
                outcomes.append((path, outcome))
        bar.close()
        seconds = time.monotonic() - started
        if as_json:
            self.stdout.write(json.dumps([as_dict(o) for _, o in outcomes], ensure_ascii=False))
        else:
            for path, outcome in outcomes:
                state = "new" if outcome.new else "recognised"
                self.stdout.write(
                    f"{path.name}: source {outcome.source.pk} ({state}), "
                    f"{len(outcome.mentions)} name(s), {len(outcome.proposals)} proposal(s) "
                    f"pending, {outcome.kept_out} already reviewed"
                )
        proposals = sum(len(o.proposals) for _, o in outcomes)
        self.stderr.write(
            f"Imported {len(outcomes)} of {len(files)} file(s) in {seconds:.1f} s; "
            f"{sum(o.new for _, o in outcomes)} new source(s), {proposals} proposal(s) to review."
        )
        if failed:
            raise CommandError(f"{len(failed)} file(s) not imported: {', '.join(failed)}")


def as_dict(outcome: ImportOutcome) -> dict[str, Any]:
    """The JSON shape of one imported file."""
    return {
        "source_id": outcome.source.pk,
        "new": outcome.new,
        "title": outcome.source.title,
        "mentions": [
            {
                "kind": m.kind,
                "id": m.person_id or m.organization_id,
                "text": m.text,
                "variant": m.variant,
            }
            for m in outcome.mentions
        ],
        "proposals": [
            {
                "id": p.pk,
                "kind": p.kind,
                "date": p.date.iso() if p.date else None,
                "date_text": p.date_text,
                "persons": outcome.person_ids.get(p.pk, []),
                "quote": p.quote,
                "linked": (
                    {
                        "model": f"{p.content_type.app_label}.{p.content_type.model}",
                        "id": p.object_id,
                    }
                    if p.content_type is not None
                    else None
                ),
                "conflict": p.conflict,
            }
            for p in outcome.proposals
        ],
    }


def _publisher(value: str) -> Organization | None:
    if not value:
        return None
    found = list(
        Organization.objects.filter(
            Q(external_id=value) | Q(name__iexact=value) | Q(names__text__iexact=value)
        ).distinct()[:2]
    )
    if len(found) != 1:
        problem = "no organization" if not found else "several organizations"
        raise CommandError(f"--publisher {value!r}: {problem} with that external id or name.")
    return found[0]


def _published(value: str) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except PartialDateError as error:
        raise CommandError(f"--published: {error}") from error


def _user(value: str) -> User | None:
    if not value:
        return None
    try:
        return User.objects.get(username=value)
    except User.DoesNotExist:
        raise CommandError(f"--user {value!r}: no such user.") from None
