"""The interface every engine implements and the result shapes they return."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Protocol

from index_config.entries import IndexableDocument
from search_app.query import SearchQuery


class SearchEngineUnavailable(RuntimeError):
    """The configured engine cannot be reached or opened; the message says what to do."""


class SearchTooSlow(RuntimeError):
    """A search went over its time budget (settings.search_timeout_s); the message (Spanish) is for the user."""

    def __init__(self, budget_s: float) -> None:
        super().__init__(
            f"La búsqueda tardó demasiado (más de {budget_s:g} s) y se detuvo: use palabras más específicas, "
            "menos prefijos con asterisco o menos alternativas con OR.")


class Deadline:
    """A search's time budget, checked between an engine's phases (no budget when budget_s is 0 or None)."""

    def __init__(self, budget_s: float | None) -> None:
        self.budget_s = budget_s or 0.0
        self.at = time.monotonic() + self.budget_s if self.budget_s > 0 else None

    def check(self) -> None:
        if self.at is not None and time.monotonic() > self.at:
            raise SearchTooSlow(self.budget_s)


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
    mode: str = "all"  # the match mode that answered: "all", or "most" when no document had every word
    missing: list[str] = field(default_factory=list)  # in "most" mode, the typed words the best answer lacks
    suggestion: str | None = None  # the query with an unknown word replaced by a close word of the index

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
