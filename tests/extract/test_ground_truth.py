"""The extractor against the hand-labelled ground truth of ../shared/corpus/real."""

from __future__ import annotations

import re
import unicodedata

import pytest
from extract_helpers import normalise_space

from extract import Extraction, ExtractionFailed, extract_document
from extract.batch import extract_batch

# Scans OCR'd in the test run (12 pages, ~20 s on 2 cores); whole-corpus OCR is in the benchmark.
OCR_IN_TESTS = ["charata__01.pdf", "charata__15.pdf", "charata__40.pdf", "villamaria__ordenanza_8079.pdf"]
METADATA_FIELDS = ("document_type", "session_type", "session_number", "date", "council", "commission")
# Two agenda points are the same point when their numbers are equal and their titles start alike: the
# first AGENDA_TITLE_CHARS characters, ignoring case, accents and punctuation (the whole title if shorter).
AGENDA_TITLE_CHARS = 40
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


@pytest.fixture(scope="module")
def digital(real_corpus, ground_truth) -> dict[str, Extraction]:
    return {name: extract_document(real_corpus / name, ocr=False) for name in ground_truth}


@pytest.fixture(scope="module")
def ocred(real_corpus, tesseract) -> dict[str, Extraction]:
    results = dict(extract_batch([(name, real_corpus / name, None) for name in OCR_IN_TESTS], workers=2))
    failed = {name: result for name, result in results.items() if isinstance(result, ExtractionFailed)}
    assert not failed
    return results


def _document_text(extraction: Extraction) -> str:
    return normalise_space(" ".join(page.text for page in extraction.pages))


def _expected_metadata(truth: dict) -> dict:
    expected = {field: truth["metadata"][field] for field in METADATA_FIELDS}
    if not truth["council_in_text"]:
        expected["council"] = None  # only the letterhead image names it; the listing hint supplies it
    return expected


def _actual_metadata(extraction: Extraction) -> dict:
    return {field: getattr(extraction.metadata, field) for field in METADATA_FIELDS}


def _numbering_value(label: str) -> int:
    """1 for "1º)-", "1." or "I."; 8 for "VIII."."""
    roman = re.match(r"[IVXL]+(?=\.)", label)
    if not roman:
        return int(re.match(r"\d+", label).group(0))
    values = [ROMAN[char] for char in roman.group(0)]
    return sum(-v if i + 1 < len(values) and values[i + 1] > v else v for i, v in enumerate(values))


def _agenda_key(label: str, title: str) -> tuple[int, str]:
    folded = "".join(c for c in unicodedata.normalize("NFKD", title.casefold()) if not unicodedata.combining(c))
    return _numbering_value(label), " ".join(re.findall(r"[^\W_]+", folded))[:AGENDA_TITLE_CHARS]


def _labelled_agenda(truth: dict) -> list[tuple[int, str]]:
    return [_agenda_key(label, title) for label, title in truth["agenda_points"]]


def _extracted_agenda(extraction: Extraction) -> list[tuple[int, str]]:
    return [_agenda_key(*point.split(" ", 1)) for point in extraction.metadata.agenda_points]


def test_every_labelled_file_exists(real_corpus, ground_truth):
    assert sorted(ground_truth) == sorted(path.name for path in real_corpus.glob("*.pdf"))


@pytest.mark.parametrize("kind", ["sentences"])
def test_born_digital_sentences_found_verbatim(digital, ground_truth, kind):
    missing = []
    for name, truth in ground_truth.items():
        if truth["scan"]:
            continue
        text = _document_text(digital[name])
        missing += [(name, sentence) for sentence in truth[kind] if normalise_space(sentence) not in text]
    assert missing == []


def test_born_digital_metadata(digital, ground_truth):
    for name, truth in ground_truth.items():
        if not truth["scan"]:
            assert _actual_metadata(digital[name]) == _expected_metadata(truth), name
            for identifier in truth["metadata"]["identifiers"]:
                assert identifier in digital[name].metadata.identifiers, (name, identifier)


def test_born_digital_agenda_points(digital, ground_truth):
    matched = labelled = 0
    for name, truth in ground_truth.items():
        if not truth["scan"]:
            expected, actual = _labelled_agenda(truth), _extracted_agenda(digital[name])
            labelled += len(expected)
            matched += sum(key in actual for key in expected)
            assert actual == expected, name
    print(f"born-digital agenda: {matched}/{labelled} labelled points found, none invented")


