"""Headers the app adds: security headers on every response (no inline code, no framing, no content sniffing,
no full referrers); CORS on reads of the API and the feed; RFC 8288 paging links on paged lists.

CORS is for reading only: GET, HEAD and their preflight. The app has nothing that writes, and a preflight
for any other method gets no CORS headers, so a browser refuses it.
"""

from __future__ import annotations

from flask import Flask, Response, request, url_for

from search_app.links import public_link

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
# Read by other sites' pages: the JSON API, its exports and the Atom feed.
CORS_PATHS = ("/api/", "/feed.atom")
CORS_METHODS = ("GET", "HEAD")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",  # public data, no cookies: any page may read it
    "Access-Control-Expose-Headers": "Link, Content-Disposition",  # paging and export file names, to scripts
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": ", ".join(CORS_METHODS),
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Max-Age": "86400",
}


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.after_request(add_cors_headers)


def add_security_headers(response: Response) -> Response:
    pdf = response.mimetype == "application/pdf"
    response.headers.setdefault("Content-Security-Policy", PDF_POLICY if pdf else CONTENT_SECURITY_POLICY)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def add_cors_headers(response: Response) -> Response:
    """CORS on a read of the API or the feed (errors included, so a page can read why), and a preflight
    answered when it asks to read."""
    if not request.path.startswith(CORS_PATHS):
        return response
    if request.method == "OPTIONS":
        asked = request.headers.get("Access-Control-Request-Method")
        if asked is not None and asked.upper() not in CORS_METHODS:
            return response  # a preflight to write: no CORS, the browser refuses
        response.headers.update(CORS_HEADERS)
        if asked is not None:
            response.headers.update(PREFLIGHT_HEADERS)
    elif request.method in CORS_METHODS:
        response.headers.update(CORS_HEADERS)
    return response


def paging_links(endpoint: str, args: dict, *, page: int, last: int, public_url: str | None) -> str:
    """An RFC 8288 Link header for page `page` of `last` of a list: first, prev, next and last, each the
    same request (`args`, without its page) at that page, public like every link the app gives."""
    def link(number: int, rel: str) -> str:
        return f'<{public_link(url_for(endpoint, **args, page=number), public_url)}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    return ", ".join(links)
