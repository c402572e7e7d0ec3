"""The pipeline's memory is bounded by settings, not by the archive's size: the index step reads the
catalogue's documents in batches of the configured size, and still indexes every one of them.

Works on a copy of the session pipeline's data (catalogue, archived files, index).
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

import indexer.write
from archive import open_catalogue
from archive.catalogue import DOCUMENT_VIEW
from concejo import steps


class CountingConnection:
    """The catalogue's connection, recording how many document rows each read of the documents view fetched."""

    def __init__(self, db) -> None:
        self._db = db
        self.document_fetches: list[int] = []

    def execute(self, sql, *args):
        cursor = self._db.execute(sql, *args)
        return CountingCursor(cursor, self) if sql.startswith(DOCUMENT_VIEW) else cursor

    def __getattr__(self, name):
        return getattr(self._db, name)

    def __enter__(self):
        return self._db.__enter__()

    def __exit__(self, *exc):
        return self._db.__exit__(*exc)


class CountingCursor:
    def __init__(self, cursor, connection: CountingConnection) -> None:
        self._cursor = cursor
        self._connection = connection

    def fetchall(self):
        rows = self._cursor.fetchall()
        self._connection.document_fetches.append(len(rows))
        return rows

    def fetchone(self):
        row = self._cursor.fetchone()
        self._connection.document_fetches.append(row is not None)
        return row

    def __iter__(self):
        raise AssertionError("the index step reads its batches with fetchall")

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@pytest.fixture()
def archive(pipeline_snapshot, pipeline, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(pipeline_snapshot, data_dir, symlinks=True)
    settings = replace(pipeline.settings, data_dir=data_dir)
    catalogue = open_catalogue(settings.catalogue_url)
    yield settings, catalogue
    catalogue.close()


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuild", "changed"])
def test_the_index_step_reads_documents_in_batches_of_the_configured_size(archive, monkeypatch, rebuild):
    settings, catalogue = archive
    extracted = len(catalogue.documents_to_index(everything=True))
    assert extracted > 10
    if not rebuild:  # every document due again, as after a new extractor
        catalogue.db.execute("UPDATE documents SET indexed_sha256 = NULL")
        catalogue.db.commit()
    monkeypatch.setattr(indexer.write, "INDEX_BATCH_DOCUMENTS", 4)
    counting = CountingConnection(catalogue.db)
    monkeypatch.setattr(catalogue, "db", counting)
    done: list[tuple[int, int]] = []

    report = steps.index(settings, catalogue, rebuild=rebuild, progress=lambda d, t: done.append((d, t)))

    monkeypatch.undo()
    batches = [n for n in counting.document_fetches if n]
    assert max(counting.document_fetches) <= 4
    assert sum(batches) == extracted
    assert len(batches) >= extracted // 4
    assert report.counts["documents"] == extracted
    assert done[-1] == (extracted, extracted)
    assert catalogue.documents_to_index() == []  # every document marked indexed in its current version
