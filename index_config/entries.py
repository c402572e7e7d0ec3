"""What gets indexed for one archived document: a document entry plus one entry per page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from index_config.analysis import NO_TEXT, normalize


@dataclass(frozen=True)
class IndexableDocument:
    document_id: int
    title: str
    date: str | None  # ISO yyyy-mm-dd
    session_type: str | None
    session_number: int | None
    commission: str | None  # slug
    commission_name: str | None
    document_type: str | None
    council: str
    identifiers: tuple[str, ...]
    url: str
    pages: tuple[str, ...]  # clean text per page, page 1 first
    extra: dict = field(default_factory=dict, compare=False)

    def entries(self) -> Iterator[dict]:
        """Field dicts following index_config.fields.FIELDS (values analysed by the engine)."""
        common = {
            "document_id": self.document_id,
            "document_ref": str(self.document_id),
            "title": normalize(self.title or ""),
            "date": self.date,
            "year": int(self.date[:4]) if self.date else None,
            "session_type": self.session_type or "",
            "session_number": self.session_number,
            "commission": self.commission or "",
            "commission_name": self.commission_name or "",
            "document_type": self.document_type or "",
            "council": self.council,
            "identifiers": [i.lower() for i in self.identifiers],
            "url": self.url,
        }
        pages = [normalize(p) for p in self.pages]
        # Every entry has every text field (NO_TEXT where it has none), so both engines count the same
        # documents and tokens per field for BM25 (see index_config/analysis.py).
        text = "\n".join(pages)
        yield {**common, "entry_id": f"d{self.document_id}", "entry_kind": "document", "page": 0,
               "text": text if text.strip() else NO_TEXT, "page_text": NO_TEXT}
        for number, text in enumerate(pages, start=1):
            yield {**common, "entry_id": f"p{self.document_id}-{number}", "entry_kind": "page",
                   "page": number, "text": NO_TEXT, "page_text": text}
