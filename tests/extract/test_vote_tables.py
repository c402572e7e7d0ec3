"""Vote and attendance tables: each tick is named by its column, as pdfplumber's table finder reads it.

pdfplumber (slow, but a well-kept table reader) is the reference here: on every page of the real
corpus that carries a tick, our per-page sequence of column names must equal pdfplumber's, both as the
test reads it and in the tables extraction stores (extract/tables.py): the two readers must agree.
"""

from __future__ import annotations

import re

import pdfplumber
import pypdfium2 as pdfium
import pytest
from name_key import name_key

from extract import extract_document
from extract.pdf_text import page_text
from extract.vote_tables import TICK_CHARS, has_ticks

QUITO_061 = "quitoRAG__Acta de la Sesión Extraordinaria No. 061 2024-05-10.pdf"
QUITO_064 = "quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf"
_LABELLED_TICK = re.compile(r"[✓✗☑☒]( [^\n]*)?")


def _normal(cell: str | None) -> str:
    return " ".join((cell or "").split())


def _has_tick(cell: str | None) -> bool:
    return any(char in TICK_CHARS for char in cell or "")


def tick_columns(tables_by_page: dict[int, list[list[list[str | None]]]]) -> dict[int, list[str]]:
    """Page number -> the header of each ticked cell, row by row, in the given tables (rows of cells)."""
    return {number: [header for _, header in ticks] for number, ticks in ticked_rows(tables_by_page).items()}


def ticked_rows(tables_by_page: dict[int, list[list[list[str | None]]]]) -> dict[int, list[tuple[str, str]]]:
    """Page number -> (first cell of the row, header of the ticked cell) for each tick, row by row."""
    columns: dict[int, list[tuple[str, str]]] = {}
    carried: dict[int, list[str]] = {}  # a table continued on the next page keeps its header row
    for number in sorted(tables_by_page):
        found = columns.setdefault(number, [])
        for table in tables_by_page[number]:
            header = carried.get(len(table[0]))
            for row in table:
                cells = row[1:]
                if any(_has_tick(cell) for cell in cells):
                    found += [(_normal(row[0]), header[i] if header else "")
                              for i, cell in enumerate(cells) if _has_tick(cell)]
                elif all(re.search(r"[^\W\d]", cell or "") for cell in cells):  # every cell has a word
                    header = [_normal(cell) for cell in cells]
                    carried[len(row)] = header
    return columns


def pdfplumber_tick_columns(path) -> dict[int, list[str]]:
    """tick_columns of the tables pdfplumber finds (run here, by the test) on the pages with a tick."""
    with pdfplumber.open(path, pages=_pages_with_ticks(path)) as pdf:  # pdfplumber reads ~4 pages/s here
        return tick_columns({page.page_number: page.extract_tables() for page in pdf.pages})


def stored_tables(path, extraction) -> dict[int, list[list[list[str]]]]:
    """The tables extract/tables.py gave the extraction, on the pages with a tick."""
    tick_pages = set(_pages_with_ticks(path))
    by_page: dict[int, list] = {number: [] for number in tick_pages}
    for table in extraction.tables:
        if table.page in tick_pages:
            by_page[table.page].append(table.rows)
    return by_page


def _pages_with_ticks(path) -> list[int]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [i + 1 for i in range(len(document)) if has_ticks(page_text(document[i]))]
    finally:
        document.close()


@pytest.fixture(scope="module", params=[QUITO_061, QUITO_064])
def acta(request, real_corpus):
    path = real_corpus / request.param
    return path, extract_document(path, ocr=False)


@pytest.mark.parametrize("tables", ["read by pdfplumber here", "stored by extract/tables.py"])
def test_every_tick_is_named_by_its_column_as_pdfplumber_reads_it(acta, tables):
    """The tick reader and pdfplumber agree on every tick page: pdfplumber run by the test, and the
    tables extraction itself keeps (what the CSV downloads serve)."""
    path, extraction = acta
    stored = stored_tables(path, extraction)
    reference = pdfplumber_tick_columns(path) if tables.startswith("read") else tick_columns(stored)
    assert sum(len(columns) for columns in reference.values()) > 40
    for page in extraction.pages:
        ours = [(label or "").strip() for label in _LABELLED_TICK.findall(page.display_text)]
        assert ours == reference.get(page.number, []), f"page {page.number}"


def test_each_stored_table_row_is_the_line_the_tick_reader_labels(acta):
    """Row for row: the councillor in a stored row, its tick and its column are the tick reader's line."""
    path, extraction = acta
    rows = ticked_rows(stored_tables(path, extraction))
    assert sum(len(ticks) for ticks in rows.values()) > 40
    for number, ticks in rows.items():
        text = _unspaced(extraction.pages[number - 1].display_text)  # pdfium may read "12.Luis", pdfplumber "12. Luis"
        for name, header in ticks:
            line = re.escape(_unspaced(name)) + "[✓✗☑☒]" + re.escape(_unspaced(header))
            assert re.search(line, text), f"page {number}: {name} ✓ {header}"


def _line_key(text: str, number: int, column: str) -> str | None:
    """The name key of the member printed as "<number>. <name> ✓ <column>" on a line of the text."""
    found = re.search(rf"^{number}\. (?P<name>[^\n✓]+?) ✓ {column}$", text, re.MULTILINE)
    return name_key(found.group("name")) if found else None


def _unspaced(text: str) -> str:
    return "".join(text.split())


def test_a_councillors_attendance_and_vote_are_readable_and_searchable(real_corpus):
    pages = extract_document(real_corpus / QUITO_061, ocr=False).pages
    # The councillors are named by their keys (name_key.py): no name from the corpus is written here.
    assert _line_key(pages[8].text, 16, "AUSENTE") == "21d1bb80fcbc"
    assert _line_key(pages[8].text, 12, "PRESENTE") == "1303580bd64c"
    vote = pages[68].text
    assert "NOMBRES A FAVOR EN CONTRA ABSTENCIÓN BLANCO AUSENTE" in " ".join(vote.split())
    assert _line_key(vote, 1, "EN CONTRA") == "b118d402c55d"
    assert "\uf0fc" not in vote


def test_a_table_that_cannot_be_read_keeps_the_page_text_and_says_why(real_corpus, monkeypatch):
    def broken_rules(page):
        raise ValueError("unexpected path object")

    monkeypatch.setattr("extract.vote_tables.read_rules", broken_rules)
    extraction = extract_document(real_corpus / QUITO_064, ocr=False)
    page = extraction.pages[3]
    first = re.search(r"^1\. (?P<name>[^\n✓]+?) ✓$", page.text, re.MULTILINE)
    assert first and name_key(first.group("name")) == "c5bb4bbbabc9" and "✓ PRESENTE" not in page.text
    assert "page 4: vote-table columns not named (ValueError: unexpected path object); the ticks stay unnamed" in extraction.errors
