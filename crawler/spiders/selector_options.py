"""The selectors family's settings, read from a source's `options` and checked before any request.

A selector is CSS unless it starts with "/", "(", "./" or "../" (XPath); a "css:" or "xpath:" prefix says
so explicitly. `crawler/spiders/selectors.py` documents every option. This module never fetches anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cssselect import SelectorError
from parsel import Selector, SelectorList

from concejo.config import ConfigError
from crawler.vocabulary import fold

PAGE_KINDS = ("sessions", "commission_index", "commission", "members", "documents")
SESSION_KEY_FIELDS = ("period", "number", "date", "type")
_XPATH_START = ("/", "(", "./", "../")
_PROBE = Selector(text="<html><body></body></html>")


def select(node: Selector, query: str) -> SelectorList:
    """The nodes `query` (CSS or XPath, see the module docstring) finds under `node`."""
    if query.startswith("xpath:"):
        return node.xpath(query[len("xpath:"):])
    if query.startswith("css:"):
        return node.css(query[len("css:"):])
    return node.xpath(query) if query.startswith(_XPATH_START) else node.css(query)


def text_of(node: Selector, query: str | None) -> str:
    """The text of the first node `query` finds (its descendants' text, whitespace collapsed); "" if none."""
    if not query:
        return ""
    found = select(node, query)
    if not found:
        return ""
    first = found[0]
    raw = first.xpath("string()").get() if hasattr(first.root, "tag") else first.get()
    return " ".join((raw or "").split())


def href_of(node: Selector, query: str) -> str | None:
    """The href of the first node `query` finds (an element's href attribute, or an attribute node itself);
    None when there is no such node or it has no href (a link without a target stays without one)."""
    found = select(node, query)
    return href_of_node(found[0]) if found else None


def href_of_node(node: Selector) -> str | None:
    """A found node's href: an element's href attribute, or the node itself when it is an attribute."""
    value = node.attrib.get("href") if hasattr(node.root, "tag") else node.get()
    return (value or "").strip() or None


@dataclass(frozen=True)
class Page:
    path: str  # the start URL's path this entry names
    kind: str  # one of PAGE_KINDS


@dataclass(frozen=True)
class SessionListing:
    rows: str
    date_formats: tuple[str, ...]
    blocks: str | None = None
    heading: str | None = None
    kinds: Mapping[str, str] = field(default_factory=dict)  # folded heading -> document kind
    kind: str | None = None
    groups: str | None = None
    group_label: str | None = None
    period: str | None = None
    number: str | None = None
    date: str | None = None
    type: str | None = None
    link: str | None = None
    recordings: str | None = None  # links in a row kept as links (audio, video), never downloaded
    follow: str | None = None  # links to more pages of the same listing (other years, next pages)
    key: tuple[str, ...] = ("date", "type")


@dataclass(frozen=True)
class CommissionIndex:
    links: str
    name: str | None = None


@dataclass(frozen=True)
class CommissionPage:
    name: str
    members: str | None = None
    member_name: str | None = None
    member_role: str | None = None
    mission: str | None = None
    schedule: str | None = None
    sessions: SessionListing | None = None  # the commission's own session listing, if its page has one


@dataclass(frozen=True)
class MembersPage:
    cards: str
    name: str
    role: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class DocumentLinks:
    links: str
    kind: str
    items: str | None = None
    title: str | None = None
    title_is: str | None = None
    link_text: re.Pattern[str] | None = None
    url_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class SelectorOptions:
    pages: tuple[Page, ...]
    sessions: SessionListing | None = None
    commission_index: CommissionIndex | None = None
    commission: CommissionPage | None = None
    members: MembersPage | None = None
    documents: tuple[DocumentLinks, ...] = ()
    session_types: Mapping[str, str] = field(default_factory=dict)

    def kind_of(self, path: str) -> str | None:
        """The kind of the start page at `path`, None if no page entry names it."""
        for page in self.pages:
            if page.path == path:
                return page.kind
        return None


OPTIONS = ("pages", "sessions", "commission_index", "commission", "members", "documents", "session_types")


def read_options(options: Mapping[str, Any], where: str) -> SelectorOptions:
    """The selectors family's settings; a ConfigError names the source and the option that is wrong."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:  # a misspelt option would otherwise be ignored, and its part of the site never read
        raise ConfigError(f"{where}: unknown selectors options {', '.join(unknown)}; known: {', '.join(OPTIONS)}")
    pages = tuple(_page(entry, f"{where}: options.pages") for entry in _list(options.get("pages"), where,
                                                                             "options.pages"))
    if not pages:
        raise ConfigError(f"{where}: options.pages is empty: name each start page, e.g. "
                          "pages = [{ path = \"/sesiones.html\", kind = \"sessions\" }]")
    read = {
        "sessions": _sessions, "commission_index": _commission_index, "commission": _commission,
        "members": _members,
    }
    parts = {name: reader(options[name], f"{where}: options.{name}")
             for name, reader in read.items() if options.get(name) is not None}
    documents = tuple(_documents(entry, f"{where}: options.documents")
                      for entry in _list(options.get("documents"), where, "options.documents"))
    session_types = options.get("session_types") or {}
    if not isinstance(session_types, Mapping):
        raise ConfigError(f"{where}: options.session_types must be a table of wording -> session type")
    result = SelectorOptions(pages=pages, documents=documents, session_types=dict(session_types), **parts)
    needed = {page.kind for page in pages} | ({"commission"} if result.commission_index else set())
    for kind in needed:
        if kind == "documents" and not documents or kind != "documents" and getattr(result, kind) is None:
            raise ConfigError(f"{where}: a page of kind {kind!r} needs the options.{kind} selectors")
    return result


def _list(value: Any, where: str, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"{where}: {name} must be a list of tables")
    return value


def _table(value: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table")
    unknown = set(value) - set(required) - set(optional)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))} (known: "
                          f"{', '.join(required + optional)})")
    missing = [key for key in required if not value.get(key)]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    return dict(value)


def _selectors(table: dict[str, Any], names: tuple[str, ...], where: str) -> None:
    """Every selector must parse: a typo fails when the source is read, not halfway through a crawl."""
    for name in names:
        query = table.get(name)
        if query is None:
            continue
        if not isinstance(query, str):
            raise ConfigError(f"{where}.{name} must be a CSS or XPath selector (text)")
        try:
            select(_PROBE, query)
        except (SelectorError, ValueError) as exc:  # cssselect's errors for CSS, ValueError for XPath
            raise ConfigError(f"{where}.{name}: {query!r} is not a valid selector: {exc}") from None


def _page(value: Any, where: str) -> Page:
    table = _table(value, where, ("path", "kind"), ())
    if table["kind"] not in PAGE_KINDS:
        raise ConfigError(f"{where}: kind {table['kind']!r} is not one of {', '.join(PAGE_KINDS)}")
    return Page(path=str(table["path"]), kind=str(table["kind"]))


def _sessions(value: Any, where: str) -> SessionListing:
    queries = ("rows", "blocks", "heading", "groups", "group_label",
               "period", "number", "date", "type", "link", "recordings", "follow")
    table = _table(value, where, ("rows", "date_formats"), (*queries[1:], "kinds", "kind", "key"))
    _selectors(table, queries, where)
    formats = table["date_formats"]
    if isinstance(formats, str):
        formats = [formats]
    key = tuple(table.get("key") or ("date", "type"))
    if not key or any(part not in SESSION_KEY_FIELDS for part in key):
        raise ConfigError(f"{where}.key: {list(key)} must name fields among {', '.join(SESSION_KEY_FIELDS)}")
    for part in key:
        if not table.get(part):
            raise ConfigError(f"{where}.key uses {part!r}, which has no selector")
    kinds = table.get("kinds") or {}
    if not isinstance(kinds, Mapping):
        raise ConfigError(f"{where}.kinds must be a table of block heading -> document kind")
    return SessionListing(
        **{name: table.get(name) for name in queries}, date_formats=tuple(str(f) for f in formats),
        kinds={fold(heading): str(kind) for heading, kind in kinds.items()}, kind=table.get("kind"), key=key,
    )


def _commission_index(value: Any, where: str) -> CommissionIndex:
    table = _table(value, where, ("links",), ("name",))
    _selectors(table, ("links", "name"), where)
    return CommissionIndex(**table)


def _commission(value: Any, where: str) -> CommissionPage:
    names = ("name", "members", "member_name", "member_role", "mission", "schedule")
    table = _table(value, where, ("name",), (*names[1:], "sessions"))
    _selectors(table, names, where)
    if table.get("members") and not table.get("member_name"):
        raise ConfigError(f"{where}: members (the cards) needs member_name (the name within a card)")
    if table.get("sessions") is not None:
        table["sessions"] = _sessions(table["sessions"], f"{where}.sessions")
    return CommissionPage(**table)


def _members(value: Any, where: str) -> MembersPage:
    table = _table(value, where, ("cards", "name"), ("role", "body"))
    _selectors(table, ("cards", "name", "role", "body"), where)
    return MembersPage(**table)


def _documents(value: Any, where: str) -> DocumentLinks:
    optional = ("items", "title", "title_is", "link_text", "url_pattern")
    table = _table(value, where, ("links", "kind"), optional)
    _selectors(table, ("links", "items", "title"), where)
    if table.get("title_is") and not (table.get("items") and table.get("title")):
        raise ConfigError(f"{where}: title_is needs items (the candidate items) and title (an item's title)")
    patterns = {}
    for name in ("link_text", "url_pattern"):
        try:
            patterns[name] = re.compile(table[name]) if table.get(name) else None
        except re.error as exc:
            raise ConfigError(f"{where}.{name}: {table[name]!r} is not a regular expression: {exc}") from None
    return DocumentLinks(links=table["links"], kind=str(table["kind"]), items=table.get("items"),
                         title=table.get("title"), title_is=table.get("title_is"), **patterns)
