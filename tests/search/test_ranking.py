"""Exact forms first, terms close together first, identifiers exact, old indexes refused: both engines.

Each ranking test holds two documents that differ in one thing only (the form of a word, or the distance
between two words), so the order can only come from that difference.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from index_config.entries import IndexableDocument
from search_app.backends.base import SearchBackend, SearchEngineUnavailable
from search_app.query import build_query

from .conftest import ENGINES, EngineFactory

FILLER = "se trató en la sesión del concejo con la presencia de los ediles y del público asistente"


def _document(document_id: int, text: str, identifiers: tuple[str, ...] = ()) -> IndexableDocument:
    return IndexableDocument(
        document_id=document_id, title="Acta", date="2024-01-0" + str(document_id % 9 + 1), session_type="ordinaria",
        session_number=None, commission=None, commission_name=None, document_type="acta", council="quito",
        identifiers=identifiers, url=f"https://concejo.example/documentos/{document_id}", pages=(text,),
    )


CORPUS = (
    _document(1, f"Se aprobó la ordenanza municipal. {FILLER}."),
    _document(2, f"Se aprobaron las ordenanzas municipales. {FILLER}."),
    _document(3, f"El presupuesto participativo del barrio. {FILLER}."),
    _document(4, f"El presupuesto del barrio. {FILLER} participativo."),
    _document(5, f"Programa de participación ciudadana. {FILLER}."),
    _document(6, f"Resolución CDMQ-022-2024 aprobada. {FILLER}.", identifiers=("CDMQ-022-2024",)),
    _document(7, f"Resolución CDMQ-022-2023 aprobada. {FILLER}.", identifiers=("CDMQ-022-2023",)),
    _document(8, ""),  # a scan without text yet: its entries carry the placeholder of an empty field
)


@pytest.fixture(scope="module", params=ENGINES)
def backend(request: pytest.FixtureRequest, engines: EngineFactory) -> Iterator[SearchBackend]:
    with engines.holding(request.param, CORPUS) as backend:
        yield backend


def ranked(backend: SearchBackend, q: str) -> list[int]:
    return [hit.document_id for hit in backend.search(build_query(q, per_page=50)).hits]


def test_the_form_typed_ranks_above_its_variants(backend):
    assert ranked(backend, "ordenanza") == [1, 2]
    assert ranked(backend, "ordenanzas") == [2, 1]
    assert ranked(backend, "Ordenanzas") == ranked(backend, "ordenanzas")


def test_words_close_together_rank_above_the_same_words_far_apart(backend):
    assert ranked(backend, "presupuesto participativo") == [3, 4]
    assert ranked(backend, "participativo presupuesto") == [3, 4]


def test_light_stemming_does_not_confuse_related_words(backend):
    assert ranked(backend, "participativo") == [3, 4]
    assert ranked(backend, "participacion") == [5]


def test_identifiers_stay_exact(backend):
    assert ranked(backend, "CDMQ-022-2024") == [6]
    assert ranked(backend, "cdmq-022-2023") == [7]


def test_the_placeholder_of_an_empty_text_is_never_a_searchable_word(backend):
    assert ranked(backend, "sin texto") == ranked(backend, "texto") == []
    assert set(ranked(backend, "acta")) == set(range(1, 9))  # found by its title all the same


def test_an_index_built_with_the_older_analysis_is_refused(engines: EngineFactory, tmp_path):
    from search_app.backends.embedded import ANALYSIS_MARKER, EmbeddedBackend

    backend = EmbeddedBackend(tmp_path / "index")
    backend.index(CORPUS[:1])
    live = (tmp_path / "index").resolve()
    (live / ANALYSIS_MARKER).write_text("1\n")
    stale = EmbeddedBackend(tmp_path / "index")
    with pytest.raises(SearchEngineUnavailable, match="concejo index --rebuild"):
        stale.count()
    assert stale.rebuild(CORPUS[:1]) == 1  # a rebuild is the way out
    assert stale.count() == 1


def test_an_index_in_a_plain_directory_from_the_first_layout_is_rebuilt_in_place(tmp_path):
    from search_app.backends.embedded import EmbeddedBackend

    backend = EmbeddedBackend(tmp_path / "built")
    backend.index(CORPUS[:1])
    shutil.copytree((tmp_path / "built").resolve(), tmp_path / "index")  # no link, no analysis marker
    (tmp_path / "index" / "concejo-analysis-version").unlink()
    old = EmbeddedBackend(tmp_path / "index")
    with pytest.raises(SearchEngineUnavailable, match="concejo index --rebuild"):
        old.count()
    assert old.rebuild(CORPUS[:2]) == 2
    assert EmbeddedBackend(tmp_path / "index").count() == 2


@pytest.mark.elasticsearch
def test_an_elasticsearch_index_built_with_the_older_analysis_is_refused(engines: EngineFactory):
    backend = engines.open("elasticsearch")
    try:
        backend.index(CORPUS[:1])
        (name,) = backend.client.indices.get_alias(index=backend.alias)
        backend.client.indices.put_mapping(index=name, meta={"analysis_profile": "full", "analysis_version": 1})
        stale = engines.open("elasticsearch")
        stale.alias = backend.alias
        with pytest.raises(SearchEngineUnavailable, match="concejo index --rebuild"):
            stale.count()
        assert stale.rebuild(CORPUS[:1]) == 1
        assert stale.count() == 1
    finally:
        engines.discard(backend)
