"""What the selectors family reads off each kind of page, as plain values: listing rows grouped into
sessions, commission links, a commission, members, and the council documents among a page's links.

Pure functions over a parsed page and the source's selectors (crawler/spiders/selector_options.py); the
spider turns their results into items. Nothing here fetches, logs or invents a value: what a page does
not state stays empty or None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from parsel import Selector

from crawler.spiders.listing_values import clean_text, fold_session_type, parse_date, parse_int
from crawler.spiders.selector_options import (
    CommissionIndex,
    CommissionPage,
    DocumentLinks,
    MembersPage,
    SessionListing,
    href_of,
    href_of_node,
    select,
    text_of,
)
from crawler.vocabulary import fold, media_kind, slugify

UrlJoin = Callable[[str], str]


@dataclass(frozen=True)
class ListingRow:
    """One row of a session listing: the published texts, and the values read from them."""

    kind: str  # document kind of the row's link ("orden_del_dia")
    block: str  # the block's heading as published ("Órdenes del Día"), "" without one
    group: str  # the year group's label as published ("2020"), "" without groups
    period: str  # as published ("135°")
    number: str  # as published ("01")
    date: str  # as published ("01/03/2020")
    type: str  # as published ("APERTURA CÁMARA")
    url: str | None  # the document's absolute URL; None for a row whose link has no target
    recordings: tuple[tuple[str, str], ...]  # (link text, absolute URL) of links kept as links
    period_value: int | None
    number_value: int | None
    date_iso: str | None
    session_type: str | None

    def value(self, name: str) -> str | int | None:
        """A session-key field's value ("period", "number", "date", "type"), None when the row has none."""
        return {"period": self.period_value, "number": self.number_value, "date": self.date_iso,
                "type": self.session_type}[name]

    def title(self) -> str:
        """The session as this row words it: "Sesión ORDINARIA Nº 05, período 135°, 14/05/2020"."""
        label = self.type if fold(self.type).startswith("sesion") else f"Sesión {self.type}".strip()
        parts = [f"{label} Nº {self.number}" if self.number else label]
        if self.period:
            parts.append(f"período {self.period}")
        if self.date:
            parts.append(self.date)
        return ", ".join(parts)


@dataclass
class ListedSession:
    """Rows of one session (same key), merged: the first stated value of each field wins."""

    key: str
    rows: list[ListingRow]
    documents: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)  # recordings, kept as links
    conflicts: list[str] = field(default_factory=list)  # values a later row states differently, described

    def first(self, name: str) -> str | int | None:
        return next((row.value(name) for row in self.rows if row.value(name) is not None), None)

    def title(self) -> str:
        return next((row.title() for row in self.rows if row.type), self.rows[0].title())


@dataclass
class GroupedListing:
    sessions: list[ListedSession]
    unkeyed: list[ListingRow]  # rows lacking a key field: they cannot be told apart, so they are reported
    repeated_links: list[tuple[str, ListingRow]]  # (url, the later row that links it again)


def listing_rows(page: Selector, listing: SessionListing, urljoin: UrlJoin,
                 session_types: Mapping[str, str] | None = None) -> list[ListingRow]:
    """Every row of a session listing, in page order."""
    rows = []
    blocks = select(page, listing.blocks) if listing.blocks else [page]
    for block in blocks:
        heading = text_of(block, listing.heading)
        kind = (listing.kinds.get(fold(heading)) or listing.kind
                or slugify(heading).replace("-", "_") or "documento")
        groups = select(block, listing.groups) if listing.groups else [block]
        for group in groups:
            label = text_of(group, listing.group_label)
            for row in select(group, listing.rows):
                rows.append(_row(row, listing, urljoin, session_types, kind=kind, block=heading, group=label))
    return rows


def _row(row: Selector, listing: SessionListing, urljoin: UrlJoin, session_types: Mapping[str, str] | None,
         **where: str) -> ListingRow:
    period, number = text_of(row, listing.period), text_of(row, listing.number)
    date, type_ = text_of(row, listing.date), text_of(row, listing.type)
    href = href_of(row, listing.link) if listing.link else None
    recordings = []
    for link in select(row, listing.recordings) if listing.recordings else []:
        target = href_of_node(link)
        if target:
            recordings.append((clean_text(link.xpath("string()").get()), urljoin(target)))
    return ListingRow(
        **where, period=period, number=number, date=date, type=type_, url=urljoin(href) if href else None,
        recordings=tuple(recordings),
        period_value=parse_int(period), number_value=parse_int(number),
        date_iso=parse_date(date, listing.date_formats), session_type=fold_session_type(type_, session_types),
    )


