"""Scrapy settings: polite (robots.txt, throttling, bounded), incremental (HTTP cache revalidation), and
kept to the source (crawler.guard: its hosts, http(s), public addresses, bounded size and time).

`crawl_settings` builds the settings of one crawl from the project's Settings; scrapy.cfg points here
so `scrapy` commands also work from the project root.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from concejo.config import Settings
    from concejo.sources import Source

BOT_NAME = "concejo_abierto"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "ConcejoAbierto/0.1 (+archivo abierto de sesiones de concejos)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 3
# Too many requests, and the server errors a portal recovers from (Scrapy's list, 429 included).
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Revalidate every cached page and file with the portal (ETag / Last-Modified) instead of trusting
# heuristic freshness: new sessions appear on listing pages whose dates never change.
DEFAULT_REQUEST_HEADERS = {
    "Accept-Language": "es",
    "Cache-Control": "max-age=0",
}
HTTPCACHE_ENABLED = True
# RFC 2616 revalidation, except that a 5xx never passes for the cached page: it goes on to the retries.
HTTPCACHE_POLICY = "crawler.httpcache.RevalidatingPolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
# The guard before every other middleware, so a refused request (or redirect) never reaches robots.txt or
# the cache; page failures after RetryMiddleware (550), so they see a page's answer once its retries are spent.
# Scrapy's cache middleware is replaced by one that never answers a download error with the cached page.
DOWNLOADER_MIDDLEWARES = {"crawler.guard.SourceGuardMiddleware": 40,
                          "crawler.page_failures.PageFailuresMiddleware": 540,
                          # After RetryMiddleware (550) in the request order, so it sees each answer first.
                          "crawler.backoff.BackoffMiddleware": 560,
                          "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
                          "crawler.httpcache.RevalidatingCacheMiddleware": 900}
DNS_RESOLVER = "crawler.guard.GuardedResolver"
ITEM_PIPELINES = {
    "crawler.pipelines.CataloguePipeline": 100,
    "crawler.pipelines.ArchiveFilesPipeline": 200,
}
FILES_RESULT_FIELD = "files"
MEDIA_ALLOW_REDIRECTS = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"


def user_agent(contact_url: str | None) -> str:
    """Who is asking, and where a portal's staff can reach us."""
    try:
        version = metadata.version("concejo-abierto")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"ConcejoAbierto/{version} (+{contact_url or 'archivo abierto de sesiones de concejos'})"


def guard_hosts(source: Source) -> tuple[str, list[str]]:
    """The source for crawler.guard: its first start URL, and every other host (with its port, when the
    start URL names one) the source may fetch from."""
    first, *others = source.start_urls
    netlocs = [urlsplit(url).netloc for url in others]
    return first, list(dict.fromkeys([*netlocs, *source.allowed_hosts]))


def job_dir_for(settings: Settings, source: Source, *, full_sweep: bool = False) -> Path:
    """Scrapy's job directory of a source's crawl: an interrupted crawl resumes from it. A full sweep keeps
    its own, so it never resumes (and trusts nothing of) an interrupted incremental crawl."""
    return settings.data_dir / "crawl-jobs" / (f"{source.slug}.full" if full_sweep else source.slug)


def crawl_settings(settings: Settings, source: Source, *, full_sweep: bool = False, job_dir: Path | None = None,
                   log_level: str = "INFO") -> dict[str, Any]:
    """Settings of one source's crawl, layered over this module's defaults.

    Retries: Scrapy's RetryMiddleware retries 429 and 5xx answers RETRY_TIMES times, each retry queued
    behind the waiting requests (RETRY_PRIORITY_ADJUST); it has no backoff of its own, so crawler.backoff
    doubles the host's delay on each 429 or 5xx (or waits what Retry-After asks, up to a minute) and
    halves it back on each good answer; AutoThrottle then moves it with the answers' latency, never under
    the source's delay_s.
    """
    max_bytes = settings.crawl_max_download_mb * 1024 * 1024
    polite = source.politeness
    source_url, allowed_hosts = guard_hosts(source)
    return {
        "CONCEJO_CATALOGUE_URL": settings.catalogue_url,
        "CONCEJO_SOURCE": source.to_json(),
        "CONCEJO_SOURCE_SLUG": source.slug,
        "CONCEJO_SOURCE_URL": source_url,
        "CONCEJO_ALLOWED_HOSTS": allowed_hosts,
        "CONCEJO_ALLOW_PRIVATE_ADDRESSES": source.allow_private_addresses,
        "CONCEJO_FULL_SWEEP": full_sweep,
        "FILES_STORE": f"archive://{settings.files_dir}",
        "HTTPCACHE_ENABLED": not full_sweep,
        "HTTPCACHE_DIR": str((settings.http_cache_dir / source.slug).resolve()),
        "JOBDIR": str(job_dir or job_dir_for(settings, source, full_sweep=full_sweep)),
        "USER_AGENT": user_agent(polite.contact_url or settings.crawl_contact_url),
        "DOWNLOAD_DELAY": polite.delay_s,
        "AUTOTHROTTLE_ENABLED": polite.delay_s > 0,
        "AUTOTHROTTLE_START_DELAY": polite.delay_s,
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, polite.delay_s * 10),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(polite.concurrency_per_host),
        "CONCURRENT_REQUESTS_PER_DOMAIN": polite.concurrency_per_host,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": RETRY_TIMES,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        "RETRY_PRIORITY_ADJUST": -1,
        "CLOSESPIDER_TIMEOUT": settings.crawl_timeout_s,
        "DOWNLOAD_TIMEOUT": settings.crawl_request_timeout_s,
        "DNS_TIMEOUT": settings.crawl_request_timeout_s,
        "DOWNLOAD_MAXSIZE": max_bytes,
        "DOWNLOAD_WARNSIZE": max_bytes // 2,
        "LOG_LEVEL": log_level,
    }
