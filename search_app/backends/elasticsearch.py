"""The Elasticsearch engine: the one SearchQuery compiled to the Query DSL, through the official client.

It mirrors the embedded engine (search_app/backends/embedded.py) so both answer a query the same way:
document entries are ranked, counted and faceted; for each hit, its best pages (at most three) give the
highlighted snippets, sorted by page.

Indices are versioned (`<prefix>-v<N>`) behind the alias `<prefix>`: a rebuild fills a new version and
swaps the alias in one atomic call, so searches never go without an index. Settings and mappings come
from index_config.elasticsearch; a node without the analysis-common module gets the degraded analysis,
recorded in the index `_meta` and shown by `analysis_profile`.
Query terms are not analysed by the node: index_config.analysis computes them (each word's folded stem
class, phrases and prefixes folded), exactly as for the embedded engine, and they are sent as `term`,
`prefix` and `match_phrase` queries, so both engines search the same terms and score them alike (BM25).
It must never answer with empty results when the node cannot be reached: that is SearchEngineUnavailable.
Every search carries the time budget as the node's `timeout`; a node answering `timed_out: true` has
partial results, which are never shown as if complete: that is SearchTooSlow.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice

from elasticsearch import (
    ApiError,
    BadRequestError,
    ConnectionTimeout,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)

from index_config import spanish
from index_config.analysis import (
    ANALYSIS_VERSION,
    EXACT_FORM_BOOST,
    MOST_MATCH_WEIGHT,
    PROXIMITY_BOOST,
    PROXIMITY_SLOP,
    TITLE_BOOST,
    highlight_terms,
    proximity_terms,
    query_terms,
    spellings,
    word_forms,
)
from index_config.elasticsearch import (
    DEFAULT_MAX_RESULT_WINDOW,
    DEGRADED,
    FULL,
    dropped_filters,
    index_settings,
    mappings,
)
from index_config.entries import IndexableDocument
from index_config.fields import FIELDS, HIT_FIELDS
from search_app.backends.base import (
    Hit,
    SearchEngineUnavailable,
    SearchResult,
    SearchTooSlow,
    Snippet,
    facet_aggregations,
    hit_fields,
    read_facets,
)
from search_app.query import SearchQuery, Term

log = logging.getLogger(__name__)

SNIPPETS_PER_HIT = 3
SNIPPET_CHARS = 220
DOCUMENTS_PER_BATCH = 250  # documents whose entries go to the node together when updating
BULK_CHUNK_ENTRIES = 1000
BULK_CHUNK_BYTES = 20 * 1024 * 1024
BULK_THREADS = 2  # one request in flight while the next chunk is serialised
ITERATE_BATCH = 1000
PIT_KEEP_ALIVE = "2m"
_HIT_FIELDS = [f.name for f in HIT_FIELDS]
_INT_FIELDS = {f.name for f in FIELDS if f.kind == "integer"}
# How a node without analysis-common refuses the full analysis at index creation.
_MISSING_ANALYSIS = re.compile(r"failed to find (global )?(filter|analyzer|tokenizer)|Unknown (filter|analyzer) type")


# -- query compilation (pure functions of the SearchQuery) -----------------------------------------------


def _unfolded(text: str) -> list[str]:
    """A degraded index (no folding) holds words lowercased with their accents: the terms typed, so."""
    return [token.lower() for token in spanish.tokenize(text)]


def _any(queries: list[dict]) -> dict | None:
    if not queries:
        return None
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _term(field_name: str, value: str, boost: float = 1.0) -> dict:
    return {"term": {field_name: {"value": value, "boost": boost}}}


def _term_on_field(term: Term, field_name: str, boost: float, degraded: bool = False) -> dict | None:
    """The query terms computed here (index_config.analysis), in each spelling an index may hold."""
    return _any([_spelling_on_field(term, field_name, boost, tokens, degraded) for tokens in spellings(term.text)])


def _spelling_on_field(term: Term, field_name: str, boost: float, tokens: list[str], degraded: bool) -> dict:
    if term.kind == "word" and len(tokens) == 1:  # the stem class, the form typed weighing most
        forms = [_term(field_name, form, boost * weight) for form, weight in word_forms(tokens[0])]
        typed = _unfolded(term.text)
        if degraded and typed and typed[0] != tokens[0]:  # the accented form typed, as a degraded index has it
            forms.append(_term(field_name, typed[0], boost * EXACT_FORM_BOOST))
        return _any(forms)
    if degraded:
        tokens = _unfolded(term.text)
    if term.kind == "prefix":  # every word but the last exactly, the last as a prefix of folded terms
        *head, last = tokens
        prefix = {"prefix": {field_name: {"value": last, "boost": boost}}}
        if not head:
            return prefix
        return {"bool": {"must": [*(_term(field_name, t, boost) for t in head), prefix]}}
    if len(tokens) == 1:  # phrase of one word, identifier of one token: exact form
        return _term(field_name, tokens[0], boost)
    return {"match_phrase": {field_name: {"query": " ".join(tokens), "boost": boost}}}


def term_query(term: Term, fields: tuple[str, ...], identifiers: bool = True, degraded: bool = False) -> dict | None:
    """One query term over the given text fields (title boosted), plus the identifiers keyword field."""
    alternatives = []
    for field_name in fields:
        query = _term_on_field(term, field_name, TITLE_BOOST if field_name == "title" else 1.0, degraded)
        if query is not None:
            alternatives.append(query)
    if term.kind == "identifier" and identifiers:
        alternatives.append({"term": {"identifiers": term.text.lower()}})
    return _any(alternatives)


def text_query(query: SearchQuery, fields: tuple[str, ...], identifiers: bool = True,
               degraded: bool = False) -> tuple[list, list]:
    """(queries that must match, queries that must not) for the words of the query."""
    must = []
    for clause in query.clauses:
        alternative = _any([q for q in (term_query(t, fields, identifiers, degraded) for t in clause) if q])
        if alternative:
            must.append(alternative)
    must_not = [q for q in (term_query(t, fields, degraded=degraded) for t in query.excluded) if q]
    return must, must_not


def proximity_query(query: SearchQuery, fields: tuple[str, ...]) -> dict | None:
    """Optional: the words typed as a sloppy phrase, so terms close together rank above terms far apart."""
    words = proximity_terms(query.plain_words())
    if len(words) < 2:
        return None
    return _any([{"match_phrase": {f: {"query": " ".join(words), "slop": PROXIMITY_SLOP,
                                       "boost": PROXIMITY_BOOST * (TITLE_BOOST if f == "title" else 1.0)}}}
                 for f in fields])


def filter_clauses(query: SearchQuery) -> list[dict]:
    """Field filters (OR within a field, AND across fields) and the date range."""
    clauses = []
    for name, values in query.filters.items():
        if name in _INT_FIELDS:
            numbers = [int(v) for v in values if str(v).isascii() and str(v).isdigit()]
            if not numbers:
                warning = f"El filtro {name} necesita un número: se ignoró."
                if warning not in query.warnings:
                    query.warnings.append(warning)
                continue
            clauses.append({"terms": {name: numbers}})
        else:
            clauses.append({"terms": {name: list(values)}})
    if query.date_from or query.date_to:
        bounds = {}
        if query.date_from:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to:
            bounds["lte"] = query.date_to.isoformat()
        clauses.append({"range": {"date": bounds}})
    return clauses


def document_query(query: SearchQuery, degraded: bool = False) -> dict:
    """The query over document entries that ranks, counts and facets."""
    must, must_not = text_query(query, ("text", "title"), degraded=degraded)
    if query.match == "most" and len(must) > 1:
        # At least one clause; each matched clause adds MOST_MATCH_WEIGHT, so more matches rank first.
        must = [{"bool": {"should": [
            {"bool": {"should": [{"constant_score": {"filter": q, "boost": MOST_MATCH_WEIGHT}}, q]}} for q in must],
            "minimum_should_match": 1}}]
    proximity = proximity_query(query, ("text", "title")) if must else None
    return {"bool": {"filter": [{"term": {"entry_kind": "document"}}, *filter_clauses(query)],
                     "must": must, "must_not": must_not, "should": [proximity] if proximity else []}}


def sort_clause(query: SearchQuery, tiebreaker: dict) -> list:
    if query.sort == "relevance" and query.has_text:
        return [{"_score": {"order": "desc"}}, tiebreaker]
    order = "asc" if query.sort == "date_asc" else "desc"
    return [{"date": {"order": order, "missing": "_last"}}, tiebreaker]


def highlight_spec(query: SearchQuery) -> dict:
    """Every query term marked on the page text: `<mark>` around matches, the text itself HTML-escaped."""
    marks = [{"term": {"page_text": t}} for t in highlight_terms(query.highlight_terms())]
    for term in query.highlight_terms():
        if term.kind == "prefix" and (tokens := query_terms(term.text)):
            marks.append({"prefix": {"page_text": tokens[-1]}})
    field = {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1, "no_match_size": SNIPPET_CHARS}
    if marks:
        field["highlight_query"] = {"bool": {"should": marks}}
    return {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {"page_text": field}}


def _hit(raw: dict) -> Hit:
    source = raw.get("_source", {})
    score = raw.get("_score")
    return Hit(hit_fields(lambda declared: source.get(declared.name)), score=float(score) if score is not None else 0.0)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# -- the engine ------------------------------------------------------------------------------------------


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(
        self, url: str, *, prefix: str = "concejo", request_timeout: float = 30.0,
        max_result_window: int = DEFAULT_MAX_RESULT_WINDOW, client: Elasticsearch | None = None,
        search_timeout_s: float | None = None,
    ) -> None:
        self.url = url
        self.search_timeout_s = search_timeout_s
        self.alias = prefix
        self.max_result_window = max_result_window
        self.client = client or Elasticsearch(url, request_timeout=request_timeout, max_retries=1)
        self._alias_ready = False
        self._degraded = False  # the live index lacks folding: queries add the accented forms typed

    # -- reaching the node ---------------------------------------------------------------------------

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn "cannot talk to the node" into SearchEngineUnavailable, naming the URL and what to do."""
        try:
            yield
        except TransportError as exc:
            raise SearchEngineUnavailable(
                f"Elasticsearch at {self.url} is unreachable: start it (scripts/elasticsearch start) or unset "
                f"CONCEJO_ELASTICSEARCH_URL to use the embedded index ({exc.__class__.__name__}: {exc})"
            ) from exc
        except ApiError as exc:
            if exc.meta.status < 500:
                raise
            raise SearchEngineUnavailable(
                f"Elasticsearch at {self.url} cannot answer (HTTP {exc.meta.status}: {exc}): check the "
                f"cluster health (scripts/elasticsearch status) or unset CONCEJO_ELASTICSEARCH_URL"
            ) from exc

    # -- indices and the alias -----------------------------------------------------------------------

    def _versions(self) -> tuple[list[str], list[str]]:
        """(every `<prefix>-v<N>` index, oldest first; those the alias points to)."""
        try:
            found = self.client.indices.get_alias(index=f"{self.alias}-v*")
        except NotFoundError:
            found = {}
        pattern = re.compile(rf"^{re.escape(self.alias)}-v(\d+)$")
        versions = sorted((n for n in found if pattern.match(n)), key=lambda n: int(pattern.match(n)[1]))
        live = [n for n in versions if self.alias in found[n].get("aliases", {})]
        return versions, live

    def _next_version(self, versions: list[str]) -> str:
        numbers = [int(name.rsplit("-v", 1)[1]) for name in versions]
        return f"{self.alias}-v{max(numbers, default=0) + 1}"

    def _create_index(self, name: str, *, bulk_loading: bool = False) -> str:
        """Create an index with the full analysis, or the degraded one if the node lacks analysis-common."""
        for profile in (FULL, DEGRADED):
            settings = index_settings(profile, max_result_window=self.max_result_window)
            if bulk_loading:
                settings["refresh_interval"] = "-1"
            try:
                self.client.indices.create(index=name, settings=settings, mappings=mappings(profile))
            except BadRequestError as exc:
                if profile == FULL and _MISSING_ANALYSIS.search(str(exc)):
                    log.warning(
                        "Elasticsearch at %s lacks the analysis-common module (%s): index %s uses the degraded "
                        "analysis without %s; use a full distribution for accent folding",
                        self.url, exc, name, ", ".join(dropped_filters(DEGRADED)))
                    continue
                raise
            return profile
        raise AssertionError("unreachable")

    def _ensure_alias(self) -> None:
        if self._alias_ready:
            return
        with self._reachable():
            versions, live = self._versions()
            if not live:
                name = self._next_version(versions)
                try:
                    self._create_index(name)
                    self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
                except BadRequestError as exc:  # another process created it first
                    if "already_exists" not in str(exc):
                        raise
            self._degraded = self._live_profile() == DEGRADED
        self._alias_ready = True

    def _live_profile(self) -> str:
        """The live index's analysis profile; SearchEngineUnavailable if another analysis version built it."""
        metas = [m["mappings"].get("_meta", {}) for m in self.client.indices.get_mapping(index=self.alias).values()]
        built = sorted({str(m.get("analysis_version", 1)) for m in metas})
        if built != [str(ANALYSIS_VERSION)]:
            raise SearchEngineUnavailable(
                f"the Elasticsearch index {self.alias} at {self.url} was built with an older analysis or layout "
                f"(version {', '.join(built)}, now {ANALYSIS_VERSION}); rebuild it with `concejo index --rebuild`")
        return DEGRADED if any(m.get("analysis_profile") == DEGRADED for m in metas) else FULL

    @property
    def analysis_profile(self) -> str:
        """"full" or "degraded" (no ASCII folding), as recorded in the live index."""
        self._ensure_alias()
        with self._reachable():
            return self._live_profile()

    # -- writing -------------------------------------------------------------------------------------

    def _bulk(self, actions: Iterable[dict]) -> None:
        try:
            for _ in helpers.parallel_bulk(
                self.client, actions, thread_count=BULK_THREADS, chunk_size=BULK_CHUNK_ENTRIES,
                max_chunk_bytes=BULK_CHUNK_BYTES, ignore_status=(404,),  # a page already gone is fine
            ):
                pass
        except helpers.BulkIndexError as exc:
            raise RuntimeError(
                f"Elasticsearch at {self.url} rejected {len(exc.errors)} entries; first: {exc.errors[0]}"
            ) from exc

    @staticmethod
    def _entry_actions(index: str, document: IndexableDocument) -> Iterator[dict]:
        for entry in document.entries():
            source = {k: v for k, v in entry.items() if v is not None and v != []}
            yield {"_index": index, "_id": entry["entry_id"], "_source": source}

    def _page_counts(self, document_ids: list[int]) -> dict[int, int]:
        """Highest indexed page per document, to delete the pages a shorter new version no longer has."""
        found = self.client.search(
            index=self.alias, size=0,
            query={"bool": {"filter": [{"term": {"entry_kind": "page"}}, {"terms": {"document_id": document_ids}}]}},
            aggs={"documents": {"terms": {"field": "document_id", "size": len(document_ids)},
                                "aggs": {"last_page": {"max": {"field": "page"}}}}},
        )
        buckets = found["aggregations"]["documents"]["buckets"]
        return {int(b["key"]): int(b["last_page"]["value"] or 0) for b in buckets}

    def index(self, documents: Iterable[IndexableDocument]) -> int:
        self._ensure_alias()
        count = 0
        with self._reachable():
            for batch in _batched(documents, DOCUMENTS_PER_BATCH):
                old_pages = self._page_counts([d.document_id for d in batch])
                actions = []
                for document in batch:
                    actions += self._entry_actions(self.alias, document)
                    stale = range(len(document.pages) + 1, old_pages.get(document.document_id, 0) + 1)
                    actions += [{"_op_type": "delete", "_index": self.alias, "_id": f"p{document.document_id}-{n}"}
                                for n in stale]
                self._bulk(actions)
                count += len(batch)
            self.client.indices.refresh(index=self.alias)
        return count

    def rebuild(self, documents: Iterable[IndexableDocument]) -> int:
        with self._reachable():
            versions, live = self._versions()
            target = self._next_version(versions)
            profile = self._create_index(target, bulk_loading=True)
            log.info("rebuilding Elasticsearch index %s (%s analysis) behind alias %s", target, profile, self.alias)
            count = 0

            def counted() -> Iterator[dict]:
                nonlocal count
                for document in documents:
                    yield from self._entry_actions(target, document)
                    count += 1

            try:
                self._bulk(counted())
                self.client.indices.put_settings(index=target, settings={"index": {"refresh_interval": None}})
                self.client.indices.refresh(index=target)
            except BaseException:
                with suppress(ApiError, TransportError):
                    self.client.indices.delete(index=target)
                raise
            # One call: readers see the old index or the new one, never none.
            swap = [{"add": {"index": target, "alias": self.alias}}]
            swap += [{"remove": {"index": old, "alias": self.alias}} for old in live]
            self.client.indices.update_aliases(actions=swap)
            for old in versions:
                self.client.indices.delete(index=old, ignore_unavailable=True)
        self._alias_ready = True
        self._degraded = profile == DEGRADED
        return count

    def count(self, *, request_timeout: float | None = None) -> int:
        """The live index's documents; `request_timeout` bounds the count request (the health check's)."""
        self._ensure_alias()
        client = self.client if request_timeout is None else self.client.options(request_timeout=request_timeout)
        with self._reachable():
            return int(client.count(index=self.alias, query={"term": {"entry_kind": "document"}})["count"])

    def close(self) -> None:
        self.client.close()

    # -- searching -----------------------------------------------------------------------------------

    def _search(self, **request) -> dict:
        """One search request within the time budget: the node stops at `timeout`, the client a little later."""
        budget = self.search_timeout_s
        if not budget or budget <= 0:
            return self.client.search(**request)
        client = self.client.options(request_timeout=budget + max(1.0, budget))
        try:
            found = client.search(timeout=f"{max(1, int(budget * 1000))}ms", **request)
        except ConnectionTimeout as exc:
            raise SearchTooSlow(budget) from exc
        if found.get("timed_out"):
            raise SearchTooSlow(budget)
        return found

    def search(self, query: SearchQuery) -> SearchResult:
        self._ensure_alias()
        es_query = document_query(query, self._degraded)
        offset = (query.page - 1) * query.per_page
        size = query.per_page
        if offset + size > self.max_result_window:
            query.warnings.append(
                f"Solo se pueden recorrer los primeros {self.max_result_window} resultados página a página: "
                "afine la búsqueda o use la exportación, que los incluye todos.")
            offset, size = 0, 0
        with self._reachable():
            found = self._search(
                index=self.alias, query=es_query, sort=sort_clause(query, {"document_id": {"order": "asc"}}),
                from_=offset, size=size, track_total_hits=True, aggs=facet_aggregations(), source=_HIT_FIELDS,
            )
            hits = [_hit(raw) for raw in found["hits"]["hits"]]
            self._add_snippets(query, hits)
        facets, facet_names = read_facets(found.get("aggregations", {}))
        return SearchResult(
            total=int(found["hits"]["total"]["value"]), hits=hits, facets=facets, query=query,
            warnings=list(query.warnings), facet_names=facet_names,
        )

    def _add_snippets(self, query: SearchQuery, hits: list[Hit]) -> None:
        """Each hit's best pages (at most three), highlighted, in page order.

        One request for all hits: matching pages of these documents, collapsed per document, whose inner
        hits are the document's best pages (the per-document search the embedded engine does).
        """
        must, _ = text_query(query, ("page_text",), identifiers=False, degraded=self._degraded)
        if not must or not hits:
            return
        scope = [{"term": {"entry_kind": "page"}}, {"terms": {"document_id": [h.document_id for h in hits]}}]
        best_pages = {"name": "best_pages", "size": SNIPPETS_PER_HIT, "_source": ["page"],
                      "highlight": highlight_spec(query)}
        found = self._search(
            index=self.alias, query={"bool": {"filter": scope, "must": [_any(must)]}}, size=len(hits),
            collapse={"field": "document_id", "inner_hits": best_pages}, source=False, track_total_hits=False,
        )
        pages_by_document = {}
        for group in found["hits"]["hits"]:
            pages = group["inner_hits"]["best_pages"]["hits"]["hits"]
            pages_by_document[int(group["fields"]["document_id"][0])] = [
                Snippet(page=int(page["_source"]["page"]),
                        html=(page.get("highlight", {}).get("page_text") or [""])[0])  # "" for an empty page
                for page in pages
            ]
        for hit in hits:
            hit.snippets = sorted(pages_by_document.get(hit.document_id, []), key=lambda s: s.page)

    def iterate(self, query: SearchQuery, batch: int = ITERATE_BATCH) -> Iterator[Hit]:
        """Every matching document in the query's order: a point in time read with search_after, uncapped."""
        self._ensure_alias()
        es_query = document_query(query, self._degraded)
        sort = sort_clause(query, {"_shard_doc": {"order": "asc"}})
        batch = min(batch, self.max_result_window)  # the window caps every request's size, PIT or not
        with self._reachable():
            pit = self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE)["id"]
        try:
            after = None
            while True:
                with self._reachable():
                    found = self._search(
                        pit={"id": pit, "keep_alive": PIT_KEEP_ALIVE}, query=es_query, sort=sort, size=batch,
                        search_after=after, track_total_hits=False, source=_HIT_FIELDS,
                    )
                pit = found.get("pit_id", pit)
                page = found["hits"]["hits"]
                for raw in page:
                    yield _hit(raw)
                if len(page) < batch:
                    return
                after = page[-1]["sort"]
        finally:
            with suppress(ApiError, TransportError):
                self.client.close_point_in_time(id=pit)
