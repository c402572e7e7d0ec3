"""Scrapy settings: polite (robots.txt, throttling, bounded), incremental (HTTP cache revalidation), and
kept to the source (crawler.guard: its hosts, http(s), public addresses, bounded size and time).

`crawl_settings` builds the settings of one crawl from the project's Settings; scrapy.cfg points here
so `scrapy` commands also work from the project root.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concejo.config import Settings

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
RETRY_TIMES = 2
# Revalidate every cached page and file with the portal (ETag / Last-Modified) instead of trusting
# heuristic freshness: new sessions appear on listing pages whose dates never change.
DEFAULT_REQUEST_HEADERS = {
    "Accept-Language": "es",
    "Cache-Control": "max-age=0",
}
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
# Before every other middleware, so a refused request (or redirect) never reaches robots.txt or the cache.
DOWNLOADER_MIDDLEWARES = {"crawler.guard.SourceGuardMiddleware": 40}
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


def crawl_settings(settings: Settings, *, log_level: str = "INFO") -> dict[str, Any]:
    """Settings of one crawl, layered over this module's defaults."""
    max_bytes = settings.crawl_max_download_mb * 1024 * 1024
    return {
        "CONCEJO_CATALOGUE_URL": settings.catalogue_url,
        "CONCEJO_SOURCE_URL": settings.portal_url,
        "CONCEJO_ALLOWED_HOSTS": list(settings.crawl_allowed_hosts),
        "CONCEJO_ALLOW_PRIVATE_ADDRESSES": settings.crawl_allow_private_addresses,
        "FILES_STORE": f"archive://{settings.files_dir}",
        "HTTPCACHE_DIR": str(settings.http_cache_dir),
        "DOWNLOAD_DELAY": settings.crawl_delay_s,
        "AUTOTHROTTLE_ENABLED": settings.crawl_delay_s > 0,
        "CLOSESPIDER_TIMEOUT": settings.crawl_timeout_s,
        "DOWNLOAD_TIMEOUT": settings.crawl_request_timeout_s,
        "DNS_TIMEOUT": settings.crawl_request_timeout_s,
        "DOWNLOAD_MAXSIZE": max_bytes,
        "DOWNLOAD_WARNSIZE": max_bytes // 2,
        "LOG_LEVEL": log_level,
    }
