"""Scrapy settings: polite (robots.txt, throttling, bounded), incremental (HTTP cache revalidation).

`crawl_settings` builds the settings of one crawl from the project's Settings; scrapy.cfg points here
so `scrapy` commands also work from the project root.
"""

from __future__ import annotations

from typing import Any

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


def crawl_settings(*, catalogue_url: str, files_dir: str, http_cache_dir: str, delay_s: float,
                   timeout_s: float, log_level: str = "INFO") -> dict[str, Any]:
    """Settings of one crawl, layered over this module's defaults."""
    return {
        "CONCEJO_CATALOGUE_URL": catalogue_url,
        "FILES_STORE": f"archive://{files_dir}",
        "HTTPCACHE_DIR": http_cache_dir,
        "DOWNLOAD_DELAY": delay_s,
        "AUTOTHROTTLE_ENABLED": delay_s > 0,
        "CLOSESPIDER_TIMEOUT": timeout_s,
        "LOG_LEVEL": log_level,
    }
