"""The catalogue's database connection, SQLite or PostgreSQL, through SQLAlchemy.

`Database` is one connection, opened by SQLAlchemy (which also builds and migrates the schema, see
archive/migrations), with the small surface the catalogue's queries use: `execute(sql, params)` and
`executemany` with `?` placeholders, rows read by column name or index (`row["title"]`, `row[0]`,
`dict(row)`, as sqlite3.Row allowed), `transaction()` for writes. Statements run on the driver's own
connection underneath (sqlite3, psycopg): SQLAlchemy's per-statement layer cost 4 times the time of a small
SQLite query (17 against 4 µs), and the catalogue runs many small queries per page. The catalogue's SQL is written
once, in what SQLite and PostgreSQL share (upserts with ON CONFLICT, INSERT ... RETURNING); `Database`
only adapts placeholders to the driver, and the few spellings that differ are `Database` attributes
(`group_concat`). Outside `transaction()` every statement is its own transaction, so an idle connection
never holds a snapshot (old reads in SQLite's WAL, locks in PostgreSQL).

SQLite keeps how it always ran: WAL, foreign keys, a 30 s busy timeout (several processes share one file).
A database error is raised as the driver raised it (sqlite3.Error, psycopg.Error: both in DATABASE_ERRORS).
It never decides what to store: that is archive/catalogue.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy.exc
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

# What a failing database raises, whichever it is.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error, sqlalchemy.exc.SQLAlchemyError)

SQLITE_BUSY_TIMEOUT_S = 30
PG_CONNECT_TIMEOUT_S = 10


class Record:
    """One row: by column name (`row["id"]`), by index (`row[0]`), as a mapping (`dict(row)`, `row.keys()`)."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: tuple, index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                for name, position in self._index.items():  # sqlite3.Row's names ignore case
                    if name.lower() == key.lower():
                        return self._values[position]
                raise IndexError(f"no column named {key}") from None
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return self._values == other._values and self._index == other._index
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Record({dict(zip(self._index, self._values, strict=True))!r})"


class Result:
    """A statement's rows (read at once), `rowcount`, and the column names as `description`."""

    def __init__(self, rows: list[Record], rowcount: int, columns: Sequence[str]) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.description = [(name, None, None, None, None, None, None) for name in columns]

    def fetchone(self) -> Record | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Record]:
        rest, self._next = self._rows[self._next:], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Record]:
        return iter(self.fetchall())


def redacted(url: str) -> str:
    """The URL without its password, to name a database in messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sqlalchemy.exc.ArgumentError:
        return "(an unreadable database URL)"


@lru_cache(maxsize=16)
def _engine(url: str) -> Engine:
    """One engine per URL per process. NullPool: each Catalogue owns its connection, and closing it closes it
    (a forked process never inherits a pooled connection)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, poolclass=NullPool,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_settings(dbapi_connection, _record) -> None:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":  # the driver we ship: psycopg 3 (SQLAlchemy's default is psycopg2)
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}")


class Database:
    """One open connection to the catalogue's database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection: Connection = _engine(url).connect()  # SQLAlchemy's: migrations, schema checks
        # The driver's connection underneath (sqlite3.Connection, psycopg.Connection): the statements run on it.
        self.driver = self.connection.connection.driver_connection
        self.dialect = self.connection.dialect.name  # "sqlite" | "postgresql"
        self.postgresql = self.dialect == "postgresql"
        self._depth = 0
        # SQL that differs: group_concat(x, sep) is string_agg(x, sep) in PostgreSQL.
        self.group_concat = "string_agg" if self.postgresql else "group_concat"

    @property
    def sqlite_path(self) -> Path | None:
        database = make_url(self.url).database
        return Path(database) if self.dialect == "sqlite" and database and database != ":memory:" else None

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0


    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Commit what runs inside on success, roll it back on an error; nested, the outermost one decides."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._end()  # nothing half-done from a read before the transaction starts
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self.driver.commit()
        except BaseException:
            self._rollback()
            raise

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> Result:
        return self._run(sql, self._params(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Result:
        rows = [self._params(row) for row in rows]
        if not rows:
            return Result([], 0, ())
        return self._run(sql, rows)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return row[0] if row else None

    def commit(self) -> None:
        """Commit a transaction left open (a statement outside `transaction()` commits by itself)."""
        if not self._depth:
            self._end()

    def backup(self, target: sqlite3.Connection) -> None:
        """Copy a SQLite catalogue into `target` with SQLite's online backup (a consistent snapshot)."""
        if self.dialect != "sqlite":
            raise sqlite3.NotSupportedError("only a SQLite catalogue is copied by backup(): use pg_dump for PostgreSQL")
        self._end()
        self.connection.connection.driver_connection.backup(target)

    def close(self) -> None:
        try:
            self.connection.close()
        except sqlalchemy.exc.DBAPIError as exc:
            raise exc.orig from exc

    # -- internals ---------------------------------------------------------------------------------------

    def _run(self, sql: str, params) -> Result:
        many = isinstance(params, list)
        statement = _postgresql_sql(sql, bool(params)) if self.postgresql else sql
        driver = self.driver
        try:
            cursor = driver.cursor()
            try:
                if many:
                    cursor.executemany(statement, params)
                elif params:
                    cursor.execute(statement, params)
                else:
                    cursor.execute(statement)
                if cursor.description is not None:
                    columns = [column[0] for column in cursor.description]
                    index = {name: position for position, name in enumerate(columns)}
                    rows = [Record(tuple(row), index) for row in cursor.fetchall()]
                else:
                    columns, rows = [], []
                rowcount = cursor.rowcount
            finally:
                cursor.close()
            if not self._depth:
                driver.commit()  # each statement outside transaction() is its own: no snapshot left open
        except BaseException:
            if not self._depth:
                self._rollback()
            raise
        return Result(rows, rowcount, columns)

    def _params(self, params):
        if isinstance(params, dict) or not self.postgresql:
            return tuple(params) if isinstance(params, list) else params
        # PostgreSQL keeps booleans apart from integers: the catalogue stores flags as 0/1 in both databases.
        return tuple(int(value) if isinstance(value, bool) else value for value in params)

    def _end(self) -> None:
        """End what a statement of SQLAlchemy's (migrations) or of the driver's left open."""
        if self.connection.in_transaction():
            self.connection.commit()
        self.driver.commit()

    def _rollback(self) -> None:
        try:
            self.driver.rollback()
        except DATABASE_ERRORS:
            pass  # a broken connection: the error that broke it is the one raised


@lru_cache(maxsize=2048)
def _postgresql_sql(sql: str, with_params: bool) -> str:
    """`?` placeholders as psycopg's `%s`, and a literal `%` (LIKE patterns) as `%%` (only with parameters:
    psycopg reads `%` only then); quoted text keeps its `?`."""
    if not with_params:
        return sql
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)
