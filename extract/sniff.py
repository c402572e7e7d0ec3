"""Cheap checks on a file before any PDF parser sees it: empty, HTML, not a PDF, too large.

Crawlers save whatever the server sent; an HTML error page with a .pdf name is common.
"""

from __future__ import annotations

from pathlib import Path

from extract.errors import ExtractionFailed

DEFAULT_MAX_BYTES = 300 * 1024 * 1024
_HEAD_BYTES = 1024  # the PDF spec allows junk before %PDF; readers accept it within the first 1 KiB


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
        head = handle.read(_HEAD_BYTES)
    if b"%PDF-" in head:
        return
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        raise ExtractionFailed(
            "html_not_pdf",
            f"{path}: the server sent an HTML page, not a PDF; check the download URL or the site's login",
        )
    raise ExtractionFailed(
        "not_pdf", f"{path}: no %PDF header in the first {_HEAD_BYTES} bytes (starts with {head[:16]!r})"
    )
