"""A new extractor version redoes what the old one extracted, and a failed redo loses nothing.

Each test works on its own copy of the session pipeline's data (catalogue, archived files, index), so
the real crawl, extraction and index of the replica are reused and never changed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from archive import Catalogue, open_catalogue
from concejo import cli, steps
from concejo.config import Settings
from extract import EXTRACTOR_VERSION
from search_app import create_app
from tests.catalogue_files import as_before_alembic

NEXT_VERSION = f"{EXTRACTOR_VERSION}+next"
PHRASE = "presupuesto participativo"


@dataclass
class Archive:
    settings: Settings
    catalogue: Catalogue
    phrase_documents: set[int]

    def search_phrase(self) -> set[int]:
        """Ids of the documents a citizen finds with the exact phrase (through the JSON export)."""
        client = create_app({"TESTING": True}, settings=self.settings).test_client()
        response = client.get("/api/v1/export.jsonl", query_string={"q": f'"{PHRASE}"'})
        assert response.status_code == 200
        return {json.loads(line)["document_id"] for line in response.get_data(as_text=True).splitlines()}


@pytest.fixture()
def archive(pipeline_snapshot, pipeline, tmp_path) -> Archive:
    data_dir = tmp_path / "data"
    shutil.copytree(pipeline_snapshot, data_dir, symlinks=True)
    settings = replace(pipeline.settings, data_dir=data_dir)
    catalogue = open_catalogue(settings.catalogue_url)
    phrase_documents = {pipeline.document_id(doc) for doc, _ in
                        pipeline.portal.find_pages(PHRASE, include_scanned=False)}
    yield Archive(settings, catalogue, phrase_documents)
    catalogue.close()


def status_json(data_dir: Path, monkeypatch, capsys) -> dict:
    monkeypatch.delenv("CONCEJO_CONFIG", raising=False)
    monkeypatch.setenv("CONCEJO_DATA_DIR", str(data_dir))
    capsys.readouterr()
    assert cli.main(["status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_extracting_again_with_the_same_extractor_does_nothing(archive):
    report = steps.extract(archive.settings, archive.catalogue)
    assert report.counts == {"documents": 0, "failed": 0, "pages": 0, "new": 0, "reextracted": 0, "retried": 0,
                             "moved_to_the_session_of_their_text": 0, "votes": 0, "roll_calls": 0}
    assert report.problems == []
    assert archive.catalogue.outdated_extractions(EXTRACTOR_VERSION) == 0


def test_a_new_extractor_reextracts_every_document_once_and_the_index_follows(archive):
    catalogue = archive.catalogue
    before = catalogue.counts()
    assert catalogue.outdated_extractions(NEXT_VERSION) == before["extracted"]

    report = steps.extract(archive.settings, catalogue, extractor_version=NEXT_VERSION)
    # Every extraction and every failure is redone: the corrupt and the HTML file fail again.
    assert report.counts["reextracted"] == before["extracted"] + before["extraction_failed"]
    assert report.counts["new"] == report.counts["retried"] == 0
    assert report.counts["documents"] == before["extracted"]
    assert report.counts["failed"] == before["extraction_failed"] == len(report.problems)
    assert catalogue.outdated_extractions(NEXT_VERSION) == 0
    assert catalogue.counts()["indexed"] == 0, "the same bytes re-extracted must be indexed again"

    again = steps.extract(archive.settings, catalogue, extractor_version=NEXT_VERSION)
    assert again.counts["reextracted"] == again.counts["documents"] == again.counts["failed"] == 0

    indexed = steps.index(archive.settings, catalogue)
    assert indexed.counts["documents"] == before["extracted"]
    assert catalogue.counts()["indexed"] == before["extracted"]
    assert steps.index(archive.settings, catalogue).counts["documents"] == 0
    assert archive.search_phrase() == archive.phrase_documents


def test_a_failed_reextraction_keeps_the_earlier_text_searchable(archive, monkeypatch, capsys, tmp_path):
    catalogue = archive.catalogue
    before = catalogue.counts()
    document_id = min(archive.phrase_documents)
    pages_before = [dict(page) for page in catalogue.pages(document_id)]
    assert any(PHRASE in page["text"].lower() for page in pages_before)
    # The archived files out of reach (as on an unmounted volume) while the catalogue is there: every
    # re-extraction fails and nothing in the archive is touched.
    unreachable = replace(archive.settings, data_dir=tmp_path / "unmounted")

    report = steps.extract(unreachable, catalogue, extractor_version=NEXT_VERSION)
    assert report.counts["documents"] == 0
    assert report.counts["failed"] == report.counts["reextracted"] == before["extracted"] + before["extraction_failed"]
    row = catalogue.document(document_id)
    assert row["status"] == "extracted"
    # The public reason is plain; the operator's report names the path that was out of reach.
    assert row["status_reason"] == steps.MISSING_FILE_REASON
    assert str(tmp_path) not in row["status_reason"]
    assert row["extractor_version"] == NEXT_VERSION
    assert row["pages_extractor_version"] == EXTRACTOR_VERSION
    assert [dict(page) for page in catalogue.pages(document_id)] == pages_before
    assert any(problem.startswith(f"document {row['key']}: re-extraction with extractor {NEXT_VERSION} failed, its "
                                  "earlier text is kept and still searchable: ") and str(tmp_path) in problem
               for problem in report.problems)
    counts = catalogue.counts()
    assert counts["extracted"] == before["extracted"]
    assert counts["reextraction_failed"] == before["extracted"]
    assert counts["indexed"] == before["indexed"]
    assert catalogue.outdated_extractions(NEXT_VERSION) == before["extracted"]

    assert steps.index(archive.settings, catalogue).counts["documents"] == 0
    assert archive.search_phrase() == archive.phrase_documents

    status = status_json(archive.settings.data_dir, monkeypatch, capsys)
    (failure,) = [f for f in status["failures"] if f["document"] == row["key"]]
    assert failure == {"document": row["key"], "status": "extracted", "reason": row["status_reason"],
                       "earlier_text_kept": True}

    # Not retried with the same extractor, only when asked to.
    same = steps.extract(unreachable, catalogue, extractor_version=NEXT_VERSION)
    assert same.counts["reextracted"] == same.counts["retried"] == same.counts["failed"] == 0
    retried = steps.extract(unreachable, catalogue, extractor_version=NEXT_VERSION, retry_failed=True)
    assert retried.counts["retried"] == before["extracted"] + before["extraction_failed"]
    assert retried.counts["reextracted"] == 0
    assert catalogue.document(document_id)["status"] == "extracted"
    assert [dict(page) for page in catalogue.pages(document_id)] == pages_before


def test_a_catalogue_from_before_extractor_versions_is_upgraded_and_redone(archive, monkeypatch, capsys):
    before = archive.catalogue.counts()
    archive.catalogue.close()
    path = archive.settings.data_dir / "catalogue.sqlite3"
    with closing(sqlite3.connect(path)) as db:  # the documents table as it was before this change (and Alembic)
        db.execute("ALTER TABLE documents DROP COLUMN extractor_version")
        db.execute("ALTER TABLE documents DROP COLUMN pages_extractor_version")
        as_before_alembic(db)
        db.commit()

    status = status_json(archive.settings.data_dir, monkeypatch, capsys)
    assert status["counts"]["outdated_extractor"] == before["extracted"]
    assert status["counts"]["indexed"] == before["indexed"]

    catalogue = open_catalogue(archive.settings.catalogue_url)
    try:
        todo = catalogue.documents_to_extract(extractor_version=EXTRACTOR_VERSION)
        assert len(todo) == before["extracted"] + before["extraction_failed"]
        assert {row["extract_reason"] for row in todo} == {"extractor_changed"}
    finally:
        catalogue.close()


def test_a_result_the_catalogue_cannot_store_fails_that_document_only_and_the_run_goes_on(archive, monkeypatch):
    catalogue = archive.catalogue
    before = catalogue.counts()
    refused = min(archive.phrase_documents)
    save = steps._save_extraction

    def storing(catalogue, row, result, version, worker):
        if row["id"] == refused:
            "\ud800".encode("utf-8")  # what storing a lone UTF-16 half raises
        return save(catalogue, row, result, version, worker)

    monkeypatch.setattr(steps, "_save_extraction", storing)
    report = steps.extract(archive.settings, catalogue, extractor_version=NEXT_VERSION)
    assert report.counts["documents"] == before["extracted"] - 1
    assert report.counts["failed"] == before["extraction_failed"] + 1
    row = catalogue.document(refused)
    assert row["status_reason"] == "extraction failed (UnicodeEncodeError)"
    assert row["pages_extractor_version"] == EXTRACTOR_VERSION  # its earlier text is kept
    assert any(problem.startswith(f"document {row['key']}: re-extraction with extractor {NEXT_VERSION} failed")
               for problem in report.problems)
