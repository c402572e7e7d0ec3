"""Open a PDF with pypdfium2 and read each page's text layer, image coverage and rendering.

pypdfium2 is the bulk text path: it is fast and keeps reading order on two-column pages, on
justified text drawn word by word, and with a vertical stamp in the margin (pdfplumber does not).
This module never decides what a page *means*; see extract/document.py for that.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from extract.errors import ExtractionFailed

OCR_DPI = 300
MAX_RENDER_PIXELS = 60_000_000  # ~ an A2 sheet at 300 dpi; bigger pages are rendered at a lower dpi

# pdfium writes U+0002 where a line ends in a hyphen it considers a soft hyphenation break.
PDFIUM_LINE_HYPHEN = "\x02"


@contextmanager
def open_pdf(path: Path, *, max_pages: int) -> Iterator[pdfium.PdfDocument]:
    """Open ``path`` or raise ExtractionFailed with a reason (encrypted, corrupt, too many pages)."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower() or "security" in message.lower():
            raise ExtractionFailed(
                "encrypted", f"{path}: the PDF is password-protected; ask the publisher for an open copy"
            ) from None
        raise ExtractionFailed("corrupt", f"{path}: PDFium cannot read it ({message}); it is corrupt or truncated") from None
    try:
        page_count = len(document)
        if page_count == 0:
            raise ExtractionFailed("corrupt", f"{path}: the PDF has no readable pages; it is corrupt or truncated")
        if page_count > max_pages:
            raise ExtractionFailed(
                "too_large", f"{path}: {page_count:,} pages exceeds the {max_pages:,}-page limit; raise max_pages"
            )
        yield document
    finally:
        document.close()


def load_page(document: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    """Load a page with its annotations (e-signature boxes, form fields) merged into the content.

    PDFium's text layer ignores annotation appearances, so the signer's name in a signature widget
    would be lost; flattening (in memory only, nothing is saved) makes it part of the page text.
    """
    return load_page_flattened(document, index)[0]


def load_page_flattened(document: pdfium.PdfDocument, index: int) -> tuple[pdfium.PdfPage, bool]:
    """load_page, and whether annotations were merged into the page (it is then not the page as stored)."""
    page = document[index]
    if pdfium_c.FPDFPage_GetAnnotCount(page) and (
        pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) == pdfium_c.FLATTEN_SUCCESS
    ):
        page.close()
        return document[index], True  # PDFium shows the flattened content only after a reload
    return page, False


def page_text(page: pdfium.PdfPage) -> str:
    """The page's text layer in pdfium's reading order, with newlines normalised to ``\\n``."""
    textpage = page.get_textpage()
    try:
        return textpage_text(textpage)
    finally:
        textpage.close()


def textpage_text(textpage: pdfium.PdfTextPage) -> str:
    return textpage.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n")


def image_coverage(page: pdfium.PdfPage) -> float:
    """Fraction of the page area covered by image objects (1.0 for a full-page scan)."""
    width, height = page.get_size()
    page_area = max(width * height, 1.0)
    covered = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_pos()
        clipped_w = max(0.0, min(right, width) - max(left, 0.0))
        clipped_h = max(0.0, min(top, height) - max(bottom, 0.0))
        covered += clipped_w * clipped_h
    return min(covered / page_area, 1.0)


def render_for_ocr(page: pdfium.PdfPage, *, dpi: int = OCR_DPI) -> Image.Image:
    """Render the page in greyscale at ``dpi`` (lower for huge pages, to bound memory)."""
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * scale * height * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= math.sqrt(MAX_RENDER_PIXELS / pixels)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        return bitmap.to_pil().copy()
    finally:
        bitmap.close()
