"""The embedded index writer's memory is set by CONCEJO_INDEX_WRITER_HEAP_MB and CONCEJO_INDEX_PAGES_HELD_BACK
(issue 12: the pipeline's memory bounded by settings, whatever the archive's size). However small they are
set, the index answers every search as the default one does."""

from __future__ import annotations

import pytest

from concejo.config import ConfigError, load_settings
from search_app.backends import open_backend
from search_app.query import build_query

QUERIES = ("ordenanza", "acta de la sesión", "presupuesto participativo", "concejal*", '"orden del día"')


def _everything(backend, words: str) -> tuple:
    """Total, facets and every hit with its score (all pages, so that ties cannot fall either side of a cut)."""
    first = backend.search(build_query(words, per_page=50))
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += backend.search(build_query(words, page=page, per_page=50)).hits
    return first.total, first.facets, {hit.document_id: hit.score for hit in hits}


def test_the_smallest_writer_memory_indexes_what_the_default_does(search_corpus, corpus_indexes, tmp_path):
    settings = load_settings({"CONCEJO_DATA_DIR": str(tmp_path), "CONCEJO_INDEX_WRITER_HEAP_MB": "20",
                              "CONCEJO_INDEX_PAGES_HELD_BACK": "1"})
    small = open_backend(settings)
    writers, flushes = [], []
    index_of, add_all = small._current, small._add_all

    class Recorded:  # the index, noting what its writer is asked for
        def __init__(self, index) -> None:
            self.index = index

        def writer(self, heap_bytes: int, threads: int):
            writers.append((heap_bytes, threads))
            return self.index.writer(heap_bytes, threads)

        def __getattr__(self, name: str):
            return getattr(self.index, name)

    small._current = lambda: Recorded(index_of())
    small._add_all = lambda writer, entries: (flushes.append(len(entries)), add_all(writer, entries))
    try:  # 20 MB: one writer thread (tantivy needs 15 MB each); each page written as it comes
        assert small.index(search_corpus.documents) == len(search_corpus.documents)
        assert writers == [(20_000_000, 1)]
        # the pages of each document written right after it (and the last, empty, call), not held back
        with_pages = sum(1 for document in search_corpus.documents if len(list(document.entries())) > 1)
        assert len(flushes) == with_pages + 1 and flushes[-1] == 0
        default = corpus_indexes.get("embedded")
        for words in QUERIES:
            total, facets, scores = _everything(small, words)
            expected_total, expected_facets, expected_scores = _everything(default, words)
            assert total > 0 and (total, facets) == (expected_total, expected_facets), words
            assert scores.keys() == expected_scores.keys(), words
            # the same BM25 statistics, summed over other segments: equal to float rounding
            assert all(scores[i] == pytest.approx(expected_scores[i], rel=1e-5) for i in scores), words
    finally:
        small.close()


@pytest.mark.parametrize(("name", "value"), [("CONCEJO_INDEX_WRITER_HEAP_MB", "10"),
                                             ("CONCEJO_INDEX_WRITER_HEAP_MB", "20000"),
                                             ("CONCEJO_INDEX_PAGES_HELD_BACK", "0")])
def test_a_writer_memory_too_small_to_work_is_refused_with_the_setting_named(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})
