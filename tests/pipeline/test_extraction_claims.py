"""Extraction on several machines: two real `concejo extract` processes share a PostgreSQL catalogue and the
file store (each with its own data directory, as on two machines); one is killed (SIGKILL) in the middle of
its batch. Every document is extracted exactly once: the killed worker's claimed, unfinished document is
redone by the other once the claim expires, and nothing it finished is redone.

Who finished what is read from the database itself: a trigger (added to the test's database only) logs each
claim ended by a saved result, in the same transaction as the save.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import FileStore, open_catalogue
from extract import EXTRACTOR_VERSION
from replica import build_portal

pytestmark = pytest.mark.postgresql

CLAIM_S = 4  # short, so that the dead worker's document is taken over within the test
WAIT_S = 240  # bound on every wait below (a busy machine extracts slowly)
LOG_SAVES = [
    ("CREATE TABLE saved_results (document_id INTEGER NOT NULL, worker TEXT NOT NULL, "
     "at TIMESTAMPTZ DEFAULT clock_timestamp())"),
    ("CREATE FUNCTION log_saved_result() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
     "INSERT INTO saved_results (document_id, worker) VALUES (NEW.id, OLD.claimed_by); RETURN NEW; END $$"),
    # A claim ended with its result saved: in the transaction that saves it (a claim released unfinished by a
    # worker stopped cleanly would log too, but SIGKILL leaves no chance to release).
    ("CREATE TRIGGER saved_results AFTER UPDATE OF claim_expires ON documents FOR EACH ROW "
     "WHEN (OLD.claim_expires IS NOT NULL AND NEW.claim_expires IS NULL) EXECUTE FUNCTION log_saved_result()"),
]


def archive_documents(url: str, files: Path) -> list[int]:
    """Every PDF of the replica portal, archived and listed in the catalogue at `url`, as the crawl leaves them."""
    portal = build_portal(seed=2016)
    store = FileStore(files)
    catalogue = open_catalogue(url)
    try:
        council = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
        ids = []
        for document in portal.documents:
            resource = portal.resources.get(document.urls[0])
            if resource is None or resource.status != 200 or not resource.body.startswith(b"%PDF"):
                continue
            url_listed = f"https://concejo.quito.example{document.urls[0]}"
            ids.append(catalogue.list_document(council, document.key, session_id=None, kind=document.kind,
                                               title=document.title, url=url_listed))
            catalogue.record_fetch(url_listed, store.put(resource.body), len(resource.body))
        with catalogue.transaction() as db:
            for statement in LOG_SAVES:
                db.execute(statement)
        return sorted(set(ids))
    finally:
        catalogue.close()


def start_worker(data_dir: Path, url: str) -> subprocess.Popen:
    """`concejo extract` on its own machine's data directory, its output in `output.txt` there."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("CONCEJO_")}
    environ.update({"CONCEJO_DATA_DIR": str(data_dir), "CONCEJO_CATALOGUE_URL": url, "CONCEJO_EXTRACT_WORKERS": "1",
                    "CONCEJO_OCR": "false", "CONCEJO_EXTRACT_CLAIM_S": str(CLAIM_S)})
    with open(data_dir / "output.txt", "wb") as output:
        return subprocess.Popen([sys.executable, "-m", "concejo", "extract"], env=environ, stdin=subprocess.DEVNULL,
                                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}"
        time.sleep(0.02)


def test_two_workers_one_killed_mid_batch_extract_every_document_exactly_once(postgresql_url, tmp_path):
    machine_a, machine_b = tmp_path / "a", tmp_path / "b"
    machine_b.mkdir()
    documents = archive_documents(postgresql_url, machine_a / "files")
    (machine_b / "files").symlink_to(machine_a / "files")  # one file store, as a shared mount would be
    assert len(documents) >= 100

    watch = open_catalogue(postgresql_url)
    a = start_worker(machine_a, postgresql_url)
    b = start_worker(machine_b, postgresql_url)
    try:
        def of_a(sql: str) -> list:
            return watch.db.execute(sql, (f"%/{a.pid}/%",)).fetchall()

        held: list = []

        def a_finished_some_and_holds_one() -> bool:
            nonlocal held
            held = of_a("SELECT id FROM documents WHERE claimed_by LIKE ? AND claim_expires IS NOT NULL")
            return len(of_a("SELECT document_id FROM saved_results WHERE worker LIKE ?")) >= 3 and len(held) == 1

        wait_until(a_finished_some_and_holds_one, "worker A to finish 3 documents and hold a claim")
        os.killpg(a.pid, signal.SIGKILL)  # A, its fork server and its extraction child: nothing runs on
        a.wait(timeout=30)
        killed_on = held[0][0]
        finished_by_a = {row[0] for row in of_a("SELECT document_id FROM saved_results WHERE worker LIKE ?")}

        b.wait(timeout=WAIT_S)
        assert b.returncode == 0, (machine_b / "output.txt").read_text(errors="replace")[-3000:]
    finally:
        for worker in (a, b):
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)

    try:
        saves = [(row[0], row[1]) for row in watch.db.execute("SELECT document_id, worker FROM saved_results ORDER BY at")]
        by_document: dict[int, list[str]] = {}
        for document, worker in saves:
            by_document.setdefault(document, []).append(worker)
        assert sorted(by_document) == documents  # every document ...
        assert {d: w for d, w in by_document.items() if len(w) > 1} == {}  # ... exactly once
        assert f"/{a.pid}/" not in by_document[killed_on][0]  # the killed worker's document: done by B
        assert killed_on not in finished_by_a
        assert all(f"/{a.pid}/" in by_document[d][0] for d in finished_by_a)  # nothing A finished was redone
        assert f"/{b.pid}/" in by_document[killed_on][0]
        assert watch.documents_to_extract(extractor_version=EXTRACTOR_VERSION) == []
        statuses = {row[0] for row in watch.db.execute("SELECT DISTINCT status FROM documents")}
        assert statuses <= {"extracted", "failed"}
    finally:
        watch.close()
