"""Every ruled table as data (extract/tables.py): pdfplumber runs only on pages whose rules close a cell,
and a table that cannot be read costs its own rows, never the document's text.

The agreement of these tables with the tick reader is in tests/extract/test_vote_tables.py.
"""

from __future__ import annotations

import pdfplumber
import pytest
from pdfplumber.page import Page as PlumberPage

from extract import extract_document

QUITO_064 = "quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf"
PROSE = "charata__03.pdf"  # born-digital, 4 pages of prose, no ruled lines


@pytest.fixture()
def plumber_pages(monkeypatch) -> list[int]:
    """The page numbers pdfplumber is asked to find tables on, in order (a spy on its entry point)."""
    asked: list[int] = []
    find_tables = PlumberPage.find_tables

    def spy(self, *args, **kwargs):
        asked.append(self.page_number)
        return find_tables(self, *args, **kwargs)

    monkeypatch.setattr(PlumberPage, "find_tables", spy)
    return asked


def test_a_born_digital_document_without_ruled_lines_has_no_table_and_pdfplumber_never_opens_it(
    real_corpus, monkeypatch, plumber_pages
):
    opened: list = []
    real_open = pdfplumber.open
    monkeypatch.setattr(pdfplumber, "open", lambda *args, **kwargs: opened.append(args) or real_open(*args, **kwargs))
    extraction = extract_document(real_corpus / PROSE, ocr=False)
    assert len(extraction.pages) == 4 and all(page.origin == "digital" for page in extraction.pages)
    assert extraction.tables == []
    assert opened == [] and plumber_pages == []
    assert extraction.errors == []


def test_pdfplumber_reads_only_the_pages_with_ruled_tables_and_the_others_have_none(real_corpus, plumber_pages):
    path = real_corpus / QUITO_064
    extraction = extract_document(path, ocr=False)
    assert plumber_pages == [4, 5, 10, 11]  # attendance tables; page 6 has one framed paragraph: no table
    assert [(table.page, table.index) for table in extraction.tables] == [(4, 0), (4, 1), (5, 0), (10, 0), (11, 0)]
    assert extraction.tables[0].rows[0][0].startswith("En la Sala de Sesiones")  # a ruled box of text
    assert extraction.tables[1].rows[:2] == [["VERIFICACIÓN CUÓRUM – INICIO SESIÓN", "", ""],
                                             ["NOMBRES", "PRESENTE", "AUSENTE"]]
    assert extraction.tables[2].rows[0] == ["11. Sandra Hidalgo Espinel", "", "✓"]  # continued: its own table
    x0, top, x1, bottom = extraction.tables[1].bbox
    assert 0 < x0 < x1 < 612 and 0 < top < bottom < 792
    # Skipping a page loses nothing: pdfplumber itself finds no table on the pages it was not asked about.
    skipped = [page.number for page in extraction.pages if page.number not in plumber_pages]
    with pdfplumber.open(path, pages=skipped) as pdf:
        assert [page.find_tables() for page in pdf.pages] == [[]] * len(skipped)


def test_a_page_whose_tables_fail_is_recorded_and_keeps_its_text_and_the_other_tables(
    real_corpus, monkeypatch
):
    find_tables = PlumberPage.find_tables

    def broken_on_page_5(self, *args, **kwargs):
        if self.page_number == 5:
            raise ValueError("unexpected token")
        return find_tables(self, *args, **kwargs)

    monkeypatch.setattr(PlumberPage, "find_tables", broken_on_page_5)
    extraction = extract_document(real_corpus / QUITO_064, ocr=False)
    assert "page 5: tables not read (ValueError: unexpected token)" in extraction.errors
    assert [(table.page, table.index) for table in extraction.tables] == [(4, 0), (4, 1), (10, 0), (11, 0)]
    assert "12.Adrián Ibarra González ✓ PRESENTE" in extraction.pages[4].text  # page 5 keeps its text
    assert len(extraction.pages) == 11


def test_a_file_pdfplumber_cannot_open_loses_its_tables_only(real_corpus, monkeypatch):
    def corrupt(*args, **kwargs):
        raise pdfplumber.utils.exceptions.PdfminerException("PSSyntaxError: unexpected EOF")

    monkeypatch.setattr(pdfplumber, "open", corrupt)
    with_tables = extract_document(real_corpus / QUITO_064, ocr=False)
    without = extract_document(real_corpus / QUITO_064, ocr=False, read_tables=False)
    assert with_tables.tables == []
    reason = "pages 4, 5, 10, 11: tables not read (PdfminerException: PSSyntaxError: unexpected EOF)"
    assert with_tables.errors == [reason]
    assert [page.text for page in with_tables.pages] == [page.text for page in without.pages]


def test_a_page_whose_rules_cannot_be_read_is_recorded_and_the_others_still_give_their_tables(
    real_corpus, monkeypatch
):
    from extract import tables

    has_ruled_table = tables.has_ruled_table
    calls = []

    def broken_on_page_4(page):
        calls.append(page)
        if len(calls) == 4:
            raise RuntimeError("path object without bounds")
        return has_ruled_table(page)

    monkeypatch.setattr(tables, "has_ruled_table", broken_on_page_4)
    extraction = extract_document(real_corpus / QUITO_064, ocr=False)
    assert "page 4: tables not looked for (RuntimeError: path object without bounds)" in extraction.errors
    assert [table.page for table in extraction.tables] == [5, 10, 11]
    assert "NOMBRES" in extraction.pages[3].text
