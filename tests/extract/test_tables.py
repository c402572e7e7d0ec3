"""Every ruled table as data (extract/tables.py): pdfplumber runs only on pages whose rules close a cell,
and a table that cannot be read costs its own rows, never the document's text.

The agreement of these tables with the tick reader is in tests/extract/test_vote_tables.py.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.page import Page as PlumberPage

from extract import extract_document, tables
from tests.extract.name_key import name_key

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
    first_row = extraction.tables[2].rows[0]  # continued: its own table (names as keys: tests/extract/name_key.py)
    assert first_row[0].startswith("11. ") and name_key(first_row[0][4:]) == "1303580bd64c" and first_row[1:] == ["", "✓"]
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
    line = next(line for line in extraction.pages[4].text.splitlines() if line.startswith("12."))
    assert line.endswith(" ✓ PRESENTE") and name_key(line[3:-len(" ✓ PRESENTE")]) == "cbb9d914af80"  # page 5 keeps its text
    assert len(extraction.pages) == 11


def test_extraction_reads_tables_from_the_pages_it_has_loaded_and_pdfplumber_never_opens_the_file(
    real_corpus, monkeypatch
):
    opened: list = []
    apart: list = []
    read_tables = tables.read_tables
    monkeypatch.setattr(pdfplumber, "open", lambda *args, **kwargs: opened.append(args))
    monkeypatch.setattr(tables, "read_tables", lambda path, numbers: apart.append(numbers) or read_tables(path, numbers))
    extraction = extract_document(real_corpus / QUITO_064, ocr=False)
    assert opened == []
    # Page 11's signature annotations are merged into its text: its tables are read from the page as stored.
    assert apart == [[11]]
    assert [(table.page, table.index) for table in extraction.tables] == [(4, 0), (4, 1), (5, 0), (10, 0), (11, 0)]
    assert extraction.errors == []


def _inherited_mediabox_pdf(path: Path) -> Path:
    """A two-by-two ruled table on a page whose MediaBox is on the page tree (pdfium's API does not give it)."""
    rules = b"".join(b"50 %d m 350 %d l S " % (y, y) for y in (100, 175, 250))
    rules += b"".join(b"%d 100 m %d 250 l S " % (x, x) for x in (50, 200, 350))
    content = b"0.5 w " + rules + \
              b"BT /F1 10 Tf 60 220 Td (NOMBRES) Tj 150 0 Td (VOTO) Tj -150 -50 Td (1. Ana) Tj 150 0 Td (A FAVOR) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 400 300] >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_a_page_whose_mediabox_is_inherited_gets_its_geometry_from_pdfplumber(tmp_path, monkeypatch):
    path = _inherited_mediabox_pdf(tmp_path / "inherited.pdf")
    apart: list = []
    read_tables = tables.read_tables
    monkeypatch.setattr(tables, "read_tables", lambda path, numbers: apart.append(numbers) or read_tables(path, numbers))
    extraction = extract_document(path, ocr=False)
    assert apart == [[1]] and extraction.errors == []
    with pdfplumber.open(path) as pdf:
        expected = [table.extract() for table in pdf.pages[0].find_tables()]
    assert [table.rows for table in extraction.tables] == expected == [[["NOMBRES", "VOTO"], ["1. Ana", "A FAVOR"]]]


def test_a_file_pdfplumber_cannot_open_loses_the_tables_of_its_inherited_mediabox_pages_only(real_corpus, monkeypatch):
    def corrupt(*args, **kwargs):
        raise pdfplumber.utils.exceptions.PdfminerException("PSSyntaxError: unexpected EOF")

    monkeypatch.setattr(pdfplumber, "open", corrupt)
    monkeypatch.setattr(tables, "_pdfium_geometry", lambda page: None)  # as if every MediaBox were inherited
    with_tables = extract_document(real_corpus / QUITO_064, ocr=False)
    without = extract_document(real_corpus / QUITO_064, ocr=False, read_tables=False)
    assert with_tables.tables == []
    reason = "pages 4, 5, 10, 11: tables not read (PdfminerException: PSSyntaxError: unexpected EOF)"
    assert with_tables.errors == [reason]
    assert [page.text for page in with_tables.pages] == [page.text for page in without.pages]


def test_a_page_whose_rules_cannot_be_read_is_recorded_and_the_others_still_give_their_tables(
    real_corpus, monkeypatch
):
    has_ruled_table = tables.has_ruled_table
    calls = []

    def broken_on_page_4(page, rules=None):
        calls.append(page)
        if len(calls) == 4:
            raise RuntimeError("path object without bounds")
        return has_ruled_table(page, rules)

    monkeypatch.setattr(tables, "has_ruled_table", broken_on_page_4)
    extraction = extract_document(real_corpus / QUITO_064, ocr=False)
    assert "page 4: tables not looked for (RuntimeError: path object without bounds)" in extraction.errors
    assert [table.page for table in extraction.tables] == [5, 10, 11]
    assert "NOMBRES" in extraction.pages[3].text
