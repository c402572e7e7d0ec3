"""Extract one PDF: per-page text with its origin, clean searchable text, and metadata.

Per page: the text layer (pypdfium2) is kept when it says something and is not garbage; an
image-only page, or one whose layer is a bad OCR ("Sesi6n", "APROBAC16N"), is OCR'd with
Tesseract. Blank scanned pages are recognised and skipped. A tick in a vote or attendance table
gets the name of its column (extract/vote_tables.py). Pages whose drawn rules close two adjacent cells
have their tables read by pdfplumber's finder (extract/tables.py) while the page is loaded; roll calls, votes and
entries/exits are read from the pages' text last (extract/proceedings/). This module runs in-process with no
bounds: extract/batch.py adds the time and memory limits for untrusted files.

Origins: "digital" (text layer), "ocr" (no usable layer), "digital+ocr" (a layer existed and OCR
was run too: a garbage layer replaced, or a few words of layer completed by OCR of the scan),
"needs_ocr" (OCR needed but unavailable or disabled; text is whatever the layer had), "empty".
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytesseract

from extract import cleanup, ocr, pdf_text, tables, text_quality, vote_tables
from extract.errors import ExtractionFailed
from extract.metadata import read_metadata
from extract.model import Extraction, Origin, Page
from extract.proceedings import Proceedings, read_proceedings
from extract.sniff import DEFAULT_MAX_BYTES, check_file

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 5000
SCAN_COVERAGE = 0.25  # images covering this much of a page with little text: a scan worth OCR


@dataclass
class _PageRead:
    raw: str
    origin: Origin
    confidence: float | None = None
    error: str | None = None
    unreadable: bool = False


def extract_document(
    path: Path,
    *,
    ocr: bool = True,
    hints: dict | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pages: int = DEFAULT_MAX_PAGES,
    read_tables: bool = True,
    proceedings: bool = True,
) -> Extraction:
    """Extract ``path``; raise ExtractionFailed if the file cannot be read at all.

    ``read_tables=False`` skips the tables (extract/tables.py), ``proceedings=False`` the roll calls and
    votes (extract/proceedings/); the bench measures what they cost.
    """
    path = Path(path)
    check_file(path, max_bytes=max_bytes)
    errors: list[str] = []
    reads: list[_PageRead] = []
    table_headers: dict[tuple[int, int], str] = {}  # vote-table columns, carried to continuation pages
    found = tables.TablesRead()  # read from each page while it is loaded, with its text page
    later: list[int] = []  # ruled pages read apart: annotations merged in, or a MediaBox pdfium cannot give
    with pdf_text.open_pdf(path, max_pages=max_pages) as document:
        for index in range(len(document)):
            try:
                page, flattened = pdf_text.load_page_flattened(document, index)
            except pdfium.PdfiumError as exc:
                reads.append(_PageRead("", "empty", f"page {index + 1}: unreadable ({exc})", unreadable=True))
                continue
            try:
                number = index + 1

                def page_tables(textpage, rules, page=page, number=number, flattened=flattened) -> None:
                    if _has_ruled_table(page, rules, number, found.errors) and (
                            flattened or not tables.read_page(page, textpage, number, found)):
                        later.append(number)

                reads.append(_read_page(page, number, use_ocr=ocr, table_headers=table_headers,
                                        with_textpage=page_tables if read_tables else None))
            finally:
                page.close()
    errors.extend(read.error for read in reads if read.error)
    if all(read.unreadable for read in reads):
        raise ExtractionFailed("corrupt", f"{path}: no page could be read; the PDF is corrupt or truncated")
    if later:
        apart = tables.read_tables(path, later)
        found.tables = sorted(found.tables + apart.tables, key=lambda table: (table.page, table.index))
        found.errors += apart.errors
    extraction, shared = _assemble(reads, errors + found.errors, hints)
    extraction.tables = found.tables
    if proceedings:
        extraction.proceedings = _proceedings(extraction, shared)
    return extraction


def _proceedings(extraction: Extraction, shared: _Shared) -> Proceedings:
    """What the council did, read from the display text (the clean text drops a vote table's header and
    first row where they repeat at the top of pages; extract/proceedings/ drops running headers itself)."""
    try:
        return read_proceedings([(page.number, page.display_text) for page in extraction.pages],
                                repeated=shared.repeated, identifier_hits=shared.identifier_hits)
    except Exception as exc:  # noqa: BLE001 - proceedings are an extra; the document's text must not be lost
        extraction.errors.append(f"proceedings not read ({type(exc).__name__}: {exc})")
        return Proceedings()


def _has_ruled_table(page: pdfium.PdfPage, rules: Callable[[], vote_tables.Rules], number: int,
                     errors: list[str]) -> bool:
    try:
        return tables.has_ruled_table(page, rules())
    except Exception as exc:  # noqa: BLE001 - tables are an extra; the page's text must not be lost
        errors.append(f"page {number}: tables not looked for ({type(exc).__name__}: {exc})")
        return False


def _read_page(page: pdfium.PdfPage, number: int, *, use_ocr: bool, table_headers: dict,
               with_textpage: Callable[[pdfium.PdfTextPage, Callable[[], vote_tables.Rules]], None] | None = None,
               ) -> _PageRead:
    """The page's text; ``with_textpage`` (reading the page's tables, never raising) runs while its text page is
    open, with the page's rules (read once, for the tick columns and the tables alike)."""
    table_error = None
    rules = functools.cache(functools.partial(vote_tables.read_rules, page))
    try:
        textpage = page.get_textpage()
        try:
            raw = pdf_text.textpage_text(textpage)
            if vote_tables.has_ticks(raw):
                raw, table_error = _with_table_columns(page, textpage, raw, number, table_headers, rules)
            if with_textpage:
                with_textpage(textpage, rules)
        finally:
            textpage.close()
    except pdfium.PdfiumError as exc:
        return _PageRead("", "empty", error=f"page {number}: text layer unreadable ({exc})", unreadable=True)
    has_text = text_quality.has_text(raw)
    garbage = has_text and text_quality.is_garbage(raw)
    if has_text and not garbage:
        return _PageRead(raw, "digital", error=table_error)
    if not garbage and pdf_text.image_coverage(page) < SCAN_COVERAGE:
        return _PageRead(raw, "digital" if raw.strip() else "empty")
    return _ocr_page(page, number, raw, garbage=garbage, use_ocr=use_ocr)


