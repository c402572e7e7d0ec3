"""A document's page (metadata, per-page text) and its archived PDF, served by id only."""

from __future__ import annotations

import json
import re

from flask import Blueprint, abort, current_app, render_template, send_file

from archive import CorruptFile
from archive.sniff import PDF_HEAD_BYTES, pdf_refusal
from search_app import resources
from search_app.views import found_or_404
from search_app.views.search import format_date, label

bp = Blueprint("documents", __name__)

FIELD_NAMES = {
    "document_type": "tipo de documento", "session_type": "tipo de sesión", "session_number": "número de sesión",
    "number": "número", "date": "fecha", "council": "concejo", "commission": "comisión",
}


REASON_CHARS = 300
# An absolute server path (not the path of a URL: those follow a host name).
_SERVER_PATH = re.compile(r"(?<![\w:/.])(?:/[\w.@+-]+){2,}/?|\b[A-Za-z]:\\[^\s'\"]+")
_UNPRINTABLE = re.compile(r"[^\S ]+|[\x00-\x1f\x7f-\x9f\ufffd]")


def public_reason(reason: str | None) -> str | None:
    """A recorded failure reason as the public may see it: no server paths, no raw bytes, one short line.

    The full reason stays in the operator's log and `concejo status`.
    """
    if not reason:
        return reason
    text = _SERVER_PATH.sub("[archivo del servidor]", reason)
    text = _UNPRINTABLE.sub(" ", text)
    text = re.sub(r"\\x[0-9a-fA-F]{2}", "", text)  # bytes shown as b'\x89PNG...'
    text = " ".join(text.split())
    return text if len(text) <= REASON_CHARS else text[:REASON_CHARS - 1] + "…"


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


@bp.get("/documentos/<id:document_id>")
def show(document_id: int):
    catalogue = resources.catalogue()
    row = found_or_404(catalogue.document(document_id))
    metadata = json.loads(row["metadata_json"] or "{}")
    return render_template(
        "document.html", doc=row, metadata=metadata, disagreements=listing_disagreements(metadata),
        pages=catalogue.pages(document_id), tables=catalogue.tables(document_id),
        urls=catalogue.document_urls(document_id), versions=catalogue.versions(document_id),
    )


@bp.get("/documentos/<id:document_id>.pdf")
def pdf(document_id: int):
    """The archived file; the id selects a catalogue row, the row's sha256 selects the file."""
    row = found_or_404(resources.catalogue().document(document_id))
    if not row["current_sha256"]:
        abort(404)
    try:
        path = resources.file_store().open_verified(row["current_sha256"])
    except FileNotFoundError:
        abort(404)
    except CorruptFile as exc:  # never served as the archived file: the operator's log says what to run
        current_app.logger.error("document %s: %s", document_id, exc)
        abort(503, description="El archivo de este documento está dañado y se está recuperando; "
                               "vuelva a intentarlo más tarde.")
    with open(path, "rb") as handle:  # archives crawled before the check was shared hold HTML error pages
        refusal = pdf_refusal(handle.read(PDF_HEAD_BYTES))
    if refusal:
        current_app.logger.warning("document %s: archived file %s is not served as a PDF: %s",
                                   document_id, row["current_sha256"], refusal)
        abort(404, description="Este documento no es un PDF válido; el archivo se conserva para revisión.")
    return send_file(path, mimetype="application/pdf", download_name=f"documento-{document_id}.pdf",
                     conditional=True, etag=row["current_sha256"], max_age=3600)
