"""What only the Elasticsearch engine has: derived mappings, analysis profiles, the alias, PIT export, errors."""

from __future__ import annotations

import logging
import socket
from types import SimpleNamespace

import pytest

from index_config.analysis import ANALYSIS_VERSION, ANALYZERS, EXACT
from index_config.elasticsearch import DEGRADED, FULL, analysis_settings, index_settings, mappings
from index_config.entries import IndexableDocument
from index_config.fields import FIELDS
from search_app.backends import open_backend
from search_app.backends.base import SearchEngineUnavailable
from search_app.backends.elasticsearch import ElasticsearchBackend
from search_app.query import build_query

from .conftest import EngineFactory


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _numbered(count: int) -> list[IndexableDocument]:
    return [
        IndexableDocument(
            document_id=n, title=f"Acta {n}", date=f"20{10 + n % 15}-0{1 + n % 9}-1{n % 10}",
            session_type="ordinaria", session_number=n, commission=None, commission_name=None,
            document_type="acta", council="quito", identifiers=(), url=f"https://concejo.example/{n}",
            pages=(f"Sesión número {n} del concejo sobre agua potable.",),
        )
        for n in range(1, count + 1)
    ]


# -- declarations (no node needed) -----------------------------------------------------------------------


def test_mappings_cover_every_declared_field():
    properties = mappings()["properties"]
    assert set(properties) == {field.name for field in FIELDS}
    for field in FIELDS:
        if field.kind == "text":  # one folded field per text, no stemmed copy (see index_config/analysis.py)
            assert properties[field.name] == {"type": "text", "analyzer": EXACT}
    assert properties["date"]["type"] == "date"
    assert properties["year"]["type"] == "integer"
    assert properties["session_type"]["type"] == "keyword"
    assert mappings()["_source"]["excludes"] == [f.name for f in FIELDS if not f.stored]


def test_full_analysis_is_the_declared_chain_in_order():
    analyzers = analysis_settings(FULL)["analyzer"]
    for name, declared in ANALYZERS.items():
        assert analyzers[name] == {"type": "custom", "tokenizer": "standard", "filter": list(declared.filters)}


def test_degraded_analysis_keeps_only_what_a_minimal_node_has():
    settings = analysis_settings(DEGRADED)
    assert settings["analyzer"][EXACT]["filter"] == ["lowercase"]
    assert mappings(DEGRADED)["_meta"] == {"analysis_profile": DEGRADED, "dropped_filters": ["asciifolding"],
                                           "analysis_version": ANALYSIS_VERSION}
    assert index_settings(DEGRADED, max_result_window=50)["max_result_window"] == 50


def test_open_backend_selects_elasticsearch_when_a_url_is_set(tmp_path):
    settings = SimpleNamespace(elasticsearch_url="http://127.0.0.1:9", elasticsearch_index_prefix="concejo-x",
                               index_dir=tmp_path / "index", search_timeout_s=2.0)
    backend = open_backend(settings)
    assert isinstance(backend, ElasticsearchBackend)
    assert (backend.url, backend.alias, backend.search_timeout_s) == ("http://127.0.0.1:9", "concejo-x", 2.0)
    backend.close()


def test_an_unreachable_node_is_an_error_naming_the_url_never_empty_results():
    url = f"http://127.0.0.1:{_free_port()}"
    backend = ElasticsearchBackend(url, prefix="concejo-unreachable", request_timeout=2)
    for call in (lambda: backend.search(build_query("agua")), backend.count,
                 lambda: backend.index(_numbered(1)), lambda: list(backend.iterate(build_query("")))):
        with pytest.raises(SearchEngineUnavailable) as raised:
            call()
        assert url in str(raised.value)
        assert "scripts/elasticsearch start" in str(raised.value)
        assert "CONCEJO_ELASTICSEARCH_URL" in str(raised.value)
    backend.close()


# -- a real node ---------------------------------------------------------------------------------------


@pytest.fixture
def es_backend(engines: EngineFactory):
    opened = []

    def open_es(**options) -> ElasticsearchBackend:
        backend = engines.open("elasticsearch", **options)
        opened.append(backend)
        return backend

    yield open_es
    for backend in opened:
        engines.discard(backend)


@pytest.mark.elasticsearch
def test_the_test_node_runs_the_full_spanish_analysis_and_records_it(es_backend, caplog):
    """scripts/elasticsearch installs our analysis plugin on the minimal node: no degraded profile in tests."""
    with caplog.at_level(logging.WARNING, logger="search_app.backends.elasticsearch"):
        backend = es_backend()
        backend.index(_numbered(2))
    assert backend.analysis_profile == FULL
    (index_mapping,) = backend.client.indices.get_mapping(index=backend.alias).values()
    assert index_mapping["mappings"]["_meta"]["analysis_profile"] == FULL
    assert "lacks the analysis-common module" not in caplog.text
    tokens = backend.client.indices.analyze(index=backend.alias, analyzer=EXACT, text="Sesión Participación")
    assert [t["token"] for t in tokens["tokens"]] == ["sesion", "participacion"]


@pytest.mark.elasticsearch
def test_rebuild_swaps_the_alias_and_drops_old_versions(es_backend):
    backend = es_backend()
    backend.index(_numbered(3))
    backend.rebuild(_numbered(4))
    backend.rebuild(_numbered(5))
    aliases = backend.client.indices.get_alias(index=f"{backend.alias}-v*")
    assert list(aliases) == [f"{backend.alias}-v3"]
    assert backend.alias in aliases[f"{backend.alias}-v3"]["aliases"]
    assert backend.count() == 5


@pytest.mark.elasticsearch
def test_export_is_not_capped_by_the_result_window(es_backend):
    backend = es_backend(max_result_window=25)
    backend.index(_numbered(60))
    settings = backend.client.indices.get_settings(index=backend.alias)
    assert next(iter(settings.values()))["settings"]["index"]["max_result_window"] == "25"
    exported = [hit.document_id for hit in backend.iterate(build_query("agua", sort="date_asc"))]
    assert sorted(exported) == list(range(1, 61))
    dates = [hit.date for hit in backend.iterate(build_query("", sort="date_asc"))]
    assert dates == sorted(dates)
    first = backend.search(build_query("agua", per_page=25))
    assert (first.total, len(first.hits)) == (60, 25)
    beyond = backend.search(build_query("agua", per_page=25, page=3))
    assert (beyond.total, beyond.hits) == (60, [])
    assert beyond.warnings
