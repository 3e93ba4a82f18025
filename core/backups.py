"""Verified backups: a pg_dump archive (custom format) with a manifest beside it.

The manifest says when and from what the dump was made (server and pg_dump versions, the
Django migrations applied) and, for every table, its row count and a checksum of its rows,
all read in the very snapshot pg_dump dumps. A restore checks the dump's SHA-256 against the
manifest, restores into a scratch database (the live one only when asked explicitly), then
recomputes every count and checksum and compares. `manage.py backup` and `manage.py restore`
(`make backup`, `make restore BACKUP=…`) are the command-line faces of this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2  # type: ignore[import-untyped]
from django.conf import settings
from psycopg2 import sql
from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT  # type: ignore[import-untyped]
from psycopg2.extensions import connection as PgConnection

from config import devdb

MANIFEST_FORMAT = "vigil-backup/1"
SCRATCH_COMMENT = "vigil restore scratch database"
# Every value prints the same whatever the session's settings: checksums compare across days.
STABLE_SESSION = (
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
    "SET extra_float_digits = 3; SET bytea_output = 'hex'"
)
TABLES = """
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%%' AND NOT c.relispartition
    ORDER BY 1, 2
"""
# Order-free: the md5 of each row's text, sorted, hashed again. Bounded memory per row.
TABLE_SUM = (
    "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
    "FROM (SELECT md5(t::text) AS h FROM {} AS t) AS rows"
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class Database:
    """How to reach one database of the configured server."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def configured(cls, alias: str = "default") -> Database:
        conf = settings.DATABASES[alias]
        return cls(
            name=str(conf["NAME"]),
            user=str(conf.get("USER") or ""),
            password=str(conf.get("PASSWORD") or ""),
            host=str(conf.get("HOST") or ""),
            port=str(conf.get("PORT") or ""),
        )

    def named(self, name: str) -> Database:
        return Database(name, self.user, self.password, self.host, self.port)

    def connect(self) -> PgConnection:
        options = {"dbname": self.name, "user": self.user, "password": self.password}
        options |= {"host": self.host, "port": self.port}
        return psycopg2.connect(**{key: value for key, value in options.items() if value})

    def env(self) -> dict[str, str]:
        """The environment for PostgreSQL's tools: the password never on a command line."""
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[key] = value
        return env


def tool(name: str) -> str:
    """A PostgreSQL client program: the server's own (same version) when installed here."""
    try:
        candidate = devdb.find_bindir() / name
        if candidate.is_file():
            return str(candidate)
    except devdb.DevDbError:
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install PostgreSQL's client programs")
    return found


def _run(command: list[str], db: Database) -> str:
    result = subprocess.run(command, env=db.env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{Path(command[0]).name} failed: {detail or result.returncode}")
    return result.stdout


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_sums(conn: PgConnection) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table, as `{"schema.table": {"rows", "md5"}}`."""
    sums: dict[str, dict[str, Any]] = {}
    with conn.cursor() as cursor:
        cursor.execute(STABLE_SESSION)
        cursor.execute(TABLES)
        for schema, table in cursor.fetchall():
            cursor.execute(sql.SQL(TABLE_SUM).format(sql.Identifier(schema, table)))
            rows, md5 = cursor.fetchone()
            sums[f"{schema}.{table}"] = {"rows": rows, "md5": md5}
    return sums


def _migrations(conn: PgConnection) -> dict[str, Any]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return {"applied": 0, "latest": {}}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        rows = cursor.fetchall()
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = max(latest.get(app, name), name)
    return {"applied": len(rows), "latest": dict(sorted(latest.items()))}


def manifest_path(dump: Path) -> Path:
    return dump.with_suffix(".json")


def backup(directory: Path, db: Database | None = None) -> tuple[Path, dict[str, Any]]:
    """Dump the database into `directory` as vigil-<UTC time>.dump with its manifest; return
    the dump's path and the manifest. Counts, checksums and the dump share one snapshot."""
    db = db or Database.configured()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = directory / f"vigil-{stamp}.dump"
    number = 1
    while dump.exists() or manifest_path(dump).exists():
        number += 1
        dump = directory / f"vigil-{stamp}-{number}.dump"
    partial = dump.with_suffix(".dump.part")
    pg_dump = tool("pg_dump")
    # The dump holds everything: readable by its owner only, from the first byte.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = db.connect()
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
        try:
            _run([pg_dump, "-Fc", f"--snapshot={snapshot}", "-f", str(partial), db.name], db)
            sums = table_sums(conn)
            migrations = _migrations(conn)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        conn.rollback()
    finally:
        conn.close()
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    partial.rename(dump)
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": db.name,
        "server_version": server_version,
        "pg_dump_version": _run([pg_dump, "--version"], db).strip(),
        "dump": {"file": dump.name, "bytes": dump.stat().st_size, "sha256": sha256_of(dump)},
        "migrations": migrations,
        "tables": sums,
    }
    _write_json(manifest_path(dump), manifest)
    return dump, manifest


