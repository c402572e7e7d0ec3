"""The search service: the only thing views, the API, exports and feeds call to search."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from search_app.backends.base import Hit, SearchBackend, SearchResult
from search_app.query import SearchQuery, build_query

# The request parameters a search understands; links to other pages of a search carry these and nothing
# else (url_for must never receive endpoint=, _external= or _method= from a visitor).
QUERY_PARAMETERS = ("q", "from", "desde", "to", "hasta", "session_type", "tipo", "commission", "comision",
                    "document_type", "documento", "sort", "orden", "page", "pagina", "per_page")


class SearchBusy(RuntimeError):
    """A costly search arrived while another was running; the message (Spanish) is for the user."""


def is_costly(query: SearchQuery) -> bool:
    """Searches that cost an engine several ordinary ones: many prefixes, phrases or alternatives."""
    terms = query.terms()
    return (sum(t.kind == "prefix" for t in terms) >= 2 or sum(t.kind == "phrase" for t in terms) >= 3
            or sum(len(t.text.split()) for t in terms) >= 16)


class SearchService:
    def __init__(self, backend: SearchBackend, costly_gate: threading.Semaphore | None = None) -> None:
        self.backend = backend
        # Costly searches run one at a time per process; one arriving while another runs is refused at
        # once (a waiting request would hold a server thread that ordinary searches need).
        self.costly_gate = costly_gate

    @staticmethod
    def query_from_args(args) -> SearchQuery:
        """Build a query from request arguments (form or API share the same names)."""
        return build_query(
            args.get("q", ""), date_from=args.get("from") or args.get("desde"),
            date_to=args.get("to") or args.get("hasta"), session_type=args.get("session_type") or args.get("tipo"),
            commission=args.get("commission") or args.get("comision"),
            document_type=args.get("document_type") or args.get("documento"),
            sort=args.get("sort") or args.get("orden"), page=args.get("page") or args.get("pagina"),
            per_page=args.get("per_page"),
        )

    @staticmethod
    def link_args(args) -> dict[str, str]:
        """The search's own parameters from request arguments, safe to pass to url_for."""
        return {name: args.get(name) for name in QUERY_PARAMETERS if args.get(name)}

    def search(self, query: SearchQuery) -> SearchResult:
        if self.costly_gate is None or not is_costly(query):
            return self._search(query)
        if not self.costly_gate.acquire(blocking=False):
            raise SearchBusy("El buscador está atendiendo otra búsqueda compleja: vuelva a intentarlo en unos "
                             "segundos o use menos prefijos, frases o alternativas con OR.")
        try:
            return self._search(query)
        finally:
            self.costly_gate.release()

    def _search(self, query: SearchQuery) -> SearchResult:
        result = self.backend.search(query)
        if result.total == 0 and self.backend.count() == 0:
            result.warnings.append(
                "El índice de búsqueda está vacío: todavía no se ha indexado ningún documento "
                "(ejecute `concejo run` o `concejo index`)."
            )
        return result

    def iterate(self, query: SearchQuery) -> Iterator[Hit]:
        return self.backend.iterate(query)
