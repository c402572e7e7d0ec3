"""The search page: words, date range, session type and commission, with snippets and page numbers."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from index_config.fields import FACET_LABELS, FIELDS_BY_NAME, SESSION_TYPES, VALUE_LABELS
from search_app import resources
from search_app.backends.base import SearchResult
from search_app.value_names import ValueNames

bp = Blueprint("search", __name__)

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


def label(value: str | None) -> str:
    if not value:
        return ""
    return VALUE_LABELS.get(value, value.replace("_", " ").replace("-", " ").capitalize())


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


@bp.get("/")
def index():
    service = resources.search_service()
    query = service.query_from_args(request.args)
    searched = bool(query.raw.strip() or query.filters or query.date_from or query.date_to)
    result = service.search(query) if searched else None
    commissions = resources.catalogue().commissions()
    councils = resources.value_names()["council"]
    link_args = service.link_args(request.args)
    suggestion_args = None
    if result is not None and result.suggestion:  # the corrected search, from its first page
        suggestion_args = {k: v for k, v in link_args.items() if k not in {"page", "pagina"}}
        suggestion_args["q"] = result.suggestion
    return render_template(
        "search.html", result=result, query=query, args=request.args, link_args=link_args,
        suggestion_args=suggestion_args, searched=searched,
        session_types=tuple(SESSION_TYPES), commissions=commissions, councils=councils,
        facets=facet_groups(result, resources.value_names()) if result is not None else [],
    )
