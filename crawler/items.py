"""The crawl -> archive contract: what a spider hands to the pipelines."""

from __future__ import annotations

import scrapy


class CommissionItem(scrapy.Item):
    """A council commission: its name, members and schedule."""

    council_slug = scrapy.Field()
    council_name = scrapy.Field()
    slug = scrapy.Field()
    name = scrapy.Field()
    members = scrapy.Field()  # list[str], as published ("Concejal X — Presidenta")
    schedule = scrapy.Field()
    source_url = scrapy.Field()


class SessionItem(scrapy.Item):
    """One session as listed on the portal, with the documents linked from it.

    `documents` is a list of {"key", "kind", "title", "url"}; `file_urls`/`files` are the files
    pipeline's fields (the same URLs, then the download results).
    """

    council_slug = scrapy.Field()
    council_name = scrapy.Field()
    key = scrapy.Field()
    session_type = scrapy.Field()
    date = scrapy.Field()  # ISO yyyy-mm-dd
    title = scrapy.Field()
    commission_slug = scrapy.Field()  # None for plenary sessions
    source_url = scrapy.Field()
    documents = scrapy.Field()
    file_urls = scrapy.Field()
    files = scrapy.Field()
