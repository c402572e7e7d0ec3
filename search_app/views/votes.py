"""Votes and items: «how did X vote on Y» (/votaciones/, a member, words, dates, result, council) and an
ordinance or resolution followed across sessions (/expedientes/)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from search_app import resources
from search_app.views.proceedings import council_filter, vote_filters

bp = Blueprint("votes", __name__)

PER_PAGE = 20


@bp.get("/votaciones/")
def votes():
    catalogue = resources.catalogue()
    filters = vote_filters(request.args, per_page=PER_PAGE)
    total, rows = catalogue.votes(**filters.catalogue_args())
    pages = max(1, -(-total // filters.per_page))
    member = catalogue.person(filters.member) if filters.member else None
    councils = catalogue.councils()
    return render_template("votes.html", filters=filters, total=total, votes=rows, pages=pages, member=member,
                           people=catalogue.people(filters.council), councils=councils,
                           many_councils=len(councils) > 1)


@bp.get("/expedientes/")
def items():
    catalogue = resources.catalogue()
    councils = catalogue.councils()
    return render_template("items.html", items=catalogue.items(council_filter(request.args)),
                           many_councils=len(councils) > 1)


@bp.get("/expedientes/<path:identifier>")
def item(identifier: str):
    catalogue = resources.catalogue()
    mentions = catalogue.item(identifier, council_filter(request.args))
    if not mentions:
        abort(404, description=f"No encontramos el expediente «{identifier[:80]}» en ninguna sesión archivada.")
    return render_template("item.html", identifier=identifier, mentions=mentions,
                           many_councils=len(catalogue.councils()) > 1)
