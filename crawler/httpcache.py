"""The HTTP cache policy of listing pages: RFC 2616 revalidation, except that a server error never passes
for the cached page.

Scrapy's RFC2616Policy answers a 5xx to a revalidation with the cached copy, so RetryMiddleware never sees
the error: a listing page that fails once is served stale, and what it newly lists is silently missed. Here
only a 304 confirms the cached copy; a 5xx goes on to the retries, and a page that fails through every
retry is recorded as failed (crawler.page_failures). Files never go through the cache (crawler.pipelines).
"""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304
