"""Issue 8 item 12 (the app): security headers on every response, links never built from the Host header,
and failure reasons shown to the public without server paths or raw bytes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

EVIL = {"Host": "evil.example"}


@pytest.fixture()
def paths(archive):
    return ["/", "/?q=presupuesto", "/api/v1/search?q=presupuesto", "/feed.atom?q=agua",
            "/api/v1/export.csv?q=agua", f"/documentos/{archive.hostile_document}",
            f"/api/v1/documents/{archive.hostile_document}", "/sesiones/", "/comisiones/", "/no-existe",
            "/api/v1/search?q=" + "pr*%20" * 300, "/static/site.css"]


def test_every_response_carries_the_security_headers(client, paths):
    for path in paths:
        response = client.get(path)
        response.close()
        headers = response.headers
        policy = headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("X-Frame-Options") == "DENY", path
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", path


def _links(client, headers=None):
    search = client.get("/api/v1/search", query_string={"q": "presupuesto"}, headers=headers).get_json()
    csv_text = client.get("/api/v1/export.csv", query_string={"q": "presupuesto"}, headers=headers).get_data(True)
    jsonl = client.get("/api/v1/export.jsonl", query_string={"q": "presupuesto"}, headers=headers).get_data(True)
    feed = client.get("/feed.atom", query_string={"q": "presupuesto"}, headers=headers).get_data(as_text=True)
    assert search["hits"]
    return search, csv_text, jsonl, feed


def test_the_host_header_is_never_echoed_into_links(client):
    search, csv_text, jsonl, feed = _links(client, EVIL)
    for text in (str(search), csv_text, jsonl, feed):
        assert "evil.example" not in text
    hit = search["hits"][0]
    assert hit["url"].startswith("/documentos/") and hit["page_url"].startswith("/documentos/")
    ET.fromstring(feed)


def test_links_are_absolute_under_the_configured_public_url(archive):
    client = archive.client(public_url="https://concejo.example/archivo/")
    search, csv_text, jsonl, feed = _links(client, EVIL)
    hit = search["hits"][0]
    assert hit["url"] == f"https://concejo.example/archivo/documentos/{hit['document_id']}.pdf"
    assert hit["page_url"] == f"https://concejo.example/archivo/documentos/{hit['document_id']}"
    assert "https://concejo.example/archivo/documentos/" in csv_text
    assert "https://concejo.example/archivo/documentos/" in jsonl
    root = ET.fromstring(feed)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.find(f"{atom}link").get("href").startswith("https://concejo.example/archivo/feed.atom?")
    assert all(e.find(f"{atom}id").text.startswith("https://concejo.example/") for e in root.iter(f"{atom}entry"))
    assert "evil.example" not in feed + csv_text + jsonl + str(search)


def test_a_failure_reason_is_shown_without_server_paths_or_raw_bytes(archive, client):
    page = client.get(f"/documentos/{archive.failed_document}").get_data(as_text=True)
    session = client.get(f"/sesiones/{archive.formula_session}").get_data(as_text=True)
    api = client.get(f"/api/v1/documents/{archive.failed_document}").get_json()
    for shown in (page, session, api["status_reason"]):
        assert "not a PDF" in shown
        assert "/srv/concejo" not in shown and "httpcache" not in shown
        assert "\\x00" not in shown and "\\x89" not in shown
