"""Run one source's crawl in this process and report what it did, with its coverage ledger.

The spider is found by the source's family through Scrapy's SpiderLoader (SPIDER_MODULES): this module
imports no family spider, so a new family is one module in crawler/spiders/ and nothing else.

A Twisted reactor cannot restart, so a long-lived process (the scheduler, `concejo run`) calls
`concejo crawl --in-process --source SLUG` as a subprocess instead of calling `run_crawl` twice.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from scrapy.spiderloader import SpiderLoader

from concejo.config import ConfigError, Settings
from concejo.sources import Source
from crawler import settings as default_settings
from crawler.items import SessionItem
from crawler.page_failures import STAT as PAGES_FAILED
from crawler.settings import crawl_settings, job_dir_for

# What a job directory remembers across attempts of one crawl, beside Scrapy's own queue and seen requests.
PROGRESS_FILE = "concejo-crawl.json"


class CrawlError(RuntimeError):
    """The crawl could not run or the portal could not be understood."""


@dataclass
class CrawlReport:
    source: str = ""
    started_at: str = ""  # when this crawl's first attempt started (an interrupted crawl resumes it)
    resumed: bool = False
    pages: int = 0
    items: int = 0
    sessions: int = 0  # sessions the spider yielded, across every attempt of this crawl
    files_new: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    layout_errors: int = 0
    last_layout_error: str | None = None
    refused_requests: int = 0  # requests (pages, files, redirects) the source's configuration does not allow
    links_skipped: int = 0  # links in session lines that are not http(s): javascript:, mailto:, tel:, #...
    pages_failed: int = 0  # listing pages not fetched (their final answer an error, or no answer)
    # Pages deliberately not fetched: refused (hosts, robots.txt) or below a family's depth bound.
    pages_skipped: int = 0
    problems: list[str] = field(default_factory=list)
    finish_reason: str = ""
    # What this crawl saw, from the pipelines' stats: new, changed, unchanged, failed, requests, pdfs and bytes
    # downloaded. The crawl step adds what only the catalogue knows afterwards (withdrawn, gaps).
    ledger: dict = field(default_factory=dict)


def project_settings() -> ScrapySettings:
    """This project's Scrapy settings (crawler/settings.py), as `scrapy` commands see them."""
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule(default_settings, priority="project")
    return scrapy_settings


def spider_class(family: str, scrapy_settings: ScrapySettings | None = None) -> type:
    """The spider of a portal family, found by name in SPIDER_MODULES; an unknown family names those there are."""
    loader = SpiderLoader.from_settings(scrapy_settings or project_settings())
    try:
        return loader.load(family)
    except KeyError:
        raise ConfigError(
            f"no spider for the portal family {family!r}; the families available are "
            f"{', '.join(sorted(loader.list()))} (one spider module per family in crawler/spiders/)"
        ) from None


def check_families(sources: list[Source]) -> None:
    """Fail before crawling anything when a source names a family no spider implements, or options its
    family's spider refuses (each family checks its options when it is built)."""
    for source in sources:
        try:
            spider_class(source.family)(source=source)
        except ConfigError as exc:
            message = str(exc)
            raise ConfigError(message if message.startswith(f"source {source.slug}") else
                              f"source {source.slug}: {message}") from None


def ledger_from_stats(stats: dict) -> dict:
    """The coverage ledger's crawl half, from the stats the pipelines and crawler.page_failures keep (0 or []
    for a stat not set). `failed` lists the files and the listing pages not fetched, by URL."""
    failed = [*(stats.get("concejo/ledger/failed") or []), *(stats.get(PAGES_FAILED) or [])]
    return {
        "new": stats.get("concejo/ledger/new", 0),
        "changed": stats.get("concejo/ledger/changed", 0),
        "unchanged": stats.get("concejo/ledger/unchanged", 0),
        "failed": sorted(failed, key=lambda failure: failure["url"]),
        "requests": stats.get("downloader/request_count", 0),
        "pdfs_downloaded": stats.get("concejo/ledger/pdfs_downloaded", 0),
        "bytes_downloaded": stats.get("concejo/ledger/bytes_downloaded", 0),
    }


