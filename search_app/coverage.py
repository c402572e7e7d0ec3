"""Coverage per council, as the public sees it: what the archive holds, what the last crawl saw (new,
changed, unchanged, withdrawn, failed with reasons), what was read by OCR or could not be read, and the gaps.

One shape for the coverage page and `/api/v1/coverage`. It only reads the catalogue; failure reasons
pass through `public_reason` (no server paths, no raw bytes), and a council never crawled says so
(`last_crawl` is None), never an empty crawl standing in for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from archive import Catalogue
from concejo.schedules import SourceSchedule, parse_time
from concejo.sources import GapRules
from search_app.views.documents import public_reason

LISTED_FAILURES = 50  # extraction failures listed by name per council; the count covers them all
LEDGER_COUNTS = ("new", "changed", "unchanged", "withdrawn", "requests", "pdfs_downloaded", "bytes_downloaded")
# Page origins whose text came from OCR (extract/: a scan, or a digital page whose text layer was redone).
OCR_ORIGINS = ("ocr", "digital+ocr")


def council_coverage(catalogue: Catalogue, gap_rules: Mapping[str, GapRules] | None = None,
                     schedules: Mapping[str, SourceSchedule] | None = None,
                     now: datetime | None = None) -> list[dict]:
    """Every council of the archive, by name, with its coverage (see the module docstring); each council's
    gaps read with its source's rules (`gap_rules` by slug; the defaults for a council no source names).
    Given the sources' `schedules`, each council also says whether it is stale (see `staleness`)."""
    gap_rules = gap_rules or {}
    ledgers = catalogue.latest_ledgers()
    reading = extraction_counts(catalogue)
    failures = _extraction_failures(catalogue)
    coverage = []
    for council in catalogue.councils():
        slug = council["slug"]
        read = reading.get(slug, {})
        coverage.append({
            "council": slug, "name": council["name"], "portal_url": council["portal_url"],
            "sessions": council["session_count"], "documents": council["document_count"],
            "withdrawn_documents": council["withdrawn_count"],
            "ocr_documents": read.get("ocr_documents", 0), "ocr_pages": read.get("ocr_pages", 0),
            "extraction_failed": len(failures.get(slug, [])),
            "extraction_failures": failures.get(slug, [])[:LISTED_FAILURES],
            "last_crawl": _last_crawl(ledgers.get(slug)),
            "gaps": _gaps(catalogue, slug, gap_rules.get(slug, GapRules())),
        })
        if schedules is not None:
            coverage[-1]["stale"] = staleness(catalogue, schedules.get(slug), now or datetime.now(UTC))
    return coverage


def staleness(catalogue: Catalogue, schedule: SourceSchedule | None, now: datetime) -> dict | None:
    """None while the council's last completed crawl is recent enough for its schedule (or it has no
    schedule: no configured source); else {"since": when that crawl ended, None if none ever completed}."""
    if schedule is None:
        return None
    last = catalogue.last_completed_crawl(schedule.slug)
    if not schedule.stale(parse_time(last) if last else None, now):
        return None
    return {"since": last}


def _gaps(catalogue: Catalogue, slug: str, rules: GapRules) -> list[dict]:
    """archive/gaps.py: kinds, fields and a Spanish message each."""
    return catalogue.gaps(slug, minutes_after_days=rules.minutes_after_days, by_type=rules.by_type)


def _last_crawl(latest: dict | None) -> dict | None:
    """The newest ledger, public: its counts, and each failure's URL with its public reason."""
    if latest is None:
        return None
    ledger = latest["ledger"]
    crawl = {"run_id": latest["run_id"], "at": latest["at"]}
    crawl.update({name: int(ledger.get(name) or 0) for name in LEDGER_COUNTS})
    crawl["failed"] = [{"url": failure.get("url"), "reason": public_reason(failure.get("reason")) or "sin motivo"}
                       for failure in ledger.get("failed") or []]
    crawl["error"] = public_reason(ledger.get("error")) if ledger.get("error") else None
    return crawl


def _extraction_failures(catalogue: Catalogue) -> dict[str, list[dict]]:
    """Per council, the documents whose text could not be read: never read, or a re-reading that failed
    (they keep their earlier text), each with its public reason."""
    failures: dict[str, list[dict]] = {}
    for row in catalogue.failures():
        if row["status"] == "fetch_failed":  # a download failure, reported by the crawl's ledger
            continue
        failures.setdefault(row["council_slug"], []).append({
            "document_id": row["id"], "title": row["title"] or row["key"],
            "reason": public_reason(row["status_reason"]) or "sin motivo",
            "kept_earlier_text": row["status"] == "extracted"})
    return failures


def extraction_counts(catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """Per council slug: documents with a page read by OCR, and those pages."""
    return catalogue.extraction_counts(OCR_ORIGINS)
