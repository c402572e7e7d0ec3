"""A throw-away PostgreSQL server for the test session: Debian's `postgresql` package (scripts/setup installs
it), a fresh cluster made by `initdb` in a temporary folder and started by `pg_ctl`, listening on a unix
socket in that folder only (no TCP port), stopped and removed when the session ends.

PostgreSQL refuses to run as root: as root (CI), the cluster belongs to the package's `postgres` user (or a
system user made for it, as scripts/elasticsearch does for its node) and its commands run through `runuser`.
Every test gets its own database (`postgresql_url`). Without the binaries or a server that starts, the tests
that need it skip with the reason; in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import required_services

START_TIMEOUT_S = 60
COMMAND_TIMEOUT_S = 120
PORT = 5432  # only names the socket file, in the cluster's own folder: never a TCP port
SYSTEM_USER = os.environ.get("CONCEJO_TEST_PG_USER", "postgres")


def unavailable(reason: str) -> None:
    required_services.unavailable("PostgreSQL", reason)


def _bin_dir() -> Path | None:
    """The newest installed server's binaries (/usr/lib/postgresql/<version>/bin on Debian), or pg_ctl on PATH."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if versions:
        return versions[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


@dataclass
class Server:
    bin_dir: Path
    folder: Path
    user: str | None  # the system user the server runs as when the tests run as root

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={PORT}"

    def run(self, *command: str) -> subprocess.CompletedProcess:
        argv = [str(self.bin_dir / command[0]), *command[1:]]
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, check=False)

    def sql(self, statement: str) -> None:
        done = self.run("psql", "-h", str(self.socket_dir), "-p", str(PORT), "-U", "postgres", "-d", "postgres",
                        "-v", "ON_ERROR_STOP=1", "-c", statement)
        if done.returncode:
            raise RuntimeError(f"psql -c {statement!r} failed: {done.stderr}")


def _system_user() -> str | None:
    if os.getuid() != 0:
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
                       check=True, capture_output=True, timeout=COMMAND_TIMEOUT_S)
    return SYSTEM_USER


def start_server() -> Iterator[Server]:
    """Make, start, then (after the yield) stop and remove a cluster."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        unavailable("no PostgreSQL server binaries (initdb, pg_ctl) were found: install Debian's `postgresql` "
                    "package (scripts/setup does)")
    try:
        user = _system_user()
    except (subprocess.SubprocessError, OSError) as exc:
        unavailable(f"no system user to run it as ({exc})")
    folder = Path(tempfile.mkdtemp(prefix="concejo-pg-"))  # under /tmp, which every user may traverse
    server = Server(bin_dir, folder, user)
    if user:
        shutil.chown(folder, user)
    data = folder / "data"
    try:
        made = server.run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                          "--no-sync")
        if made.returncode:
            unavailable(f"initdb failed: {made.stderr[-2000:]}")
        # A throw-away cluster: no durability, the unix socket in its own folder only.
        options = (f"-c listen_addresses='' -c unix_socket_directories='{folder}' -p {PORT} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        started = server.run("pg_ctl", "start", "-D", str(data), "-l", str(folder / "server.log"), "-w",
                             "-t", str(START_TIMEOUT_S), "-o", options)
        if started.returncode:
            log = (folder / "server.log").read_text(errors="replace")[-2000:] if (folder / "server.log").exists() else ""
            unavailable(f"pg_ctl start failed: {started.stderr[-2000:]}{log}")
        try:
            yield server
        finally:
            server.run("pg_ctl", "stop", "-D", str(data), "-m", "immediate", "-w", "-t", str(START_TIMEOUT_S))
    except subprocess.TimeoutExpired as exc:
        unavailable(f"{exc.cmd[0]} did not finish in {exc.timeout} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[Server]:
    yield from start_server()


@pytest.fixture()
def postgresql_url(postgresql_server: Server) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    postgresql_server.sql(f"CREATE DATABASE {name}")
    try:
        yield postgresql_server.url(name)
    finally:
        postgresql_server.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
