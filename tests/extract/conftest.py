"""Fixtures for extract/ tests: the shared corpus (skipped when absent) and cached extractions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
REAL = CORPUS / "real"
SYNTHETIC = CORPUS / "synthetic-hard"
GROUND_TRUTH = Path(__file__).with_name("ground_truth.json")


def tesseract_missing_reason() -> str | None:
    if shutil.which("tesseract") is None:
        return "tesseract binary not installed (apt-get install tesseract-ocr tesseract-ocr-spa)"
    from extract.ocr import tesseract_unavailable_reason

    return tesseract_unavailable_reason()


@pytest.fixture(scope="session")
def real_corpus() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real corpus not found at {REAL}: clone the shared/ folder beside the project")
    return REAL


@pytest.fixture(scope="session")
def synthetic_corpus() -> Path:
    if not SYNTHETIC.is_dir():
        pytest.skip(f"synthetic corpus not found at {SYNTHETIC}: clone the shared/ folder beside the project")
    return SYNTHETIC


@pytest.fixture(scope="session")
def ground_truth() -> dict:
    return json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="session")
def tesseract() -> None:
    reason = tesseract_missing_reason()
    if reason:
        pytest.skip(f"OCR test skipped: {reason}")
