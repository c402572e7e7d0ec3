"""Browsing without searching: sessions by year, one session (with its attendance and votes), commissions and
one commission, each listing narrowed to one council with `?concejo=<slug>` when the archive holds several."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template, request

from archive import Catalogue
from search_app import resources
from search_app.value_names import unknown_value_warning
from search_app.views import found_or_404
from search_app.views.search import MONTHS

bp = Blueprint("browse", __name__)


def chosen_council() -> tuple[str | None, str | None]:
    """(the council slug asked for, a Spanish notice when the archive has no such council)."""
    slug = (request.args.get("concejo") or request.args.get("council") or "").strip() or None
    if slug is None:
        return None, None
    return slug, unknown_value_warning("council", slug, resources.value_names()["council"])


def month_heading(day: str | None) -> str:
    """'2016-03-10' -> 'Marzo 2016', as the portals head their listings; 'Sin fecha' without one."""
    try:
        return f"{MONTHS[int(day[5:7]) - 1].capitalize()} {day[:4]}"
    except (TypeError, ValueError, IndexError):
        return "Sin fecha"


def by_month(rows) -> list[tuple[str, list]]:
    """Sessions (in the listing's date order) as (month heading, its sessions), in the same order."""
    return [(heading, list(group)) for heading, group in groupby(rows, key=lambda r: month_heading(r["date"]))]


@bp.get("/sesiones/")
def sessions():
    catalogue = resources.catalogue()
    councils = catalogue.councils()
    council, notice = chosen_council()
    year = request.args.get("anio", type=int)
    rows = [] if notice else catalogue.sessions(year=year, council_slug=council)
    by_year = [(y, by_month(group)) for y, group in groupby(rows, key=lambda r: (r["date"] or "sin fecha")[:4])]
    return render_template("sessions.html", by_year=by_year, year=year, councils=councils, council=council,
                           notice=notice, council_names={row["id"]: row["name"] for row in councils})


@bp.get("/sesiones/<id:session_id>")
def session(session_id: int):
    catalogue = resources.catalogue()
    row = found_or_404(catalogue.session(session_id))
    councils = catalogue.councils()
    council = next(c for c in councils if c["id"] == row["council_id"])
    documents = catalogue.session_documents(session_id)
    return render_template("session.html", session=row, documents=documents,
                           council_slug=council["slug"], council_name=council["name"] if len(councils) > 1 else None,
                           proceedings=catalogue.session_proceedings(session_id),
                           doc_titles={d["id"]: d["title"] for d in documents})


@bp.get("/comisiones/")
def commissions():
    catalogue = resources.catalogue()
    councils = catalogue.councils()
    council, notice = chosen_council()
    rows = [] if notice else catalogue.commissions(council_slug=council)
    return render_template("commissions.html", commissions=rows, councils=councils, council=council,
                           notice=notice)


@bp.get("/comisiones/<slug>")
def commission(slug: str):
    catalogue = resources.catalogue()
    councils = catalogue.councils()
    row = found_or_404(catalogue.commission(slug, request.args.get("concejo") or None))
    council = next(c for c in councils if c["id"] == row["council_id"])
    return render_template("commission.html", commission=row, members=Catalogue.commission_members(row),
                           council=council, many_councils=len(councils) > 1,
                           sessions=catalogue.sessions(commission_slug=slug, council_slug=council["slug"]))
