"""The JSON API (stable, versioned), complete exports (CSV, JSON Lines) and an Atom feed per search."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context, url_for

from search_app import resources
from search_app.backends.base import Hit, SearchResult

bp = Blueprint("api", __name__)
EXPORT_FIELDS = ("document_id", "title", "date", "session_type", "session_number", "commission",
                 "commission_name", "document_type", "url")


def _hit_json(hit: Hit) -> dict:
    data = hit.to_dict()
    data["url"] = request.host_url.rstrip("/") + hit.url
    data["page_url"] = url_for("documents.show", document_id=hit.document_id, _external=True)
    return data


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
    }


@bp.get("/api/v1/search")
def search():
    service = resources.search_service()
    return jsonify(result_json(service.search(service.query_from_args(request.args))))


@bp.get("/api/v1/documents/<int:document_id>")
def document(document_id: int):
    catalogue = resources.catalogue()
    row = catalogue.document(document_id)
    if row is None:
        abort(404, description=f"no document with id {document_id}")
    return jsonify({
        "document_id": row["id"], "title": row["title"], "kind": row["kind"], "status": row["status"],
        "status_reason": row["status_reason"], "session_type": row["session_type"],
        "session_number": row["session_number"], "date": row["session_date"], "commission": row["commission_slug"],
        "sha256": row["current_sha256"], "source_urls": catalogue.document_urls(document_id),
        "metadata": json.loads(row["metadata_json"] or "{}"),
        "pages": [{"number": p["number"], "text": p["text"], "origin": p["origin"],
                   "ocr_confidence": p["ocr_confidence"]} for p in catalogue.pages(document_id)],
        "versions": [{"sha256": v["sha256"], "source_url": v["source_url"], "first_fetched": v["first_fetched"],
                      "last_fetched": v["last_fetched"]} for v in catalogue.versions(document_id)],
    })


def _export_rows():
    service = resources.search_service()
    query = service.query_from_args(request.args)
    if query.sort == "relevance" and "sort" not in request.args:
        query.sort = "date_desc"
    return service.iterate(query)


@bp.get("/api/v1/export.csv")
def export_csv():
    rows = _export_rows()

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_FIELDS)
        for hit in rows:
            data = _hit_json(hit)
            writer.writerow([data[f] if data[f] is not None else "" for f in EXPORT_FIELDS])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=concejo-resultados.csv"})


@bp.get("/api/v1/export.jsonl")
def export_jsonl():
    rows = _export_rows()

    def generate():
        for hit in rows:
            data = _hit_json(hit)
            yield json.dumps({f: data[f] for f in EXPORT_FIELDS}, ensure_ascii=False) + "\n"

    return Response(stream_with_context(generate()), mimetype="application/x-ndjson; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=concejo-resultados.jsonl"})


@bp.get("/feed.atom")
def feed():
    """The newest documents matching a search, as Atom, so anyone can follow a topic."""
    service = resources.search_service()
    query = service.query_from_args(request.args)
    query.sort, query.page, query.per_page = "date_desc", 1, 30
    result = service.search(query)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    title = f"Concejo Abierto: {query.raw}" if query.raw else "Concejo Abierto: documentos recientes"
    entries = []
    for hit in result.hits:
        link = url_for("documents.show", document_id=hit.document_id, _external=True)
        summary = " … ".join(f"(p. {s.page}) {s.html}" for s in hit.snippets)
        entries.append(
            f"<entry><title>{escape(hit.title)}</title><id>{escape(link)}</id>"
            f'<link href="{escape(link)}"/><updated>{escape(hit.date or now[:10])}T00:00:00Z</updated>'
            f'<summary type="html">{escape(summary)}</summary></entry>'
        )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>{escape(request.url)}</id><updated>{now}</updated>"
        f'<link rel="self" href="{escape(request.url)}"/>{"".join(entries)}</feed>'
    )
    return Response(body, mimetype="application/atom+xml; charset=utf-8")
