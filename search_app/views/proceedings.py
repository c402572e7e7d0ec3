"""What the pages and the API about proceedings (members, votes, items) share: reading a vote search from the
request, refusing what it cannot use with a Spanish 400, and the links to the acta page a record came from.

A bad filter is an error the visitor reads, never an empty list standing in for one. This module only reads
the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, url_for

from search_app import MAX_ID, resources
from search_app.proceedings_labels import RESULTS
from search_app.query import MAX_PARAM_CHARS, MAX_QUERY_CHARS
from search_app.value_names import unknown_value_warning

MAX_PER_PAGE = 100
MAX_PAGE = 1000  # 100,000 votes deep: past it, the exports have them all


@dataclass
class VoteFilters:
    """A search of votes as the request asked for it, checked."""

    council: str | None = None
    member: int | None = None
    q: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    result: str | None = None
    page: int = 1
    per_page: int = 20
    default_per_page: int = 20  # the page size of the view asking: only another size goes into its links

    def catalogue_args(self) -> dict:
        """The keyword arguments of Catalogue.votes() for this page of the search."""
        return {"council": self.council, "member": self.member, "q": self.q, "date_from": self.date_from,
                "date_to": self.date_to, "result": self.result, "limit": self.per_page,
                "offset": (self.page - 1) * self.per_page}

    def page_args(self) -> dict[str, str | int]:
        """The search as /votaciones's own parameters (Spanish names) and its page size when it is not the
        default, without the page: for links."""
        values = {"q": self.q, "miembro": self.member, "desde": self.date_from, "hasta": self.date_to,
                  "resultado": self.result, "concejo": self.council,
                  "per_page": self.per_page if self.per_page != self.default_per_page else None}
        return {name: value for name, value in values.items() if value}


def _first(args, *names: str) -> str | None:
    """The first of these parameters given, stripped; None when none is (an empty field is not given)."""
    for name in names:
        value = (args.get(name) or "").strip()
        if value:
            if len(value) > MAX_PARAM_CHARS and name != "q":
                abort(400, description=f"El parámetro «{name}» es demasiado largo (máximo {MAX_PARAM_CHARS} "
                                       "caracteres).")
            return value
    return None


def _date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        abort(400, description=f"La fecha «{value[:40]}» ({name}) no es válida: escríbala como AAAA-MM-DD, "
                               "por ejemplo 2024-03-05.")


def _integer(value: str | None, what: str, *, high: int, bounds: str) -> int | None:
    """A whole number from 1 to high; else a 400 saying what it must be ("La página", "entre 1 y 1000")."""
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= high:
        abort(400, description=f"{what} debe ser un número entero {bounds}; se recibió «{value[:40]}».")
    return int(value)


def council_filter(args) -> str | None:
    """The council slug asked for (?concejo= or ?council=); a 400 naming the archive's councils when it has
    no such council."""
    slug = _first(args, "concejo", "council")
    if slug is None:
        return None
    warning = unknown_value_warning("council", slug, resources.value_names()["council"])
    if warning:
        abort(400, description=warning)
    return slug


def member_id(value: str | None) -> int | None:
    """A member id from a filter: a 400 unless it is a number the archive holds a member for."""
    person_id = _integer(value, "El miembro (su número en /miembros)", high=MAX_ID, bounds="positivo")
    if person_id is not None and resources.catalogue().person(person_id) is None:
        abort(400, description=f"No existe el miembro {person_id}; los miembros están en /miembros.")
    return person_id


def vote_filters(args, *, per_page: int) -> VoteFilters:
    """The vote search the request asks for (Spanish or English parameter names), or a 400 saying what is
    wrong. The page size is clamped to 1..MAX_PER_PAGE; a page past MAX_PAGE is refused."""
    q = _first(args, "q")
    if q is not None and len(q) > MAX_QUERY_CHARS:
        abort(400, description=f"La búsqueda es demasiado larga ({len(q)} caracteres; el máximo es "
                               f"{MAX_QUERY_CHARS}).")
    result = _first(args, "resultado", "result")
    if result is not None and result not in RESULTS:
        abort(400, description=f"El resultado «{result[:40]}» no existe; use {' o '.join(RESULTS)}.")
    filters = VoteFilters(
        council=council_filter(args), q=q, result=result,
        date_from=_date(_first(args, "desde", "from"), "desde"), date_to=_date(_first(args, "hasta", "to"), "hasta"),
        page=_integer(_first(args, "pagina", "page"), "La página", high=MAX_PAGE, bounds=f"entre 1 y {MAX_PAGE}") or 1,
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        abort(400, description=f"La fecha «desde» ({filters.date_from}) es posterior a «hasta» "
                               f"({filters.date_to}).")
    wanted = _first(args, "per_page")
    size = int(wanted) if wanted and wanted.isascii() and wanted.isdigit() else per_page
    filters.per_page = max(1, min(size, MAX_PER_PAGE))
    filters.default_per_page = per_page
    filters.member = member_id(_first(args, "miembro", "member"))
    return filters


def acta_page_url(document_id: int, page: int | None) -> str:
    """The document page, at the page a record was read from."""
    return url_for("documents.show", document_id=document_id, _anchor=f"pagina-{page}" if page else None)


def acta_pdf_url(document_id: int, page: int | None) -> str:
    """The archived PDF, opened at that page."""
    return url_for("documents.pdf", document_id=document_id) + (f"#page={page}" if page else "")


def register(app) -> None:
    app.jinja_env.globals.update(acta_page_url=acta_page_url, acta_pdf_url=acta_pdf_url)
