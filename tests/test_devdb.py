"""The project-local PostgreSQL manager: finding the server binaries, keeping the socket path
short enough, and its command line (no database needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import devdb

REPO = Path(__file__).resolve().parent.parent
SOCKET_FILE = "/.s.PGSQL.5432"
UNIX_SOCKET_LIMIT = 107  # bytes, without the terminating NUL


def make_bindir(path: Path, tools: tuple[str, ...] = ("initdb", "pg_ctl", "postgres")) -> Path:
    path.mkdir(parents=True)
    for tool in tools:
        (path / tool).write_text("#!/bin/sh\n")
        (path / tool).chmod(0o755)
    return path


@pytest.fixture
def no_system_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither pg_config on PATH nor Debian's /usr/lib/postgresql/*/bin."""
    monkeypatch.setattr(devdb.shutil, "which", lambda name: None)
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [])


# -- find_bindir --------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_system_postgres")
def test_missing_binaries_tell_which_package_to_install() -> None:
    with pytest.raises(devdb.DevDbError, match=r"apt-get install postgresql"):
        devdb.find_bindir()


def test_pg_config_without_server_binaries_is_not_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libpq-dev brings pg_config but not initdb: the error must still say what to install."""
    client_only = make_bindir(tmp_path / "client", tools=("psql",))
    bin_dir = tmp_path / "path"
    bin_dir.mkdir()
    pg_config = bin_dir / "pg_config"
    pg_config.write_text(f"#!/bin/sh\necho {client_only}\n")
    pg_config.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [])
    with pytest.raises(devdb.DevDbError, match=r"initdb.*apt-get install postgresql"):
        devdb.find_bindir()


def test_pg_config_bindir_is_used_when_it_holds_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_bindir(tmp_path / "server")
    bin_dir = tmp_path / "path"
    bin_dir.mkdir()
    pg_config = bin_dir / "pg_config"
    pg_config.write_text(f"#!/bin/sh\necho {server}\n")
    pg_config.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [])
    assert devdb.find_bindir() == server


def test_newest_debian_version_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = {v: make_bindir(tmp_path / "postgresql" / v / "bin") for v in ("9", "13", "16")}
    monkeypatch.setattr(devdb.shutil, "which", lambda name: None)
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [str(p) for p in versions.values()])
    assert devdb.find_bindir() == versions["16"]


def test_incomplete_newest_version_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    complete = make_bindir(tmp_path / "postgresql" / "15" / "bin")
    broken = make_bindir(tmp_path / "postgresql" / "17" / "bin", tools=("pg_ctl",))
    monkeypatch.setattr(devdb.shutil, "which", lambda name: None)
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [str(complete), str(broken)])
    assert devdb.find_bindir() == complete


# -- socket_dir ---------------------------------------------------------------------------------


def socket_path_bytes(directory: Path) -> int:
    return len(os.fsencode(str(directory) + SOCKET_FILE))


def use_checkout(monkeypatch: pytest.MonkeyPatch, repo: Path) -> None:
    monkeypatch.setattr(devdb, "REPO", repo)
    monkeypatch.setattr(devdb, "PG_HOME", repo / "var" / "postgres")


def test_short_checkout_keeps_the_socket_inside_the_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_checkout(monkeypatch, Path("/home/advocate/vigil"))
    assert devdb.socket_dir() == Path("/home/advocate/vigil/var/postgres/run")


def test_long_checkout_path_stays_under_the_unix_socket_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_checkout(monkeypatch, Path("/home/advocate/" + "nested-directory/" * 8 + "vigil"))
    assert socket_path_bytes(devdb.PG_HOME / "run") > UNIX_SOCKET_LIMIT
    assert socket_path_bytes(devdb.socket_dir()) <= UNIX_SOCKET_LIMIT


def test_cyrillic_checkout_path_counts_bytes_not_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    """60 letters but 120 bytes: a path a Kazakh or Russian user may well have."""
    use_checkout(monkeypatch, Path("/home/" + "адвокат" * 8 + "/vigil"))
    assert len(str(devdb.PG_HOME / "run")) <= devdb.MAX_SOCKET_DIR
    assert socket_path_bytes(devdb.socket_dir()) <= UNIX_SOCKET_LIMIT


def test_two_long_checkouts_get_different_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    long = "/srv/" + "x" * 100
    use_checkout(monkeypatch, Path(long + "/one"))
    first = devdb.socket_dir()
    use_checkout(monkeypatch, Path(long + "/two"))
    assert devdb.socket_dir() != first


# -- command line -------------------------------------------------------------------------------


def test_status_command_runs_and_reports_the_server_state() -> None:
    """With the system Python, as the Makefile runs it before the virtualenv exists."""
    python = shutil.which("python3") or sys.executable
    result = subprocess.run(
        [python, "config/devdb.py", "status"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    expected = {0: "PostgreSQL running\n", 3: "PostgreSQL stopped\n"}
    assert result.returncode in expected, result.stderr
    assert result.stdout == expected[result.returncode]


def test_status_command_says_running_while_tests_use_the_server() -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("tests run against an external database")
    assert devdb.main(["devdb.py", "status"]) == 0


@pytest.mark.usefixtures("no_system_postgres")
def test_command_prints_a_one_line_error_when_postgres_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert devdb.main(["devdb.py", "status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: PostgreSQL server binaries not found")
    assert err.count("\n") == 1


def test_unknown_verb_prints_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert devdb.main(["devdb.py", "restart-everything"]) == 2
    assert "python3 config/devdb.py start" in capsys.readouterr().out
