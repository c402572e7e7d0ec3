"""What the index receives for each catalogued document: its IndexableDocument, with a citable title.

The catalogue row gives what the portal listed; the extraction's metadata fills what it did not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from archive import Catalogue
from index_config.entries import IndexableDocument
from index_config.fields import DOCUMENT_TYPES


def indexable_documents(catalogue: Catalogue, rows: Iterable) -> Iterator[IndexableDocument]:
    """Each catalogue row (from Catalogue.documents_to_index) with its pages' text, ready to index."""
    for row in rows:
        metadata = json.loads(row["metadata_json"] or "{}")
        pages = tuple(p["text"] for p in catalogue.pages(row["id"]))
        yield IndexableDocument(
            document_id=row["id"],
            title=citable_title(row, metadata),
            date=row["session_date"] or metadata.get("date"),
            session_type=row["session_type"] or metadata.get("session_type"),
            session_number=row["session_number"] if row["session_number"] is not None
            else as_int(metadata.get("session_number")),
            commission=row["commission_slug"],
            commission_name=row["commission_name"],
            document_type=row["kind"] if row["kind"] in DOCUMENT_TYPES else metadata.get("document_type") or row["kind"],
            council=row["council_slug"],
            identifiers=tuple(metadata.get("identifiers") or ()),
            url=f"/documentos/{row['id']}.pdf",
            pages=pages,
        )


def citable_title(row, metadata: dict) -> str:
    """'Acta de la Sesión Ordinaria No. 134 — Comisión de Ambiente' when the text gives the number."""
    number = row["session_number"] if row["session_number"] is not None else as_int(metadata.get("session_number"))
    session_type = row["session_type"] or metadata.get("session_type")
    if number is None or not session_type or row["kind"] not in DOCUMENT_TYPES:
        return row["title"] or row["key"]
    title = f"{DOCUMENT_TYPES[row['kind']]} de la Sesión {session_type.capitalize()} No. {number}"
    return f"{title} — {row['commission_name']}" if row["commission_name"] else title


def as_int(value) -> int | None:
    """A session number from extracted metadata (an int, digits, or nothing); None when it is none of them."""
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
