"""The search service: the only thing views, the API, exports and feeds call to search."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from index_config.fields import CATALOGUE_NAMED, PARAMETER_FILTERS
from search_app import suggestions
from search_app.backends.base import Deadline, Hit, SearchBackend, SearchResult, SearchTooSlow
from search_app.query import SearchQuery, Term, build_query, fold
from search_app.value_names import ValueNames, unknown_value_warnings

# The request parameters a search understands; links to other pages of a search carry these and nothing
# else (url_for must never receive endpoint=, _external= or _method= from a visitor).
QUERY_PARAMETERS = ("q", "from", "desde", "to", "hasta",
                    *(name for f in PARAMETER_FILTERS for name in f.filter.parameters),
                    "sort", "orden", "page", "pagina", "per_page")


class SearchBusy(RuntimeError):
    """A costly search arrived while another was running; the message (Spanish) is for the user."""


def is_costly(query: SearchQuery) -> bool:
    """Searches that cost an engine several ordinary ones: many prefixes, phrases or alternatives."""
    terms = query.terms()
    return (sum(t.kind == "prefix" for t in terms) >= 2 or sum(t.kind == "phrase" for t in terms) >= 3
            or sum(len(t.text.split()) for t in terms) >= 16)


class SearchService:
    def __init__(self, backend: SearchBackend, costly_gate: threading.Semaphore | None = None,
                 value_names: Callable[[], ValueNames] | None = None) -> None:
        self.backend = backend
        # The catalogue's names of indexed values (councils, search_app/value_names.py), read only when a
        # search filters on such a field: a value the archive does not hold is named in a warning.
        self.value_names = value_names or dict
        # Costly searches run one at a time per process; one arriving while another runs is refused at
        # once (a waiting request would hold a server thread that ordinary searches need).
        self.costly_gate = costly_gate

    @staticmethod
    def query_from_args(args) -> SearchQuery:
        """Build a query from request arguments (form or API share the same names; filters as declared)."""
        filters = {f.name: _first(args, f.filter.parameters) for f in PARAMETER_FILTERS}
        return build_query(
            args.get("q", ""), date_from=args.get("from") or args.get("desde"),
            date_to=args.get("to") or args.get("hasta"), sort=args.get("sort") or args.get("orden"),
            page=args.get("page") or args.get("pagina"), per_page=args.get("per_page"), **filters,
        )

    @staticmethod
    def link_args(args) -> dict[str, str]:
        """The search's own parameters from request arguments, safe to pass to url_for."""
        return {name: args.get(name) for name in QUERY_PARAMETERS if args.get(name)}

    def search(self, query: SearchQuery) -> SearchResult:
        with self._turn_for(query):
            return self._search(query)

    @contextmanager
    def _turn_for(self, query: SearchQuery):
        """Costly searches (and exports) one at a time; one arriving while another runs is refused at once."""
        if self.costly_gate is None or not is_costly(query):
            yield
            return
        if not self.costly_gate.acquire(blocking=False):
            raise SearchBusy("El buscador está atendiendo otra búsqueda compleja: vuelva a intentarlo en unos "
                             "segundos o use menos prefijos, frases o alternativas con OR.")
        try:
            yield
        finally:
            self.costly_gate.release()

    def _search(self, query: SearchQuery) -> SearchResult:
        deadline = Deadline(getattr(self.backend, "search_timeout_s", None))
        result = self.backend.search(query)
        named = any(f.name in query.filters for f in CATALOGUE_NAMED)
        unknown = unknown_value_warnings(query, self.value_names()) if named else []
        result.warnings += unknown
        if result.total == 0 and unknown:  # the filter is what finds nothing: no spelling to suggest
            return result
        if result.total == 0 and self.backend.count() == 0:
            result.warnings.append(
                "El índice de búsqueda está vacío: todavía no se ha indexado ningún documento "
                "(ejecute `concejo run` o `concejo index`)."
            )
        elif result.total == 0 and query.has_text and query.match == "all":
            result = self._forgive(query, result, deadline)
        return result

    # -- forgiving queries: most of the words, and "¿Quiso decir …?" ------------------------------------------

    def _forgive(self, query: SearchQuery, result: SearchResult, deadline: Deadline) -> SearchResult:
        """No document has every word: answer those with most of them, name what they lack, suggest spellings."""
        missing = query.clauses
        if len(query.clauses) >= 2:
            deadline.check()
            result = self.backend.search(_most(query))
            result.mode = "most"
            if result.total:
                missing = self._missing_from_best(query, result, deadline)
                result.missing = [_clause_text(c) for c in missing]
                if missing:
                    named = ", ".join(f"«{w}»" for w in result.missing)
                    result.warnings.append(f"Ningún documento contiene todas las palabras; faltan: {named}")
                else:  # each word is in the best answer, but not where the search needs it (a phrase, say)
                    result.warnings.append(
                        "Ningún documento contiene todas las palabras: se muestran los que contienen más.")
            else:
                result.missing = [_clause_text(c) for c in missing]
                narrowed = query.filters or query.date_from or query.date_to or query.excluded
                result.warnings.append("Ningún documento contiene ninguna de las palabras buscadas"
                                       + (" con los filtros elegidos." if narrowed else "."))
        result.warnings = list(dict.fromkeys(result.warnings))  # a backend may restate a query's warning
        try:
            result.suggestion = self._suggestion(query, missing, deadline)
        except SearchTooSlow:  # the results stand; only the suggestion is dropped
            result.suggestion = None
        return result

    def _missing_from_best(self, query: SearchQuery, result: SearchResult, deadline: Deadline) -> list[list[Term]]:
        """The clauses the best answer (first by relevance) lacks, each checked with a count in that document."""
        if query.page == 1 and query.sort == "relevance" and result.hits:
            best = result.hits[0].document_id
        else:
            found = suggestions.best_documents(self.backend, _most(query), 1)
            if not found:  # the index changed since the search answered
                return []
            best = found[0]
        missing = []
        for clause in query.clauses:
            deadline.check()
            if suggestions.count(self.backend, suggestions.clause_query(query, clause, [best])) == 0:
                missing.append(clause)
        return missing

    def _suggestion(self, query: SearchQuery, clauses: list[list[Term]], deadline: Deadline) -> str | None:
        """The query with each word no document has replaced by a close word of the index; None if none."""
        corrected, changed = query.raw, False
        words = [t for clause in clauses for t in clause if t.kind == "word"]
        typed = {fold(t.text) for t in query.terms()}
        for term in words[:MAX_SUGGESTED_WORDS]:
            if not suggestions.suggestible(term.text):
                continue
            deadline.check()
            if suggestions.count(self.backend, suggestions.word_query(term)):
                continue  # a known word: the other words or the filters are what is missing
            better = suggestions.suggest_word(self.backend, term.text, deadline)
            if better and better not in typed:  # never a word the query already has
                corrected, replaced = re.subn(rf"(?<!\w){re.escape(term.text)}(?!\w)", better, corrected, count=1,
                                              flags=re.IGNORECASE)
                changed = changed or bool(replaced)
        return corrected if changed else None

    def iterate(self, query: SearchQuery) -> Iterator[Hit]:
        """Every answer, in the same mode the search answers in (exports match what the page shows); a costly
        export holds the same turn as a costly search, until its last row."""
        with self._turn_for(query):
            if (query.match == "all" and len(query.clauses) >= 2
                    and suggestions.count(self.backend, query) == 0):
                query = _most(query)
            yield from self.backend.iterate(query)


MAX_SUGGESTED_WORDS = 3  # unknown words looked up for "¿Quiso decir …?" in one search


def _first(args, names: tuple[str, ...]) -> str | None:
    """The first of a parameter's names the request gives a value (session_type before tipo)."""
    return next((args.get(name) for name in names if args.get(name)), None)


def _most(query: SearchQuery) -> SearchQuery:
    return replace(query, match="most", warnings=list(query.warnings))


def _clause_text(clause: list[Term]) -> str:
    return " OR ".join(term.text for term in clause)
