"""Issue 9 part 3: forgiving queries as the API, the search page and the exports show them.

The app archive's documents say "presupuesto participativo" and "Ordenanza metropolitana"; no document
says "xilofono" or "zarigueya".
"""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs, urlparse

MOST_NOTICE = "Ningún documento contiene todas las palabras; faltan: «xilofono»"


def api(client, q: str) -> dict:
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


def test_the_api_says_all_mode_when_every_word_is_found(client):
    data = api(client, "presupuesto participativo")
    assert data["total"] > 0
    assert (data["mode"], data["missing"], data["suggestion"]) == ("all", [], None)
    assert not any("Ningún documento" in w for w in data["warnings"])


def test_the_api_says_most_mode_and_names_the_missing_word(client):
    data = api(client, "presupuesto participativo xilofono")
    assert data["total"] > 0
    assert (data["mode"], data["missing"]) == ("most", ["xilofono"])
    assert MOST_NOTICE in data["warnings"]
    assert data["suggestion"] is None


def test_the_api_suggests_a_correction_for_a_misspelled_word(client):
    data = api(client, "presupusto participativo")
    assert data["suggestion"] == "presupuesto participativo"
    assert api(client, "ordenaza metropolitana")["suggestion"] == "ordenanza metropolitana"


def test_the_api_says_plainly_when_nothing_is_found_even_with_most_words(client):
    data = api(client, "xilofono zarigueya")
    assert data["total"] == 0 and data["mode"] == "most"
    assert data["missing"] == ["xilofono", "zarigueya"]
    assert "Ningún documento contiene ninguna de las palabras buscadas." in data["warnings"]


def test_the_page_shows_the_notice_above_the_results(client):
    page = client.get("/", query_string={"q": "presupuesto participativo xilofono"}).get_data(as_text=True)
    notice = page.index(html.escape(MOST_NOTICE, quote=True))
    assert notice < page.index('<ol class="hits">') < page.index('class="hit"')


def test_the_page_links_the_suggested_search(client):
    page = client.get("/", query_string={"q": "presupusto participativo", "page": "2"}).get_data(as_text=True)
    assert "¿Quiso decir" in page
    start = page.index('id="suggestion"')
    href = html.unescape(page[page.index('href="', start) + 6:page.index('"', page.index('href="', start) + 6)])
    link = urlparse(href)
    assert link.path == "/"
    assert parse_qs(link.query) == {"q": ["presupuesto participativo"]}  # from the first page
    assert "No encontramos" not in client.get(href).get_data(as_text=True)


def test_no_suggestion_on_the_page_when_every_word_is_known(client):
    page = client.get("/", query_string={"q": "presupuesto participativo"}).get_data(as_text=True)
    assert "¿Quiso decir" not in page and "Ningún documento" not in page


def test_exports_hold_what_the_page_shows(client):
    data = api(client, "presupuesto participativo xilofono")
    response = client.get("/api/v1/export.jsonl", query_string={"q": "presupuesto participativo xilofono"})
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(rows) == data["total"] > 0
