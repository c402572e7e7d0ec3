"""Security headers on every response: no inline code, no framing, no content sniffing, no full referrers."""

from __future__ import annotations

from flask import Flask, Response

# The templates use no inline script or style; snippets carry only <mark>.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Archived PDFs open in the browser's own viewer, which a document policy (object-src) could block.
PDF_POLICY = "frame-ancestors 'none'"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def register(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    pdf = response.mimetype == "application/pdf"
    response.headers.setdefault("Content-Security-Policy", PDF_POLICY if pdf else CONTENT_SECURITY_POLICY)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
