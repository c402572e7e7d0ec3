"""The pipeline's steps as plain functions: crawl -> extract -> index. Wiring only, no business logic.

Each step takes Settings and a Catalogue, records a run in the catalogue, and returns a StepReport.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from archive import Catalogue, FileStore
from concejo.config import Settings, child_environ
from concejo.processes import run_child
from indexer.documents import as_int

Progress = Callable[[int, int], None]  # (done, total)


class StepFailed(RuntimeError):
    """A step could not run at all; the message says why and what to do."""


@dataclass
class StepReport:
    step: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    child_settings: dict[str, str] = field(default_factory=dict)  # crawl: the settings its process ran with


@contextmanager
def recorded_run(catalogue: Catalogue, step: str) -> Iterator[StepReport]:
    """Time a step and record it as a run: completed, failed (an error) or interrupted (Ctrl-C, SIGTERM)."""
    run_id = catalogue.start_run(step)
    report = StepReport(step)
    started = time.perf_counter()
    outcome = "interrupted"
    try:
        yield report
        outcome = "completed"
    except Exception as exc:
        outcome = "failed"
        report.problems.append(f"{step} failed: {exc}")
        raise
    finally:
        report.seconds = time.perf_counter() - started
        catalogue.finish_run(run_id, {**report.counts, "seconds": round(report.seconds, 3)}, report.problems,
                             outcome=outcome)


# -- crawl -------------------------------------------------------------------------------------------

def crawl(settings: Settings, catalogue: Catalogue, *, in_subprocess: bool = True) -> StepReport:
    """Crawl the portal into the archive. In a subprocess by default: the Twisted reactor cannot restart.

    The child receives every setting in force (whatever its source) and dies with this process.
    """
    with recorded_run(catalogue, "crawl") as report:
        before = catalogue.counts()
        if in_subprocess:
            summary = _crawl_in_child(settings, report)
            if summary is None:
                return report
        else:
            from crawler.run import run_crawl

            summary = run_crawl(settings=settings).__dict__
        report.problems.extend(summary.get("problems", []))
        report.counts["pages_fetched"] = summary["pages"]
        report.child_settings = summary.get("settings", {})
        after = catalogue.counts()
        report.counts.update({
            "sessions": after["sessions"],
            "documents": after["documents"],
            "new_files": after["files"] - before["files"],
            "fetch_failed": after["fetch_failed"],
            "listed_not_fetched": after["listed_not_fetched"],
        })
        for row in catalogue.failures():
            if row["status"] == "fetch_failed":
                report.problems.append(f"document {row['key']}: {row['status_reason']}")
    return report


def _crawl_in_child(settings: Settings, report: StepReport) -> dict | None:
    """`concejo crawl --in-process --json` in a child; its summary, or None when it ran out of time."""
    try:
        proc = run_child([sys.executable, "-m", "concejo", "crawl", "--in-process", "--json"],
                         env=child_environ(settings), timeout_s=settings.crawl_timeout_s + 60)
    except subprocess.TimeoutExpired:
        report.problems.append(f"the crawl did not finish within {settings.crawl_timeout_s:.0f} s and was stopped")
        return None
    try:
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise StepFailed(f"the crawl process failed (exit {proc.returncode}): {proc.stderr[-2000:]}") from None
    if not summary.get("pages"):
        raise StepFailed(" ".join(summary.get("problems", [])) + f"\n{proc.stderr[-1500:]}")
    return summary


# -- extract -----------------------------------------------------------------------------------------

def extract(settings: Settings, catalogue: Catalogue, *, retry_failed: bool = False,
            progress: Progress | None = None, extractor_version: str | None = None) -> StepReport:
    """Extract every new or changed archived file, and redo those extracted (or failed) by another
    extractor version; each failure is recorded with its reason.

    A document whose re-extraction fails keeps its earlier pages, so it stays searchable.
    `extractor_version` defaults to extract.EXTRACTOR_VERSION (tests pass another to simulate a change).
    """
    from extract import EXTRACTOR_VERSION

    version = extractor_version or EXTRACTOR_VERSION
    with recorded_run(catalogue, "extract") as report:
        _extract_into(report, settings, catalogue, version, retry_failed, progress)
    return report


def _extract_into(report: StepReport, settings: Settings, catalogue: Catalogue, version: str, retry_failed: bool,
                  progress: Progress | None) -> None:
    from extract.batch import extract_batch

    store = FileStore(settings.files_dir)
    todo = catalogue.documents_to_extract(extractor_version=version, retry_failed=retry_failed)
    by_id = {str(row["id"]): row for row in todo}
    failed = 0

    def record_failure(row, error: Exception) -> None:
        """The catalogue (shown publicly) gets a plain reason; the operator's report keeps the detail."""
        nonlocal failed
        failed += 1
        detail = str(error)
        if catalogue.save_extraction_failure(row["id"], row["current_sha256"], public_reason(error),
                                             extractor_version=version):
            report.problems.append(
                f"document {row['key']}: re-extraction with extractor {version} failed, its earlier text is "
                f"kept and still searchable: {detail}"
            )
        else:
            report.problems.append(f"document {row['key']}: {detail}")

    jobs = []
    for row in todo:
        try:
            path = store.open_path(row["current_sha256"])
        except FileNotFoundError as exc:
            record_failure(row, exc)
            continue
        hints = {"title": row["title"], "document_type": row["kind"], "session_type": row["listed_session_type"],
                 "date": row["listed_date"]}
        jobs.append((str(row["id"]), path, hints))
    extracted = pages = 0
    for done, (key, result) in enumerate(extract_batch(jobs, workers=settings.extract_workers, timeout_s=settings.extract_timeout_s,
                                     memory_mb=settings.extract_memory_mb, ocr=settings.ocr), start=1):
        row = by_id[key]
        if isinstance(result, Exception):
            record_failure(row, result)
        else:
            page_dicts = [
                {"number": p.number, "text": p.text, "display_text": p.display_text, "origin": p.origin,
                 "ocr_confidence": p.ocr_confidence}
                for p in result.pages
            ]
            metadata = result.metadata.to_dict()
            catalogue.save_extraction(row["id"], row["current_sha256"], page_dicts, metadata, result.errors,
                                      extractor_version=version)
            number = as_int(metadata.get("session_number"))
            if row["session_id"] and number is not None:
                catalogue.set_session_number(row["session_id"], number)
            extracted += 1
            pages += len(page_dicts)
        if progress:
            progress(done, len(jobs))
    reasons = [row["extract_reason"] for row in todo]
    report.counts.update({
        "documents": extracted, "failed": failed, "pages": pages,
        # Why each document was attempted: a new or changed file, a new extractor, or --retry-failed.
        "new": reasons.count("new"), "reextracted": reasons.count("extractor_changed"),
        "retried": reasons.count("retry_failed"),
    })


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
          progress: Progress | None = None) -> StepReport:
    """Index every extracted document not yet indexed in its current version (all of them on rebuild)."""
    with recorded_run(catalogue, "index") as report:
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
