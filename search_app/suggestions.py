"""What forgiving queries ask an engine besides a search: cheap counts, best answers, and typo suggestions.

The search service (search_app/service.py) uses these when no document has every word of a search: to
find which typed words the best answer lacks, which words no document has at all, and, for those, a
close word of the index's own vocabulary ("¿Quiso decir …?"). Each function dispatches on the engine;
the per-engine parts reuse the engine's own query compilation, so a word counts as found exactly when a
search for it would find it.

Suggestion, on both engines: among the index's words that start with the same letter and are within edit
distance 1 of the typed word (else 2, for words of more than five letters, as Lucene's AUTO fuzziness),
the one in the most documents (ties: alphabetical), folded as the exact field indexes it.
- Elasticsearch: the term suggester (built into the server) on the exact field, re-ranked here by edit
  distance then document frequency.
- Embedded (tantivy-py has no term-dictionary access): a fuzzy term query on the exact page field finds
  pages holding close words; their stored text, tokenized by the same analyzer, tells which words matched;
  pages holding words already found are excluded in the next round, so a few bounded rounds see every
  close word; `doc_freq` then gives each word's document count.
It must never be slow: every request goes through the engine's time budget, and the work is capped by
the constants below (rounds, pages per round, suggested words).
"""

from __future__ import annotations

from dataclasses import replace

from index_config.analysis import EXACT
from search_app.backends.base import Deadline, SearchBackend
from search_app.query import SearchQuery, Term, fold

MIN_SUGGEST_CHARS = 4  # shorter words have too many neighbours to guess from
MAX_SUGGEST_CHARS = 40
MAX_DISTANCE = 2  # for words of more than SHORT_WORD_CHARS letters; shorter ones allow 1
SHORT_WORD_CHARS = 5
ROUNDS = 4  # embedded: fuzzy searches per distance, each excluding the pages of words already found
PAGES_PER_ROUND = 10
TERM_SUGGESTIONS = 10  # Elasticsearch: options asked of the term suggester, re-ranked here


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def max_distance(word: str) -> int:
    return 1 if len(word) <= SHORT_WORD_CHARS else MAX_DISTANCE


def suggestible(word: str) -> bool:
    return MIN_SUGGEST_CHARS <= len(word) <= MAX_SUGGEST_CHARS and word.isalpha()


def word_query(term: Term, document_ids: list[int] | None = None) -> SearchQuery:
    """A search for one term alone (no filters), optionally within some documents."""
    query = SearchQuery(raw=term.text, clauses=[[term]])
    if document_ids is not None:
        query.filters = {"document_id": [str(i) for i in document_ids]}
    return query


def clause_query(query: SearchQuery, clause: list[Term], document_ids: list[int]) -> SearchQuery:
    """One clause of a query (its alternatives), within some documents."""
    return replace(query, clauses=[clause], excluded=[], filters={"document_id": [str(i) for i in document_ids]},
                   date_from=None, date_to=None, match="all", warnings=[])


def count(backend: SearchBackend, query: SearchQuery) -> int:
    """How many documents match the query (no ranking, facets or snippets)."""
    if backend.name == "elasticsearch":
        return _elasticsearch_count(backend, query)
    return _embedded_count(backend, query)


def best_documents(backend: SearchBackend, query: SearchQuery, limit: int) -> list[int]:
    """The ids of the query's best answers by relevance, whatever page and sort the query asks for."""
    ranked = replace(query, sort="relevance", page=1, per_page=limit, warnings=list(query.warnings))
    if backend.name == "elasticsearch":
        return _elasticsearch_best(backend, ranked, limit)
    return _embedded_best(backend, ranked, limit)


def suggest_word(backend: SearchBackend, word: str, deadline: Deadline) -> str | None:
    """The index word closest to `word` (distance 1, else 2), the most frequent such; None when none."""
    typed = fold(word)
    if not suggestible(typed):
        return None
    if backend.name == "elasticsearch":
        return _elasticsearch_suggest(backend, typed)
    return _embedded_suggest(backend, typed, deadline)


