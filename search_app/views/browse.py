"""Browsing without searching: sessions by year, one session, commissions and one commission."""

from __future__ import annotations

import json
from itertools import groupby

from flask import Blueprint, render_template, request

from search_app import resources
from search_app.views import found_or_404

bp = Blueprint("browse", __name__)


@bp.get("/sesiones/")
def sessions():
    year = request.args.get("anio", type=int)
    rows = resources.catalogue().sessions(year=year)
    by_year = [(y, list(group)) for y, group in groupby(rows, key=lambda r: (r["date"] or "sin fecha")[:4])]
    return render_template("sessions.html", by_year=by_year, year=year)


@bp.get("/sesiones/<id:session_id>")
def session(session_id: int):
    catalogue = resources.catalogue()
    row = found_or_404(catalogue.session(session_id))
    return render_template("session.html", session=row, documents=catalogue.session_documents(session_id))


@bp.get("/comisiones/")
def commissions():
    return render_template("commissions.html", commissions=resources.catalogue().commissions())


@bp.get("/comisiones/<slug>")
def commission(slug: str):
    catalogue = resources.catalogue()
    row = found_or_404(catalogue.commission(slug))
    return render_template("commission.html", commission=row, members=json.loads(row["members_json"] or "[]"),
                           sessions=catalogue.sessions(commission_slug=slug))