def group_sessions(rows: list[ListingRow], key_fields: tuple[str, ...],
                   series: str = "pleno") -> GroupedListing:
    """Rows with the same key are one session; a document linked from several rows belongs to the first.
    Recordings (audio, video: concejo_abierto.media_kind) are kept as the session's links, never files.
    Keys start with the series: "pleno" for plenary sessions, a commission's slug for its own."""
    sessions: dict[str, ListedSession] = {}
    unkeyed, repeated = [], []
    claimed: set[str] = set()
    for row in rows:
        values = [row.value(name) for name in key_fields]
        if any(value is None for value in values):
            unkeyed.append(row)
            continue
        parts = (_key_part(name, value) for name, value in zip(key_fields, values, strict=True))
        key = f"{series}-" + "-".join(parts)
        session = sessions.setdefault(key, ListedSession(key, []))
        _note_conflicts(session, row)
        session.rows.append(row)
        recordings = list(row.recordings)
        if row.url is not None and media_kind(row.url):  # a recording in the document column
            recordings.append(("", row.url))
        for text, url in recordings:
            if url not in {link["url"] for link in session.links}:
                session.links.append({"kind": media_kind(url) or "enlace", "title": text or row.title(),
                                      "url": url})
        if row.url is None or media_kind(row.url):
            continue
        if row.url in claimed:
            repeated.append((row.url, row))
            continue
        claimed.add(row.url)
        session.documents.append({"key": _document_key(session, row.kind), "kind": row.kind,
                                  "title": f"{row.block or row.kind} — {row.title()}", "url": row.url})
    return GroupedListing(list(sessions.values()), unkeyed, repeated)


def _key_part(name: str, value: str | int) -> str:
    return {"period": f"p{value}", "number": f"n{value}"}.get(name, str(value))


def _note_conflicts(session: ListedSession, row: ListingRow) -> None:
    for name in ("date", "type", "number"):
        first = next((known for known in session.rows if known.value(name) is not None), None)
        new = row.value(name)
        if first is not None and new is not None and new != first.value(name):
            session.conflicts.append(f"{name} {first.value(name)} in «{first.block or first.kind}», "
                                     f"{new} in «{row.block or row.kind}»")


def _document_key(session: ListedSession, kind: str) -> str:
    taken = {document["key"] for document in session.documents}
    key, n = f"{session.key}/{kind}", 2
    while key in taken:
        key, n = f"{session.key}/{kind}-{n}", n + 1
    return key


def commission_links(page: Selector, index: CommissionIndex) -> list[tuple[str, str]]:
    """(name, href) of each commission the index links to; the name is the link's text without `name`."""
    found = []
    for link in select(page, index.links):
        href = href_of_node(link) or ""
        found.append((text_of(link, index.name) if index.name else text_of(link, "xpath:."), href))
    return found


def commission_of(page: Selector, options: CommissionPage) -> dict:
    """A commission page's name, mission, schedule and member cards ({"name", "role"}, names as published,
    an empty card name left empty)."""
    members = []
    for card in select(page, options.members) if options.members else []:
        members.append({"name": text_of(card, options.member_name),
                        "role": text_of(card, options.member_role) or None})
    return {"name": text_of(page, options.name), "mission": text_of(page, options.mission) or None,
            "schedule": text_of(page, options.schedule) or None, "members": members}


def members_of(page: Selector, options: MembersPage) -> tuple[str | None, list[dict[str, str | None]]]:
    """The body heading the members are listed under, and each card's name and role as published."""
    cards = [{"name": text_of(card, options.name), "role": text_of(card, options.role) or None}
             for card in select(page, options.cards)]
    return text_of(page, options.body) or None, cards


@dataclass
class DocumentBlock:
    items: int  # how many items the block's title filter kept (1 for a block without items)
    links: list[tuple[str, str]]  # (link text, href) of the council documents, in page order, each href once


def document_links(page: Selector, block: DocumentLinks) -> DocumentBlock:
    """The links of one documents block: within the items whose title is `title_is` (every item without
    it), the links whose text matches `link_text` and whose href matches `url_pattern` (when set)."""
    items = select(page, block.items) if block.items else [page]
    if block.title_is:
        wanted = fold(block.title_is)
        items = [item for item in items if fold(text_of(item, block.title)) == wanted]
    links, seen = [], set()
    for item in items:
        for link in select(item, block.links):
            text, href = clean_text(link.xpath("string()").get()), href_of_node(link)
            if not href or href in seen:
                continue
            if block.link_text and not block.link_text.search(text):
                continue
            if block.url_pattern and not block.url_pattern.search(href):
                continue
            seen.add(href)
            links.append((text, href))
    return DocumentBlock(len(items), links)
