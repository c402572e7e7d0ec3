"""The pipeline's steps as plain functions: crawl -> extract -> index. Wiring only, no business logic.

Each step takes Settings and a Catalogue, records a run in the catalogue, and returns a StepReport; the
crawl also records, per source, its coverage ledger (new, changed, unchanged, withdrawn, failed, gaps).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from archive import Catalogue, CatalogueError, ClaimLost, FileStore
from concejo.config import Settings, child_environ
from concejo.processes import run_child
from concejo.sources import Source, load_sources, select_sources
from indexer.documents import as_int

Progress = Callable[[int, int], None]  # (done, total)


class StepFailed(RuntimeError):
    """A step could not run at all; the message says why and what to do. `report` is what it recorded."""

    def __init__(self, message: str, report: StepReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class StepReport:
    step: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    child_settings: dict[str, str] = field(default_factory=dict)  # crawl: the settings its process ran with
    run_id: int | None = None
    ledger: dict[str, dict] = field(default_factory=dict)  # crawl: each source's coverage ledger, by slug
    failed_sources: dict[str, str] = field(default_factory=dict)  # crawl: why each failed source failed


@contextmanager
def recorded_run(catalogue: Catalogue, step: str, part_of: int | None = None) -> Iterator[StepReport]:
    """Time a step and record it as a run: completed, failed (an error) or interrupted (Ctrl-C, SIGTERM);
    `part_of`: the scheduled pipeline run it belongs to (scheduler.py)."""
    run_id = catalogue.start_run(step, part_of=part_of)
    report = StepReport(step, run_id=run_id)
    started = time.perf_counter()
    outcome = "interrupted"
    try:
        yield report
        outcome = "failed" if report.failed_sources else "completed"
    except Exception as exc:
        outcome = "failed"
        report.problems.append(f"{step} failed: {exc}")
        raise
    finally:
        report.seconds = time.perf_counter() - started
        catalogue.finish_run(run_id, {**report.counts, "seconds": round(report.seconds, 3)}, report.problems,
                             outcome=outcome)


# -- crawl -------------------------------------------------------------------------------------------

def crawl(settings: Settings, catalogue: Catalogue, *, in_subprocess: bool = True,
          sources: list[str] | tuple[str, ...] | None = None, full_sweep: bool = False,
          part_of: int | None = None) -> StepReport:
    """Crawl every configured source (or those named) into the archive, each in its own subprocess by
    default (the Twisted reactor cannot restart), and record each source's coverage ledger.

    The child receives every setting in force (whatever its source) and dies with this process. A source
    that fails (unreachable, a portal that changed shape, a crawl cut short) is recorded with its reason
    and the others still run; the run is then recorded as failed and `report.failed_sources` names them.
    Raises StepFailed when no source could be crawled at all.
    """
    from crawler.run import check_families

    chosen = select_sources(load_sources(settings), sources)
    check_families(chosen)
    with recorded_run(catalogue, "crawl", part_of) as report:
        before = catalogue.counts()
        pages = 0
        for source in chosen:
            pages += _crawl_source(settings, catalogue, source, report, in_subprocess, full_sweep)
        report.counts["pages_fetched"] = pages
        after = catalogue.counts()
        report.counts.update({
            "sources": len(chosen),
            "sources_failed": len(report.failed_sources),
            "sessions": after["sessions"],
            "documents": after["documents"],
            "new_files": after["files"] - before["files"],
            "fetch_failed": after["fetch_failed"],
            "listed_not_fetched": after["listed_not_fetched"],
        })
        for row in catalogue.failures():
            if row["status"] == "fetch_failed":
                report.problems.append(f"document {row['key']}: {row['status_reason']}")
        if len(report.failed_sources) == len(chosen) and not pages:
            raise StepFailed(" ".join(report.failed_sources.values()), report)
    return report


def _crawl_source(settings: Settings, catalogue: Catalogue, source: Source, report: StepReport,
                  in_subprocess: bool, full_sweep: bool) -> int:
    """Crawl one source, then settle its ledger; the pages it fetched."""
    try:
        if in_subprocess:
            summary = _crawl_in_child(settings, source, full_sweep)
        else:
            from crawler.run import run_crawl

            summary = run_crawl(settings, source, full_sweep=full_sweep).__dict__
    except StepFailed as exc:
        _record_source(catalogue, report, source, empty_ledger(), str(exc))
        return 0
    report.problems.extend(summary.get("problems", []))
    report.child_settings = summary.get("settings", report.child_settings)
    ledger = {**empty_ledger(), **summary.get("ledger", {})}
    failure = source_failure(catalogue, source, summary)
    if failure is None and summary.get("resumed"):
        # Requests in flight when a crawl is interrupted are not in Scrapy's job queue: a resumed crawl may
        # not have seen the whole portal, so what it did not see is not taken for withdrawn.
        report.problems.append(f"source {source.slug}: this crawl resumed an interrupted one; withdrawn "
                               "documents are looked for again after the next complete crawl")
    elif failure is None and summary.get("pages_failed"):
        report.problems.append(f"source {source.slug}: listing pages could not be fetched (see the ledger's "
                               "failures), so no document is marked withdrawn in this crawl")
    elif failure is None and summary.get("pages_skipped"):
        report.problems.append(f"source {source.slug}: {summary['pages_skipped']} listing pages were not fetched "
                               "on purpose (outside the source's hosts, forbidden by robots.txt, or deeper than "
                               "max_depth), so no document is marked withdrawn in this crawl")
    elif failure is None:
        try:
            ledger["withdrawn"] = len(catalogue.mark_withdrawn(source.slug, seen_before=summary["started_at"]))
        except CatalogueError as exc:  # a complete crawl that listed none of the documents held
            failure = f"source {source.slug}: {exc}"
    if failure is None:
        ledger["gaps"] = list(catalogue.gaps(source.slug, minutes_after_days=source.gaps.minutes_after_days,
                                             by_type=source.gaps.by_type))
    _record_source(catalogue, report, source, ledger, failure)
    return summary.get("pages", 0)


def empty_ledger() -> dict:
    return {"new": 0, "changed": 0, "unchanged": 0, "withdrawn": 0, "failed": [], "requests": 0,
            "pdfs_downloaded": 0, "bytes_downloaded": 0, "gaps": [], "error": None}


def source_failure(catalogue: Catalogue, source: Source, summary: dict) -> str | None:
    """Why a source's crawl failed, None if it completed: nothing fetched, a portal that changed shape (a
    layout error, or no session where the archive holds some of this council), or a crawl cut short."""
    if not summary.get("pages"):
        unreachable = f"source {source.slug}: no page of the portal"
        return next((p for p in summary.get("problems", []) if p.startswith(unreachable)),
                    f"{unreachable} could be fetched")
    page = summary.get("last_layout_error")
    if summary.get("layout_errors"):
        return f"source {source.slug}: the portal changed shape: {page}"
    held = catalogue.session_count(source.slug)
    if not summary.get("sessions") and held:
        where = page or f"at {', '.join(source.start_urls)}"
        return (f"source {source.slug}: the portal changed shape: the crawl found no session, where the archive "
                f"holds {held} sessions of this council ({where}); the spider crawler/spiders/{source.family}.py "
                "needs updating for the new layout")
    if summary.get("finish_reason") != "finished":
        return (f"source {source.slug}: the crawl stopped before it finished ({summary.get('finish_reason')}); "
                "the next crawl resumes it")
    return None


def _record_source(catalogue: Catalogue, report: StepReport, source: Source, ledger: dict,
                   failure: str | None) -> None:
    ledger["error"] = failure
    report.ledger[source.slug] = ledger
    if failure:
        report.failed_sources[source.slug] = failure
        if failure not in report.problems:
            report.problems.append(failure)
    catalogue.record_ledger(report.run_id, source.slug, ledger)


def _crawl_in_child(settings: Settings, source: Source, full_sweep: bool) -> dict:
    """`concejo crawl --in-process --source SLUG --json` in a child; its summary. StepFailed says why not."""
    command = [sys.executable, "-m", "concejo", "crawl", "--in-process", "--json", "--source", source.slug]
    try:
        proc = run_child([*command, *(["--full"] if full_sweep else [])], env=child_environ(settings),
                         timeout_s=settings.crawl_timeout_s + 60)
    except subprocess.TimeoutExpired:
        raise StepFailed(f"source {source.slug}: the crawl did not finish within {settings.crawl_timeout_s:.0f} s "
                         "and was stopped") from None
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        output = (proc.stdout + proc.stderr).strip()  # the child's own error message is on its stdout
        raise StepFailed(f"source {source.slug}: the crawl process failed (exit {proc.returncode}): "
                         f"{output[-2000:]}") from None


# -- extract -----------------------------------------------------------------------------------------

def extract(settings: Settings, catalogue: Catalogue, *, retry_failed: bool = False,
            progress: Progress | None = None, extractor_version: str | None = None,
            part_of: int | None = None) -> StepReport:
    """Extract every new or changed archived file, and redo those extracted (or failed) by another
    extractor version; each failure is recorded with its reason.

    A document whose re-extraction fails keeps its earlier pages, so it stays searchable.
    `extractor_version` defaults to extract.EXTRACTOR_VERSION (tests pass another to simulate a change).
    """
    from extract import EXTRACTOR_VERSION

    version = extractor_version or EXTRACTOR_VERSION
    with recorded_run(catalogue, "extract", part_of) as report:
        _extract_into(report, settings, catalogue, version, retry_failed, progress)
    return report


def _extract_into(report: StepReport, settings: Settings, catalogue: Catalogue, version: str, retry_failed: bool,
                  progress: Progress | None) -> None:
    from extract.batch import extract_batch

    store = FileStore(settings.files_dir)
    # Several extract processes may share the catalogue (and the file store): each claims documents just
    # before extracting them, so none is extracted twice (Catalogue.claim_documents_to_extract).
    worker = f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
    since = datetime.now(UTC).isoformat(timespec="milliseconds")
    total = len(catalogue.documents_to_extract(extractor_version=version, retry_failed=retry_failed))
    by_id: dict[str, object] = {}
    reasons: list[str] = []
    failed = lost = 0

    def record_failure(row, error: Exception) -> None:
        """The catalogue (shown publicly) gets a plain reason; the operator's report keeps the detail."""
        nonlocal failed
        failed += 1
        detail = str(error)
        if catalogue.save_extraction_failure(row["id"], row["current_sha256"], public_reason(error),
                                             extractor_version=version, claimed_by=worker):
            report.problems.append(
                f"document {row['key']}: re-extraction with extractor {version} failed, its earlier text is "
                f"kept and still searchable: {detail}"
            )
        else:
            report.problems.append(f"document {row['key']}: {detail}")

    def claim(free: int, idle: bool) -> list:
        """Claim up to `free` documents; idle with none to claim, wait while another worker's claims are
        live (bounded by their expiry: a worker that died leaves its documents to this one)."""
        nonlocal lost
        while True:
            rows = catalogue.claim_documents_to_extract(extractor_version=version, worker=worker, limit=free,
                                                        claim_s=settings.extract_claim_seconds,
                                                        retry_failed=retry_failed, since=since)
            jobs = []
            for row in rows:
                reasons.append(row["extract_reason"])
                try:
                    path = store.open_path(row["current_sha256"])
                except FileNotFoundError as exc:
                    try:
                        record_failure(row, exc)
                    except ClaimLost as lost_claim:
                        lost += 1
                        report.problems.append(str(lost_claim))
                    continue
                by_id[str(row["id"])] = row
                hints = {"title": row["title"], "document_type": row["kind"],
                         "session_type": row["listed_session_type"], "date": row["listed_date"]}
                jobs.append((str(row["id"]), path, hints))
            if jobs:
                return jobs
            if rows:  # every one claimed was missing its file (recorded): claim the next ones
                continue
            if not idle:
                return []
            expiry = catalogue.next_claim_expiry(extractor_version=version, worker=worker, retry_failed=retry_failed,
                                                 since=since)
            if expiry is None:
                return []
            left = (datetime.fromisoformat(expiry) - datetime.now(UTC)).total_seconds()
            time.sleep(min(max(left, 0.0) + 0.05, CLAIM_POLL_S))

    extracted = pages = moved = votes = roll_calls = 0
    try:
        for done, (key, result) in enumerate(
            extract_batch([], workers=settings.extract_workers, timeout_s=settings.extract_timeout_s,
                          memory_mb=settings.extract_memory_mb, ocr=settings.ocr, more=claim),
            start=1,
        ):
            row = by_id.pop(key)
            try:
                if isinstance(result, Exception):
                    record_failure(row, result)
                else:
                    stored = _save_extraction(catalogue, row, result, version, worker)
                    extracted += 1
                    pages += stored["pages"]
                    votes += stored["votes"]
                    roll_calls += stored["roll_calls"]
                    moved += stored["moved"]
            except ClaimLost as lost_claim:
                lost += 1
                report.problems.append(str(lost_claim))
            except ValueError as exc:  # what was read cannot be stored (text no encoding takes): that document fails
                record_failure(row, exc)
            if progress:
                progress(done, max(total, done))
    finally:  # stopped early (an error, a signal): what this worker claimed and did not finish is free again
        if by_id:
            catalogue.release_claims(worker)
    report.counts.update({
        "documents": extracted, "failed": failed, "pages": pages,
        # Why each document was attempted: a new or changed file, a new extractor, or --retry-failed.
        "new": reasons.count("new"), "reextracted": reasons.count("extractor_changed"),
        "retried": reasons.count("retry_failed"),
        "moved_to_the_session_of_their_text": moved,
        # What the minutes record, stored in the catalogue (archive/proceedings_store.py).
        "votes": votes, "roll_calls": roll_calls,
    })
    if lost:  # only when another worker took over a claim this one held for too long
        report.counts["claims_lost"] = lost