def _write_json(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_suffix(".json.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    partial.rename(path)


def read_manifest(dump: Path) -> dict[str, Any]:
    path = manifest_path(dump)
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"no manifest beside the dump: {path} is missing") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"unreadable manifest {path}: {error}") from error
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{path} is not a Vigil backup manifest ({MANIFEST_FORMAT})")
    return manifest


def verify_dump(dump: Path, manifest: dict[str, Any]) -> None:
    if not dump.is_file():
        raise BackupError(f"no dump at {dump}")
    expected = manifest["dump"]["sha256"]
    actual = sha256_of(dump)
    if actual != expected:
        raise BackupError(
            f"{dump.name} is damaged or not the dump the manifest describes: SHA-256 {actual}, "
            f"manifest says {expected}. Nothing was restored."
        )


@contextmanager
def _maintenance(db: Database) -> Iterator[Any]:
    conn = db.named("postgres").connect()
    conn.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


def _prepare_target(db: Database, target: str, *, live: str, force: bool) -> None:
    """Create `target` empty. An existing database is replaced only when it is a scratch
    database an earlier restore made, or when forced; the live one only when forced."""
    if target == live and not force:
        raise BackupError(
            f"{target} is the live database: restore into a scratch database (the default), "
            "or pass --force (make restore … FORCE=1) to replace the live data."
        )
    with _maintenance(db) as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [target],
        )
        found = cursor.fetchone()
        if found is not None:
            if found[0] != SCRATCH_COMMENT and not force:
                raise BackupError(
                    f"database {target} exists and is not a scratch database made by restore: "
                    "choose another TARGET_DB or pass --force to replace it."
                )
            cursor.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(target)))
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(target)
            )
        )
        if target != live:
            cursor.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(target), sql.Literal(SCRATCH_COMMENT)
                )
            )


def drop_scratch(target: str, db: Database | None = None) -> None:
    """Drop a scratch database an earlier restore made (and nothing else)."""
    db = db or Database.configured()
    with _maintenance(db) as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [target],
        )
        found = cursor.fetchone()
        if found is None:
            return
        if found[0] != SCRATCH_COMMENT:
            raise BackupError(f"{target} is not a scratch database made by restore")
        cursor.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(target)))


@dataclass
class Verdict:
    target: str
    tables: int
    rows: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        if self.ok:
            return (
                f"VERIFIED: {self.target} holds every table of the backup with the same rows "
                f"({self.tables} tables, {self.rows} rows; counts and checksums match)."
            )
        listed = "\n  ".join(self.problems)
        return f"MISMATCH: {self.target} differs from the backup's manifest:\n  {listed}"


def compare(expected: dict[str, Any], actual: dict[str, Any], target: str) -> Verdict:
    problems: list[str] = []
    for table in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(table), actual.get(table)
        if got is None:
            problems.append(f"{table}: missing")
        elif want is None:
            problems.append(f"{table}: not in the backup")
        elif want["rows"] != got["rows"]:
            problems.append(f"{table}: {got['rows']} rows, the backup had {want['rows']}")
        elif want["md5"] != got["md5"]:
            problems.append(f"{table}: same {got['rows']} rows count but different data")
    rows = sum(int(entry["rows"]) for entry in actual.values())
    return Verdict(target, len(actual), rows, problems)


def default_target(live: str) -> str:
    return f"{live}_restore"


def restore(
    dump: Path, *, target: str | None = None, force: bool = False, db: Database | None = None
) -> Verdict:
    """Check, restore and verify `dump`; the verdict says whether every table matches."""
    db = db or Database.configured()
    dump = dump.resolve()
    manifest = read_manifest(dump)
    verify_dump(dump, manifest)
    target = target or default_target(db.name)
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}", target):
        raise BackupError(f"{target!r} is not a database name restore accepts")
    _prepare_target(db, target, live=db.name, force=force)
    restored = db.named(target)
    _run(
        [
            tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            target,
            str(dump),
        ],
        restored,
    )
    conn = restored.connect()
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        actual = table_sums(conn)
        conn.rollback()
    finally:
        conn.close()
    return compare(manifest["tables"], actual, target)
