"""A document's page (metadata, per-page text) and its archived PDF, served by id only."""

from __future__ import annotations

import json

from flask import Blueprint, abort, render_template, send_file

from search_app import resources
from search_app.views import found_or_404
from search_app.views.search import format_date, label

bp = Blueprint("documents", __name__)

FIELD_NAMES = {
    "document_type": "tipo de documento", "session_type": "tipo de sesión", "session_number": "número de sesión",
    "number": "número", "date": "fecha", "council": "concejo", "commission": "comisión",
}


def _value(field: str, value: str) -> str:
    return format_date(value) if field == "date" else label(value) if field.endswith("_type") else value


def listing_disagreements(metadata: dict) -> list[str]:
    """In Spanish, where the portal's listing and the document's own text disagree (the text wins)."""
    return [
        f"{FIELD_NAMES.get(note['field'], note['field'])}: el portal dice «{_value(note['field'], note['listing'])}», "
        f"el documento dice «{_value(note['field'], note['text'])}»"
        for note in metadata.get("disagreements", [])
        if isinstance(note, dict)  # catalogues extracted before version 2 hold English notes, redone on re-extraction
    ]


@bp.get("/documentos/<int:document_id>")
def show(document_id: int):
    catalogue = resources.catalogue()
    row = found_or_404(catalogue.document(document_id))
    metadata = json.loads(row["metadata_json"] or "{}")
    return render_template(
        "document.html", doc=row, metadata=metadata, disagreements=listing_disagreements(metadata),
        pages=catalogue.pages(document_id),
        urls=catalogue.document_urls(document_id), versions=catalogue.versions(document_id),
    )


@bp.get("/documentos/<int:document_id>.pdf")
def pdf(document_id: int):
    """The archived file; the id selects a catalogue row, the row's sha256 selects the file."""
    row = found_or_404(resources.catalogue().document(document_id))
    if not row["current_sha256"]:
        abort(404)
    try:
        path = resources.file_store().open_path(row["current_sha256"])
    except FileNotFoundError:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=f"documento-{document_id}.pdf",
                     conditional=True, etag=row["current_sha256"], max_age=3600)
