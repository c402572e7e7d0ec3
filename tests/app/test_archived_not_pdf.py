"""An archive crawled before the PDF check was shared can hold an HTML error page as a document's current
file: it is never served as application/pdf."""

from __future__ import annotations

import logging

from archive import FileStore, open_catalogue
from concejo.config import load_settings
from search_app import create_app

HTML_PAGE = b"<html><!--%PDF-1.4--><body><script>alert(document.domain)</script>Error 500</body></html>"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_an_archived_html_page_is_not_served_as_a_pdf(tmp_path, caplog):
    settings = load_settings(environ={}, data_dir=tmp_path, ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    council = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    store = FileStore(settings.files_dir)
    ids = {}
    for name, body in (("html", HTML_PAGE), ("pdf", PDF)):
        url = f"http://127.0.0.1:8800/actas/{name}.pdf"
        ids[name] = catalogue.list_document(council, name, session_id=None, kind="acta", title=name, url=url)
        catalogue.record_fetch(url, store.put(body), len(body), media_type="application/pdf")
    catalogue.close()
    client = create_app({"TESTING": True}, settings=settings).test_client()

    with caplog.at_level(logging.WARNING):
        refused = client.get(f"/documentos/{ids['html']}.pdf")
    with client.get(f"/documentos/{ids['pdf']}.pdf") as served:
        served_body = served.get_data()

    assert refused.status_code == 404 and refused.mimetype != "application/pdf"
    assert "no es un PDF válido" in refused.get_data(as_text=True)
    assert b"<script>" not in refused.get_data()
    assert "HTML page instead of a PDF" in caplog.text
    assert served.status_code == 200 and served.mimetype == "application/pdf" and served_body == PDF
