"""The catalogue's schema migrations (archive/migrations): a catalogue made before Alembic keeps every row and
gains what came since, the migrations build exactly archive/schema.py in both databases, and processes
opening a new catalogue at once do not trip over each other."""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from archive import CatalogueError, open_catalogue
from archive.migrations import head
from archive.schema import metadata

OLD_CATALOGUE = Path(__file__).parent / "files" / "catalogue-757cdd9.sql"


def _rows(db: sqlite3.Connection) -> dict[str, list[dict]]:
    db.row_factory = sqlite3.Row
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: [dict(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid")] for table in tables}


@pytest.fixture()
def old_catalogue(tmp_path) -> Path:
    path = tmp_path / "catalogue.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(OLD_CATALOGUE.read_text(encoding="utf-8"))
    return path


def test_a_catalogue_made_before_alembic_keeps_every_row_and_gains_the_new_columns(old_catalogue):
    with closing(sqlite3.connect(old_catalogue)) as db:
        before = _rows(db)
    assert "alembic_version" not in before and sum(map(len, before.values())) >= 20

    catalogue = open_catalogue(f"sqlite:///{old_catalogue}")
    try:
        (document,) = [row for row in catalogue.failures()]
        assert document["status_reason"] == "HTTP 404 from the portal"
        acta = catalogue.document(document["id"] - 1)
        assert catalogue.pages(acta["id"])[0]["text"] == "ACTA No. 47 — 100% aprobada"
        assert catalogue.votes()[0] == 1
        assert catalogue.documents_to_extract(extractor_version="old-1") == []
        columns = [d[0] for d in catalogue.db.execute("SELECT * FROM documents LIMIT 0").description]
        assert {"claimed_by", "claimed_at", "claim_expires"} <= set(columns)
    finally:
        catalogue.close()

    with closing(sqlite3.connect(old_catalogue)) as db:
        after = _rows(db)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert after.pop("alembic_version") == [{"version_num": head()}]
    assert set(after) == set(before)
    for table, rows in before.items():  # every row and value kept; new columns empty
        assert [{k: row[k] for k in old} for row, old in zip(after[table], rows, strict=True)] == rows, table
    assert {row["claimed_by"] for row in after["documents"]} == {None}

    reopened = open_catalogue(f"sqlite:///{old_catalogue}")  # a second open finds it current
    reopened.close()


def test_the_migrations_build_exactly_the_tables_of_archive_schema(catalogue_url):
    open_catalogue(catalogue_url).close()
    catalogue = open_catalogue(catalogue_url)
    try:
        differences = compare_metadata(MigrationContext.configure(catalogue.db.connection), metadata)
    finally:
        catalogue.db.connection.rollback()
        catalogue.close()
    assert differences == [], "archive/schema.py changed without a migration (or the reverse)"


def test_an_old_catalogue_migrated_forward_has_the_tables_of_archive_schema(old_catalogue):
    catalogue = open_catalogue(f"sqlite:///{old_catalogue}")
    try:
        differences = compare_metadata(MigrationContext.configure(catalogue.db.connection), metadata)
    finally:
        catalogue.db.connection.rollback()
        catalogue.close()
    changes = [change for item in differences for change in (item if isinstance(item, list) else [item])]
    # Spelled apart, the same: the old SQL's primary keys did not say NOT NULL (SQLite reads them as nullable),
    # and it called the one float column REAL. Tables, columns, keys and indexes are the same.
    same = [c for c in changes if (c[0] == "modify_nullable" and metadata.tables[c[2]].c[c[3]].primary_key)
            or (c[0] == "modify_type" and c[2:4] == ("pages", "ocr_confidence"))]
    assert [c for c in changes if c not in same] == []
    assert len(same) == 23


def _open_and_close(url: str) -> None:
    open_catalogue(url).close()


def test_processes_opening_a_new_catalogue_at_once_all_find_it_built(catalogue_url):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_open_and_close, args=(catalogue_url,)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * 4
    catalogue = open_catalogue(catalogue_url)
    try:
        assert [tuple(row) for row in catalogue.db.execute("SELECT version_num FROM alembic_version")] == [(head(),)]
    finally:
        catalogue.close()


def test_an_unreachable_postgresql_catalogue_is_named_without_its_password():
    url = "postgresql://concejo:s3cret@127.0.0.1:1/concejo"  # port 1: nothing listens there
    with pytest.raises(CatalogueError) as raised:
        open_catalogue(url)
    message = str(raised.value)
    assert "s3cret" not in message
    assert "the PostgreSQL catalogue at postgresql://concejo:***@127.0.0.1:1/concejo is unreachable" in message
    assert "CONCEJO_CATALOGUE_URL" in message


def test_an_unsupported_catalogue_url_says_which_ones_are():
    with pytest.raises(CatalogueError, match="use sqlite:///PATH or postgresql://"):
        open_catalogue("mysql://concejo:s3cret@127.0.0.1/concejo")
