"""The search fields are declared once (index_config/fields.py) and the app follows the declaration.

So a new filter on an indexed field is one `filter=Filter(...)` in the declaration plus its test: these
tests go over every declared filter, parameter, facet, hit field and export column, not a list of their
own. They also hold the API's hit JSON to its published keys, and facet labels to their accents.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from concejo.config import load_settings
from index_config.entries import IndexableDocument
from index_config.fields import EXPORT_FIELDS, FACET_LABELS, FILTERS, HIT_FIELDS, PARAMETER_FILTERS
from search_app import create_app
from search_app.backends.embedded import EmbeddedBackend

# Two documents that differ in every filterable field, so each filter tells them apart.
CULTURE = IndexableDocument(
    document_id=1, title="Acta de la sesión ordinaria 7", date="2024-05-10", session_type="ordinaria",
    session_number=7, commission="educacion-y-cultura", commission_name="Educación y cultura",
    document_type="orden_del_dia", council="quito", identifiers=("CDMQ-007-2024",), url="/documentos/1.pdf",
    pages=("Presupuesto participativo para las bibliotecas.",),
)
PLENARY = IndexableDocument(
    document_id=2, title="Acta de la sesión extraordinaria 9", date="2023-02-01", session_type="extraordinaria",
    session_number=9, commission=None, commission_name=None, document_type="acta", council="guayaquil",
    identifiers=("CDMQ-009-2023",), url="/documentos/2.pdf", pages=("Presupuesto participativo del pleno.",),
)
# The API's hit JSON, as researchers read it: these keys and no others.
PUBLISHED_HIT_KEYS = ["document_id", "title", "date", "session_type", "session_number", "commission",
                      "commission_name", "document_type", "council", "url", "score", "snippets", "page_url"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("declared-fields"), ocr=False)
    backend = EmbeddedBackend(settings.index_dir)
    backend.index([CULTURE, PLENARY])
    backend.close()
    return create_app({"TESTING": True}, settings=settings).test_client()


def _indexed_value(name: str) -> str:
    """CULTURE's value of a field as the index holds it (a filter value that finds it and not PLENARY)."""
    value = next(CULTURE.entries())[name]
    return str(value[0] if isinstance(value, list) else value)


def _found(client, **params) -> list[int]:
    answer = client.get("/api/v1/search", query_string={"per_page": 100, **params})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [hit["document_id"] for hit in answer.get_json()["hits"]]


@pytest.mark.parametrize("declared", FILTERS, ids=lambda f: f.name)
def test_every_declared_filter_works_in_the_query_syntax_under_each_alias(client, declared):
    value = _indexed_value(declared.name)
    assert _found(client) == [1, 2]
    for alias in declared.filter.aliases:
        assert _found(client, q=f'{alias}:"{value}"') == [1], alias


@pytest.mark.parametrize("declared", PARAMETER_FILTERS, ids=lambda f: f.name)
def test_every_declared_parameter_filters_the_api_and_the_page(client, declared):
    value = _indexed_value(declared.name)
    for parameter in declared.filter.parameters:
        assert _found(client, **{parameter: value}) == [1], parameter
        page = client.get("/", query_string={parameter: value}).get_data(as_text=True)
        assert 'id="total">1 documento<' in page, parameter


def test_every_declared_facet_is_counted_in_the_api_and_headed_on_the_page(client):
    facets = client.get("/api/v1/search").get_json()["facets"]
    assert set(facets) == set(FACET_LABELS)
    for name in FACET_LABELS:
        if name != "commission":  # PLENARY has none: "" is no facet value
            assert {v["value"] for v in facets[name]} == {_indexed_value(name), str(next(PLENARY.entries())[name])}
    page = client.get("/", query_string={"q": "presupuesto"}).get_data(as_text=True)
    for heading in FACET_LABELS.values():
        assert f"<h3>{heading}</h3>" in page


def test_a_facet_label_keeps_its_accents(client):
    """The commission facet shows the commission's name as indexed, not its slug de-slugged."""
    page = client.get("/", query_string={"q": "presupuesto"}).get_data(as_text=True)
    facets = page.split('<aside class="facets">')[1].split("</aside>")[0]
    assert "<li>Educación y cultura <span" in facets
    assert "Educacion y cultura" not in page
    assert "<li>Orden del día <span" in facets and "<li>Extraordinaria <span" in facets


def test_hits_carry_the_declared_fields_under_their_published_keys(client):
    hit = client.get("/api/v1/search", query_string={"q": "bibliotecas"}).get_json()["hits"][0]
    assert set(hit) == set(PUBLISHED_HIT_KEYS)
    assert [f.name for f in HIT_FIELDS] == PUBLISHED_HIT_KEYS[:-3]
    assert {k: hit[k] for k in PUBLISHED_HIT_KEYS[:-3]} == {
        "document_id": 1, "title": "Acta de la sesión ordinaria 7", "date": "2024-05-10",
        "session_type": "ordinaria", "session_number": 7, "commission": "educacion-y-cultura",
        "commission_name": "Educación y cultura", "document_type": "orden_del_dia", "council": "quito",
        "url": "/documentos/1.pdf"}


def test_exports_have_the_declared_columns(client):
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/export.csv").get_data(as_text=True))))
    assert rows[0] == list(EXPORT_FIELDS)
    assert [row[0] for row in rows[1:]] == ["1", "2"]
    lines = client.get("/api/v1/export.jsonl").get_data(as_text=True).splitlines()
    assert [list(json.loads(line)) for line in lines] == [list(EXPORT_FIELDS)] * 2
