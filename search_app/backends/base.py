"""The interface every engine implements and the result shapes they return."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Protocol

from index_config.entries import IndexableDocument
from search_app.query import SearchQuery


class SearchEngineUnavailable(RuntimeError):
    """The configured engine cannot be reached or opened; the message says what to do."""


@dataclass
class Snippet:
    page: int
    html: str  # HTML-safe: document text escaped, matches wrapped in <mark>


@dataclass
class Hit:
    document_id: int
    title: str
    date: str | None
    session_type: str | None
    session_number: int | None
    commission: str | None
    commission_name: str | None
    document_type: str | None
    url: str
    score: float = 0.0
    snippets: list[Snippet] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    query: SearchQuery
    warnings: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


class SearchBackend(Protocol):
    name: str

    def index(self, documents: Iterable[IndexableDocument]) -> int:
        """Add or replace documents (stable ids: indexing twice changes nothing); returns how many."""

    def rebuild(self, documents: Iterable[IndexableDocument]) -> int:
        """Build a fresh index from scratch; searches keep answering from the old one until it is done."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def iterate(self, query: SearchQuery) -> Iterator[Hit]:
        """Every matching document, in the query's sort order, without snippets, never capped."""

    def count(self) -> int: ...

    def close(self) -> None: ...
