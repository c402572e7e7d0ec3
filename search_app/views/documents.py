"""A document's page (metadata, per-page text) and its archived PDF, served by id only."""

from __future__ import annotations

import json

from flask import Blueprint, abort, render_template, send_file

from search_app import resources

bp = Blueprint("documents", __name__)


def _document_or_404(document_id: int):
    row = resources.catalogue().document(document_id)
    if row is None:
        abort(404)
    return row


@bp.get("/documentos/<int:document_id>")
def show(document_id: int):
    catalogue = resources.catalogue()
    row = _document_or_404(document_id)
    metadata = json.loads(row["metadata_json"] or "{}")
    return render_template(
        "document.html", doc=row, metadata=metadata, pages=catalogue.pages(document_id),
        urls=catalogue.document_urls(document_id), versions=catalogue.versions(document_id),
    )


@bp.get("/documentos/<int:document_id>.pdf")
def pdf(document_id: int):
    """The archived file; the id selects a catalogue row, the row's sha256 selects the file."""
    row = _document_or_404(document_id)
    if not row["current_sha256"]:
        abort(404)
    try:
        path = resources.file_store().open_path(row["current_sha256"])
    except FileNotFoundError:
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=f"documento-{document_id}.pdf",
                     conditional=True, etag=row["current_sha256"], max_age=3600)
