"""What extraction produces: pages with their origin, metadata read from the text, tables, non-fatal errors.

These dataclasses are the contract with the archive and the index; keep field names stable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

from extract.tables import Table

if TYPE_CHECKING:
    from extract.proceedings.model import Proceedings

Origin = Literal["digital", "ocr", "digital+ocr", "needs_ocr", "empty"]

# Meaning of each origin (see extract/README-like docstring in extract/document.py):
#   digital      text layer only
#   ocr          no usable text layer; text from Tesseract
#   digital+ocr  the page had a text layer and was also OCR'd: a garbage layer replaced by OCR,
#                or a scan carrying only a few words of text (e.g. a stamp) completed by OCR
#   needs_ocr    OCR was needed but not run (tesseract missing or ocr=False); text is whatever the layer had
#   empty        nothing to read: no text layer and a blank (or no) image


@dataclass
class Page:
    number: int  # 1-based
    text: str  # clean, searchable: headers/footers and "Página N de M" removed, hyphenation joined
    display_text: str  # as printed on the page, headers/footers kept
    origin: Origin
    ocr_confidence: float | None = None  # mean Tesseract word confidence, 0-100

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "text": self.text,
            "origin": self.origin,
            "ocr_confidence": self.ocr_confidence,
        }


@dataclass
class Metadata:
    document_type: str | None = None
    session_type: str | None = None
    session_number: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD)
    council: str | None = None
    commission: str | None = None
    identifiers: list[str] = field(default_factory=list)
    agenda_points: list[str] = field(default_factory=list)
    # Where the portal's listing and the text disagree (the text wins): {"field", "listing", "text"}
    disagreements: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _no_proceedings() -> Proceedings:
    # Imported here: extract/proceedings/ reads identifiers with extract/metadata.py, which imports this module.
    from extract.proceedings.model import Proceedings

    return Proceedings()


@dataclass
class Extraction:
    pages: list[Page]
    metadata: Metadata
    errors: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)  # every ruled table pdfplumber read, page by page
    proceedings: Proceedings = field(default_factory=_no_proceedings)  # roll calls, votes, movements, items

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)

    def to_dict(self) -> dict:
        return {
            "pages": [page.to_dict() for page in self.pages],
            "metadata": self.metadata.to_dict(),
            "errors": list(self.errors),
            "tables": [table.to_dict() for table in self.tables],
            "proceedings": self.proceedings.to_dict(),
        }
