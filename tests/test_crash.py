"""Nothing lost: a structured import and a hearing-outcome save, each killed at a random
moment (the database server with an immediate shutdown, or the worker with SIGKILL), 20 times
each, leave all or nothing, and running them again converges to the data of an undisturbed
run, compared by checksum.

Slow and destructive, so `make crash-test` runs it (CI runs that after `make test`); the
default suite skips it. It runs its own PostgreSQL cluster under var/ and never touches the
project's server. `VIGIL_CRASH_ROUNDS` and `VIGIL_CRASH_SEED` change the rounds and the kill
times."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from config import devdb
from core.backups import Database, table_sums

pytestmark = pytest.mark.skipif(
    not os.environ.get("VIGIL_CRASH_TEST"),
    reason="the crash loop kills a private PostgreSQL 80 times: run it with `make crash-test`",
)

REPO = Path(__file__).resolve().parent.parent
# Kills fall anywhere from just after the start to a little past an undisturbed run's end, so
# some land during the commit and some after it.
ROUNDS = int(os.environ.get("VIGIL_CRASH_ROUNDS", "20"))
SEED = int(os.environ.get("VIGIL_CRASH_SEED", str(random.SystemRandom().randrange(10**6))))
PERSONS = 300
HEARINGS = 20
Counts = dict[str, int]


class PrivateServer(devdb.Server):
    """A throw-away cluster like the project's (same binaries, same root handling), in its
    own folders, on its own socket."""

    def __init__(self, home: Path, socket: Path) -> None:
        super().__init__()
        self.home = home
        self.socket_path = socket

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def log(self) -> Path:
        return self.home / "server.log"

    @property
    def socket(self) -> Path:
        return self.socket_path

    def _prepare_dirs(self) -> None:
        for path in (self.home, self.socket_path):
            os.chmod(path, 0o700)
            if self.as_root:
                os.chown(path, *self._postgres_ids())

    def crash(self) -> None:
        """What a power cut does to the server: no checkpoint, no goodbye to clients."""
        self._run("pg_ctl", "stop", "-m", "immediate", "-D", str(self.data))


def _cluster_parent() -> Path:
    """var/ when the postgres user can reach it (always for an ordinary user); otherwise
    /var/tmp, as config/devdb.py does for root on an unreachable checkout."""
    var = REPO / "var"
    var.mkdir(exist_ok=True)
    if os.geteuid() != 0:
        return var
    reachable = subprocess.run(
        ["runuser", "-u", "postgres", "--", "test", "-x", str(var)], check=False
    ).returncode
    return var if reachable == 0 else Path("/var/tmp")


class Worker:
    """The fork server of tests/crash_worker.py, talked to one JSON line at a time."""

    def __init__(self, socket: Path, log: Path) -> None:
        # Its children's complaints about the server vanishing mid-query go to `log`.
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "crash_worker.py")],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env={**os.environ, "VIGIL_CRASH_SOCKET": str(socket)},
            text=True,
            bufsize=1,
        )

    def _event(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the crash worker ended unexpectedly")
        event: dict[str, Any] = json.loads(line)
        return event

    def start(self, op: str, db: str, **extra: Any) -> int:
        """Send a request; return the child's pid once it has started."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": op, "db": db, **extra}) + "\n")
        self.process.stdin.flush()
        event = self._event()
        assert event["event"] == "started", event
        return int(event["pid"])

    def finish(self) -> tuple[list[dict[str, Any]], int]:
        """The child's events up to its exit, and its exit status."""
        events: list[dict[str, Any]] = []
        while True:
            event = self._event()
            if event["event"] == "exit":
                return events, int(event["status"])
            events.append(event)

    def run(self, op: str, db: str, **extra: Any) -> list[dict[str, Any]]:
        self.start(op, db, **extra)
        events, status = self.finish()
        assert status == 0, f"{op} on {db} failed: {events}"
        return events

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.log.close()


@dataclass(frozen=True)
class Reference:
    seconds: float
    counts: Counts
    digest: str