def _save_extraction(catalogue: Catalogue, row, result, version: str, worker: str) -> dict[str, int]:
    """Store one extraction (its pages, tables, metadata, proceedings) while `worker`'s claim holds."""
    page_dicts = [
        {"number": p.number, "text": p.text, "display_text": p.display_text, "origin": p.origin,
         "ocr_confidence": p.ocr_confidence}
        for p in result.pages
    ]
    metadata = result.metadata.to_dict()
    catalogue.save_extraction(row["id"], row["current_sha256"], page_dicts, metadata, result.errors,
                              extractor_version=version, tables=[table.to_dict() for table in result.tables],
                              claimed_by=worker)
    stored = {"pages": len(page_dicts), "votes": 0, "roll_calls": 0, "moved": 0}
    if (proceedings := getattr(result, "proceedings", None)) is not None:
        saved = catalogue.save_proceedings(row["id"], proceedings.to_dict())
        stored["votes"], stored["roll_calls"] = saved["votes"], saved["roll_calls"]
    # The text names the session better than a file name can (no year, a wrong year): the document
    # moves there; otherwise the listed session takes the number the text states.
    if catalogue.reconcile_session(row["id"], metadata):
        stored["moved"] = 1
    elif row["session_id"] and (number := as_int(metadata.get("session_number"))) is not None:
        catalogue.set_session_number(row["session_id"], number)
    return stored


