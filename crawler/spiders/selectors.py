"""The "selectors" family: councils whose site is a table or list of links on a plain page, described by
CSS or XPath selectors in the source's options. Adding such a council is configuration only.

Selectors: CSS unless the value starts with "/", "(", "./" or "../" (then XPath); a "css:" or "xpath:"
prefix says so explicitly. Selectors of a row, card or item are relative to it (in XPath write "./td[2]",
not "//td[2]", which searches the whole page). A text field is the text of the first node found, every
descendant's text included, whitespace collapsed; a link field is that node's href.

Options (`[sources.options]` of a source with family = "selectors"):

    # Which start URL is which kind of page, by its path. Kinds: sessions, commission_index, commission,
    # members, documents; each reads the table of the same name below.
    pages = [
      { path = "/ordenydiariosesion.html", kind = "sessions" },
      { path = "/comisiones.html", kind = "commission_index" },
    ]

    [sources.options.sessions]                  # a listing of plenary sessions
    blocks = "article.tabla-cont"               # optional: blocks of rows, each of one document kind
    heading = "span.tabla-heading"              # optional: a block's heading, looked up in `kinds`
    kinds = { "Órdenes del Día" = "orden_del_dia", "Diario de Sesiones" = "acta" }
    kind = "acta"                               # the kind of a block without a heading in `kinds`
    groups = "div.contentBx"                    # optional: year groups within a block
    group_label = "div.label"                   # a group's label ("2020")
    rows = "tbody tr"                           # required: one session row
    period = "td[data-heading=Periodo]"         # per row, each optional: "135°"
    number = "td[data-heading='N°']"            # "01" -> 1
    date = "td[data-heading=Fecha]"             # read with date_formats -> "2020-03-01"
    date_formats = ["%d/%m/%Y"]                 # required; tried in order
    type = "td[data-heading=Comentario]"        # "SESIÓN ORDINARIA" -> "ordinaria" (the text stays in titles)
    link = "td[data-heading=Estado] a"          # the row's document (a recording: kept as a link)
    recordings = "td.video a"                   # optional: links in a row kept as links (audio, video)
    follow = "nav.anios a"                      # optional: links to more pages of this listing (years, pages)
    key = ["period", "number"]                  # which fields identify a session (default ["date", "type"])

    [sources.options.session_types]             # optional: the source's own wording -> session type,
    "apertura camara" = "inaugural"             #   checked before the built-in words (listing_values.py)

    [sources.options.commission_index]          # a page linking to each commission's page
    links = "a.box-link"                        # one link per commission, followed
    name = "h2"                                 # optional: the name within the link (default its text)

    [sources.options.commission]                # a commission's page (also reached from the index)
    name = "article.descripcion-comision > span.tabla-heading"
    mission = "article.descripcion-comision > p"    # optional
    schedule = ".horario"                       # optional
    members = "article.descripcion-comision div.contentBx"   # optional: member cards
    member_name = "span"                        # within a card; an empty name stays empty
    member_role = "small"                       # within a card

    [sources.options.commission.sessions]       # optional: the commission's own sessions on its page,
    rows = "table.sesiones tbody tr"            #   with every option of [sources.options.sessions]
    date = "td:nth-child(1)"                    #   (keys start with the commission's slug, not "pleno")
    date_formats = ["%d/%m/%Y"]
    link = "td:nth-child(2) a"
    key = ["date"]

    [sources.options.members]                   # the council's members page
    body = "#hotels .section-header h2"         # optional: the heading they are listed under
    cards = "div.hotel"
    name = "h3"
    role = "p"                                  # optional

    [[sources.options.documents]]               # council documents among a page's other links
    items = "xpath://li[a[@data-toggle='collapse']]"   # optional: candidate items (default: the page)
    title = "./a[@data-toggle='collapse']"      # an item's title ...
    title_is = "Actas del consejo Municipal y otros."  # ... keeps only the item so titled (folded match)
    links = ".//a[@href][not(@data-toggle)]"    # the document links within the kept items
    link_text = '(?i)\\bactas?\\b'              # optional: a regular expression the link text must match
    url_pattern = '\\.pdf$|/download$'          # optional: one the href must match (TOML '...': no escapes)
    kind = "acta"                               # the documents' kind

What it yields: a SessionItem per session of a listing (rows with the same key are one session with one
document per row: an agenda row and a minutes row of the same period and number are one session with two
documents; audio and video links are the session's `links`, never downloaded); a CommissionItem per
commission page; a MemberItem per member card; a DocumentItem per link a documents block keeps (a
document of no single listed session, e.g. a quarterly bundle of minutes).

Rules it keeps: a value the page does not state stays None (or "" for a member's name); nothing is guessed.
When rows of one session disagree (a date, a type), the first row in page order decides and the
disagreement is logged and counted (concejo/listing_conflicts); each document's title keeps its own row's
wording. A document linked from several rows is listed once, under the first row's session
(concejo/repeated_links). Links to other hosts are yielded like any other: the crawl's guard downloads
them only when the source's allowed_hosts names their host. A page that yields nothing its options
expect (no rows, no cards, no commission links, a documents item that is gone) is a layout change,
reported loudly by CouncilSpider.layout_changed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from concejo.config import ConfigError
from concejo.sources import Source
from crawler.guard import is_fetchable_link
from crawler.items import CommissionItem, DocumentItem, MemberItem, SessionItem
from crawler.spiders.base import CouncilSpider
from crawler.spiders.selector_options import SessionListing, href_of_node, read_options, select
from crawler.spiders.selector_pages import (
    ListedSession,
    ListingRow,
    commission_links,
    commission_of,
    document_links,
    group_sessions,
    listing_rows,
    members_of,
)
from crawler.vocabulary import slugify

# Further pages of a listing (`follow`) one crawl reads at most: a chain of "next page" links must end.
MAX_LISTING_PAGES = 500

class SelectorsSpider(CouncilSpider):
    name = "selectors"

    def __init__(self, source: Source | str, *args, **kwargs) -> None:
        super().__init__(source, *args, **kwargs)
        where = f"source {self.source.slug}"
        self.options = read_options(self.source.options, where)
        self.followed_listing_pages: set[str] = set()
        self.start_kinds = {}
        for url in self.start_urls:
            kind = self.options.kind_of(urlsplit(url).path or "/")
            if kind is None:
                raise ConfigError(f"{where}: start URL {url} is not named in options.pages; add "
                                  f"{{ path = \"{urlsplit(url).path or '/'}\", kind = \"...\" }}")
            self.start_kinds[url] = kind

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Each start URL, parsed as the kind of page options.pages names it."""
        callbacks = {"sessions": self.parse_sessions, "commission_index": self.parse_commission_index,
                     "commission": self.parse_commission, "members": self.parse_members,
                     "documents": self.parse_documents}
        for url, kind in self.start_kinds.items():
            yield scrapy.Request(url, callbacks[kind])

    def parse_sessions(self, response: Response) -> Iterator[SessionItem | scrapy.Request]:
        """A session listing: its rows, grouped into sessions by the configured key; and the listing's
        further pages (`follow`), read the same way."""
        listing = self.options.sessions
        more = [href for node in (select(response.selector, listing.follow) if listing.follow else [])
                if (href := href_of_node(node))]
        if more:
            yield from self.follow_links(response, self._within_bound(response, more), self.parse_sessions,
                                         "listing pages")
        rows = listing_rows(response.selector, listing, response.urljoin, self.options.session_types)
        if not rows and not more:
            self.layout_changed(response, f"no session rows ({listing.rows})")
        yield from self._sessions(response, listing, rows)

    def _within_bound(self, response: Response, hrefs: list[str]) -> list[str]:
        """The listing's further pages up to MAX_LISTING_PAGES in all; the rest are counted as pages skipped
        (so the crawl withdraws nothing) and logged: an endless "next page" chain must end."""
        followed = self.followed_listing_pages
        kept = []
        for href in hrefs:
            url = response.urljoin(href)
            if url in followed or len(followed) < MAX_LISTING_PAGES:
                followed.add(url)
                kept.append(href)
            else:
                self.crawler.stats.inc_value("concejo/pages_skipped")
                self.logger.warning("source %s: more than %d listing pages; %s not followed", self.source.slug,
                                    MAX_LISTING_PAGES, url)
        return kept

    def _sessions(self, response: Response, listing: SessionListing, rows: list[ListingRow],
                  commission: tuple[str, str] | None = None) -> Iterator[SessionItem]:
        """The rows' sessions, each row's problems logged and counted; `commission` is (slug, name)."""
        rows = [self._fetchable(row, response) for row in rows]
        for row in rows:
            if row.date and row.date_iso is None:
                self.logger.warning("source %s: date %r on %s fits none of %s", self.source.slug, row.date,
                                    response.url, list(listing.date_formats))
                self.crawler.stats.inc_value("concejo/dates_not_understood")
        grouped = group_sessions(rows, listing.key, commission[0] if commission else "pleno")
        for row in grouped.unkeyed:
            self.logger.warning("source %s: a row without %s on %s cannot be told apart and is left out: %s",
                                self.source.slug, "/".join(listing.key), response.url, row)
            self.crawler.stats.inc_value("concejo/rows_without_key")
        for url, row in grouped.repeated_links:
            self.logger.warning("source %s: %s is linked again by «%s» on %s; listed once, under the first",
                                self.source.slug, url, row.title(), response.url)
            self.crawler.stats.inc_value("concejo/repeated_links")
        for session in grouped.sessions:
            yield self._session_item(session, response, commission)

    def _fetchable(self, row: ListingRow, response: Response) -> ListingRow:
        """A row whose link is not http(s) (javascript:, mailto:, #...) keeps its session, not the link."""
        if row.url is None or is_fetchable_link(row.url) and not _same_page(row.url, response.url):
            return row
        self.skip_link(response, row.url)
        return replace(row, url=None)

    def _session_item(self, session: ListedSession, response: Response,
                      commission: tuple[str, str] | None) -> SessionItem:
        for conflict in session.conflicts:
            self.logger.warning("source %s: session %s on %s: %s; the first row's value is kept",
                                self.source.slug, session.key, response.url, conflict)
            self.crawler.stats.inc_value("concejo/listing_conflicts")
        return SessionItem(
            **self.council, key=session.key, session_type=session.first("type"),
            number=session.first("number"), date=session.first("date"),
            title=f"{session.title()} — {commission[1]}" if commission else session.title(),
            commission_slug=commission[0] if commission else None, source_url=response.url,
            documents=session.documents, links=session.links, file_urls=[d["url"] for d in session.documents],
        )

    def parse_commission_index(self, response: Response) -> Iterator[scrapy.Request]:
        """The commissions index: follow each commission's page, carrying the name the index gives it."""
        links = commission_links(response.selector, self.options.commission_index)
        if not links:
            self.layout_changed(response, f"no commission links ({self.options.commission_index.links})")
        for name, href in links:
            if not href:
                self.skip_link(response, "")
                continue
            yield from self.follow_links(response, [href], self.parse_commission, "commission link",
                                         index_name=name)

    def parse_commission(self, response: Response,
                         index_name: str | None = None) -> Iterator[CommissionItem | SessionItem]:
        """A commission's page: name, mission, schedule, member cards; then its sessions, when its page lists
        them (a commission without sessions yet is no layout change)."""
        found = commission_of(response.selector, self.options.commission)
        name = found["name"] or index_name
        if not name:
            self.layout_changed(response, f"commission page without a name ({self.options.commission.name})")
            return
        if self.options.commission.members and not found["members"]:
            self.layout_changed(response, f"commission page without member cards "
                                          f"({self.options.commission.members})")
        slug = slugify(name)
        yield CommissionItem(**self.council, slug=slug, name=name, mission=found["mission"],
                             members=found["members"], schedule=found["schedule"], source_url=response.url)
        listing = self.options.commission.sessions
        if listing is not None:
            rows = listing_rows(response.selector, listing, response.urljoin, self.options.session_types)
            yield from self._sessions(response, listing, rows, (slug, name))

    def parse_members(self, response: Response) -> Iterator[MemberItem]:
        """The council's members page: one item per card, names and roles as published."""
        body, cards = members_of(response.selector, self.options.members)
        if not cards:
            self.layout_changed(response, f"no member cards ({self.options.members.cards})")
        for card in cards:
            yield MemberItem(**self.council, name=card["name"], role=card["role"], body=body,
                             source_url=response.url)

    def parse_documents(self, response: Response) -> Iterator[DocumentItem]:
        """A page of mixed links: only what each documents block keeps is a council document."""
        seen: set[str] = set()  # a document kept by two blocks is still one document
        for block in self.options.documents:
            found = document_links(response.selector, block)
            what = f"item «{block.title_is}»" if block.title_is else f"links ({block.links})"
            if not found.items:
                self.layout_changed(response, f"no {what}")
            elif not found.links:
                self.layout_changed(response, f"no document links in {what}")
            for text, href in found.links:
                url = response.urljoin(href)
                if href.startswith("#") or not is_fetchable_link(url):
                    self.skip_link(response, href)
                    continue
                if url in seen:
                    continue
                seen.add(url)
                yield DocumentItem(**self.council, key=self._document_key(url, response),
                                   kind=block.kind, title=text, date=None, source_url=response.url, url=url,
                                   file_urls=[url])

    def _document_key(self, url: str, response: Response) -> str:
        """A document's key from its URL: path and query on the page's own host, with the host elsewhere."""
        parts = urlsplit(url)
        where = f"{parts.path}?{parts.query}" if parts.query else parts.path
        if parts.netloc != urlsplit(response.url).netloc:
            where = parts.netloc + where
        return f"documento/{slugify(where)}"


def _same_page(url: str, page_url: str) -> bool:
    """True for a link back to the page itself (an "#anchor" or an empty href, once joined)."""
    return urlsplit(url)[:4] == urlsplit(page_url)[:4]
