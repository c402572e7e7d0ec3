"""The JSON API (stable, versioned), complete exports (CSV, JSON Lines) and an Atom feed per search."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from itertools import chain, islice

from flask import Blueprint, Response, abort, current_app, jsonify, request, stream_with_context, url_for

from index_config.fields import EXPORT_FIELDS
from search_app import resources
from search_app.backends.base import Hit, SearchEngineUnavailable, SearchResult, SearchTooSlow
from search_app.coverage import council_coverage
from search_app.headers import paging_links
from search_app.links import public_id, public_link
from search_app.query import build_query
from search_app.views.documents import public_reason

bp = Blueprint("api", __name__)
ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry at all (control characters typed into a query, say).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The deepest page and the largest page a search answers: build_query clamps larger ones to these.
_CLAMPED = build_query("", page=10**9, per_page=10**9)
MAX_SEARCH_PAGE, MAX_SEARCH_PER_PAGE = _CLAMPED.page, _CLAMPED.per_page


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _public(path: str) -> str:
    return public_link(path, resources.settings().public_url)


def _hit_json(hit: Hit) -> dict:
    data = hit.to_dict()
    data["url"] = _public(hit.url)
    data["page_url"] = _public(url_for("documents.show", document_id=hit.document_id))
    return data


def csv_cell(value) -> object:
    """A value as a CSV cell no spreadsheet will run: text starting like a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def result_json(result: SearchResult) -> dict:
    query = result.query
    return {
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "pages": result.pages,
        "sort": query.sort,
        "hits": [_hit_json(h) for h in result.hits],
        "facets": {name: [{"value": v, "count": c} for v, c in values] for name, values in result.facets.items()},
        "warnings": result.warnings,
        "mode": result.mode,  # "all", or "most" when no document had every word
        "missing": result.missing,  # in "most" mode, the typed words the best answer lacks
        "suggestion": result.suggestion,  # the corrected query when a word is unknown to the index, else null
    }


@bp.get("/api/v1/search")
def search():
    service = resources.search_service()
    result = service.search(service.query_from_args(request.args))
    response = jsonify(result_json(result))
    args = {name: value for name, value in service.link_args(request.args).items() if name not in ("page", "pagina")}
    response.headers["Link"] = paging_links("api.search", args, page=result.query.page,
                                            last=min(result.pages, MAX_SEARCH_PAGE),
                                            public_url=resources.settings().public_url)
    return response


@bp.get("/api/v1/councils")
def councils():
    """Every council of the archive with what it holds, and where to search and browse it."""
    return jsonify({"councils": [{
        "council": row["slug"], "name": row["name"], "portal_url": row["portal_url"],
        "sessions": row["session_count"], "documents": row["document_count"],
        "withdrawn_documents": row["withdrawn_count"],
        "search_url": _public(url_for("api.search", concejo=row["slug"])),
        "sessions_url": _public(url_for("browse.sessions", concejo=row["slug"])),
    } for row in resources.catalogue().councils()]})


@bp.get("/api/v1/coverage")
def coverage():
    """Per council: the last crawl's ledger (public reasons), OCR and extraction counts, and the gaps."""
    return jsonify({"councils": council_coverage(resources.catalogue(), resources.gap_rules(),
                                                 resources.schedules())})


@bp.get("/api/v1/documents/<id:document_id>")
def document(document_id: int):
    catalogue = resources.catalogue()
    row = catalogue.document(document_id)
    if row is None:
        abort(404, description=f"No existe el documento {document_id}.")
    return jsonify({
        "document_id": row["id"], "council": row["council_slug"], "title": row["title"], "kind": row["kind"],
        "status": row["status"],  # 'withdrawn': gone from the portal, kept here with its files and text
        "status_reason": public_reason(row["status_reason"]), "session_type": row["session_type"],
        "session_number": row["session_number"], "date": row["session_date"], "commission": row["commission_slug"],
        "sha256": row["current_sha256"], "source_urls": catalogue.document_urls(document_id),
        "metadata": json.loads(row["metadata_json"] or "{}"),
        "pages": [{"number": p["number"], "text": p["text"], "origin": p["origin"],
                   "ocr_confidence": p["ocr_confidence"]} for p in catalogue.pages(document_id)],
        "versions": [{"sha256": v["sha256"], "source_url": v["source_url"], "first_fetched": v["first_fetched"],
                      "last_fetched": v["last_fetched"]} for v in catalogue.versions(document_id)],
    })


def _document_tables(document_id: int) -> list[dict]:
    catalogue = resources.catalogue()
    if catalogue.document(document_id) is None:
        abort(404, description=f"No existe el documento {document_id}.")
    return catalogue.tables(document_id)


