"""The same answers from both engines: totals and top-10 documents for a fixed mix of queries.

Both engines hold the same documents (the real corpus and the replica's). Queries go through the search
service, as the app answers them (with its fallback to most of the words). For each query they must give
the same total and the same ten first documents as a set. Order within the ten is not compared, and ties
at the cut are allowed: when an engine's 10th and 11th hits tie (equal scores within TIE_TOLERANCE, or the
same date in a date sort), any of the documents tied with the 10th may be the one shown, so a document in
one top 10 and not the other is accepted when it is tied at the cut in either engine.
"""

from __future__ import annotations

import math

import pytest

from search_app.backends.base import Hit, SearchBackend, SearchResult
from search_app.query import build_query
from search_app.service import SearchService

TOP = 10
FETCH = 20  # enough to see who is tied with the 10th hit
TIE_TOLERANCE = 1e-3  # relative, between two scores of one engine
MIN_ANSWERED = 0.8  # share of the queries that must find something, or parity would prove little

# (query, options for build_query): plain words, accents, plurals, phrases, OR, exclusion, prefixes,
# identifiers, filters (in the query and from the form), date ranges and date sorts.
QUERIES: tuple[tuple[str, dict], ...] = (
    ("ordenanza", {}), ("ordenanzas", {}), ("concejal", {}), ("concejales", {}), ("presupuesto", {}),
    ("quebrada", {}), ("alcantarillado", {}), ("hambre", {}), ("chacaritas", {}), ("escritura", {}),
    ("sesión", {}), ("sesion", {}), ("secretaría", {}), ("secretaria", {}), ("policía", {}), ("policia", {}),
    ("tránsito", {}), ("transito", {}), ("participación", {}), ("participacion", {}), ("además", {}),
    ("ademas", {}), ("votaciones", {}), ("resoluciones", {}), ("barrios", {}), ("veces", {}),
    ("presupuesto participativo", {}), ("uso de suelo", {}), ("agua potable", {}), ("seguridad alimentaria", {}),
    ("salud mental", {}), ('"orden del día"', {}), ('"uso de suelo"', {}), ('"presupuesto participativo"', {}),
    ('"salud mental"', {}), ('"silla vacía"', {}),
    ("quebrada OR alcantarillado", {}), ("hambre OR desnutrición", {}), ("chacaritas OR celiaquía", {}),
    ("concejal -alcalde", {}), ("ordenanza -quito", {}), ("agua -potable", {}),
    ("presup*", {}), ("particip*", {}), ("escritur*", {}), ("quebrad*", {}),
    ("CDMQ-001-2021", {}), ("IC-O-CUS-2024-009", {}), ("PMDOT-PUGS-001-2021", {}), ("GADDMQ-AM-2024-0492", {}),
    ("tipo:extraordinaria", {}), ("documento:acta", {}), ("año:2024", {}), ("agua tipo:ordinaria", {}),
    ("numero:61", {}), ('comision:"uso de suelo"', {}), ("concejal documento:ordenanza", {}),
    ("agua", {"session_type": "extraordinaria"}), ("presupuesto", {"date_from": "2024-01-01", "date_to": "2024-12-31"}),
    ("", {"date_from": "2024-05-01", "date_to": "2024-06-30"}),
    ("ordenanza", {"sort": "date_desc"}), ("concejal", {"sort": "date_asc"}), ("", {"sort": "date_asc"}),
    ("", {"sort": "date_desc"}),
    ("escultura vio1inista", {}), ("desnutrici0n infantil", {}),  # no document has every word
)


def _key(hit: Hit, sort: str) -> float | str | None:
    return hit.score if sort == "relevance" else hit.date


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=TIE_TOLERANCE, abs_tol=1e-9)
    return a == b


def tied_at_the_cut(result: SearchResult) -> set[int]:
    """Documents tied with the 10th hit when the 11th ties with it too (either may be shown), else none."""
    hits, sort = result.hits, result.query.sort
    if len(hits) <= TOP or not _same(_key(hits[TOP - 1], sort), _key(hits[TOP], sort)):
        return set()
    cut = _key(hits[TOP - 1], sort)
    return {h.document_id for h in hits if _same(_key(h, sort), cut)}


def differences(first: SearchResult, second: SearchResult) -> list[str]:
    found = []
    if getattr(first, "mode", None) != getattr(second, "mode", None):
        found.append(f"modes {getattr(first, 'mode', None)} vs {getattr(second, 'mode', None)}")
    if first.total != second.total:
        found.append(f"totals {first.total} vs {second.total}")
    top_first = {h.document_id for h in first.hits[:TOP]}
    top_second = {h.document_id for h in second.hits[:TOP]}
    allowed = tied_at_the_cut(first) | tied_at_the_cut(second)
    only_first, only_second = top_first - top_second - allowed, top_second - top_first - allowed
    if only_first or only_second:
        found.append(f"top {TOP}: only in the first {sorted(only_first)}, only in the second {sorted(only_second)}")
    return found


def run(backend: SearchBackend, q: str, options: dict) -> SearchResult:
    return SearchService(backend).search(build_query(q, per_page=FETCH, **options))


def test_the_query_mix_covers_the_syntax():
    assert len(QUERIES) >= 50
    texts = [q for q, _ in QUERIES]
    for feature in ('"', " OR ", " -", "*", "tipo:", "año:", "CDMQ-"):
        assert any(feature in q for q in texts), feature
    assert {o.get("sort") for _, o in QUERIES} >= {"date_desc", "date_asc"}


@pytest.mark.elasticsearch
def test_both_engines_give_the_same_totals_and_top_ten(corpus_indexes, search_corpus):
    embedded, elasticsearch = corpus_indexes.get("embedded"), corpus_indexes.get("elasticsearch")
    names = search_corpus.file_names
    report, answered = [], 0
    for q, options in QUERIES:
        first, second = run(embedded, q, options), run(elasticsearch, q, options)
        answered += first.total > 0
        found = differences(first, second)
        if found:
            shown = f"{q!r}" + (f" {options}" if options else "")
            report.append(f"{shown}: " + "; ".join(found))
    assert not report, (
        f"{len(report)}/{len(QUERIES)} queries differ between embedded (first) and elasticsearch (second); "
        f"real files are ids {min(names)}-{max(names)}, replica documents 10000 and up:\n" + "\n".join(report))
    assert answered >= MIN_ANSWERED * len(QUERIES), f"only {answered}/{len(QUERIES)} queries found anything"
