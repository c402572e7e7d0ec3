"""Two councils in one archive: searched together and apart (page, API, exports), faceted by council, named
on each hit, and browsed one council at a time. The archive is built through the catalogue and indexed by
the indexer (tests/app/two_councils.py); tests/search/test_council_filter.py holds both engines to the same
answers."""

from __future__ import annotations

import csv
import io

import pytest

from archive import open_catalogue
from concejo.config import load_settings
from indexer import write_index
from search_app import create_app
from search_app.backends import open_backend

from .two_councils import CUENCA, CUENCA_NAME, PRESUPUESTO, QUITO, QUITO_NAME, SEARCHABLE, build


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("two-councils"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    archive = build(catalogue)
    backend = open_backend(settings)
    write_index(backend, catalogue)
    backend.close()
    yield settings, archive
    catalogue.close()


@pytest.fixture()
def client(two):
    return create_app({"TESTING": True}, settings=two[0]).test_client()


def _search(client, **params) -> dict:
    answer = client.get("/api/v1/search", query_string={"per_page": 100, **params})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def _page(client, path: str, **params) -> str:
    answer = client.get(path, query_string=params)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def test_both_councils_are_searched_together_and_each_apart(client):
    everything = _search(client)
    assert everything["total"] == sum(SEARCHABLE.values())
    for council, count in SEARCHABLE.items():
        for parameter in ("concejo", "council"):
            apart = _search(client, **{parameter: council})
            assert apart["total"] == count, parameter
            assert {hit["council"] for hit in apart["hits"]} == {council}
    assert {h["council"] for h in _search(client, q="presupuesto")["hits"]} == {QUITO, CUENCA}
    for council, count in PRESUPUESTO.items():
        assert _search(client, q=f"presupuesto concejo:{council}")["total"] == count
        assert _search(client, q="presupuesto", concejo=council)["total"] == count


def test_the_council_facet_counts_each_council(client):
    facets = _search(client)["facets"]["council"]
    assert facets == [{"value": QUITO, "count": SEARCHABLE[QUITO]}, {"value": CUENCA, "count": SEARCHABLE[CUENCA]}]
    assert _search(client, q="presupuesto")["facets"]["council"] == [
        {"value": QUITO, "count": PRESUPUESTO[QUITO]}, {"value": CUENCA, "count": PRESUPUESTO[CUENCA]}]
    # A filter on one council narrows the facet to it, as every facet follows the query.
    assert _search(client, concejo=CUENCA)["facets"]["council"] == [{"value": CUENCA, "count": SEARCHABLE[CUENCA]}]


def test_an_unknown_council_finds_nothing_and_says_which_councils_there_are(client):
    """As an unknown commission does, it answers no document; unlike it, it says why (councils are known),
    and nothing else: no search for most of the words, no spelling suggestion (the words are not at fault)."""
    for params in ({"concejo": "lima"}, {"q": "presupusto participativo concejo:lima"}):
        answer = _search(client, **params)
        assert answer["total"] == 0 and answer["hits"] == []
        assert (answer["mode"], answer["suggestion"]) == ("all", None)
        assert answer["warnings"] == [(
            f"El archivo no tiene ningún concejo «lima»; los que tiene: {CUENCA} ({CUENCA_NAME}), "
            f"{QUITO} ({QUITO_NAME}).")]
    assert _search(client, commission="no-existe")["total"] == 0  # the behaviour it is consistent with
    page = _page(client, "/", concejo="lima")
    assert "El archivo no tiene ningún concejo «lima»" in page and 'id="total">0 documentos<' in page


def test_the_page_names_each_hit_council_and_heads_the_facet_with_council_names(client):
    page = _page(client, "/", q="presupuesto")
    facets = page.split('<aside class="facets">')[1].split("</aside>")[0]
    assert "<h3>Concejo</h3>" in facets
    assert f'<li>{QUITO_NAME} <span class="count">{PRESUPUESTO[QUITO]}</span>' in facets
    assert f'<li>{CUENCA_NAME} <span class="count">{PRESUPUESTO[CUENCA]}</span>' in facets
    hits = page.split('<ol class="hits">')[1].split("</ol>")[0]
    assert hits.count(f'<span class="council">{QUITO_NAME}</span>') == PRESUPUESTO[QUITO]
    assert hits.count(f'<span class="council">{CUENCA_NAME}</span>') == PRESUPUESTO[CUENCA]
    form = _page(client, "/", concejo=CUENCA)
    assert f'<option value="{CUENCA}" selected>{CUENCA_NAME}</option>' in form
    assert f'<option value="movilidad" >Comisión de Movilidad ({QUITO_NAME})</option>' in form
    assert 'id="total">3 documentos<' in form
    assert f"<code>concejo:{CUENCA}</code> busca en un solo concejo" in _page(client, "/")


def test_an_archive_of_one_council_does_not_name_it_on_every_hit(archive):
    page = _page(archive.client(), "/", q="presupuesto")
    assert 'class="council"' not in page and 'name="concejo"' not in page


def test_exports_carry_the_council(client):
    rows = list(csv.DictReader(io.StringIO(_page(client, "/api/v1/export.csv", concejo=CUENCA))))
    assert len(rows) == SEARCHABLE[CUENCA] and {row["council"] for row in rows} == {CUENCA}


def test_the_api_lists_each_council_with_its_counts(client):
    councils = client.get("/api/v1/councils").get_json()["councils"]
    assert [(c["council"], c["name"], c["sessions"], c["documents"], c["withdrawn_documents"]) for c in councils] == [
        (CUENCA, CUENCA_NAME, 3, 5, 0), (QUITO, QUITO_NAME, 4, 5, 1)]
    search_url = councils[0]["search_url"]
    assert search_url == f"/api/v1/search?concejo={CUENCA}"
    assert client.get(search_url).get_json()["total"] == SEARCHABLE[CUENCA]


def test_sessions_are_browsed_one_council_at_a_time(client):
    everything = _page(client, "/sesiones/")
    assert everything.count("<li><a href=\"/sesiones/") == 7
    assert f'<span class="meta council">· {CUENCA_NAME}</span>' in everything
    cuenca = _page(client, "/sesiones/", concejo=CUENCA)
    assert cuenca.count("<li><a href=\"/sesiones/") == 3
    assert "Sesión c-1" in cuenca and "Sesión q-1" not in cuenca
    assert 'aria-current="page">Concejo Cantonal de Cuenca</a>' in cuenca
    unknown = _page(client, "/sesiones/", concejo="lima")
    assert "El archivo no tiene ningún concejo «lima»" in unknown and "Sesión q-1" not in unknown


def test_commissions_of_the_same_name_stay_with_their_council(client, two):
    _, archive = two
    listing = _page(client, "/comisiones/")
    assert f'href="/comisiones/movilidad?concejo={QUITO}"' in listing
    assert f'href="/comisiones/movilidad?concejo={CUENCA}"' in listing
    assert "Comisión de Movilidad de Cuenca" not in _page(client, "/comisiones/", concejo=QUITO)
    quito = _page(client, "/comisiones/movilidad", concejo=QUITO)
    assert 'Ana Pérez <span class="meta">· Presidenta</span>' in quito and "<li>Juan Vera</li>" in quito
    assert "Sesión q-mov" in quito and "Sesión c-mov" not in quito and "Luis Mora" not in quito
    cuenca = _page(client, "/comisiones/movilidad", concejo=CUENCA)
    assert "<li>Luis Mora</li>" in cuenca and "Sesión c-mov" in cuenca and "Sesión q-mov" not in cuenca
    assert client.get("/comisiones/movilidad", query_string={"concejo": "lima"}).status_code == 404
    # A Cuenca commission session and document link to Cuenca's commission, not the first of that slug.
    session = _page(client, f"/sesiones/{archive.catalogue.document(archive.ids['c-movilidad'])['session_id']}")
    document = _page(client, f"/documentos/{archive.ids['c-movilidad']}")
    for page in (session, document):
        assert f'href="/comisiones/movilidad?concejo={CUENCA}">Comisión de Movilidad de Cuenca</a>' in page


def test_a_withdrawn_document_stays_searchable_and_viewable_marked_as_withdrawn(client, two):
    _, archive = two
    found = _search(client, q='"segundo debate"')
    assert [hit["document_id"] for hit in found["hits"]] == [archive.withdrawn]
    page = _page(client, f"/documentos/{archive.withdrawn}")
    assert "Retirado del portal" in page and "segundo debate" in page
    api = client.get(f"/api/v1/documents/{archive.withdrawn}").get_json()
    assert (api["council"], api["status"]) == (QUITO, "withdrawn") and api["pages"]
    session = _page(client, f"/sesiones/{archive.catalogue.document(archive.withdrawn)['session_id']}")
    assert "retirado del portal" in session and QUITO_NAME in session
