"""The crawl -> archive contract: what a spider of any portal family hands to the pipelines.

Every item carries its council (`council_slug`, `council_name`, from the source's configuration).
"""

from __future__ import annotations

import scrapy


class CommissionItem(scrapy.Item):
    """A council commission: its name, mission, members with their roles, and schedule."""

    council_slug = scrapy.Field()
    council_name = scrapy.Field()
    slug = scrapy.Field()
    name = scrapy.Field()
    mission = scrapy.Field()  # str | None
    members = scrapy.Field()  # list[{"name": str, "role": str | None}], as published; empty names stay empty
    schedule = scrapy.Field()
    source_url = scrapy.Field()


class MemberItem(scrapy.Item):
    """A member of the council's body (plenary), as its members page lists them."""

    council_slug = scrapy.Field()
    council_name = scrapy.Field()
    name = scrapy.Field()  # as published, honorifics included ("Sr. Lucio Velis Canales")
    role = scrapy.Field()  # as published ("ALCALDE MUNICIPAL"), or None
    body = scrapy.Field()  # the heading it is listed under ("Concejo Municipal 2018 - 2021"), or None
    source_url = scrapy.Field()


class SessionItem(scrapy.Item):
    """One session as listed on the portal, with the documents linked from it.

    `documents` is a list of {"key", "kind", "title", "url"}: files to download and archive.
    `links` is a list of {"kind", "title", "url"}: audio, video and pages kept as links, never downloaded.
    `file_urls`/`files` are the files pipeline's fields (the documents' URLs, then the download results).
    A spider that cannot tell the session's date or number from the listing leaves them None: extraction
    reads them from the document text later.
    """

    council_slug = scrapy.Field()
    council_name = scrapy.Field()
    key = scrapy.Field()
    session_type = scrapy.Field()  # folded vocabulary: "ordinaria", "extraordinaria", "especial", ...
    number = scrapy.Field()  # int | None, as the listing states it
    date = scrapy.Field()  # ISO yyyy-mm-dd, or None
    title = scrapy.Field()
    commission_slug = scrapy.Field()  # None for plenary sessions
    source_url = scrapy.Field()
    documents = scrapy.Field()
    links = scrapy.Field()
    file_urls = scrapy.Field()
    files = scrapy.Field()


class DocumentItem(scrapy.Item):
    """A council document that belongs to no single listed session (a quarterly bundle of minutes, say).

    Same fields as a SessionItem's document, plus the council; archived like any other document.
    """

    council_slug = scrapy.Field()
    council_name = scrapy.Field()
    key = scrapy.Field()
    kind = scrapy.Field()
    title = scrapy.Field()
    date = scrapy.Field()  # ISO yyyy-mm-dd when the listing gives one, else None
    source_url = scrapy.Field()
    url = scrapy.Field()
    file_urls = scrapy.Field()
    files = scrapy.Field()
