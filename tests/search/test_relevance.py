"""Known-item relevance on the real corpus, both engines: MRR@3 of the queries in known_items.json.

Each query was written from one of the shared real documents, as a citizen or councillor would type it
(topic words, an identifier, a name; some without accents, some with one word misread as OCR would).
Its expected document scores 1/rank when it is among the first three hits, else 0. The replica's few
hundred documents are in the same index, so a query must single its document out of an archive.
Queries go through the search service, as the app answers them (with its fallback to most of the words).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search_app.query import build_query
from search_app.service import SearchService

KNOWN_ITEMS = Path(__file__).with_name("known_items.json")
CUTOFF = 3
MIN_MRR = 0.9
MIN_QUERIES = 30


def known_items() -> list[dict]:
    return json.loads(KNOWN_ITEMS.read_text(encoding="utf-8"))["queries"]


def test_known_items_are_well_formed(search_corpus):
    items = known_items()
    assert len(items) >= MIN_QUERIES
    assert {item["expected"] for item in items} <= set(search_corpus.ids), "an expected file is not in the corpus"
    assert all(item["where"] for item in items)
    assert sum("ocr" in item["tags"] for item in items) >= 3
    assert sum("unaccented" in item["tags"] for item in items) >= 10


def test_known_items_rank_first(corpus_backend, search_corpus):
    if search_corpus.ocr_missing:
        pytest.skip(f"OCR unavailable ({search_corpus.ocr_missing}): queries on scanned pages could not be judged")
    names, service = search_corpus.file_names, SearchService(corpus_backend)
    lines, total = [], 0.0
    for item in known_items():
        result = service.search(build_query(item["query"], per_page=10))
        ranked = [hit.document_id for hit in result.hits]
        expected = search_corpus.ids[item["expected"]]
        rank = ranked.index(expected) + 1 if expected in ranked else None
        total += 1 / rank if rank and rank <= CUTOFF else 0.0
        top = ", ".join(names.get(i, f"replica#{i}") for i in ranked[:3]) or "nothing"
        mark = "ok " if rank == 1 else "   "
        lines.append(f"{mark}rank {rank or '-':>2} of {result.total:>3}  {item['query']!r} -> {item['expected']} "
                     f"(top: {top})")
    mrr = total / len(lines)
    assert mrr >= MIN_MRR, (
        f"{corpus_backend.name}: MRR@{CUTOFF} {mrr:.3f} < {MIN_MRR} over {len(lines)} known-item queries:\n"
        + "\n".join(lines))
