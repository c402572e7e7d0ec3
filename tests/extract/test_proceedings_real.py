"""Proceedings read from the real corpus against the hand-labelled truth (proceedings_truth.json, whose
_about says how it was labelled): table votes and roll calls exact (every entry's number, name key and
choice; printed totals; stated counts; result), prose votes found with recall >= 0.9, movements exact,
and nothing invented: every roll call, vote and movement extracted is in the truth. Names are compared
as keys (name_key.py): no name from the corpus is written here."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import tesseract_missing_reason
from name_key import name_key

from extract import Extraction, extract_document

TRUTH = Path(__file__).with_name("proceedings_truth.json")
# The scans and noisy OCR: their pages need Tesseract (the truth marks what is read from them "ocr").
SCANNED = {"charata__01.pdf", "charata__15.pdf", "charata__40.pdf", "villamaria__ordenanza_8079.pdf",
           "villamaria__ordenanza_8242.pdf"}  # fmt: skip
MIN_PROSE_RECALL = 0.9


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(TRUTH.read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="module")
def extracted(real_corpus: Path) -> dict[str, Extraction]:
    """Every corpus file the machine can read in full: the scans only where Tesseract is installed."""
    ocr = tesseract_missing_reason() is None
    return {
        path.name: extract_document(path, ocr=ocr, read_tables=False)
        for path in sorted(real_corpus.glob("*.pdf"))
        if ocr or path.name not in SCANNED
    }


def _entries(entries) -> list[tuple]:
    return [(entry.number, name_key(entry.name), entry.choice) for entry in entries]


def _truth_entries(entries: list) -> list[tuple]:
    return [tuple(entry) for entry in entries]


def _files_with(truth: dict, kind: str) -> list[str]:
    return [name for name, labels in truth.items() if labels[kind]]


@pytest.mark.parametrize("name", ["quitoRAG__Acta de la Sesión Extraordinaria No. 061 2024-05-10.pdf",
                                  "quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf",
                                  "medellin__acta_257_cero_hambre.pdf"])  # fmt: skip
def test_roll_calls_are_exact(name, truth, extracted):
    got = [
        {"page": r.page, "moment": r.moment, "stated_count": r.stated_count, "entries": _entries(r.entries)}
        for r in extracted[name].proceedings.roll_calls
    ]
    expected = [
        {"page": r["page"], "moment": r["moment"], "stated_count": r["stated_count"],
         "entries": _truth_entries(r["entries"])}
        for r in truth[name]["roll_calls"]
    ]  # fmt: skip
    assert got == expected


def test_table_votes_are_exact(truth, extracted):
    for name in [name for name in _files_with(truth, "votes") if name in extracted]:
        got = [
            {"page": v.page, "entries": _entries(v.entries), "printed_totals": v.printed_totals,
             "stated_counts": v.stated_counts, "result": v.result, "result_page": v.result_page,
             "totals_match": v.totals_match}
            for v in extracted[name].proceedings.votes if v.method == "tabla"
        ]  # fmt: skip
        expected = [
            {"page": v["page"], "entries": _truth_entries(v["entries"]), "printed_totals": v["printed_totals"],
             "stated_counts": v["stated_counts"], "result": v["result"], "result_page": v["result_page"],
             "totals_match": not v.get("totals_disagree", False)}
            for v in truth[name]["votes"] if v["method"] == "tabla"
        ]  # fmt: skip
        assert got == expected, name


def test_prose_votes_are_found(truth, extracted):
    if tesseract_missing_reason():
        pytest.skip(f"most prose votes are on scanned pages: {tesseract_missing_reason()}")
    expected = [
        (name, v["page"], v["method"], v["result"])
        for name, labels in truth.items() for v in labels["votes"] if v["method"] != "tabla"
    ]  # fmt: skip
    got = {
        (name, v.page, v.method, v.result)
        for name, extraction in extracted.items() for v in extraction.proceedings.votes if v.method != "tabla"
    }  # fmt: skip
    found = [vote for vote in expected if vote in got]
    assert expected, "the truth labels no prose vote"
    assert len(found) / len(expected) >= MIN_PROSE_RECALL, sorted(set(expected) - got)


def test_dictamen_votes_name_their_commission(truth, extracted):
    for name in ("charata__15.pdf", "charata__40.pdf"):
        if name not in extracted:
            pytest.skip(f"{name} is a scan: {tesseract_missing_reason()}")
        got = [(v.page, v.body) for v in extracted[name].proceedings.votes]
        assert got == [(v["page"], v["body"]) for v in truth[name]["votes"]], name


def test_movements_are_exact(truth, extracted):
    for name, extraction in extracted.items():
        got = [
            {"page": m.page, "direction": m.direction, "names": [name_key(n) for n in m.names], "time": m.time,
             "count_after": m.count_after}
            for m in extraction.proceedings.movements
        ]  # fmt: skip
        assert got == truth[name]["movements"], name


def test_nothing_is_invented(truth, extracted):
    """Every roll call, vote and movement extracted from any real file is one the truth labels, counted:
    a second vote on a labelled page with the same method and result is invented too."""
    for name, extraction in extracted.items():
        labels = truth[name]
        proceedings = extraction.proceedings
        roll_calls = Counter((r.page, r.moment) for r in proceedings.roll_calls)
        assert roll_calls - Counter((r["page"], r["moment"]) for r in labels["roll_calls"]) == Counter(), name
        votes = Counter((v.page, v.method, v.result) for v in proceedings.votes)
        invented = votes - Counter((v["page"], v["method"], v["result"]) for v in labels["votes"])
        assert [(v.page, v.method, v.result, v.motion[:60]) for v in proceedings.votes
                if (v.page, v.method, v.result) in invented] == [], name  # fmt: skip
        movements = Counter((m.page, m.direction, tuple(name_key(n) for n in m.names)) for m in proceedings.movements)
        invented = movements - Counter((m["page"], m["direction"], tuple(m["names"])) for m in labels["movements"])
        assert [m.text for m in proceedings.movements
                if (m.page, m.direction, tuple(name_key(n) for n in m.names)) in invented] == [], name  # fmt: skip


def test_rules_of_procedure_yield_no_vote(extracted):
    """The 39-page reglamento says how votes are taken on every other page: none of it is a vote."""
    proceedings = extracted["charata__Reglamento-Interno-Concejo-Municipal.pdf"].proceedings
    assert [v.result_text for v in proceedings.votes] == []
    assert proceedings.roll_calls == []
