"""The search page: words, date range, session type and commission, with snippets and page numbers."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, render_template, request, url_for

from index_config.fields import FACET_LABELS, FIELDS_BY_NAME, SESSION_TYPES, VALUE_LABELS
from search_app import resources
from search_app.backends.base import SearchResult
from search_app.query import SearchQuery
from search_app.value_names import ValueNames

bp = Blueprint("search", __name__)

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


# Words of council vocabulary that a slug or code loses the accent of, restored in the labels of values the
# declaration does not name; every "-cion" and "-sion" becomes "-ción", "-sión" by rule.
_ACCENTED_WORDS = {word.translate(str.maketrans("áéíóú", "aeiou")): word for word in (
    "día", "número", "órgano", "público", "pública", "técnico", "técnica", "económico", "económica",
    "tránsito", "trámite", "cámara", "código", "jurídico", "jurídica", "política", "según",
)}
_ACCENT_ENDING = re.compile(r"(?<=[a-z][cs])ion$")


def label(value: str | None) -> str:
    """A value's Spanish label: the declared one, else the value's words with their accents
    ("dictamen_de_comision" -> "Dictamen de comisión")."""
    if not value:
        return ""
    if value in VALUE_LABELS:
        return VALUE_LABELS[value]
    words = value.replace("_", " ").replace("-", " ").lower().split()
    return " ".join(_ACCENTED_WORDS.get(w) or _ACCENT_ENDING.sub("ión", w) for w in words).capitalize()


def count_of(number: int | None, singular: str, plural: str) -> str:
    """'1 documento', '3 documentos', '0 documentos': a count with its noun in the right number."""
    number = number or 0
    return f"{number} {singular if number == 1 else plural}"


def document_link(document_id: int, query: SearchQuery | None = None, page: int | None = None) -> str:
    """A document's page, carrying the search words to mark there (?q=) and opened at a page (#pagina-N)."""
    words = query.raw.strip() if query is not None and query.has_text else None
    return url_for("documents.show", document_id=document_id, q=words) + (f"#pagina-{page}" if page else "")


def facet_groups(result: SearchResult, value_names: ValueNames) -> list[tuple[str, list[tuple[str, int]]]]:
    """Each facet with values, as (Spanish heading, [(value label, count)]): a value's display name where its
    field declares one, indexed ("Educación y cultura") or in the catalogue (value_names: a council's
    name), else its label; numbers as they are."""
    groups = []
    for name, values in result.facets.items():
        if not values:
            continue
        names = {**value_names.get(name, {}), **result.facet_names.get(name, {})}
        numeric = FIELDS_BY_NAME[name].kind == "integer"
        groups.append((FACET_LABELS[name], [(value if numeric else names.get(value) or label(value), count)
                                            for value, count in values]))
    return groups


def format_date(value: str | None) -> str:
    """'2024-05-10' -> '10 de mayo de 2024'."""
    if not value:
        return "sin fecha"
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


@bp.app_context_processor
def counting() -> dict:
    return {"contar": count_of}


@bp.get("/")
def index():
    service = resources.search_service()
    query = service.query_from_args(request.args)
    searched = bool(query.raw.strip() or query.filters or query.date_from or query.date_to)
    result = service.search(query) if searched else None
    commissions = resources.commissions()
    councils = resources.value_names()["council"]
    link_args = service.link_args(request.args)
    suggestion_args = None
    if result is not None and result.suggestion:  # the corrected search, from its first page
        suggestion_args = {k: v for k, v in link_args.items() if k not in {"page", "pagina"}}
        suggestion_args["q"] = result.suggestion
    return render_template(
        "search.html", result=result, query=query, args=request.args, link_args=link_args,
        suggestion_args=suggestion_args, searched=searched, document_link=document_link,
        session_types=tuple(SESSION_TYPES), commissions=commissions, councils=councils,
        facets=facet_groups(result, resources.value_names()) if result is not None else [],
    )
