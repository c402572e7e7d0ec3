"""The test node's analysis plugin: `asciifolding` and `stemmer` under analysis-common's names and settings.

`scripts/elasticsearch` compiles index_config/elasticsearch_plugin against the integ-test distribution's
own jars and installs it, because that distribution lacks analysis-common. These tests declare the
filters exactly as a standard distribution takes them and read the terms back with `_analyze`: a node
without the plugin refuses the index, and the fixture fails saying so.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import ApiError, Elasticsearch

pytestmark = pytest.mark.elasticsearch

ANALYSIS = {
    "filter": {
        "folding": {"type": "asciifolding", "preserve_original": False},
        "folding_keeps_original": {"type": "asciifolding", "preserve_original": True},
        "light_spanish": {"type": "stemmer", "language": "light_spanish"},
        "snowball_spanish": {"type": "stemmer", "language": "spanish"},
    },
    "analyzer": {
        # Folding first, then a stemmer that works on folded text: accents and plurals both vanish.
        "folded_stemmed": {"type": "custom", "tokenizer": "standard",
                           "filter": ["lowercase", "folding", "light_spanish"]},
        "folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "folding"]},
        "folded_keeps_original": {"type": "custom", "tokenizer": "standard",
                                  "filter": ["lowercase", "folding_keeps_original"]},
        "folded_then_kept_stemmed": {"type": "custom", "tokenizer": "standard",
                                     "filter": ["lowercase", "folding_keeps_original", "light_spanish"]},
        "snowball": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "snowball_spanish"]},
    },
}

# Accented and unaccented, singular and plural: each group must give one and the same term.
SAME_TERM = [
    ("secretaría", "secretaria", "Secretarías", "SECRETARIAS"),
    ("participación", "participacion", "participaciones"),
    ("policía", "policia", "policías", "policias"),
    ("luz", "luces"),
    ("concejal", "concejales", "Concejal"),
    ("alcaldía", "alcaldia", "alcaldías"),
    ("sesión", "sesion", "sesiones"),
    ("economía", "economia"),
    ("además", "ademas"),
    ("ordenanza", "ordenanzas"),
    ("comisión", "comisiones"),
    ("cartelería", "carteleria"),
]


def _terms(client: Elasticsearch, index: str, analyzer: str, text: str) -> list[tuple[str, int]]:
    tokens = client.indices.analyze(index=index, analyzer=analyzer, text=text)["tokens"]
    return [(token["token"], token["position"]) for token in tokens]


def _has_analysis_common(client: Elasticsearch) -> bool:
    nodes = client.nodes.info(metric="plugins")["nodes"].values()
    return any(module["name"] == "analysis-common" for node in nodes for module in node.get("modules", []))


@pytest.fixture(scope="module")
def client(elasticsearch_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(elasticsearch_url, request_timeout=30)
    yield client
    client.close()


@pytest.fixture(scope="module")
def index(client: Elasticsearch) -> Iterator[str]:
    name = f"concejo-test-analysis-plugin-{uuid.uuid4().hex[:8]}"
    try:
        client.indices.create(index=name, settings={"number_of_shards": 1, "number_of_replicas": 0,
                                                    "analysis": ANALYSIS})
    except ApiError as exc:
        pytest.fail(f"the node refuses analysis-common's asciifolding/stemmer filters ({exc}): "
                    "scripts/elasticsearch did not install the concejo-analysis plugin", pytrace=False)
    yield name
    client.indices.delete(index=name, ignore_unavailable=True)


@pytest.mark.parametrize("forms", SAME_TERM, ids=lambda forms: forms[0])
def test_accented_and_plural_forms_give_the_same_term(client, index, forms):
    terms = {form: _terms(client, index, "folded_stemmed", form) for form in forms}
    assert len({tuple(t) for t in terms.values()}) == 1, terms
    assert len(terms[forms[0]]) == 1


def test_folding_alone_drops_accents_and_keeps_plurals(client, index):
    assert _terms(client, index, "folded", "Secretaría PARTICIPACIÓN Año") == [
        ("secretaria", 0), ("participacion", 1), ("ano", 2)]
    assert _terms(client, index, "folded", "concejales") == [("concejales", 0)]


def test_preserve_original_keeps_the_accented_form_at_the_same_position(client, index):
    assert _terms(client, index, "folded_keeps_original", "Secretaría de Participación") == [
        ("secretaria", 0), ("secretaría", 0), ("de", 1), ("participacion", 2), ("participación", 2)]
    # An unaccented word is not doubled.
    assert _terms(client, index, "folded_keeps_original", "concejal") == [("concejal", 0)]


def test_preserve_original_then_the_stemmer_still_matches_the_unaccented_form(client, index):
    accented = {term for term, _ in _terms(client, index, "folded_then_kept_stemmed", "policías")}
    plain = {term for term, _ in _terms(client, index, "folded_then_kept_stemmed", "policia")}
    assert plain <= accented


def test_spanish_snowball_stemmer_is_available(client, index):
    assert _terms(client, index, "snowball", "participaciones participación") == [
        ("particip", 0), ("particip", 1)]


def test_an_unknown_stemmer_language_is_refused(client):
    if _has_analysis_common(client):
        pytest.skip("the node has analysis-common, whose stemmer knows every language")
    name = f"concejo-test-analysis-plugin-refused-{uuid.uuid4().hex[:8]}"
    settings = {"analysis": {"filter": {"english": {"type": "stemmer", "language": "english"}},
                             "analyzer": {"a": {"type": "custom", "tokenizer": "standard", "filter": ["english"]}}}}
    with pytest.raises(ApiError) as refused:
        client.indices.create(index=name, settings=settings)
    assert "stemmer language [english] is not supported" in json.dumps(refused.value.body)
    assert not client.indices.exists(index=name)
