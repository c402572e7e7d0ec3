"""Cheap checks on a file before any PDF parser sees it: empty, HTML, not a PDF, too large.

Crawlers save whatever the server sent; an HTML error page with a .pdf name is common.
"""

from __future__ import annotations

from pathlib import Path

from archive.sniff import PDF_HEAD_BYTES, looks_like_html, pdf_refusal
from extract.errors import ExtractionFailed

DEFAULT_MAX_BYTES = 300 * 1024 * 1024


def check_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise ExtractionFailed if ``path`` is obviously not a readable PDF."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ExtractionFailed("not_pdf", f"{path}: file not found; check the archive path") from None
    if size == 0:
        raise ExtractionFailed("empty_file", f"{path}: file is empty (0 bytes); download it again")
    if size > max_bytes:
        raise ExtractionFailed(
            "too_large",
            f"{path}: {size:,} bytes exceeds the {max_bytes:,}-byte limit; raise max_bytes to extract it",
        )
    with path.open("rb") as handle:
        head = handle.read(PDF_HEAD_BYTES)
    if pdf_refusal(head) is None:  # the same test the crawler archives by and the web app serves by
        return
    if looks_like_html(head):
        raise ExtractionFailed(
            "html_not_pdf",
            f"{path}: the server sent an HTML page, not a PDF; check the download URL or the site's login",
        )
    raise ExtractionFailed(
        "not_pdf", f"{path}: no %PDF header in the first {PDF_HEAD_BYTES} bytes (starts with {head[:16]!r})"
    )
