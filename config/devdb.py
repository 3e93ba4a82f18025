"""A project-local PostgreSQL server for development and tests.

Standard library only: the Makefile runs it with the system Python before the virtual
environment exists, and settings import `socket_dir()` from it to find the server.

    python3 config/devdb.py start          start in the background (idempotent)
    python3 config/devdb.py stop           stop it
    python3 config/devdb.py status         say whether it runs
    python3 config/devdb.py run -- CMD...  run CMD with the server up; stop it afterwards
                                           only if this call started it

The cluster lives under var/postgres/ (git-ignored), listens on a Unix socket only and trusts
local connections as the superuser `vigil`. As root the server runs as the `postgres` system
user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_HOME = REPO / "var" / "postgres"
DB_USER = "vigil"
DB_NAME = "vigil"
# Unix socket paths are limited to 107 bytes; leave room for "/.s.PGSQL.5432".
MAX_SOCKET_DIR = 90


class DevDbError(Exception):
    """A problem the developer can fix; printed as one line."""


def _short_hash() -> str:
    return hashlib.sha256(str(REPO).encode()).hexdigest()[:10]


def socket_dir() -> Path:
    """Directory of the server's Unix socket (settings connect here)."""
    # Resolved: as root var/postgres may link to a folder the postgres user can reach.
    preferred = (PG_HOME / "run").resolve()
    # The limit is in bytes: a Cyrillic directory name takes two per letter.
    if len(os.fsencode(preferred)) <= MAX_SOCKET_DIR:
        return preferred
    return Path("/tmp") / f"vigil-pg-{_short_hash()}"  # noqa: S108 - path too long otherwise


def find_bindir() -> Path:
    """The directory holding initdb, pg_ctl and postgres, or a one-line error."""
    candidates: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if candidate and all(
            (Path(candidate) / t).is_file() for t in ("initdb", "pg_ctl", "postgres")
        ):
            return Path(candidate)
    raise DevDbError(
        "PostgreSQL server binaries not found (initdb, pg_ctl): "
        "install them with `sudo apt-get install postgresql`."
    )


class Server:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0

    # Resolved on each use: as root, the first start may turn var/postgres into a link to a
    # folder the postgres user can reach, and the server must be given the real paths.
    @property
    def data(self) -> Path:
        return PG_HOME.resolve() / "data"

    @property
    def log(self) -> Path:
        return PG_HOME.resolve() / "server.log"

    @property
    def socket(self) -> Path:
        return socket_dir()

    # -- running commands as the right user ------------------------------------------------
    def _cmd(self, tool: str, *args: str) -> list[str]:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self._cmd(tool, *args), capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise DevDbError(f"{tool} failed: {detail[-1] if detail else result.returncode}")
        return result

    # -- layout --------------------------------------------------------------------------------
    def _prepare_dirs(self) -> None:
        if self.as_root:
            self._prepare_dirs_as_root()
        PG_HOME.mkdir(parents=True, exist_ok=True)
        self.socket.mkdir(parents=True, exist_ok=True)
        for path in (PG_HOME, self.socket):
            os.chmod(path, 0o700)
        if self.as_root:
            uid, gid = self._postgres_ids()
            for path in (PG_HOME.resolve(), self.socket):
                os.chown(path, uid, gid)

    def _postgres_ids(self) -> tuple[int, int]:
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            raise DevDbError(
                "Running as root needs the `postgres` system user: "
                "install it with `apt-get install postgresql`."
            ) from None
        return entry.pw_uid, entry.pw_gid

    def _prepare_dirs_as_root(self) -> None:
        """The postgres user must reach var/postgres; if the checkout lives where it cannot
        (a home directory with mode 700), keep the cluster under /var/tmp and link it."""
        if PG_HOME.exists() or PG_HOME.is_symlink():
            return
        PG_HOME.parent.mkdir(parents=True, exist_ok=True)
        reachable = (
            subprocess.run(
                ["runuser", "-u", "postgres", "--", "test", "-x", str(PG_HOME.parent)], check=False
            ).returncode
            == 0
        )
        if not reachable:
            elsewhere = Path("/var/tmp") / f"vigil-postgres-{_short_hash()}"  # noqa: S108
            elsewhere.mkdir(parents=True, exist_ok=True)
            PG_HOME.symlink_to(elsewhere)

    # -- verbs ---------------------------------------------------------------------------------
    def is_running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def start(self) -> bool:
        """Start the server; return True when this call started it."""
        self._prepare_dirs()
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                DB_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )
        if self.is_running():
            return False
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket}'"
        result = self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            check=False,
        )
        if result.returncode != 0:
            raise DevDbError(f"PostgreSQL did not start; see {self.log}")
        self._ensure_database()
        return True

    def _ensure_database(self) -> None:
        exists = self._run(
            "psql",
            "-h",
            str(self.socket),
            "-U",
            DB_USER,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
        ).stdout.strip()
        if exists != "1":
            self._run("createdb", "-h", str(self.socket), "-U", DB_USER, DB_NAME)

    def stop(self) -> None:
        if self.is_running():
            self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data))


def run_with_server(command: list[str]) -> int:
    server = Server()
    started = server.start()
    child = subprocess.Popen(command)

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    # Ctrl-C reaches the whole process group, the child included: wait for it to finish.
    # A SIGTERM or SIGHUP sent to this process alone is passed on, so cleanup still runs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    try:
        return child.wait()
    finally:
        if started:
            server.stop()


def main(argv: list[str]) -> int:
    verb = argv[1] if len(argv) > 1 else "status"
    try:
        if verb == "start":
            server = Server()
            started = server.start()
            state = "started" if started else "already running"
            print(f"PostgreSQL {state} (socket {server.socket})")
        elif verb == "stop":
            Server().stop()
            print("PostgreSQL stopped")
        elif verb == "status":
            running = Server().is_running()
            print("PostgreSQL running" if running else "PostgreSQL stopped")
            return 0 if running else 3
        elif verb == "run":
            command = argv[3:] if argv[2:3] == ["--"] else argv[2:]
            return run_with_server(command)
        else:
            print(__doc__)
            return 2
    except DevDbError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
