"""Word recall and reading order on ../shared/corpus/synthetic-hard (two columns, word-by-word text, a stamp)."""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter

import pytest
from extract_helpers import normalise_space

from extract import extract_document

STAMP = re.compile(r"^Documento firmado electrónicamente\..*$", re.MULTILINE)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.fixture(scope="module")
def pairs(synthetic_corpus):
    result = []
    for pdf in sorted((synthetic_corpus / "pdf").glob("*.pdf")):
        truth = json.loads((synthetic_corpus / "text" / f"{pdf.stem}.json").read_text(encoding="utf-8"))["pages"]
        result.append((pdf.stem, truth, extract_document(pdf, ocr=False)))
    return result


def test_word_recall_is_complete(pairs):
    expected = found = 0
    for _, truth, extraction in pairs:
        for page_truth, page in zip(truth, extraction.pages, strict=True):
            want, got = Counter(_words(page_truth)), Counter(_words(page.display_text))
            expected += sum(want.values())
            found += sum((want & got).values())
    print(f"synthetic word recall {found / expected:.4f}")
    assert found == expected


def test_reading_order_follows_the_given_text(pairs):
    # Word-sequence similarity per page; a paragraph placed before instead of after a table costs ~2 %.
    ratios = []
    for name, truth, extraction in pairs:
        for page_truth, page in zip(truth, extraction.pages, strict=True):
            ratio = difflib.SequenceMatcher(None, _words(page_truth), _words(page.display_text), autojunk=False).ratio()
            ratios.append(ratio)
            assert ratio >= 0.95, (name, page.number, ratio)
    print(f"synthetic reading order: mean {sum(ratios) / len(ratios):.4f}, min {min(ratios):.4f}, "
          f"{sum(r == 1.0 for r in ratios)}/{len(ratios)} pages exact")


def test_stamp_is_never_interleaved_into_the_body(pairs):
    for name, truth, extraction in pairs:
        for page_truth, page in zip(truth, extraction.pages, strict=True):
            for stamp in STAMP.findall(page_truth):
                assert normalise_space(stamp) in normalise_space(page.display_text), (name, page.number)
            single_letter_lines = [line for line in page.display_text.split("\n") if len(line.strip()) == 1]
            assert len(single_letter_lines) <= 2, (name, page.number, single_letter_lines)
