"""The catalogue's operations, each run on SQLite and on PostgreSQL (the `archive` fixture): what the crawl,
extract and index steps and the app ask of it, and the rows they get back (by name, by index, as dicts)."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime

import pytest

from archive import Catalogue, CatalogueError, ClaimLost, open_catalogue

SHA_A, SHA_B, SHA_C = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b", b"c"))


def listed(catalogue: Catalogue, key: str, *, council: str = "quito", session: str | None = "s-1",
           date: str = "2024-03-05") -> int:
    council_id = catalogue.ensure_council(council, f"Concejo de {council}", f"https://{council}.example/")
    session_id = catalogue.upsert_session(council_id, session, session_type="ordinaria", date=date,
                                          title=f"Sesión {session}", number=1) if session else None
    return catalogue.list_document(council_id, key, session_id=session_id, kind="acta", title=f"Acta {key}",
                                   url=f"https://{council}.example/{key}.pdf")


def fetched(catalogue: Catalogue, key: str, sha256: str, **kwargs):
    listed(catalogue, key, **kwargs)
    council = kwargs.get("council", "quito")
    return catalogue.record_fetch(f"https://{council}.example/{key}.pdf", sha256, 100, media_type="application/pdf",
                                  etag='"e1"')


def test_councils_commissions_members_and_sessions_are_upserted_and_read_back(archive):
    quito = archive.ensure_council("quito", "Quito", "https://q.example/")
    assert archive.ensure_council("quito", "Concejo de Quito") == quito  # same id; name updated, URL kept
    commission = archive.upsert_commission(quito, "movilidad", "Comisión de Movilidad",
                                           [{"name": "Ana Torres", "role": "Presidenta"}], "lunes", None,
                                           mission="Movilidad")
    assert archive.ensure_commission(quito, "movilidad") == commission
    member = archive.upsert_member(quito, "Ana Torres", role="Concejala", body=None, source_url=None)
    assert archive.upsert_member(quito, "Ana Torres", role="Concejala", body=None, source_url="https://q/m") == member
    session = archive.upsert_session(quito, "s-1", session_type="ordinaria", date="2024-03-05", title="Sesión 1",
                                     commission_id=commission)
    assert archive.upsert_session(quito, "s-1", session_type=None, date=None, title=None) == session
    archive.save_session_links(session, [{"kind": "audio", "title": "Audio", "url": "https://q/a.mp3"}])
    archive.save_session_links(session, [])
    archive.set_session_number(session, 7)

    (council,) = archive.councils()
    assert (council["slug"], council["name"], council["portal_url"], council[1]) == \
        ("quito", "Concejo de Quito", "https://q.example/", "quito")
    assert dict(archive.commission("movilidad", "quito"))["mission"] == "Movilidad"
    assert archive.commission_members(archive.commissions("quito")[0]) == [{"name": "Ana Torres", "role": "Presidenta"}]
    assert [(m["name"], m["role"], m["body"], m["source_url"]) for m in archive.members("quito")] == \
        [("Ana Torres", "Concejala", None, "https://q/m")]
    (row,) = archive.sessions(year=2024, council_slug="quito", commission_slug="movilidad")
    assert (row["number"], row["commission_name"], row["document_count"]) == (7, "Comisión de Movilidad", 0)
    assert archive.sessions(year=2023) == []
    assert archive.session(session)["title"] == "Sesión 1"
    (link,) = archive.session_links(session)
    assert tuple(link)[:3] == ("audio", "Audio", "https://q/a.mp3")
    assert archive.session_count("quito") == 1 and archive.session_count("nadie") == 0


def test_a_fetched_file_is_a_version_and_the_same_bytes_under_another_url_are_an_alias(archive):
    first = fetched(archive, "acta-1", SHA_A)
    assert (first.new_document, first.new_version, first.changed) == (True, True, False)
    again = fetched(archive, "acta-1", SHA_A)
    assert (again.new_document, again.new_version, again.changed) == (False, False, False)
    alias = fetched(archive, "acta-1-bis", SHA_A)  # the same bytes listed under another URL
    assert alias.document_id == first.document_id
    assert sorted(archive.document_urls(first.document_id)) == ["https://quito.example/acta-1-bis.pdf",
                                                                "https://quito.example/acta-1.pdf"]
    changed = fetched(archive, "acta-1", SHA_B)
    assert (changed.new_version, changed.changed) == (True, True)
    versions = archive.versions(first.document_id)
    assert [(v["sha256"], v["is_current"]) for v in versions] == [(SHA_A, 0), (SHA_B, 1)]
    assert archive.url_validators("https://quito.example/acta-1.pdf")["etag"] == '"e1"'
    archive.record_unchanged("https://quito.example/acta-1.pdf", SHA_B, etag='"e2"')
    assert archive.url_validators("https://quito.example/acta-1.pdf")["etag"] == '"e2"'
    (row,) = archive.documents_with_files([SHA_B])
    assert sorted(row["urls"].split(" ")) == ["https://quito.example/acta-1-bis.pdf", "https://quito.example/acta-1.pdf"]
    assert archive.file_hashes() == sorted([SHA_A, SHA_B])
    with pytest.raises(CatalogueError, match="never listed"):
        archive.record_fetch("https://quito.example/nunca.pdf", SHA_C, 1)


def test_fetch_failures_and_withdrawals_keep_what_was_archived(archive):
    kept = fetched(archive, "acta-1", SHA_A).document_id
    never = listed(archive, "acta-2")
    archive.record_fetch_failure("https://quito.example/acta-2.pdf", "HTTP 404 from the portal", http_status=404)
    archive.record_fetch_failure("https://quito.example/acta-1.pdf", "HTTP 500 from the portal", http_status=500)
    assert archive.document(never)["status"] == "fetch_failed"
    assert archive.document(kept)["status"] == "fetched"
    assert [row["id"] for row in archive.failures()] == [never]

    with archive.transaction() as db:  # the two were last listed long ago; a third one now
        db.execute("UPDATE documents SET last_seen = '2020-01-01T00:00:00+00:00'")
    listed(archive, "acta-3")
    with pytest.raises(CatalogueError, match="no document was listed since"):  # all would go: refused
        archive.mark_withdrawn("quito", seen_before="9999-01-01T00:00:00+00:00")
    gone = archive.mark_withdrawn("quito", seen_before="2021-01-01T00:00:00+00:00")
    assert sorted(g["key"] for g in gone) == ["acta-1", "acta-2"]
    assert archive.counts()["withdrawn"] == 2
    listed(archive, "acta-1")  # listed again: back to the status it had
    assert archive.document(kept)["status"] == "fetched"


def test_extraction_work_list_results_and_failures(archive):
    document = fetched(archive, "acta-1", SHA_A).document_id
    failing = fetched(archive, "acta-2", SHA_B).document_id
    todo = archive.documents_to_extract(extractor_version="v1")
    assert [(r["id"], r["extract_reason"], r["listed_date"], r["session_key"]) for r in todo] == \
        [(document, "new", "2024-03-05", "s-1"), (failing, "new", "2024-03-05", "s-1")]

    pages = [{"number": 1, "text": "uno", "origin": "digital"}, {"number": 2, "text": "dos %", "origin": "ocr",
                                                                 "ocr_confidence": 0.8}]
    archive.save_extraction(document, SHA_A, pages, {"session_number": 1}, [], extractor_version="v1",
                            tables=[{"page": 1, "index": 0, "rows": [["a", "b"]], "bbox": [0, 0, 1, 1]}])
    assert archive.save_extraction_failure(failing, SHA_B, "corrupt", extractor_version="v1") is False
    assert archive.documents_to_extract(extractor_version="v1") == []
    assert [r["id"] for r in archive.documents_to_extract(extractor_version="v1", retry_failed=True)] == [failing]
    assert {r["extract_reason"] for r in archive.documents_to_extract(extractor_version="v2")} == {"extractor_changed"}

    assert [(p["number"], p["text"], p["ocr_confidence"]) for p in archive.pages(document)] == \
        [(1, "uno", None), (2, "dos %", 0.8)]
    assert archive.tables(document) == [{"page": 1, "index": 0, "rows": [["a", "b"]], "bbox": [0, 0, 1, 1],
                                         "sha256": SHA_A}]
    assert json.loads(archive.document(document)["metadata_json"]) == {"session_number": 1, "extraction_errors": []}
    assert archive.extraction_counts() == {"quito": {"ocr_documents": 1, "ocr_pages": 1}}
    assert archive.outdated_extractions("v2") == 1
    # A failed re-extraction of the same bytes keeps the text.
    assert archive.save_extraction_failure(document, SHA_A, "timeout", extractor_version="v2") is True
    assert len(archive.pages(document)) == 2
    counts = archive.counts()
    assert (counts["extracted"], counts["extraction_failed"], counts["reextraction_failed"], counts["pages"]) == \
        (1, 1, 1, 2)


def test_indexing_pages_through_the_due_documents(archive):
    ids = []
    for number in range(5):
        sha = hashlib.sha256(str(number).encode()).hexdigest()
        ids.append(fetched(archive, f"acta-{number}", sha).document_id)
        archive.save_extraction(ids[-1], sha, [{"number": 1, "text": "x"}], {}, [], extractor_version="v1")
    assert archive.count_to_index() == 5
    first = archive.documents_to_index(limit=2)
    assert [r["id"] for r in first] == ids[:2] and first[0]["council_slug"] == "quito"
    assert [r["id"] for r in archive.documents_to_index(after_id=ids[1], limit=10)] == ids[2:]
    archive.mark_indexed(ids[:3])
    assert archive.count_to_index() == 2
    assert archive.count_to_index(everything=True) == 5
    assert archive.counts()["indexed"] == 3


def test_runs_and_ledgers(archive):
    scheduled = archive.start_run("pipeline", source="quito", trigger="schedule", attempt=1, full_sweep=True)
    crawl = archive.start_run("crawl", part_of=scheduled)
    archive.record_ledger(crawl, "quito", {"new": 1, "error": None})
    archive.finish_run(crawl, {"documents": 1}, [])
    skipped = archive.record_run("pipeline", {}, ["locked"], "skipped", source="quito", trigger="retry")
    assert skipped > scheduled
    assert archive.close_unfinished_runs() == 1  # the pipeline run left open
    runs = archive.last_runs()
    assert [(r["step"], r["outcome"]) for r in runs] == [("pipeline", "skipped"), ("crawl", "completed"),
                                                         ("pipeline", "interrupted")]
    assert archive.last_pipeline_run("quito")["id"] == skipped
    assert archive.last_attempted("quito") == runs[0]["started_at"]
    assert archive.last_attempted("quito", full_sweep=True) is None  # the sweep was interrupted
    assert archive.last_completed_crawl("quito") is not None
    assert archive.latest_ledgers()["quito"]["ledger"] == {"new": 1, "error": None}
    assert [entry["run_id"] for entry in archive.ledgers("quito")] == [crawl]
    with pytest.raises(ValueError, match="unknown run labels"):
        archive.start_run("crawl", colour="red")


def test_a_write_that_fails_leaves_nothing_half_done(archive):
    document = fetched(archive, "acta-1", SHA_A).document_id
    pages = [{"number": 1, "text": "uno"}, {"number": 1, "text": "repetida"}]  # the same page twice: refused
    with pytest.raises(Exception) as raised:  # the driver's own integrity error
        archive.save_extraction(document, SHA_A, pages, {}, [], extractor_version="v1")
    assert "unique" in str(raised.value).lower() or "duplicate" in str(raised.value).lower()
    assert archive.pages(document) == [] and archive.document(document)["status"] == "fetched"
    assert archive.counts()["documents"] == 1  # and the connection still works
    assert not archive.db.in_transaction


def test_a_second_connection_sees_what_the_first_committed(archive, catalogue_url):
    other = open_catalogue(catalogue_url)
    try:
        assert other.councils() == []
        archive.ensure_council("quito", "Quito")
        assert [row["slug"] for row in other.councils()] == ["quito"]
    finally:
        other.close()


# -- extraction claims: several extract processes sharing one catalogue ------------------------------------

def _due(catalogue: Catalogue, count: int) -> list[int]:
    return [fetched(catalogue, f"acta-{n}", hashlib.sha256(str(n).encode()).hexdigest()).document_id
            for n in range(count)]


def test_two_workers_claim_disjoint_documents_and_an_expired_claim_is_taken_over(archive):
    due = _due(archive, 5)
    first = archive.claim_documents_to_extract(extractor_version="v1", worker="A", limit=2, claim_s=60)
    second = archive.claim_documents_to_extract(extractor_version="v1", worker="B", limit=10, claim_s=0.2)
    assert len(first) == 2 and len(second) == 3
    assert sorted(r["id"] for r in first + second) == due  # each once
    assert {r["extract_reason"] for r in first} == {"new"} and first[0]["session_key"] == "s-1"
    assert archive.claim_documents_to_extract(extractor_version="v1", worker="C", limit=10, claim_s=60) == []
    assert archive.next_claim_expiry(extractor_version="v1", worker="C") is not None

    time.sleep(0.3)  # B died: its claims expire, and C takes them; A's still hold
    taken = archive.claim_documents_to_extract(extractor_version="v1", worker="C", limit=10, claim_s=60)
    assert sorted(r["id"] for r in taken) == sorted(r["id"] for r in second)

    b_late = second[0]["id"]  # B was not dead, only slow: its result is refused, C's will stand
    with pytest.raises(ClaimLost):
        archive.save_extraction(b_late, second[0]["current_sha256"], [{"number": 1, "text": "b"}], {}, [],
                                extractor_version="v1", claimed_by="B")
    assert archive.pages(b_late) == []
    archive.save_extraction(b_late, second[0]["current_sha256"], [{"number": 1, "text": "c"}], {}, [],
                            extractor_version="v1", claimed_by="C")
    assert [p["text"] for p in archive.pages(b_late)] == ["c"]
    assert archive.document(b_late)["claim_expires"] is None  # finished: no live claim left
    assert archive.save_extraction_failure(first[0]["id"], first[0]["current_sha256"], "corrupt",
                                           extractor_version="v1", claimed_by="A") is False

    assert archive.release_claims("C") == 2  # C stops early: its two unfinished claims are free at once
    again = archive.claim_documents_to_extract(extractor_version="v1", worker="D", limit=10, claim_s=60)
    assert len(again) == 2


def test_a_retried_failure_is_claimed_once_per_run(archive):
    (document,) = _due(archive, 1)
    (row,) = archive.claim_documents_to_extract(extractor_version="v1", worker="A", limit=1, claim_s=60)
    archive.save_extraction_failure(document, row["current_sha256"], "corrupt", extractor_version="v1",
                                    claimed_by="A")
    assert archive.claim_documents_to_extract(extractor_version="v1", worker="A", limit=1, claim_s=60) == []
    time.sleep(0.01)
    run_started = datetime.now(UTC).isoformat(timespec="milliseconds")
    (retry,) = archive.claim_documents_to_extract(extractor_version="v1", worker="B", limit=1, claim_s=60,
                                                  retry_failed=True, since=run_started)
    assert retry["extract_reason"] == "retry_failed"
    archive.save_extraction_failure(document, row["current_sha256"], "corrupt", extractor_version="v1",
                                    claimed_by="B")
    assert archive.claim_documents_to_extract(extractor_version="v1", worker="B", limit=1, claim_s=60,
                                              retry_failed=True, since=run_started) == []
    later = datetime.now(UTC).isoformat(timespec="milliseconds")  # a run started after B's attempt retries it
    assert len(archive.claim_documents_to_extract(extractor_version="v1", worker="C", limit=1, claim_s=60,
                                                  retry_failed=True, since=later)) == 1


@pytest.mark.postgresql
def test_a_row_another_transaction_holds_is_skipped_not_waited_for(postgresql_url):
    """FOR UPDATE SKIP LOCKED: a document locked by another worker's claim in progress is passed over."""
    first, second = open_catalogue(postgresql_url), open_catalogue(postgresql_url)
    try:
        due = _due(first, 3)
        with first.transaction() as db:
            db.execute("SELECT id FROM documents WHERE id = ? FOR UPDATE", (due[0],))
            started = time.monotonic()
            claimed = second.claim_documents_to_extract(extractor_version="v1", worker="B", limit=10, claim_s=60)
            assert time.monotonic() - started < 5
        assert sorted(r["id"] for r in claimed) == due[1:]
    finally:
        first.close()
        second.close()
