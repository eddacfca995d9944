"""A throwaway PostgreSQL server for the end-to-end tests.

`initdb` builds a cluster in a new temporary directory and `pg_ctl` starts it on a free
loopback port (no Unix socket, password authentication). PostgreSQL refuses to run as
root, so under root (CI containers) the cluster belongs to an unprivileged account
(`nobody` unless TAP_BIGCOMMERCE_E2E_PG_OS_USER names another) and the server programs
are started under that account; the tests talk to the server over TCP with `psql`.

Binaries: TAP_BIGCOMMERCE_E2E_PG_BINDIR, else `pg_config --bindir`, else the newest
/usr/lib/postgresql/*/bin, else whatever `initdb` is on PATH. A missing prerequisite
is an error that says what to install, never a skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "tap"
PROGRAMS = ("initdb", "pg_ctl", "postgres", "psql")


class PrerequisiteMissing(RuntimeError):
    """Something the end-to-end tests need is not installed."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def find_bindir() -> Path:
    """The directory holding initdb, pg_ctl, postgres and psql."""
    candidates: list[Path] = []
    if explicit := os.environ.get("TAP_BIGCOMMERCE_E2E_PG_BINDIR"):
        candidates.append(Path(explicit))
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            )
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in PROGRAMS):
            return folder
    raise PrerequisiteMissing(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) not found: install them "
        "(Debian/Ubuntu: apt-get install postgresql) or set TAP_BIGCOMMERCE_E2E_PG_BINDIR"
    )


def _os_account() -> pwd.struct_passwd | None:
    """The unprivileged account that owns the cluster when we are root, else None."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("TAP_BIGCOMMERCE_E2E_PG_OS_USER", "nobody")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise PrerequisiteMissing(
            f"running as root, and PostgreSQL refuses to: the unprivileged account {name!r} "
            "does not exist (create one, or name another in TAP_BIGCOMMERCE_E2E_PG_OS_USER)"
        ) from None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    password: str
    account: pwd.struct_passwd | None
    host: str = "127.0.0.1"
    user: str = USER

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def version(self) -> str:
        out = subprocess.run(
            [str(self.bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()

    def _run_as_owner(self, args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        extra: dict[str, object] = {}
        if self.account is not None:
            extra = {
                "user": self.account.pw_uid,
                "group": self.account.pw_gid,
                "extra_groups": [],
            }
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        return subprocess.run(  # type: ignore[call-overload]
            args, env=env, cwd=self.root, capture_output=True, text=True, **extra, **kwargs
        )

    def _chown(self, path: Path) -> None:
        if self.account is not None:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def init(self) -> None:
        self.root.chmod(0o700)
        self._chown(self.root)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        self._chown(pwfile)
        result = self._run_as_owner(
            [
                str(self.bindir / "initdb"),
                "--pgdata",
                str(self.datadir),
                "--username",
                self.user,
                "--pwfile",
                str(pwfile),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ]
        )
        pwfile.unlink()
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses={self.host} -p {self.port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        result = self._run_as_owner(
            [
                str(self.bindir / "pg_ctl"),
                "start",
                "--wait",
                "--timeout=60",
                "--pgdata",
                str(self.datadir),
                "--log",
                str(self.root / "server.log"),
                "-o",
                options,
            ]
        )
        if result.returncode != 0:
            log = self.root / "server.log"
            detail = log.read_text() if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{result.stdout}\n{result.stderr}\n{detail}")

    def stop(self) -> None:
        self._run_as_owner(
            [str(self.bindir / "pg_ctl"), "stop", "--pgdata", str(self.datadir), "-m", "fast"]
        )

    def query(self, sql: str, database: str = "postgres") -> list[list[str]]:
        """Rows of one SQL statement, as text (psql's unaligned output)."""
        env = {
            **os.environ,
            "PGPASSWORD": self.password,
            "PGCONNECT_TIMEOUT": "10",
            "PGAPPNAME": "tap-bigcommerce-e2e",
        }
        result = subprocess.run(
            [
                str(self.bindir / "psql"),
                "--no-psqlrc",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--username",
                self.user,
                "--dbname",
                database,
                "--tuples-only",
                "--no-align",
                "--field-separator=\t",
                "--set=ON_ERROR_STOP=1",
                "--command",
                sql,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({sql}):\n{result.stderr}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def create_database(self, name: str) -> None:
        self.query(f'CREATE DATABASE "{name}"')


def check_prerequisites() -> None:
    """Raise PrerequisiteMissing, naming what to install, unless a server can be started."""
    find_bindir()
    _os_account()


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A running server on a free loopback port, removed with its data afterwards."""
    bindir = find_bindir()
    account = _os_account()
    # Directly under the system temporary directory (world-traversable), so that the
    # unprivileged owner can reach its data directory when we run as root.
    root = Path(tempfile.mkdtemp(prefix="tap-bigcommerce-pg-"))
    server = PostgresServer(bindir, root, 0, secrets.token_urlsafe(16), account)
    try:
        server.init()
        for attempt in range(3):
            server.port = _free_port()
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
