"""Issue 8 item 4: a portal link such as javascript:alert(document.domain), stored as a document's source URL,
is shown as text, never as a link; only http(s) URLs become links."""

from __future__ import annotations

import re

from search_app.links import safe_href

from .conftest import HOSTILE_URL


def test_a_javascript_source_url_is_plain_text_on_the_document_page(archive, client):
    page = client.get(f"/documentos/{archive.hostile_document}").get_data(as_text=True)
    assert HOSTILE_URL in page  # still shown, for the record
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if not h.startswith(("/", "http://", "https://"))], hrefs
    assert 'href="javascript:' not in page.lower()


def test_http_source_urls_are_still_links(archive, client):
    page = client.get(f"/documentos/{archive.failed_document}").get_data(as_text=True)
    assert 'href="http://127.0.0.1:8800/actas/fallida.pdf"' in page


def test_safe_href_keeps_only_http_and_https():
    assert safe_href("https://concejo.example/a.pdf") == "https://concejo.example/a.pdf"
    assert safe_href("HTTP://concejo.example/a.pdf") == "HTTP://concejo.example/a.pdf"
    for url in [HOSTILE_URL, " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x", "mailto:a@b.c",
                "//evil.example/x", "http:///nohost", "", None, "http://[::1"]:
        assert safe_href(url) is None, url
