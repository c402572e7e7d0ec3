"""A document's tables, end to end: a real acta archived, extracted by the extract step, served by the app.

The CSV a person downloads from the document page is the table pdfplumber reads on that page (ticks
shown as "✓", cells neutralised against spreadsheet formulas as every CSV of the app is), and a failed
re-extraction keeps the tables it had, as it keeps the pages.
"""

from __future__ import annotations

import csv
import html
import io
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest

from archive import FileStore, open_catalogue
from concejo import steps
from concejo.config import load_settings
from extract import EXTRACTOR_VERSION
from extract.cleanup import with_symbols_mapped
from search_app import create_app
from search_app.views.api import csv_cell
from tests.catalogue_files import as_before_alembic
from tests.extract.name_key import name_key

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"
QUITO_064 = "quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf"
URL = "http://127.0.0.1:8800/actas/064.pdf"


@pytest.fixture()
def archived(tmp_path):
    """(settings, document id): the acta archived as the crawler would, then extracted by the extract step."""
    path = REAL / QUITO_064
    if not path.is_file():
        pytest.skip(f"real corpus not found at {REAL}: clone the shared/ folder beside the project")
    settings = load_settings(environ={}, data_dir=tmp_path / "data", ocr=False, extract_workers=1)
    catalogue = open_catalogue(settings.catalogue_url)
    council = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    catalogue.list_document(council, "acta-064", session_id=None, kind="acta", title="Acta 064", url=URL)
    data = path.read_bytes()
    document_id = catalogue.record_fetch(URL, FileStore(settings.files_dir).put(data), len(data)).document_id
    report = steps.extract(settings, catalogue)
    assert report.counts["documents"] == 1, report.problems
    catalogue.close()
    return settings, document_id


def _pdfplumber_table(page_number: int, index: int) -> list[list[str]]:
    with pdfplumber.open(REAL / QUITO_064, pages=[page_number]) as pdf:
        table = pdf.pages[0].extract_tables()[index]
    return [[csv_cell(with_symbols_mapped(cell or "")) for cell in row] for row in table]


def test_each_table_downloads_as_the_table_pdfplumber_reads_on_its_page_and_the_document_page_links_it(archived):
    settings, document_id = archived
    client = create_app({"TESTING": True}, settings=settings).test_client()
    listed = client.get(f"/api/v1/documents/{document_id}/tables")
    assert listed.status_code == 200
    tables = listed.get_json()
    assert [(t["number"], t["page"], t["index"]) for t in tables] == [(1, 4, 0), (2, 4, 1), (3, 5, 0), (4, 10, 0),
                                                                     (5, 11, 0)]
    page = html.unescape(client.get(f"/documentos/{document_id}").get_data(as_text=True))
    assert "<h2>Tablas</h2>" in page
    for table in tables:
        assert table["csv_url"] == f"/api/v1/documents/{document_id}/tables/{table['number']}.csv"
        assert f'<a href="{table["csv_url"]}" download>Tabla {table["number"]} (pág. {table["page"]}) — descargar CSV</a>' in page
        download = client.get(table["csv_url"])
        assert download.status_code == 200 and download.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
        assert rows == _pdfplumber_table(table["page"], table["index"]), f"table {table['number']}"
    vote = list(csv.reader(io.StringIO(client.get(tables[1]["csv_url"]).get_data(as_text=True))))
    assert vote[1] == ["NOMBRES", "PRESENTE", "AUSENTE"] and vote[2][1:] == ["✓", ""]
    number, name = vote[2][0].split(" ", 1)
    assert number == "1." and name_key(name) == "c5bb4bbbabc9"  # the first member, by the truth's hashed key


def test_a_cell_that_looks_like_a_formula_is_neutralised_in_the_download(archived):
    settings, document_id = archived
    catalogue = open_catalogue(settings.catalogue_url)
    row = catalogue.document(document_id)
    catalogue.save_extraction(document_id, row["current_sha256"], [dict(p) for p in catalogue.pages(document_id)],
                              {}, [], extractor_version=EXTRACTOR_VERSION,
                              tables=[{"page": 2, "index": 0, "rows": [["=1+1", "-3", "ok"]], "bbox": None}])
    catalogue.close()
    client = create_app({"TESTING": True}, settings=settings).test_client()
    assert client.get(f"/api/v1/documents/{document_id}/tables/1.csv").get_data(as_text=True) == "'=1+1,'-3,ok\r\n"


def test_a_table_that_does_not_exist_is_a_404_in_spanish(archived):
    settings, document_id = archived
    client = create_app({"TESTING": True}, settings=settings).test_client()
    missing = client.get(f"/api/v1/documents/{document_id}/tables/6.csv")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": {"code": "not_found", "message":
                                            f"El documento {document_id} no tiene una tabla 6; tiene 5 tablas."}}
    assert client.get(f"/api/v1/documents/{document_id}/tables/0.csv").status_code == 404
    nobody = client.get(f"/api/v1/documents/{document_id + 1}/tables")
    assert nobody.status_code == 404
    assert nobody.get_json()["error"]["message"] == f"No existe el documento {document_id + 1}."


def test_reextraction_replaces_the_tables_and_a_failed_one_keeps_them(archived, tmp_path):
    settings, document_id = archived
    catalogue = open_catalogue(settings.catalogue_url)
    before = catalogue.tables(document_id)
    assert len(before) == 5 and {t["sha256"] for t in before} == {catalogue.document(document_id)["current_sha256"]}

    # What an older extractor stored (a table on page 2) is replaced, not added to.
    sha256 = catalogue.document(document_id)["current_sha256"]
    catalogue.save_extraction(document_id, sha256, [dict(p) for p in catalogue.pages(document_id)], {}, [],
                              extractor_version="old", tables=[{"page": 2, "index": 0, "rows": [["x"]], "bbox": None}])
    assert [(t["page"], t["rows"]) for t in catalogue.tables(document_id)] == [(2, [["x"]])]
    again = steps.extract(settings, catalogue, extractor_version=f"{EXTRACTOR_VERSION}+next")
    assert again.counts["documents"] == 1
    assert catalogue.tables(document_id) == before

    unreachable = replace(settings, data_dir=tmp_path / "unmounted")
    failed = steps.extract(unreachable, catalogue, extractor_version=f"{EXTRACTOR_VERSION}+later")
    assert failed.counts["failed"] == 1
    assert catalogue.tables(document_id) == before
    catalogue.close()


def test_a_catalogue_from_before_tables_gains_them_on_open(tmp_path):
    path = tmp_path / "catalogue.sqlite3"
    open_catalogue(f"sqlite:///{path}").close()
    with closing(sqlite3.connect(path)) as db, db:
        as_before_alembic(db)
        db.execute("DROP TABLE document_tables")
    catalogue = open_catalogue(f"sqlite:///{path}")
    assert catalogue.tables(1) == []
    catalogue.close()
