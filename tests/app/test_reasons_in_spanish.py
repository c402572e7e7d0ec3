"""The site speaks Spanish: failure reasons recorded in English for the operator are shown in Spanish."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from archive.sniff import pdf_refusal
from crawler.guard import SourcePolicy
from crawler.pipelines import NOT_HTTP, NOT_REACHED
from extract.errors import FAILURE_CODES
from search_app.reasons import in_spanish

# Words that give an English reason away; none may survive the translation of a reason the code records.
ENGLISH = ("the ", " from ", " is ", " not ", " file", " server", " download", " link")


def recorded_reasons() -> list[str]:
    """Reasons exactly as the crawler and the extractor record them."""
    policy = SourcePolicy.for_source("https://concejo.example", source_slug="quito")
    return [
        *FAILURE_CODES.values(), NOT_HTTP, NOT_REACHED, "HTTP 503 from the portal",
        pdf_refusal(b"<!doctype html><html>error</html>"), pdf_refusal(b"hello"), pdf_refusal(b"<x>%PDF-1.4"),
        policy.refusal("https://otro.example/a.pdf"), policy.refusal("http://10.0.0.1/a.pdf"),
        policy.refusal("https://concejo.example:8443/a.pdf"),
        *source_failures(),
    ]


def source_failures() -> list[str]:
    """Why a source's crawl failed, as the crawl step records it (shown on the coverage page)."""
    from archive import open_catalogue
    from concejo.sources import Source
    from concejo.steps import source_failure

    source = Source(slug="quito", name="Quito", family="concejo_abierto", start_urls=("https://concejo.example/",))
    summaries = [{"pages": 0, "problems": []},
                 {"pages": 3, "layout_errors": 1, "last_layout_error": "no year links at https://concejo.example/"},
                 {"pages": 3, "sessions": 2, "finish_reason": "closespider_timeout"}]
    with tempfile.TemporaryDirectory() as folder:
        catalogue = open_catalogue(f"sqlite:///{Path(folder) / 'catalogue.sqlite3'}")
        reasons = [reason for summary in summaries if (reason := source_failure(catalogue, source, summary))]
        catalogue.close()
    assert len(reasons) == len(summaries)
    return reasons


@pytest.mark.parametrize("reason", recorded_reasons())
def test_every_recorded_reason_reads_in_spanish(reason):
    shown = in_spanish(reason)
    assert shown and shown != reason
    assert not any(word in f" {shown.lower()} " for word in ENGLISH), shown


def test_a_reason_no_pattern_knows_is_shown_as_recorded():
    assert in_spanish("OSError: disk full") == "OSError: disk full"

