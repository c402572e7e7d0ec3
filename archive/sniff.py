"""Whether a file is a PDF, from its first bytes: one check for the crawler (before archiving) and the
web app (before serving an archived file as application/pdf)."""

from __future__ import annotations

PDF_HEAD_BYTES = 1024  # the PDF spec allows junk before %PDF-; readers accept it within the first 1 KiB
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<body", b"<head", b"<script")


def pdf_refusal(head: bytes) -> str | None:
    """Why `head` (a file's first bytes) is not a PDF, in plain words (never its bytes); None if it is one.

    `%PDF-` must appear within the first KiB with no markup before it: whitespace or binary junk may
    precede it, as the PDF spec allows, but not a `<` (an HTML page quoting `%PDF-` is not a PDF).
    """
    head = head[:PDF_HEAD_BYTES]
    at = head.find(b"%PDF-")
    if at != -1 and b"<" not in head[:at]:
        return None
    if looks_like_html(head):
        return "the portal sent an HTML page instead of a PDF (often an error or login page)"
    if at != -1:
        return "the portal sent a file that is not a PDF (markup before its %PDF- header)"
    return "the portal sent a file that is not a PDF (no %PDF- header at its start)"


def looks_like_html(head: bytes) -> bool:
    """Whether a file's first bytes are an HTML page (what a portal sends for an error or a login)."""
    lowered = head[:PDF_HEAD_BYTES].lower()
    return any(marker in lowered for marker in _HTML_MARKERS)
