"""`manage.py generate_dataset --scale small|full [--seed N]`: a synthetic dataset for benches."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from core.dataset.generate import Scale, expected_rows, generate, generated_records, real_records


class Command(BaseCommand):
    help = (
        "Fill the configured database with a synthetic dataset (COPY, history triggers off "
        "for the load, then ANALYZE). full: 300,000 persons, 100,000 cases, 100,000 reports, "
        "1,000,000 citations; small: one hundredth. Refuses a database holding real records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "full"], default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The date the data is built around (default: today); same seed and date, "
            "same data.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds records that are not generated.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["force"]:
            real = real_records()
            if real:
                raise CommandError(
                    f"{connection.settings_dict['NAME']} holds {real} real persons, cases or "
                    "sources: use a database of its own (or --force)."
                )
            if generated_records():
                raise CommandError(
                    f"{connection.settings_dict['NAME']} already holds a generated dataset: "
                    "drop and re-create the database (or --force to add another)."
                )
        scale = Scale.named(options["scale"])
        today = options["today"] or timezone.localdate()
        started = time.monotonic()
        with tqdm(total=expected_rows(scale), unit="rows", unit_scale=True) as bar:

            def progress(rows: int) -> None:
                bar.update(rows)

            counts = generate(scale, seed=options["seed"], today=today, progress=progress)
        elapsed = time.monotonic() - started
        total = sum(counts.values())
        with connection.cursor() as cursor:
            name = connection.settings_dict["NAME"]
            cursor.execute(
                f'COMMENT ON DATABASE "{name}" IS %s',
                [f"vigil-dataset scale={options['scale']} seed={options['seed']}"],
            )
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label:32} {count:>10,}")
        self.stdout.write(
            f"{total:,} rows in {elapsed:.1f} s ({total / max(elapsed, 0.001):,.0f} rows/s)"
        )
