"""Issue 8 item 3: the Atom feed is well-formed XML for any query, and its self link takes no injection."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = [
    '"presupuesto participativo"',
    'agua" onload="alert(1)',
    '"/><script>alert(1)</script><link href="',
    "<![CDATA[ ]]> & &amp; &#0; <!-- -->",
    "presupuesto \x01\x08\x0b\x1f control",
    "comillas ' simples y \" dobles",
    "]]>",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_the_feed_parses_as_xml_for_hostile_queries(client, q):
    response = client.get("/feed.atom", query_string={"q": q, "session_type": 'x"y'})
    assert response.status_code == 200
    feed = ET.fromstring(response.get_data())  # raises on anything not well-formed
    assert feed.tag == f"{ATOM}feed"
    (self_link,) = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert set(self_link.attrib) == {"rel", "href"}, "an attribute was injected into the self link"
    sent = parse_qs(urlsplit(self_link.get("href")).query)
    assert sent == {"q": [q], "session_type": ['x"y']}
    assert feed.find(f"{ATOM}title").text.startswith("Concejo Abierto")


def test_feed_entries_are_documents_with_escaped_summaries(client):
    feed = ET.fromstring(client.get("/feed.atom", query_string={"q": "comillas"}).get_data())
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href").startswith("/documentos/")
        assert entry.find(f"{ATOM}id").text
        assert "<mark>" in entry.find(f"{ATOM}summary").text  # HTML carried as text, as type="html" says