def run_crawl(settings: Settings, source: Source, *, full_sweep: bool = False,
              log_level: str = "WARNING") -> CrawlReport:
    """Crawl one source into the archive; a crawl interrupted earlier resumes from its job directory."""
    from archive.catalogue import now_iso

    job_dir = job_dir_for(settings, source, full_sweep=full_sweep).resolve()
    progress = _read_progress(job_dir)
    if progress is None and job_dir.exists():
        shutil.rmtree(job_dir)  # a job directory we cannot date: resuming it could withdraw what it saw
    resumed = bool(progress)
    progress = progress or {"started_at": now_iso(), "sessions": 0}
    job_dir.mkdir(parents=True, exist_ok=True)
    _write_progress(job_dir, progress)

    scrapy_settings = project_settings()
    scrapy_settings.setdict(crawl_settings(settings, source, full_sweep=full_sweep, job_dir=job_dir,
                                           log_level=log_level), priority="cmdline")
    process = CrawlerProcess(scrapy_settings, install_root_handler=True)
    crawler = process.create_crawler(spider_class(source.family, scrapy_settings))

    def count_sessions(item, response, spider) -> None:
        if isinstance(item, SessionItem):
            crawler.stats.inc_value("concejo/sessions_yielded")

    crawler.signals.connect(count_sessions, signal=signals.item_scraped)
    process.crawl(crawler, source=source)
    process.start()
    stats = crawler.stats.get_stats()

    progress["sessions"] += stats.get("concejo/sessions_yielded", 0)
    report = _report(source, stats, progress, resumed)
    if report.finish_reason == "finished":
        shutil.rmtree(job_dir, ignore_errors=True)  # complete: the next crawl starts afresh
    else:
        _write_progress(job_dir, progress)
        report.problems.append(f"source {source.slug}: the crawl stopped before it finished "
                               f"({report.finish_reason or 'unknown reason'}); the next crawl resumes it")
    return report


def _report(source: Source, stats: dict, progress: dict, resumed: bool) -> CrawlReport:
    report = CrawlReport(
        source=source.slug,
        started_at=progress["started_at"],
        resumed=resumed,
        pages=stats.get("response_received_count", 0),
        items=stats.get("item_scraped_count", 0),
        sessions=progress["sessions"],
        files_new=stats.get("concejo/files_new", 0),
        files_unchanged=stats.get("concejo/files_unchanged", 0),
        files_failed=stats.get("concejo/files_failed", 0),
        layout_errors=stats.get("concejo/layout_errors", 0),
        last_layout_error=stats.get("concejo/last_layout_error"),
        refused_requests=stats.get("concejo/refused_requests", 0),
        links_skipped=stats.get("concejo/links_skipped", 0),
        pages_failed=len(stats.get(PAGES_FAILED) or []),
        pages_skipped=stats.get("concejo/pages_skipped", 0) + stats.get("concejo/folders_too_deep", 0),
        finish_reason=stats.get("finish_reason", ""),
        ledger=ledger_from_stats(stats),
    )
    if report.layout_errors:
        report.problems.append(
            f"source {source.slug}: the portal's pages did not look as expected ({report.last_layout_error}); "
            f"the spider crawler/spiders/{source.family}.py needs updating for the new layout"
        )
    refusals = stats.get("concejo/refusals") or []
    if report.refused_requests:
        report.problems.append(
            f"{report.refused_requests} requests were refused as outside the source (first: {refusals[0]})"
        )
    if report.links_skipped:
        report.problems.append(
            f"{report.links_skipped} links in session lines are not http(s) (javascript:, mailto:, tel:, #...) "
            "and were skipped"
        )
    if report.pages_failed:
        first = (stats.get(PAGES_FAILED) or [{}])[0]
        report.problems.append(f"source {source.slug}: {report.pages_failed} listing pages could not be fetched "
                               f"(first: {first.get('url')}: {first.get('reason')}); what they list was not seen")
    if not report.pages:
        why = refusals[0] if refusals else f"{report.finish_reason}: is it up and are its start URLs right?"
        report.problems.append(f"source {source.slug}: no page of the portal at {', '.join(source.start_urls)} "
                               f"could be fetched ({why})")
    return report


def _read_progress(job_dir: Path) -> dict | None:
    try:
        progress = json.loads((job_dir / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(progress, dict) or not isinstance(progress.get("started_at"), str):
        return None
    return {"started_at": progress["started_at"], "sessions": int(progress.get("sessions") or 0)}


def _write_progress(job_dir: Path, progress: dict) -> None:
    temporary = job_dir / f"{PROGRESS_FILE}.tmp"
    temporary.write_text(json.dumps(progress), encoding="utf-8")
    temporary.replace(job_dir / PROGRESS_FILE)
