"""The embedded default engine: tantivy, in-process, no server; its schema derived from index_config.

Time budget: tantivy cannot interrupt a running search, so a search's cost is capped by the query's
bounds (search_app/query.py: terms, prefixes, phrase length) and its deadline is checked between
phases (ranking and count, facets, each snippet search); past the budget it stops with SearchTooSlow.

The live index is the directory the symlink `<index_dir>` points to; a rebuild writes a new
versioned directory beside it and swaps the symlink atomically, so searches never go without an index.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from html import escape
from pathlib import Path

import tantivy

from index_config import spanish
from index_config.analysis import (
    ANALYSIS_VERSION,
    BM25_K1_PLUS_1,
    EXACT,
    MOST_MATCH_WEIGHT,
    PROXIMITY_BOOST,
    PROXIMITY_SLOP,
    TITLE_BOOST,
    highlight_terms,
    proximity_terms,
    spellings,
    word_forms,
)
from index_config.entries import IndexableDocument
from index_config.fields import FACETS, FIELDS, FIELDS_BY_NAME
from search_app.backends.base import (
    Deadline,
    Hit,
    SearchEngineUnavailable,
    SearchResult,
    Snippet,
    facet_aggregations,
    hit_fields,
    read_facets,
)
from search_app.query import SearchQuery, Term

WRITER_HEAP_MB = 256  # CONCEJO_INDEX_WRITER_HEAP_MB
WRITER_THREADS = max(1, min(4, os.cpu_count() or 1))
MIN_HEAP_MB_PER_THREAD = 15  # tantivy refuses less (its MEMORY_BUDGET_NUM_BYTES_MIN); concejo/config.py checks the setting
# Page entries are added after the document entries of the last few hundred documents: the document entries
# of a segment then sit together in its compressed store, so fetching a results page decompresses a few
# blocks of small entries instead of one block of page text per hit. CONCEJO_INDEX_PAGES_HELD_BACK.
PAGES_HELD_BACK = 20_000
SNIPPETS_PER_HIT = 3
SNIPPET_CHARS = 220
_INT_FIELDS = {f.name for f in FIELDS if f.kind in {"integer", "date"}}
# Written into every index directory this code creates; an index without it, or with another version,
# was built with another analysis or layout and is refused (see index_config/analysis.py). The part after
# the dot is this engine's own layout: 2 added the named facets' value-and-name fields.
ANALYSIS_MARKER = "concejo-analysis-version"
INDEX_VERSION = f"{ANALYSIS_VERSION}.2"
# A facet whose values have display names (commission -> commission_name) is counted on one extra keyword
# field holding both, "value<US>name": one terms aggregation gives each value's count and its most frequent
# name, where a name sub-aggregation per value costed as much as the other facets together.
NAMED_FACETS = {name: FIELDS_BY_NAME[name].names for name in FACETS if FIELDS_BY_NAME[name].names}
NAME_SEPARATOR = "\x1f"
NAMED_FACET_BUCKETS = 10_000


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for f in FIELDS:
        if f.kind == "text":
            builder.add_text_field(f.name, stored=f.stored, tokenizer_name=f.analyzer)
        elif f.kind == "keyword":
            builder.add_text_field(f.name, stored=f.stored, fast=True, tokenizer_name="raw")
        else:  # integer, and dates as yyyymmdd integers (sortable, range-filterable)
            builder.add_unsigned_field(f.name, stored=f.stored, indexed=True, fast=True)
    for facet in NAMED_FACETS:
        builder.add_text_field(_named_field(facet), stored=False, fast=True, tokenizer_name="raw")
    return builder.build()


def _named_field(facet: str) -> str:
    return f"{facet}_with_name"


def _aggregations() -> dict:
    """The declared facets (base.facet_aggregations), each named one counted on its value-and-name field."""
    aggregations = facet_aggregations()
    for facet in NAMED_FACETS:
        aggregations[facet] = {"terms": {"field": _named_field(facet), "size": NAMED_FACET_BUCKETS}}
    return aggregations


def _read_facets(aggregations: dict):
    """base.read_facets over the buckets as a name sub-aggregation gives them: each value's count is the sum
    over its names, its name the most frequent one (ties: the first in order, as Elasticsearch orders)."""
    for facet in NAMED_FACETS:
        counts: dict[str, int] = {}
        names: dict[str, list[tuple[int, str]]] = {}
        for bucket in aggregations.get(facet, {}).get("buckets", []):
            value, _, name = str(bucket["key"]).partition(NAME_SEPARATOR)
            counts[value] = counts.get(value, 0) + int(bucket["doc_count"])
            names.setdefault(value, []).append((-int(bucket["doc_count"]), name))
        aggregations[facet] = {"buckets": [
            {"key": value, "doc_count": count, "name": {"buckets": [{"key": min(names[value])[1]}]}}
            for value, count in counts.items()]}
    return read_facets(aggregations)


def _date_number(value: str | date | None) -> int | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, date) else str(value)
    return int(text[:10].replace("-", "")) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None


def _scored(query: SearchQuery) -> bool:
    """Whether hits are ordered by relevance (else by date, and no score is computed)."""
    return query.sort == "relevance" and query.has_text


def _number_date(value: int | None) -> str | None:
    if not value:
        return None
    text = f"{value:08d}"
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}"


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, index_dir: Path, *, search_timeout_s: float | None = None, writer_heap_mb: int = WRITER_HEAP_MB,
                 pages_held_back: int = PAGES_HELD_BACK) -> None:
        self.link = Path(index_dir)
        self.search_timeout_s = search_timeout_s
        # the heap is shared by the writer's threads, each of which needs its minimum
        self.writer_threads = max(1, min(WRITER_THREADS, writer_heap_mb // MIN_HEAP_MB_PER_THREAD))
        self.writer_heap_bytes = writer_heap_mb * 1_000_000
        self.pages_held_back = pages_held_back
        self.schema = build_schema()
        self.analyzers = {EXACT: spanish.index_analyzer()}  # simple tokenizer, lowercase, ascii_fold
        self._lock = threading.Lock()
        self._index: tantivy.Index | None = None
        self._opened_target: str | None = None
        self._last_reload = 0.0
        self._facet_pool: ThreadPoolExecutor | None = None

    # -- opening ---------------------------------------------------------------------------------

    def _open_dir(self, path: Path) -> tantivy.Index:
        path.mkdir(parents=True, exist_ok=True)
        marker = path / ANALYSIS_MARKER
        if (path / "meta.json").exists():
            version = marker.read_text().strip() if marker.exists() else "1"
            if version != INDEX_VERSION:
                raise SearchEngineUnavailable(
                    f"the embedded index at {path} was built with an older analysis or layout (version {version}, "
                    f"now {INDEX_VERSION}); rebuild it with `concejo index --rebuild`")
        else:
            marker.write_text(f"{INDEX_VERSION}\n")
        try:
            index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except (OSError, ValueError) as exc:
            raise SearchEngineUnavailable(
                f"the embedded index at {path} cannot be opened ({exc}); rebuild it with `concejo index --rebuild`"
            ) from exc
        for name, analyzer in self.analyzers.items():
            index.register_tokenizer(name, analyzer)
        return index

    def _ensure_link(self) -> Path:
        if not self.link.is_symlink():
            self.link.parent.mkdir(parents=True, exist_ok=True)
            if self.link.exists():  # a plain directory from an older layout: it becomes version 0, so a rebuild
                # can swap the link over it (the analysis check still refuses to search it until then)
                legacy = self.link.with_name(f"{self.link.name}-v0")
                os.replace(self.link, legacy)
                os.symlink(legacy.name, self.link)
                return self.link.resolve()
            first = self.link.with_name(f"{self.link.name}-v1")
            first.mkdir(parents=True, exist_ok=True)
            os.symlink(first.name, self.link)
        return self.link.resolve()

    def _current(self) -> tantivy.Index:
        with self._lock:
            target = str(self._ensure_link())
            if self._index is None or target != self._opened_target:
                self._index = self._open_dir(Path(target))
                self._opened_target = target
            elif time.monotonic() - self._last_reload > 0.5:
                self._index.reload()
                self._last_reload = time.monotonic()
            return self._index

    # -- writing ---------------------------------------------------------------------------------

    def _document(self, entry: dict) -> tantivy.Document:
        doc = tantivy.Document()
        for f in FIELDS:
            value = entry.get(f.name)
            if value is None or value == []:
                continue
            if f.kind == "date":
                number = _date_number(value)
                if number is not None:
                    doc.add_unsigned(f.name, number)
            elif f.kind == "integer":
                doc.add_unsigned(f.name, int(value))
            else:
                for item in value if isinstance(value, list) else [value]:
                    doc.add_text(f.name, str(item))
        for facet, names in NAMED_FACETS.items():
            doc.add_text(_named_field(facet), f"{entry.get(facet) or ''}{NAME_SEPARATOR}{entry.get(names) or ''}")
        return doc

    def _write(self, index: tantivy.Index, documents: Iterable[IndexableDocument], *, replace: bool) -> int:
        """Add the documents' entries in one commit; `replace`: first delete what the index holds of each
        (a delete is a term, queued until the commit; a fresh index being rebuilt needs none)."""
        writer = index.writer(self.writer_heap_bytes, self.writer_threads)
        count = 0
        pages: list[dict] = []
        try:
            for document in documents:
                if replace:
                    writer.delete_documents_by_term("document_ref", str(document.document_id))
                entry, *document_pages = document.entries()
                writer.add_document(self._document(entry))
                pages += document_pages
                count += 1
                if len(pages) >= self.pages_held_back:
                    self._add_all(writer, pages)
            self._add_all(writer, pages)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        index.reload()
        return count

    def _add_all(self, writer, entries: list[dict]) -> None:
        for entry in entries:
            writer.add_document(self._document(entry))
        entries.clear()

    def index(self, documents: Iterable[IndexableDocument]) -> int:
        return self._write(self._current(), documents, replace=True)

    def rebuild(self, documents: Iterable[IndexableDocument]) -> int:
        current = self._ensure_link()
        match = re.search(r"-v(\d+)$", current.name)
        version = int(match[1]) + 1 if match else 1
        target = self.link.with_name(f"{self.link.name}-v{version}")
        shutil.rmtree(target, ignore_errors=True)
        count = self._write(self._open_dir(target), documents, replace=False)
        temp_link = self.link.with_name(f".{self.link.name}.swap")
        temp_link.unlink(missing_ok=True)
        os.symlink(target.name, temp_link)
        os.replace(temp_link, self.link)  # atomic: readers see the old or the new index, never none
        for old in self.link.parent.glob(f"{self.link.name}-v*"):
            if old != target and old != current:
                shutil.rmtree(old, ignore_errors=True)
        return count

    def count(self) -> int:
        searcher = self._current().searcher()
        return searcher.search(self._kind("document"), 1, count=True).count

    def close(self) -> None:
        self._index = None
        with self._lock:
            pool, self._facet_pool = self._facet_pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    # -- query compilation -----------------------------------------------------------------------

    def _term_query(self, term: Term, fields: tuple[str, ...], identifiers: bool = True) -> tantivy.Query | None:
        """One query term over the given text fields (title boosted), plus the identifiers keyword field."""
        alternatives: list[tantivy.Query] = []
        for field_name in fields:
            query = self._term_on_field(term, field_name)
            if query is not None:
                alternatives.append(tantivy.Query.boost_query(query, TITLE_BOOST) if field_name == "title" else query)
        if term.kind == "identifier" and identifiers:
            alternatives.append(tantivy.Query.term_query(self.schema, "identifiers", term.text.lower()))
        if not alternatives:
            return None
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])

    def _forms_query(self, field_name: str, word: str) -> tantivy.Query:
        """A word as its stem class: each form a term, the form typed weighing most (analysis.word_forms).

        Forms the field does not hold are left out (most of a class is never written): they would score
        nothing, and each costs a term lookup in every phase (ranking, facets, best pages, snippets).
        """
        searcher = self._current().searcher()
        forms = [(tantivy.Query.term_query(self.schema, field_name, form), boost) for form, boost in word_forms(word)
                 if boost != 1.0 or searcher.doc_freq(field_name, form)]
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.boost_query(q, boost) if boost != 1.0 else q) for q, boost in forms])

    def _term_on_field(self, term: Term, field_name: str) -> tantivy.Query | None:
        """The term in each spelling an index may hold (analysis.spellings): this index has the split one."""
        queries = [self._spelling_on_field(term, field_name, tokens) for tokens in spellings(term.text)]
        if len(queries) <= 1:
            return queries[0] if queries else None
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def _spelling_on_field(self, term: Term, field_name: str, tokens: list[str]) -> tantivy.Query:
        if term.kind == "word" and len(tokens) == 1:
            return self._forms_query(field_name, tokens[0])
        if term.kind == "prefix":  # every word but the last exactly, the last as a prefix of folded terms
            *head, last = tokens
            prefix = tantivy.Query.boost_query(  # constant score, scaled as tantivy's term scores are
                tantivy.Query.regex_query(self.schema, field_name, re.escape(last) + ".*"), BM25_K1_PLUS_1)
            if not head:
                return prefix
            words = [tantivy.Query.term_query(self.schema, field_name, t) for t in head]
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in [*words, prefix]])
        if len(tokens) == 1:  # phrase of one word, identifier of one token: exact form
            return tantivy.Query.term_query(self.schema, field_name, tokens[0])
        return tantivy.Query.phrase_query(self.schema, field_name, tokens)

    def _proximity_query(self, query: SearchQuery, fields: tuple[str, ...]) -> tantivy.Query | None:
        """Optional: the words typed as a sloppy phrase, so terms close together rank above terms far apart."""
        words = proximity_terms(query.plain_words())
        if len(words) < 2:
            return None
        phrases = [tantivy.Query.boost_query(tantivy.Query.phrase_query(self.schema, f, words, PROXIMITY_SLOP),
                                             PROXIMITY_BOOST * (TITLE_BOOST if f == "title" else 1.0)) for f in fields]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in phrases])

    def _int_equals(self, field_name: str, value: int) -> tantivy.Query:
        # term_query on an unsigned field builds a signed term that never matches: use a range.
        return tantivy.Query.range_query(self.schema, field_name, tantivy.FieldType.Unsigned, value, value)

    def _entries_of(self, document_ids: list[int]) -> tantivy.Query:
        """The documents' entries through the term dictionary (document_ref): their postings, never a scan
        (a range over the document_id fast field reads every entry of the archive)."""
        return tantivy.Query.term_set_query(self.schema, "document_ref", [str(int(i)) for i in document_ids])

    def _kind(self, kind: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "entry_kind", kind)

    def _text_query(
        self, query: SearchQuery, fields: tuple[str, ...], identifiers: bool = True
    ) -> tuple[list[tantivy.Query], list[tantivy.Query]]:
        """(queries that must match, queries that must not) for the words of the query."""
        must, must_not = [], []
        for clause in query.clauses:
            alternatives = [q for q in (self._term_query(t, fields, identifiers) for t in clause) if q is not None]
            if alternatives:
                must.append(tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives]))
        for term in query.excluded:
            excluded = self._term_query(term, fields)
            if excluded is not None:
                must_not.append(excluded)
        return must, must_not

    def _filter_query(self, query: SearchQuery) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        parts = []
        for name, values in query.filters.items():
            if name in _INT_FIELDS:
                numbers = [int(v) for v in values if str(v).isascii() and str(v).isdigit()]
                terms = [self._int_equals(name, n) for n in numbers]
                if not terms:
                    query.warnings.append(f"El filtro {name} necesita un número: se ignoró.")
                    continue
            else:
                terms = [tantivy.Query.term_query(self.schema, name, v) for v in values]
            parts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, t) for t in terms])))
        if query.date_from or query.date_to:
            low = _date_number(query.date_from) or 0
            high = _date_number(query.date_to) or 99991231
            parts.append((tantivy.Occur.Must, tantivy.Query.range_query(
                self.schema, "date", tantivy.FieldType.Unsigned, low, high)))
        return parts

    def _document_query(self, query: SearchQuery) -> tantivy.Query:
        return self._document_queries(query)[0]

    def _document_queries(self, query: SearchQuery) -> tuple[tantivy.Query, tantivy.Query]:
        """(the query that orders the hits, the query that matches the same documents without scoring them).

        The second leaves out the optional proximity clause, which only adds to scores: tantivy reads that
        clause's positions for every matching document even when nothing is scored (aggregations, date
        sorts), so facets counted with it read those positions a second time, a cost that grows with the
        answer. A date sort needs no score, so it orders with the second as well.
        """
        must, must_not = self._text_query(query, ("text", "title"))
        if query.match == "most" and len(must) > 1:
            # At least one clause; each matched clause adds MOST_MATCH_WEIGHT, so more matches rank first.
            must = [tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.const_score_query(q, MOST_MATCH_WEIGHT)),
                 (tantivy.Occur.Should, q)])) for q in must])]
        parts = [(tantivy.Occur.Must, q) for q in [self._kind("document"), *must]]
        parts += [(tantivy.Occur.MustNot, q) for q in must_not]
        parts += self._filter_query(query)
        matching = tantivy.Query.boolean_query(parts)
        proximity = self._proximity_query(query, ("text", "title"))
        if proximity is None or not must or not _scored(query):  # without a required clause, a should
            return matching, matching  # clause would match on its own
        return tantivy.Query.boolean_query([*parts, (tantivy.Occur.Should, proximity)]), matching

    # -- searching -------------------------------------------------------------------------------

    def _ordered_search(self, searcher, tquery, query: SearchQuery, limit: int, offset: int):
        if _scored(query):
            return searcher.search(tquery, limit, count=True, offset=offset)
        order = tantivy.Order.Asc if query.sort == "date_asc" else tantivy.Order.Desc
        return searcher.search(tquery, limit, count=True, offset=offset, order_by_field="date", order=order)

    def search(self, query: SearchQuery) -> SearchResult:
        deadline = Deadline(self.search_timeout_s)
        searcher = self._current().searcher()
        ranked, matching = self._document_queries(query)
        offset = (query.page - 1) * query.per_page
        # The facets are counted on another core while this thread ranks the hits and makes their snippets:
        # both passes go over every matching document, and tantivy lets go of the GIL while it searches.
        counting = self._facet_counter().submit(searcher.aggregate, matching, _aggregations())
        try:
            result = self._ordered_search(searcher, ranked, query, query.per_page, offset)
            deadline.check()
            hits = [self._hit(searcher.doc(address), score) for score, address in result.hits]
            snippets = self._snippets(searcher, query, [hit.document_id for hit in hits], deadline)
            facets, facet_names = _read_facets(counting.result())
        finally:
            counting.cancel()  # when this thread gave up first and the count has not started
        deadline.check()
        for hit in hits:
            hit.snippets = snippets.get(hit.document_id, [])
        return SearchResult(total=result.count, hits=hits, facets=facets, query=query, warnings=list(query.warnings),
                            facet_names=facet_names)

    def _facet_counter(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._facet_pool is None:
                self._facet_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                                                      thread_name_prefix="concejo-facets")
            return self._facet_pool

    def iterate(self, query: SearchQuery, batch: int = 1000) -> Iterator[Hit]:
        searcher = self._current().searcher()  # one searcher: a stable snapshot for the whole export
        tquery, _ = self._document_queries(query)
        offset = 0
        while True:
            deadline = Deadline(self.search_timeout_s)  # per batch: an export may take long, each search may not
            result = self._ordered_search(searcher, tquery, query, batch, offset)
            deadline.check()
            for score, address in result.hits:
                yield self._hit(searcher.doc(address), score)
            offset += len(result.hits)
            if not result.hits or offset >= result.count:
                return

    def _hit(self, stored: tantivy.Document, score) -> Hit:
        def stored_value(declared):
            value = stored.get_first(declared.name)
            return _number_date(value) if declared.kind == "date" else value

        return Hit(hit_fields(stored_value), score=float(score) if isinstance(score, float) else 0.0)

    def _snippets(
        self, searcher, query: SearchQuery, document_ids: list[int], deadline: Deadline
    ) -> dict[int, list[Snippet]]:
        """Best pages (up to SNIPPETS_PER_HIT) of each hit, highlighted, from one search over all hits."""
        must, _ = self._text_query(query, ("page_text",), identifiers=False)
        if not must or not document_ids:
            return {}
        any_term = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in must])

        def best_pages(ids: list[int], limit: int):
            in_hits = self._entries_of(ids)
            scope = [self._kind("page"), in_hits, any_term]
            return searcher.search(tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in scope]),
                                   limit, count=False).hits

        pages: dict[int, list] = {i: [] for i in document_ids}
        for _, address in best_pages(document_ids, len(document_ids) * SNIPPETS_PER_HIT * 4):
            stored = searcher.doc(address)
            found = pages[int(stored.get_first("document_id"))]
            if len(found) < SNIPPETS_PER_HIT:
                found.append(stored)
        for document_id in [i for i, found in pages.items() if not found]:  # crowded out by other hits
            deadline.check()
            pages[document_id] = [searcher.doc(a) for _, a in best_pages([document_id], SNIPPETS_PER_HIT)]
        deadline.check()
        generator = tantivy.SnippetGenerator.create(searcher, self._highlight_query(query), self.schema,
                                                    "page_text")
        generator.set_max_num_chars(SNIPPET_CHARS)
        return {
            document_id: sorted((self._snippet(generator, stored) for stored in found), key=lambda s: s.page)
            for document_id, found in pages.items() if found
        }

    def _snippet(self, generator, stored: tantivy.Document) -> Snippet:
        html = generator.snippet_from_doc(stored).to_html()
        html = html.replace("<b>", "<mark>").replace("</b>", "</mark>")  # the text is already escaped
        if not html.strip():
            html = escape(" ".join((stored.get_first("page_text") or "").split())[:SNIPPET_CHARS])
        return Snippet(page=int(stored.get_first("page")), html=html)

    def _highlight_query(self, query: SearchQuery) -> tantivy.Query:
        terms = [tantivy.Query.term_query(self.schema, "page_text", t) for t in highlight_terms(query.highlight_terms())]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, t) for t in terms])
