"""Backoff: a portal that answers 429 or 5xx is asked less often, not just asked again.

Scrapy's RetryMiddleware retries such answers but at the same pace, and AutoThrottle never slows down for
them. This middleware, which sees each answer before the retry middleware, doubles the delay of the
answering host's download slot (from CONCEJO_BACKOFF_START_S, up to CONCEJO_BACKOFF_MAX_S), or sets it to
the Retry-After the portal states when that is longer (within the same bound); every good answer halves it
back towards the source's politeness delay. Nothing here waits itself: the downloader spaces the requests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

BACKOFF_CODES = frozenset({429, 500, 502, 503, 504, 522, 524})


class BackoffMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.base_delay = settings.getfloat("DOWNLOAD_DELAY")
        self.start = settings.getfloat("CONCEJO_BACKOFF_START_S", 1.0)
        self.max = settings.getfloat("CONCEJO_BACKOFF_MAX_S", 60.0)

    @classmethod
    def from_crawler(cls, crawler) -> BackoffMiddleware:
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        slot = self._slot(request)
        if slot is None:
            return response
        if response.status in BACKOFF_CODES:
            slowed = max(self.start, slot.delay * 2, retry_after_s(response.headers.get("Retry-After")))
            slot.delay = min(self.max, slowed)
            self.crawler.stats.inc_value("concejo/backoffs")
            self.crawler.stats.max_value("concejo/backoff_max_delay_s", slot.delay)
        elif response.status < 400 and slot.delay > self.base_delay:
            slot.delay = max(self.base_delay, slot.delay / 2)
        return response

    def _slot(self, request):
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        key = request.meta.get("download_slot")
        return downloader.slots.get(key) if downloader is not None and key is not None else None


def retry_after_s(value: bytes | None) -> float:
    """Seconds a Retry-After header asks for (a number of seconds or an HTTP date); 0 when absent or unreadable."""
    if not value:
        return 0.0
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
