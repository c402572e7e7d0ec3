"""A document's page (metadata, per-page text) and its archived PDF, served by id only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template, request, send_file
from markupsafe import Markup, escape

from archive import CorruptFile
from archive.sniff import PDF_HEAD_BYTES, pdf_refusal
from index_config import spanish
from index_config.analysis import highlight_terms, spellings
from search_app import resources
from search_app.query import QueryTooComplex, check_bounds, parse_query
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


# A word as the embedded index cuts it (tantivy's simple tokenizer): a run of letters and digits.
_WORD = re.compile(r"[^\W_]+")
_AGENDA_LABEL = re.compile(r"^(?P<label>[IVXLCDM]+|\d{1,3})\.\s+(?P<title>.*)$", re.DOTALL)


@dataclass(frozen=True)
class SearchMarks:
    """What to mark on a document's pages for a search as typed: the index terms the result's snippets mark
    (each word's stem class, folded: "sesion" marks Sesión, sesiones...), and the prefixes of `palabra*`."""

    words: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, raw: str | None) -> SearchMarks | None:
        """The marks of a search, or None when it has no words (or is one the search itself refuses)."""
        try:
            query = parse_query((raw or "")[:1000])
            check_bounds(query)
        except QueryTooComplex:
            return None
        terms = query.highlight_terms()
        prefixes = tuple(dict.fromkeys(
            tokens[-1] for t in terms if t.kind == "prefix" for tokens in spellings(t.text) if tokens))
        words = frozenset(highlight_terms(terms))
        return cls(words, prefixes) if words or prefixes else None

    def matches(self, word: str) -> bool:
        folded = spanish.fold(word)
        return folded in self.words or folded.startswith(self.prefixes)

    def html(self, text: str) -> tuple[Markup, int]:
        """The text escaped, each matching word in <mark>; and how many words matched."""
        parts, count, end = [], 0, 0
        for found in _WORD.finditer(text):
            if self.matches(found.group()):
                parts += [escape(text[end:found.start()]), Markup("<mark>"), escape(found.group()), Markup("</mark>")]
                end, count = found.end(), count + 1
        parts.append(escape(text[end:]))
        return Markup("").join(parts), count


def agenda_items(points: list[str]) -> list[tuple[str | None, str]]:
    """Each agenda point as (its printed numbering, its title): "IV. Himno" -> ("IV.", "Himno")."""
    items = []
    for point in points:
        found = _AGENDA_LABEL.match(point)
        items.append((found["label"] + ".", found["title"]) if found else (None, point))
    return items


@bp.get("/documentos/<id:document_id>")
def show(document_id: int):
    catalogue = resources.catalogue()
    row = found_or_404(catalogue.document(document_id))
    metadata = json.loads(row["metadata_json"] or "{}")
    pages = [dict(page) for page in catalogue.pages(document_id)]
    searched = (request.args.get("q") or "").strip()
    marks = SearchMarks.of(searched) if searched else None
    for page in pages:  # with a search, its words are marked on every page, as its snippets mark them
        page["html"], page["marks"] = (marks.html(page["display_text"] or page["text"] or "") if marks
                                       else (escape(page["display_text"] or page["text"] or ""), 0))
    marked_pages = [page["number"] for page in pages if page["marks"]]
    return render_template(
        "document.html", doc=row, metadata=metadata, disagreements=listing_disagreements(metadata),
        agenda=agenda_items(metadata.get("agenda_points") or []),
        pages=pages, searched=searched if marks else "", marked_pages=marked_pages,
        tables=catalogue.tables(document_id),
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