def _with_table_columns(page, textpage, raw: str, number: int, table_headers: dict,
                        rules: Callable[[], vote_tables.Rules]) -> tuple[str, str | None]:
    """The text with vote-table columns named, or the text as it was and why the columns are not named."""
    try:
        return vote_tables.label_ticks(page, textpage, raw, table_headers, rules()), None
    except Exception as exc:  # noqa: BLE001 - naming columns is an extra; the page's text must not be lost
        return raw, f"page {number}: vote-table columns not named ({type(exc).__name__}: {exc}); the ticks stay unnamed"


def _ocr_page(page: pdfium.PdfPage, number: int, raw: str, *, garbage: bool, use_ocr: bool) -> _PageRead:
    unavailable = "OCR disabled" if not use_ocr else ocr.tesseract_unavailable_reason()
    if unavailable:
        note = f"page {number}: OCR unavailable: {unavailable}" if use_ocr else None
        return _PageRead(raw, "needs_ocr", error=note)
    image = pdf_text.render_for_ocr(page)
    if ocr.is_blank(image):  # a blank scan, perhaps with a speck of OCR layer: nothing to read
        return _PageRead(raw, "digital" if garbage else "empty")
    try:
        result = ocr.ocr_image(image)
    except (pytesseract.TesseractError, RuntimeError) as exc:
        return _PageRead(raw, "needs_ocr", error=f"page {number}: OCR failed ({exc}); retry or inspect the page")
    if garbage:
        return _PageRead(result.text, "digital+ocr", result.confidence)
    if raw.strip():  # a few words of layer (a stamp, a page number) on a scanned page
        return _PageRead(f"{raw.strip()}\n{result.text}", "digital+ocr", result.confidence)
    return _PageRead(result.text, "ocr", result.confidence)


@dataclass
class _Shared:
    """What the extraction read from the display texts that the proceedings read again."""

    repeated: set[str]  # running header keys
    identifier_hits: dict[str, tuple]  # extract/metadata.py identifier_hits, by page text


def _assemble(reads: list[_PageRead], errors: list[str], hints: dict | None) -> tuple[Extraction, _Shared]:
    """The extraction, and what the proceedings would otherwise read again."""
    displays = [cleanup.display_text(read.raw) for read in reads]
    repeated = cleanup.repeated_edge_lines(displays)
    seen: set[str] = set()
    pages = [
        Page(
            number=i + 1,
            text=cleanup.searchable_text(display, repeated, seen),
            display_text=display,
            origin=read.origin,
            ocr_confidence=read.confidence,
        )
        for i, (read, display) in enumerate(zip(reads, displays, strict=True))
    ]
    hits: dict[str, tuple] = {}
    metadata = read_metadata(displays, hints, hits=hits)
    return Extraction(pages=pages, metadata=metadata, errors=errors), _Shared(repeated, hits)
