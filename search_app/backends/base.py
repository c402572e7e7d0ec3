"""The interface every engine implements and the result shapes they return."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Protocol

from index_config.entries import IndexableDocument
from index_config.fields import FACETS, FIELDS_BY_NAME, HIT_FIELDS, Field
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
    """One matching document: its declared hit fields (index_config.fields, `hit=True`) by name.

    Each field also reads as an attribute (hit.title, hit.commission_name), as templates and callers use it.
    """

    fields: dict[str, object]
    score: float = 0.0
    snippets: list[Snippet] = field(default_factory=list)

    def __getattr__(self, name: str):
        if name.startswith("_") or name == "fields":
            raise AttributeError(name)
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(f"a Hit has no field {name!r}") from None

    def to_dict(self) -> dict:
        """The API's hit JSON: the hit fields in declaration order, then score and snippets."""
        return {**{f.name: self.fields.get(f.name) for f in HIT_FIELDS}, "score": self.score,
                "snippets": [asdict(s) for s in self.snippets]}


def hit_fields(stored_value: Callable[[Field], object]) -> dict[str, object]:
    """A hit's fields from an engine's stored values, each empty one as the API has always given it.

    `stored_value` reads one field of a stored document as the engine keeps it (dates as ISO text).
    Empty text is "", an empty keyword or date None, an integer an int or None.
    """
    fields: dict[str, object] = {}
    for declared in HIT_FIELDS:
        value = stored_value(declared)
        if declared.kind == "text":
            fields[declared.name] = value or ""
        elif declared.kind == "integer":
            fields[declared.name] = int(value) if value is not None else None
        else:
            fields[declared.name] = value or None
    return fields


def facet_aggregations() -> dict:
    """Each declared facet as a terms aggregation (both engines take this form), with each value's display
    name where the field declares one (`names`)."""
    aggregations = {}
    for name in FACETS:
        aggregation = {"terms": {"field": name, "size": 100}}
        if FIELDS_BY_NAME[name].names:
            aggregation["aggs"] = {"name": {"terms": {"field": FIELDS_BY_NAME[name].names, "size": 1}}}
        aggregations[name] = aggregation
    return aggregations


def read_facets(aggregations: dict) -> tuple[dict[str, list[tuple[str, int]]], dict[str, dict[str, str]]]:
    """(values and counts per facet, display name per value of the facets that declare names)."""
    facets, names = {}, {}
    for name in FACETS:
        values, value_names = [], {}
        for bucket in aggregations.get(name, {}).get("buckets", []):
            key = bucket["key"]
            key = str(int(key)) if isinstance(key, (int, float)) else str(key)
            if key:
                values.append((key, int(bucket["doc_count"])))
                named = [b["key"] for b in bucket.get("name", {}).get("buckets", []) if b["key"]]
                if named:
                    value_names[key] = str(named[0])
        # most documents first, ties by value, as Elasticsearch orders buckets (tantivy leaves ties in whatever
        # order its segments give, which changes when the index is rebuilt)
        facets[name] = sorted(values, key=lambda value: (-value[1], value[0]))
        if FIELDS_BY_NAME[name].names:
            names[name] = value_names
    return facets, names


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
    # facet -> value -> its display name, for facets whose field declares one (commission -> commission_name)
    facet_names: dict[str, dict[str, str]] = field(default_factory=dict)

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
