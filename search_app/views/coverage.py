"""The public coverage page: per council, the last crawl, what was read by OCR or could not be read, and
the gaps in what the council published (search_app/coverage.py assembles it; the API serves the same)."""

from __future__ import annotations

from flask import Blueprint, render_template

from search_app import resources
from search_app.coverage import council_coverage
from search_app.views.search import format_date

bp = Blueprint("coverage", __name__)


@bp.get("/cobertura")
def page():
    return render_template("coverage.html", councils=council_coverage(resources.catalogue(), resources.gap_rules(),
                                                                      resources.schedules()))


@bp.app_template_filter("momento")
@bp.app_template_filter("fecha_hora")  # "momento" is also the proceedings' filter of a movement's moment
def format_moment(value: str | None) -> str:
    """'2026-12-02T05:43:25+00:00' -> '2 de diciembre de 2026, 05:43 UTC'."""
    if not value:
        return "sin fecha"
    time = str(value)[11:16]
    return f"{format_date(value)}, {time} UTC" if len(time) == 5 else format_date(value)


@bp.app_template_filter("tamano")
def format_size(size: int | None) -> str:
    """Bytes as people read them: '0 bytes', '12,5 kB', '3,2 MB' (decimal units, Spanish comma)."""
    size = int(size or 0)
    if size < 1000:
        return f"{size} bytes"
    for unit in ("kB", "MB", "GB", "TB"):
        size /= 1000
        if size < 1000 or unit == "TB":
            return f"{size:.1f} {unit}".replace(".", ",")
    raise AssertionError("unreachable")