def _best_candidate(candidates: dict[str, int], typed: str) -> str | None:
    """candidates: word -> documents holding it. Closest first, then most frequent, then alphabetical."""
    ranked = sorted((edit_distance(typed, w), -freq, w) for w, freq in candidates.items()
                    if freq > 0 and w != typed and w[:1] == typed[:1])
    ranked = [r for r in ranked if r[0] <= max_distance(typed)]
    return ranked[0][2] if ranked else None


# -- embedded (tantivy) ---------------------------------------------------------------------------------


def _embedded_count(backend, query: SearchQuery) -> int:
    searcher = backend._current().searcher()
    return int(searcher.search(backend._document_query(query), 1, count=True).count)


def _embedded_best(backend, query: SearchQuery, limit: int) -> list[int]:
    searcher = backend._current().searcher()
    hits = searcher.search(backend._document_query(query), limit, count=False).hits
    return [int(searcher.doc(address).get_first("document_id")) for _, address in hits]


def _embedded_suggest(backend, typed: str, deadline: Deadline) -> str | None:
    import tantivy  # the embedded engine's library; only this engine's code needs it

    tokens = backend.analyzers[EXACT].analyze(typed)
    if len(tokens) != 1:
        return None
    typed = tokens[0]
    searcher = backend._current().searcher()
    field = "page_text"
    must, must_not = tantivy.Occur.Must, tantivy.Occur.MustNot
    for distance in range(1, max_distance(typed) + 1):
        found: set[str] = set()  # every close word seen, to exclude its pages; candidates share the first letter
        for _ in range(ROUNDS):
            deadline.check()
            parts = [(must, backend._kind("page")),
                     (must, tantivy.Query.fuzzy_term_query(backend.schema, field, typed, distance))]
            parts += [(must_not, tantivy.Query.term_query(backend.schema, field, w)) for w in sorted(found)]
            hits = searcher.search(tantivy.Query.boolean_query(parts), PAGES_PER_ROUND, count=False).hits
            new = set()
            for _, address in hits:
                text = searcher.doc(address).get_first("page_text") or ""
                new |= {t for t in set(backend.analyzers[EXACT].analyze(text))
                        if t != typed and abs(len(t) - len(typed)) <= distance and edit_distance(typed, t) <= distance}
            if not new - found:
                break
            found |= new
        candidates = {w for w in found if w[:1] == typed[:1]}
        if candidates:
            return _best_candidate({w: searcher.doc_freq("text", w) for w in candidates}, typed)
    return None


# -- Elasticsearch ---------------------------------------------------------------------------------------


def _elasticsearch_query(backend, query: SearchQuery) -> dict:
    """The engine's own document query; on an index without folding, the way the engine searches one."""
    from search_app.backends.elasticsearch import document_query

    return document_query(query, backend._degraded)


def _elasticsearch_count(backend, query: SearchQuery) -> int:
    backend._ensure_alias()
    with backend._reachable():
        found = backend._search(index=backend.alias, query=_elasticsearch_query(backend, query), size=0,
                                track_total_hits=True)
    return int(found["hits"]["total"]["value"])


def _elasticsearch_best(backend, query: SearchQuery, limit: int) -> list[int]:
    from search_app.backends.elasticsearch import sort_clause

    backend._ensure_alias()
    with backend._reachable():
        found = backend._search(
            index=backend.alias, query=_elasticsearch_query(backend, query), size=limit, track_total_hits=False,
            sort=sort_clause(query, {"document_id": {"order": "asc"}}), source=["document_id"])
    return [int(raw["_source"]["document_id"]) for raw in found["hits"]["hits"]]


def _elasticsearch_suggest(backend, typed: str) -> str | None:
    backend._ensure_alias()
    spec = {"typo": {"text": typed, "term": {
        "field": "text", "suggest_mode": "missing", "max_edits": max_distance(typed), "prefix_length": 1,
        "size": TERM_SUGGESTIONS, "min_word_length": MIN_SUGGEST_CHARS, "sort": "score"}}}
    with backend._reachable():
        found = backend._search(index=backend.alias, size=0, suggest=spec, track_total_hits=False)
    entries = found.get("suggest", {}).get("typo", [])
    if len(entries) != 1:
        return None
    return _best_candidate({o["text"]: int(o.get("freq", 0)) for o in entries[0]["options"]}, entries[0]["text"])
