"""The site speaks Spanish: failure reasons recorded in English for the operator are shown in Spanish."""

from __future__ import annotations

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
    ]


@pytest.mark.parametrize("reason", recorded_reasons())
def test_every_recorded_reason_reads_in_spanish(reason):
    shown = in_spanish(reason)
    assert shown and shown != reason
    assert not any(word in f" {shown.lower()} " for word in ENGLISH), shown


def test_a_reason_no_pattern_knows_is_shown_as_recorded():
    assert in_spanish("OSError: disk full") == "OSError: disk full"