@bp.get("/api/v1/documents/<id:document_id>/tables")
def document_tables(document_id: int):
    """The document's tables in reading order; number N (1-based) is the N-th, its CSV at csv_url."""
    return jsonify([{
        "number": number, "page": table["page"], "index": table["index"], "rows": table["rows"],
        "sha256": table["sha256"],  # the archived file the table was read from
        "csv_url": _public(url_for("api.document_table_csv", document_id=document_id, number=number)),
    } for number, table in enumerate(_document_tables(document_id), start=1)])


@bp.get("/api/v1/documents/<id:document_id>/tables/<int:number>.csv")
def document_table_csv(document_id: int, number: int):
    tables = _document_tables(document_id)
    if not 1 <= number <= len(tables):
        abort(404, description=f"El documento {document_id} no tiene una tabla {number}; "
                               f"tiene {len(tables)} {'tabla' if len(tables) == 1 else 'tablas'}.")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_cell(cell) for cell in row] for row in tables[number - 1]["rows"])
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=documento-{document_id}-tabla-{number}.csv"})


def _export_rows():
    service = resources.search_service()
    query = service.query_from_args(request.args)
    if query.sort == "relevance" and "sort" not in request.args:
        query.sort = "date_desc"
    rows = service.iterate(query)
    first = list(islice(rows, 1))  # a refused or too slow search is a 400 here, before the download starts
    return chain(first, rows)


INCOMPLETE_EXPORT = ("EXPORTACIÓN INCOMPLETA: la búsqueda tardó demasiado o el buscador dejó de responder a mitad "
                     "de la descarga; las filas anteriores son correctas. Vuelva a pedirla o acótela con filtros.")


def _until_failure(rows, failures: list[Exception]):
    """The rows, until the engine fails after the download has started (its 200 is sent by then): the
    failure is kept so the file itself can say it is incomplete, never passing for a whole export."""
    try:
        yield from rows
    except (SearchTooSlow, SearchEngineUnavailable) as exc:
        current_app.logger.warning("export cut short: %s", exc)
        failures.append(exc)


@bp.get("/api/v1/export.csv")
def export_csv():
    rows = _export_rows()

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_FIELDS)
        failures: list[Exception] = []
        for hit in _until_failure(rows, failures):
            data = _hit_json(hit)
            writer.writerow([csv_cell(data[f]) for f in EXPORT_FIELDS])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if failures:
            writer.writerow([INCOMPLETE_EXPORT] + [""] * (len(EXPORT_FIELDS) - 1))
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=concejo-resultados.csv"})


@bp.get("/api/v1/export.jsonl")
def export_jsonl():
    rows = _export_rows()

    def generate():
        failures: list[Exception] = []
        for hit in _until_failure(rows, failures):
            data = _hit_json(hit)
            yield json.dumps({f: data[f] for f in EXPORT_FIELDS}, ensure_ascii=False) + "\n"
        if failures:
            yield json.dumps({"error": {"code": "export_incomplete", "message": INCOMPLETE_EXPORT}},
                             ensure_ascii=False) + "\n"

    return Response(stream_with_context(generate()), mimetype="application/x-ndjson; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=concejo-resultados.jsonl"})


@bp.get("/feed.atom")
def feed():
    """The newest documents matching a search, as Atom, so anyone can follow a topic."""
    service = resources.search_service()
    query = service.query_from_args(request.args)
    query.sort, query.page, query.per_page = "date_desc", 1, 30
    result = service.search(query)
    public_url = resources.settings().public_url
    self_path = url_for("api.feed", **service.link_args(request.args))
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    title = f"Concejo Abierto: {query.raw}" if query.raw else "Concejo Abierto: documentos recientes"

    feed = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(feed, "title").text = _xml(title)
    ET.SubElement(feed, "id").text = public_id(self_path, public_url)
    ET.SubElement(feed, "updated").text = now
    ET.SubElement(feed, "link", rel="self", href=_xml(public_link(self_path, public_url)))
    for hit in result.hits:
        path = url_for("documents.show", document_id=hit.document_id)
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "title").text = _xml(hit.title)
        ET.SubElement(entry, "id").text = public_id(path, public_url)
        ET.SubElement(entry, "link", href=public_link(path, public_url))
        ET.SubElement(entry, "updated").text = f"{hit.date}T00:00:00Z" if hit.date else now
        summary = " … ".join(f"(p. {s.page}) {s.html}" for s in hit.snippets)
        ET.SubElement(entry, "summary", type="html").text = _xml(summary)
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body,
                    mimetype="application/atom+xml; charset=utf-8")
