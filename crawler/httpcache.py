"""The HTTP cache of listing pages: RFC 2616 revalidation, except that a failure never passes for the
cached page.

Scrapy's RFC2616Policy answers a 5xx to a revalidation with the cached copy, and its HttpCacheMiddleware
answers a download error (a timeout, a refused connection) with it too: RetryMiddleware never sees the
failure, the page is served stale, and what it newly lists is silently missed. Here only a 304 confirms
the cached copy; a 5xx or a download error goes on to the retries, and a page that fails through every
retry is recorded as failed (crawler.page_failures). Files never go through the cache (crawler.pipelines).
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304


class RevalidatingCacheMiddleware(HttpCacheMiddleware):
    def process_exception(self, request: Request, exception: Exception, spider=None) -> None:
        request.meta.pop("cached_response", None)  # never the stale copy instead of a retry
