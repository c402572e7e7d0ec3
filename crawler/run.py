"""Run one crawl in this process and report what it did.

A Twisted reactor cannot restart, so a long-lived process (the scheduler, `concejo run`) calls
`concejo crawl` as a subprocess instead of calling `run_crawl` twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from concejo.config import Settings
from crawler import settings as default_settings
from crawler.settings import crawl_settings
from crawler.spiders.concejo_abierto import ConcejoAbiertoSpider


class CrawlError(RuntimeError):
    """The crawl could not run or the portal could not be understood."""


@dataclass
class CrawlReport:
    pages: int = 0
    items: int = 0
    files_new: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    layout_errors: int = 0
    refused_requests: int = 0  # requests (pages, files, redirects) the source's configuration does not allow
    links_skipped: int = 0  # links in session lines that are not http(s): javascript:, mailto:, tel:, #...
    problems: list[str] = field(default_factory=list)
    finish_reason: str = ""


def run_crawl(*, settings: Settings, log_level: str = "WARNING", council_slug: str = "quito",
              council_name: str = "Concejo Metropolitano de Quito") -> CrawlReport:
    start_url = settings.portal_url
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule(default_settings, priority="project")
    scrapy_settings.setdict(
        crawl_settings(settings, log_level=log_level),
        priority="cmdline",
    )
    process = CrawlerProcess(scrapy_settings, install_root_handler=True)
    crawler = process.create_crawler(ConcejoAbiertoSpider)
    process.crawl(crawler, start_url=start_url, council_slug=council_slug, council_name=council_name)
    process.start()
    stats = crawler.stats.get_stats()
    report = CrawlReport(
        pages=stats.get("response_received_count", 0),
        items=stats.get("item_scraped_count", 0),
        files_new=stats.get("concejo/files_new", 0),
        files_unchanged=stats.get("concejo/files_unchanged", 0),
        files_failed=stats.get("concejo/files_failed", 0),
        layout_errors=stats.get("concejo/layout_errors", 0),
        refused_requests=stats.get("concejo/refused_requests", 0),
        links_skipped=stats.get("concejo/links_skipped", 0),
        finish_reason=stats.get("finish_reason", ""),
    )
    if report.layout_errors:
        report.problems.append(
            f"the portal's pages did not look as expected ({stats.get('concejo/last_layout_error')}); "
            "the spider crawler/spiders/concejo_abierto.py needs updating for the new layout"
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
    if not report.pages:
        why = refusals[0] if refusals else f"{report.finish_reason}: is it up and is CONCEJO_PORTAL_URL right?"
        report.problems.append(f"no page of the portal at {start_url} could be fetched ({why})")
    return report
