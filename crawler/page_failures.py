"""Listing pages the crawl could not fetch, recorded with a plain reason: a crawl that missed a page never
passes for complete.

A downloader middleware placed after RetryMiddleware (nearer the engine), so it sees a page's final answer
once its retries are spent: an HTTP error status, or an exception (a timeout, a refused connection). Each
is kept in the stat `concejo/ledger/pages_failed` as {"url", "reason"}; the crawl's ledger lists them with
the failed files, and the crawl step then withdraws nothing (what the page listed was not seen). File
downloads (the files pipeline's requests) and robots.txt are not pages: their outcomes are recorded elsewhere.
Requests the source does not allow (crawler.guard) and pages robots.txt forbids are refusals, not failures.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError

STAT = "concejo/ledger/pages_failed"
# Pages deliberately not fetched (refused by the source's hosts, forbidden by robots.txt): not failures, but
# what they list was not seen either, so the crawl withdraws nothing.
SKIPPED = "concejo/pages_skipped"


class PageFailuresMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.request_timeout_s = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if response.status >= 400 and _is_page(request):
            self._record(request.url, f"HTTP {response.status} from the portal")
        return response

    def process_exception(self, request, exception, spider=None) -> None:
        if not _is_page(request):
            return
        if isinstance(exception, IgnoreRequest):
            self.crawler.stats.inc_value(SKIPPED)
            return
        self._record(request.url, self._reason(exception))

    def _reason(self, exception: Exception) -> str:
        if isinstance(exception, TimeoutError):
            return f"the server did not answer within {self.request_timeout_s:g} s (CONCEJO_CRAWL_REQUEST_TIMEOUT_S)"
        if isinstance(exception, DNSLookupError):
            return "the server's name could not be resolved"
        if isinstance(exception, ConnectionRefusedError):
            return "the server refused the connection"
        return f"{type(exception).__name__}: {exception}"[:300] if str(exception) else type(exception).__name__

    def _record(self, url: str, reason: str) -> None:
        stats = self.crawler.stats
        failed = stats.get_value(STAT) or []
        if all(entry["url"] != url for entry in failed):
            stats.set_value(STAT, [*failed, {"url": url, "reason": reason}])
        self.crawler.spider.logger.error("listing page not fetched: %s (%s)", url, reason)


def _is_page(request) -> bool:
    """A request of the spider's (a listing page), not a file download or robots.txt."""
    return request.callback is not NO_CALLBACK
