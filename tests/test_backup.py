"""Backups are restorable and verified: the restore drill, and the refusals that keep a bad
dump or a careless target from doing harm."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from accounts.models import User
from cases.models import Case
from core.backups import (
    BackupError,
    Database,
    backup,
    drop_scratch,
    manifest_path,
    restore,
    table_sums,
)
from core.demo import DATA_FILE, load_demo

# pg_dump sees only committed data: the drill commits the demo, the refusals need none.
pytestmark = pytest.mark.django_db


@contextmanager
def using_database(name: str) -> Iterator[None]:
    """Point Django's connection at another database of the same server for a while."""
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


@pytest.fixture
def scratch() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_drill"
    yield name
    drop_scratch(name)


def sums_of(name: str) -> dict[str, dict[str, object]]:
    conn = Database.configured().named(name).connect()
    try:
        return table_sums(conn)
    finally:
        conn.close()


def observed() -> dict[str, object]:
    """What a user and a script see: deadlines, the full export, and the pages of the lists
    and of every case as the admin."""
    deadlines = StringIO()
    call_command("deadlines", "--json", "--today", "2020-06-01", stdout=deadlines)
    export = StringIO()
    call_command("export_data", stdout=export)
    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).order_by("pk")[0])
    cases = dict(Case.objects.values_list("pk", "title"))
    pages = {}
    for path in ["/cases/", "/people/", *(f"/cases/{pk}/" for pk in cases)]:
        response = client.get(path)
        body = response.content.decode()
        pages[path] = (response.status_code, sorted(t for t in cases.values() if t in body))
    return {"deadlines": json.loads(deadlines.getvalue()), "export": export.getvalue(), **pages}


@pytest.mark.django_db(transaction=True)
def test_restore_drill_restores_the_demo_database_table_for_table(tmp_path: Path, scratch: str):
    load_demo(DATA_FILE)
    live = connection.settings_dict["NAME"]
    call_command("backup", output_dir=tmp_path, stdout=StringIO())
    (dump,) = tmp_path.glob("vigil-*.dump")
    manifest = json.loads(manifest_path(dump).read_text())

    assert dump.stat().st_mode & 0o077 == 0, "a dump is readable by its owner only"
    assert manifest["tables"] == sums_of(live)
    assert manifest["tables"]["public.cases_case"]["rows"] > 0
    assert manifest["migrations"]["latest"]["cases"]

    out = StringIO()
    call_command("restore", str(dump), target=scratch, stdout=out)

    assert "VERIFIED" in out.getvalue()
    assert sums_of(scratch) == manifest["tables"]
    before = observed()
    with using_database(scratch):
        after = observed()
    assert after == before
    assert before["deadlines"], "the demo has deadlines to compare"
    assert before["/cases/"] == (200, sorted(Case.objects.values_list("title", flat=True)))


def test_a_damaged_dump_is_refused_before_anything_is_restored(tmp_path: Path, scratch: str):
    dump, _ = backup(tmp_path)
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="SHA-256"):
        restore(dump, target=scratch)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [scratch])
        assert cursor.fetchone()[0] == 0, "nothing was created"


def test_a_restore_that_differs_from_the_manifest_is_reported_table_by_table(
    tmp_path: Path, scratch: str
):
    dump, manifest = backup(tmp_path)
    manifest["tables"]["public.cases_case"]["rows"] += 1
    manifest["tables"]["public.people_person"]["md5"] = "0" * 32
    manifest_path(dump).write_text(json.dumps(manifest))

    verdict = restore(dump, target=scratch)

    assert not verdict.ok
    assert "MISMATCH" in str(verdict)
    assert sorted(p.split(":")[0] for p in verdict.problems) == [
        "public.cases_case",
        "public.people_person",
    ]


def test_the_live_database_is_never_overwritten_without_force(tmp_path: Path):
    dump, _ = backup(tmp_path)
    live = connection.settings_dict["NAME"]

    with pytest.raises(BackupError, match="live database"):
        restore(dump, target=live)
    with pytest.raises(Exception, match="live database"):
        call_command("restore", str(dump), target=live, stdout=StringIO())


def test_a_database_restore_did_not_make_is_not_replaced(tmp_path: Path):
    dump, _ = backup(tmp_path)
    other = f"{connection.settings_dict['NAME']}_other"
    server = Database.configured().named("postgres").connect()
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{other}"')
        with pytest.raises(BackupError, match="not a scratch database"):
            restore(dump, target=other)
        with pytest.raises(BackupError, match="not a scratch database"):
            drop_scratch(other)
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)')
        server.close()


def test_a_dump_without_its_manifest_is_refused(tmp_path: Path):
    dump, _ = backup(tmp_path)
    manifest_path(dump).unlink()

    with pytest.raises(BackupError, match="no manifest"):
        restore(dump)
