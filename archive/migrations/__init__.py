"""Schema migrations of the catalogue (Alembic), run on open so that nobody has to remember a command.

`migrate(connection)` brings a catalogue to the newest revision: a new one is built by the migrations from
0001; one made before Alembic (SQLite files with the tables and no alembic_version) is first brought to the
baseline the way that code did it (archive/migrations/legacy.py), stamped 0001, then upgraded. Several
processes may open one catalogue at once: the first one migrates while the others wait on a lock (a file
lock beside a SQLite file, an advisory lock in PostgreSQL), then find it done. An up-to-date catalogue costs
one small query.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from archive.migrations import legacy

HERE = Path(__file__).resolve().parent
BASELINE = "0001"
# Any constant: the key of the PostgreSQL advisory lock held while a catalogue is migrated.
PG_LOCK_KEY = 0x636F6E63656A6F  # "concejo"
LOCK_WAIT_S = 120  # a migration takes seconds; a lock held longer is a stuck process


class MigrationLockTimeout(RuntimeError):
    """Another process kept the catalogue's migration lock for longer than LOCK_WAIT_S."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


@cache
def head() -> str:
    """The newest revision of the migrations."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The catalogue's revision (None: never stamped, or empty)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def migrate(connection: Connection, sqlite_path: Path | None = None) -> None:
    """Bring the catalogue on `connection` (not in a transaction) to the newest revision, committed."""
    if _up_to_date(connection):
        return
    with _migration_lock(connection, sqlite_path):
        if current_revision(connection) == head():  # another process did it while this one waited
            connection.commit()
            return
        config = _config(connection)
        if current_revision(connection) is None and inspect(connection).has_table("councils"):
            _widen_legacy(connection)
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
        connection.commit()


def _up_to_date(connection: Connection) -> bool:
    try:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception:  # noqa: BLE001 - no alembic_version table yet (the driver's own error type)
        version = None
    connection.rollback()  # ends the read, and PostgreSQL's transaction aborted by a missing table
    return version == head()


def _widen_legacy(connection: Connection) -> None:
    """What the code before Alembic ran on open (SQLite only: PostgreSQL catalogues never had that code)."""
    raw = connection.connection.driver_connection
    raw.executescript(legacy.SCHEMA)
    for table, column, sql_type in legacy.ADDED_COLUMNS:
        if column not in {c["name"] for c in inspect(connection).get_columns(table)}:
            connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
    connection.commit()


@contextmanager
def _migration_lock(connection: Connection, sqlite_path: Path | None) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        _wait_for(lambda: connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({PG_LOCK_KEY})").scalar(),
                  "the PostgreSQL advisory lock of catalogue migrations")
        connection.commit()
        try:
            yield
        finally:
            connection.rollback()
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({PG_LOCK_KEY})")
            connection.commit()
        return
    if sqlite_path is None:  # an in-memory catalogue: no other process can see it
        yield
        return
    lock_path = Path(f"{sqlite_path}.migrating")
    with open(lock_path, "a+b") as lock:  # released when closed, or when the process dies

        def take() -> bool:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _wait_for(take, f"the migration lock {lock_path}")
        yield


def _wait_for(take, what: str) -> None:
    deadline = time.monotonic() + LOCK_WAIT_S
    while not take():
        if time.monotonic() > deadline:
            raise MigrationLockTimeout(
                f"another process has held {what} for more than {LOCK_WAIT_S} s while migrating the catalogue: "
                "stop it (or wait for it), then try again"
            )
        time.sleep(0.05)