def test_page_origins_without_ocr(digital, ground_truth):
    for name, truth in ground_truth.items():
        image_only = set(truth["pages"]["image_only"]) | set(truth["pages"].get("bad_text_layer", []))
        for page in digital[name].pages:
            if page.number in image_only:
                assert page.origin in ("needs_ocr", "empty"), (name, page.number, page.origin)
            else:
                assert page.origin == "digital", (name, page.number, page.origin)


def test_hint_disagreement_is_recorded_and_text_wins(real_corpus):
    extraction = extract_document(
        real_corpus / "villamaria__ordenanza_8000.pdf", ocr=False, hints={"number": "8001", "document_type": "acta"}
    )
    assert extraction.metadata.document_type == "ordenanza"
    notes = {note["field"]: note for note in extraction.metadata.disagreements}
    assert notes["number"] == {"field": "number", "listing": "8001", "text": "8000"}
    assert notes["document_type"]["listing"] == "acta" and notes["document_type"]["text"] == "ordenanza"


def test_symbol_font_ticks_become_check_marks(digital):
    text = digital["quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf"].text
    assert "✓" in text and "\uf0fc" not in text


def test_repeated_headers_and_page_numbers_leave_searchable_text(digital):
    extraction = digital["charata__03.pdf"]
    assert all("Página" not in page.text for page in extraction.pages)
    assert "Página 1 de 4" in extraction.pages[0].display_text
    quito = digital["quitoRAG__Acta de la Sesión Extraordinaria No. 061 2024-05-10.pdf"]
    headers = sum(page.text.count("ACTA DE LA SESIÓN No. 061") for page in quito.pages)
    displayed = sum(page.display_text.count("ACTA DE LA SESIÓN No. 061") for page in quito.pages)
    assert headers < displayed / 10


@pytest.mark.ocr
def test_scans_ocr_most_sentences_and_word_accuracy(ocred, ground_truth):
    found = total = words_found = words_total = 0
    for name, extraction in ocred.items():
        text = _document_text(extraction)
        words = set(text.lower().split())
        for sentence in ground_truth[name]["sentences"]:
            total += 1
            found += normalise_space(sentence) in text
            sentence_words = sentence.lower().split()
            words_total += len(sentence_words)
            words_found += sum(word in words for word in sentence_words)
    accuracy = words_found / words_total
    print(f"OCR: {found}/{total} sentences verbatim, word accuracy on labelled sentences {accuracy:.3f}")
    assert found >= 0.6 * total
    assert accuracy >= 0.9


@pytest.mark.ocr
def test_scan_origins_and_metadata(ocred, ground_truth):
    correct = checked = 0
    for name, extraction in ocred.items():
        pages = ground_truth[name]["pages"]
        for page in extraction.pages:
            if page.number in pages.get("blank", []):
                assert page.origin == "empty", (name, page.number)
            elif page.number in pages.get("bad_text_layer", []):
                assert page.origin == "digital+ocr" and page.ocr_confidence, (name, page.number)
            elif page.number in pages["image_only"]:
                assert page.origin == "ocr" and page.ocr_confidence, (name, page.number)
        expected, actual = _expected_metadata(ground_truth[name]), _actual_metadata(extraction)
        for field, value in expected.items():
            if value is not None:
                checked += 1
                correct += actual[field] == value
    assert correct >= 0.8 * checked, f"{correct}/{checked} metadata fields right on scans"


@pytest.mark.ocr
def test_scans_agenda_points_found_and_none_invented(ocred, ground_truth):
    matched = labelled = 0
    invented = []
    for name, extraction in ocred.items():
        expected, actual = _labelled_agenda(ground_truth[name]), _extracted_agenda(extraction)
        labelled += len(expected)
        matched += sum(key in actual for key in expected)
        invented += [(name, point) for point, key in zip(extraction.metadata.agenda_points, actual) if key not in expected]
    print(f"OCR agenda: {matched}/{labelled} labelled points found ({matched / labelled:.2f})")
    assert invented == []  # a point read from body text or a garbled title would land here
    assert matched >= 0.8 * labelled
