"""A document listed under the wrong type and number: the text wins and the page says so, in Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import FileStore, open_catalogue
from concejo import steps
from concejo.config import load_settings
from search_app import create_app

ORDINANCE = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real" / "villamaria__ordenanza_8000.pdf"


@pytest.fixture()
def listed_wrongly(tmp_path):
    if not ORDINANCE.is_file():
        pytest.skip(f"the real corpus is not beside the project ({ORDINANCE} missing)")
    settings = load_settings(environ={}, data_dir=tmp_path, ocr=False, extract_workers=1)
    catalogue = open_catalogue(settings.catalogue_url)
    council = catalogue.ensure_council("villa-maria", "Concejo Deliberante de Villa María")
    url = "http://127.0.0.1:8800/ordenanzas/8001.pdf"
    document_id = catalogue.list_document(council, "ordenanza-8001", session_id=None, kind="acta", title="8001", url=url)
    data = ORDINANCE.read_bytes()
    catalogue.record_fetch(url, FileStore(settings.files_dir).put(data), len(data), media_type="application/pdf")
    report = steps.extract(settings, catalogue)
    assert report.counts["documents"] == 1, report.problems
    return settings, document_id


def test_the_document_page_shows_where_the_listing_and_the_text_disagree(listed_wrongly):
    settings, document_id = listed_wrongly
    client = create_app({"TESTING": True}, settings=settings).test_client()
    page = client.get(f"/documentos/{document_id}").get_data(as_text=True)
    assert "El portal y el propio documento no coinciden" in page
    assert "tipo de documento: el portal dice «Acta», el documento dice «Ordenanza»" in page
    api = client.get(f"/api/v1/documents/{document_id}").get_json()
    assert {"field": "document_type", "listing": "acta", "text": "ordenanza"} in api["metadata"]["disagreements"]