# How often a worker with nothing left to claim looks again while other workers' claims are live.
CLAIM_POLL_S = 1.0


MISSING_FILE_REASON = "the archived file is missing: run `concejo verify` to find and re-fetch missing files"


def public_reason(error: Exception) -> str:
    """What may be shown to anyone: the kind of failure, never a server path or bytes of the file."""
    from extract.errors import FAILURE_CODES, ExtractionFailed

    if isinstance(error, ExtractionFailed):
        return FAILURE_CODES[error.code]
    if isinstance(error, FileNotFoundError):
        return MISSING_FILE_REASON
    return f"extraction failed ({type(error).__name__})"


# -- index -------------------------------------------------------------------------------------------

def index(settings: Settings, catalogue: Catalogue, *, rebuild: bool = False,
          progress: Progress | None = None, part_of: int | None = None) -> StepReport:
    """Index every extracted document not yet indexed in its current version (all of them on rebuild)."""
    with recorded_run(catalogue, "index", part_of) as report:
        _index_into(report, settings, catalogue, rebuild, progress)
    return report


def _index_into(report: StepReport, settings: Settings, catalogue: Catalogue, rebuild: bool,
                progress: Progress | None) -> None:
    from indexer import write_index
    from search_app.backends import open_backend

    backend = open_backend(settings)
    try:
        report.counts.update(write_index(backend, catalogue, rebuild=rebuild, progress=progress))
    finally:
        backend.close()