@dataclass
class Lab:
    server: PrivateServer
    worker: Worker
    rng: random.Random
    references: dict[str, Reference] = field(default_factory=dict)
    timings: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings[phase] += time.monotonic() - started

    def database(self, name: str) -> Database:
        return Database(name, user=devdb.DB_USER, host=str(self.server.socket))

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        conn = self.database("postgres").connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    def clone(self, template: str, name: str) -> None:
        """A fresh copy of `template`. Copies are never dropped (a drop waits for a checkpoint):
        the whole cluster is deleted at the end."""
        with self.timed("create database"):
            self.sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def seal(self, template: str) -> None:
        """Make `template` safe to clone. PostgreSQL 15's CREATE DATABASE (WAL_LOG strategy)
        copies each sequence with the values its template had already logged ahead, so after
        a crash the clone hands out again ids that committed rows hold (this test found it:
        duplicate key on restart). setval logs a sequence afresh; the clone must log its own."""
        conn = self.database(template).connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(format('%I.%I', schemaname, sequencename), last_value) "
                    "FROM pg_sequences WHERE last_value IS NOT NULL"
                )
        finally:
            conn.close()

    def sums(self, name: str) -> dict[str, dict[str, Any]]:
        with self.timed("table checksums"):
            conn = self.database(name).connect()
            try:
                return table_sums(conn)
            finally:
                conn.close()

    def counts(self, name: str) -> Counts:
        return {table: entry["rows"] for table, entry in self.sums(name).items()}

    def digest(self, name: str) -> str:
        with self.timed("export checksum"):
            events = self.worker.run("digest", name)
        (event,) = [e for e in events if e["event"] == "digest"]
        return str(event["digest"])

    def kill(self, how: str, pid: int) -> None:
        with self.timed(f"kill {how}"):
            if how == "server":
                self.server.crash()
            else:
                # A child that already finished has been reaped: the kill came too late.
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.worker.finish()
        if how == "server":
            with self.timed("restart server"):
                self.server.start()
        with self.timed("wait for the killed session"):
            self.wait_idle_all()

    def wait_idle_all(self) -> None:
        """Until the killed worker's session is gone (its transaction ended one way or the
        other), so what we read afterwards is final."""
        deadline = time.monotonic() + 30
        query = (
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        while self.sql(query)[0][0]:
            assert time.monotonic() < deadline, "a killed session does not end"
            time.sleep(0.02)

    def rerun(self, op: str, name: str, **extra: Any) -> None:
        with self.timed(f"run {op} again"):
            self.worker.run(op, name, **extra)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    started = time.monotonic()
    home = Path(tempfile.mkdtemp(prefix="crash-pg-", dir=_cluster_parent()))
    socket = Path(tempfile.mkdtemp(prefix="vigil-crash-", dir="/tmp"))
    server = PrivateServer(home, socket)
    worker = None
    try:
        server.start()
        worker = Worker(socket, home / "worker.log")
        lab = Lab(server, worker, random.Random(SEED))
        # After a crash PostgreSQL fsyncs every file of the cluster before recovering; with
        # 80 databases that is minutes. syncfs flushes the same data in one call.
        lab.sql("ALTER SYSTEM SET recovery_init_sync_method = 'syncfs'")
        lab.sql("SELECT pg_reload_conf()")
        lab.sql('CREATE DATABASE "base"')
        worker.run("migrate", "base")
        lab.seal("base")
        print(
            f"\ncrash tests: seed {SEED} (VIGIL_CRASH_SEED), private cluster in {home}, "
            f"set up (initdb, migrate) in {time.monotonic() - started:.1f} s"
        )
        yield lab
    finally:
        if worker is not None:
            worker.close()
        if server.is_running():
            server.crash()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(socket, ignore_errors=True)


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def import_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A "vigil/1" file big enough that importing it takes about a second."""
    source = "source:crash-report"
    document = {
        "format": "vigil/1",
        "organizations": [
            {"id": f"org:crash-{n}", "name": f"Crash NGO {n}", "kind": "ngo", "country": "KZ"}
            for n in range(10)
        ],
        "sources": [{"id": source, "kind": "news_release", "title": "Crash report"}],
        "persons": [
            {
                "id": f"person:crash-{n:04d}",
                "display_name": f"Person {n} Crashtest",
                "birth_date": f"{1950 + n % 50}",
                "citizenships": ["KZ"],
                "watched_by": [f"org:crash-{n % 10}"],
                "names": [
                    {"text": f"Person {n} Crashtest", "language": "en", "source": source},
                    {"text": f"Персона {n} Крэштест", "kind": "transliteration"},
                ],
                "citations": [{"source": source, "quote": f"person number {n}"}],
            }
            for n in range(PERSONS)
        ],
    }
    return _write(tmp_path_factory.mktemp("crash") / "crash-import.json", document)


@pytest.fixture(scope="module")
def hearings_base(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with one case and HEARINGS hearings in 2025 still marked as scheduled."""
    court, source = "org:crash-court", "source:crash-hearings"
    document = {
        "format": "vigil/1",
        "organizations": [{"id": court, "name": "Crash District Court", "kind": "court"}],
        "sources": [{"id": source, "kind": "news_release", "title": "Hearing list"}],
        "cases": [
            {
                "id": "case:crash",
                "title": "Crash test case",
                "kind": "criminal",
                "status": "open",
                "jurisdiction": "KZ",
                "court": court,
                "opened": "2024-06",
            }
        ],
        "hearings": [
            {
                "id": f"hearing:crash-{n:02d}",
                "case": "case:crash",
                "court": court,
                "date": f"2025-{1 + n // 2:02d}-{10 + n % 2 * 10:02d}",
                "kind": "trial",
                "status": "scheduled",
                "citations": [{"source": source, "quote": f"hearing {n} set"}],
            }
            for n in range(HEARINGS)
        ],
    }
    path = _write(tmp_path_factory.mktemp("crash") / "crash-hearings.json", document)
    lab.clone("base", "base_hearings")
    lab.worker.run("import", "base_hearings", file=str(path))
    lab.seal("base_hearings")
    return "base_hearings"


def _reference(lab: Lab, template: str, op: str, **extra: Any) -> Reference:
    """An undisturbed run of `op` from `template` (once per module): how long it takes, and
    the row counts and checksum every interrupted run must converge to."""
    if op not in lab.references:
        name = f"reference_{op}"
        lab.clone(template, name)
        started = time.monotonic()
        lab.worker.run(op, name, **extra)
        seconds = time.monotonic() - started
        lab.references[op] = Reference(seconds, lab.counts(name), lab.digest(name))
    return lab.references[op]


def _differences(actual: Counts, expected: Counts) -> dict[str, tuple[int, int]]:
    return {
        table: (actual.get(table, 0), expected.get(table, 0))
        for table in sorted(actual.keys() | expected.keys())
        if actual.get(table, 0) != expected.get(table, 0)
    }


def _report(
    lab: Lab, what: str, started: float, outcome: Counter[str], delays: list[float]
) -> None:
    print(
        f"\n{what}: {ROUNDS} kills in {time.monotonic() - started:.1f} s "
        f"(killed {min(delays):.2f}-{max(delays):.2f} s after the start); "
        + ", ".join(f"{key}: {value}" for key, value in sorted(outcome.items()))
        + "\n  time spent: "
        + ", ".join(
            f"{phase} {seconds:.1f} s"
            for phase, seconds in sorted(lab.timings.items(), key=lambda item: -item[1])
        )
    )
    lab.timings.clear()


@pytest.mark.parametrize("how", ["server", "worker"])
def test_an_import_killed_midway_leaves_all_or_nothing_and_running_it_again_converges(
    lab: Lab, import_file: Path, how: str
) -> None:
    file = str(import_file)
    reference = _reference(lab, "base", "import", file=file)
    base = lab.sums("base")
    assert reference.counts["public.people_person"] == PERSONS
    started, outcome, delays = time.monotonic(), Counter[str](), []
    for number in range(ROUNDS):
        name = f"import_{how}_{number}"
        lab.clone("base", name)
        pid = lab.worker.start("import", name, file=file)
        delays.append(lab.rng.uniform(0.05, 1.15 * reference.seconds))
        time.sleep(delays[-1])
        lab.kill(how, pid)

        after_kill = lab.sums(name)
        if after_kill == base:
            outcome["nothing written"] += 1
        else:
            counts = {table: entry["rows"] for table, entry in after_kill.items()}
            assert not _differences(counts, reference.counts), (
                f"round {number}: the import was cut off half-written: "
                f"{_differences(counts, reference.counts)} (rows now, rows of a full import)"
            )
            assert lab.digest(name) == reference.digest, f"round {number}: different data"
            outcome["all written"] += 1

        lab.rerun("import", name, file=file)
        assert lab.counts(name) == reference.counts, f"round {number}: re-run differs"
        assert lab.digest(name) == reference.digest, f"round {number}: re-run differs"
    _report(lab, f"import, {how} killed", started, outcome, delays)
    assert outcome["nothing written"], "no kill landed before the import committed"


@pytest.mark.parametrize("how", ["server", "worker"])
def test_hearing_outcomes_killed_midway_are_whole_or_absent_and_saving_again_converges(
    lab: Lab, hearings_base: str, how: str
) -> None:
    reference = _reference(lab, hearings_base, "outcomes")
    started, outcome, delays = time.monotonic(), Counter[str](), []
    for number in range(ROUNDS):
        name = f"outcomes_{how}_{number}"
        lab.clone(hearings_base, name)
        pid = lab.worker.start("outcomes", name)
        delays.append(lab.rng.uniform(0.05, 1.15 * reference.seconds))
        time.sleep(delays[-1])
        lab.kill(how, pid)

        with lab.timed("check outcomes"):
            events = lab.worker.run("check_outcomes", name)
        (checked,) = [e for e in events if "problems" in e]
        assert checked["problems"] == [], f"round {number}: {checked['problems']}"
        saved = int(checked["saved"])
        outcome["all saved" if saved == HEARINGS else "some saved, the rest untouched"] += 1

        lab.rerun("outcomes", name)
        counts = lab.counts(name)
        assert counts == reference.counts, (
            f"round {number}: saving again differs: {_differences(counts, reference.counts)}"
        )
        assert lab.digest(name) == reference.digest, f"round {number}: saving again differs"
    _report(lab, f"hearing outcomes, {how} killed", started, outcome, delays)
    assert outcome["some saved, the rest untouched"], "no kill landed in the middle"
