"""Development settings on a database of the bench's own (`VIGIL_BENCH_DB`, default
vigil_bench) on the project's server: `DATABASE_URL` would mean production (secure cookies,
collected static files), which a loopback bench does not want."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ.get("VIGIL_BENCH_DB", "vigil_bench")
DATABASES["default"]["CONN_MAX_AGE"] = 60
ROOT_URLCONF = "bench.urls"
