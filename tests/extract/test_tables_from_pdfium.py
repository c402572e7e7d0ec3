"""extract/tables.py feeds pdfplumber's table finder with the page's edges and characters read by pdfium
(extract/pdfium_objects.py) instead of pdfminer's parse: every table must come out as pdfplumber reads it
on its own, cell for cell, with its box within a point.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdfplumber.table import TableFinder

from extract import pdfium_objects, tables
from tests.extract.name_key import name_key

BBOX_TOLERANCE = 1.0  # points
CELL_TOLERANCE = 0.01  # points: pdfium's coordinates are 32-bit floats, pdfminer's doubles


def _ruled_pages(path: Path) -> list[int]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [index + 1 for index in range(len(document)) if tables.has_ruled_table(document[index])]
    finally:
        document.close()


def _pdfplumber_tables(path: Path, numbers: list[int]) -> dict[int, list[tuple[list[list[str]], tuple]]]:
    """pdfplumber's own reading (pdfminer's objects): rows through tables._cell, and boxes, per page."""
    with pdfplumber.open(path, pages=numbers) as pdf:
        return {
            number: [([[tables._cell(cell) for cell in row] for row in table.extract()], table.bbox)
                     for table in page.find_tables()]
            for number, page in zip(numbers, pdf.pages, strict=True)
        }


def _assert_same_tables(path: Path, numbers: list[int]) -> int:
    read = tables.read_tables(path, numbers)
    assert read.errors == []
    expected = _pdfplumber_tables(path, numbers)
    for number in numbers:
        got = [table for table in read.tables if table.page == number]
        assert [table.index for table in got] == list(range(len(expected[number]))), (path.name, number)
        for table, (rows, bbox) in zip(got, expected[number], strict=True):
            assert table.rows == rows, (path.name, number, table.index)
            assert max(abs(a - b) for a, b in zip(table.bbox, bbox, strict=True)) <= BBOX_TOLERANCE, (
                path.name, number, table.bbox, bbox)
    return sum(len(found) for found in expected.values())


@pytest.fixture(scope="module")
def ruled_pages(real_corpus) -> dict[Path, list[int]]:
    found = {path: _ruled_pages(path) for path in sorted(real_corpus.glob("*.pdf"))}
    return {path: numbers for path, numbers in found.items() if numbers}


def test_every_table_of_the_real_corpus_reads_as_pdfplumber_reads_it(ruled_pages):
    assert sum(len(numbers) for numbers in ruled_pages.values()) >= 17  # the Quito actas' vote and attendance pages
    count = sum(_assert_same_tables(path, numbers) for path, numbers in ruled_pages.items())
    assert count >= 17


def _assert_same_cells(path: Path, numbers: list[int]) -> None:
    """Snapping and joining the edges before the finder does changes nothing: it finds the same cells."""
    document = pdfium.PdfDocument(str(path))
    with pdfplumber.open(path, pages=numbers) as pdf:
        for number, plumber_page in zip(numbers, pdf.pages, strict=True):
            edges, _ = pdfium_objects.page_objects(document[number - 1], tables._geometry(plumber_page))
            merged = pdfium_objects.merged_edges(edges)
            theirs = TableFinder(plumber_page).cells
            ours = TableFinder(tables._PdfiumPage.of(plumber_page, merged)).cells
            assert len(ours) == len(theirs), (path.name, number)
            for cell, expected in zip(ours, theirs, strict=True):
                assert max(abs(a - b) for a, b in zip(cell, expected, strict=True)) <= CELL_TOLERANCE, (path.name, number)
    document.close()


def test_the_finder_gets_the_same_cells_from_pdfiums_merged_edges(ruled_pages):
    for path, numbers in ruled_pages.items():
        _assert_same_cells(path, numbers)
        with pdfplumber.open(path, pages=numbers) as pdf:
            raw_edges = sum(len(page.edges) for page in pdf.pages)
        document = pdfium.PdfDocument(str(path))
        with pdfplumber.open(path, pages=numbers) as pdf:
            merged = sum(len(pdfium_objects.merged_edges(pdfium_objects.page_objects(
                document[number - 1], tables._geometry(page))[0])) for number, page in zip(numbers, pdf.pages, strict=True))
        document.close()
        assert merged < raw_edges / 10, path.name  # the finder gets tens of edges a page, not hundreds


def test_the_spaces_pdfium_leaves_out_are_read_as_pdfplumber_reads_them(real_corpus):
    # Word writes the space after "12." in Arial, a text object of its own; pdfium's text page has no
    # character for it, nor a generated space, and "12.<name>" would be one word.
    read = tables.read_tables(real_corpus / "quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf", [5])
    row = read.tables[0].rows[1]
    assert row[0].startswith("12. ") and name_key(row[0][4:]) == "cbb9d914af80" and row[1:] == ["✓", ""]


def _synthetic_pdf(path: Path, *, rotate: int = 0, shift: float = 0) -> Path:
    """Two ruled tables (reportlab strokes its grid lines, fills the header) on a page turned by
    ``rotate`` degrees, its MediaBox moved by ``shift`` points (pdfplumber's coordinates then differ
    from PDF space by more than a flip)."""
    reportlab = pytest.importorskip("reportlab", reason="reportlab builds the synthetic table PDF")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    del reportlab
    data = [
        ["Votación: Ordenanza IC-ORD-2024-002", "", "", ""],  # one cell across the four columns
        ["NOMBRES", "A FAVOR", "EN CONTRA", "ABSTENCIÓN"],
        ["1. Ana Pérez", "X", "", ""],
        ["2. Luis Andrade Gómez", "", "X", ""],
        ["3. María\nde los Ángeles Ruiz", "", "", ""],  # two lines in a cell; no vote: empty cells
        ["4. José Cevallos-\nMontúfar", "X", "", ""],  # a line-end hyphen, which pdfium marks apart
        ["TOTAL", "2", "1", "0"],
    ]
    table = Table(data, colWidths=[190, 70, 80, 80])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 1), (-1, 1), colors.lightgrey),  # a filled rectangle under the header
        ("FONTNAME", (0, 1), (-1, 1), "Helvetica-Bold"),
    ]))
    budget = Table([["Partida", "Monto"], ["Obras", "1.200,00"], ["", "300,50"]], colWidths=[150, 100])
    budget.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black),
                                ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.black),
                                ("SPAN", (0, 1), (0, 2))]))  # a cell two rows high

    drawn = path.with_suffix(".drawn.pdf")
    SimpleDocTemplate(str(drawn), pagesize=A4).build([table, Spacer(1, 40), budget])
    document = pdfium.PdfDocument(str(drawn))
    page = document[0]
    page.set_rotation(rotate)
    if shift:
        width, height = page.get_size()
        pdfium_c.FPDFPage_SetMediaBox(page.raw, shift, shift, width + shift, height + shift)
    page.close()
    document.save(str(path))
    document.close()
    return path


@pytest.mark.parametrize(("rotate", "shift"), [(0, 0), (90, 0), (0, -40), (270, 25)])
def test_a_synthetic_table_with_merged_and_empty_cells_reads_as_pdfplumber_reads_it(tmp_path, rotate, shift):
    path = _synthetic_pdf(tmp_path / "votes.pdf", rotate=rotate, shift=shift)
    with pdfplumber.open(path) as pdf:
        assert (pdf.pages[0].rotation, pdf.pages[0].mediabox[0]) == (rotate, shift)
    assert _ruled_pages(path) == [1]
    assert _assert_same_tables(path, [1]) == 2
    if rotate:
        return  # pdfplumber reads a turned page's table turned (columns as rows): the same here, as above
    first, second = tables.read_tables(path, [1]).tables
    assert first.rows == [
        ["Votación: Ordenanza IC-ORD-2024-002", "", "", ""],
        ["NOMBRES", "A FAVOR", "EN CONTRA", "ABSTENCIÓN"],
        ["1. Ana Pérez", "X", "", ""],
        ["2. Luis Andrade Gómez", "", "X", ""],
        ["3. María\nde los Ángeles Ruiz", "", "", ""],
        ["4. José Cevallos-\nMontúfar", "X", "", ""],
        ["TOTAL", "2", "1", "0"],
    ]
    assert second.rows == [["Partida", "Monto"], ["Obras", "1.200,00"], ["", "300,50"]]


def _drawn_pdf(path: Path) -> Path:
    """A table drawn by hand: its frame one six-point path (to pdfminer a curve, not a rectangle), the
    middle rule in two pieces 2.5 pt apart (pdfplumber snaps them into one), two words 2.9 pt apart
    with no space between them (pdfium generates one; pdfplumber, within its x_tolerance of 3, reads one word)."""
    pytest.importorskip("reportlab", reason="reportlab builds the synthetic table PDF")
    from reportlab.pdfgen import canvas as pdf_canvas

    canvas = pdf_canvas.Canvas(str(path), pagesize=(400, 300))
    canvas.setLineWidth(0.5)
    frame = canvas.beginPath()
    frame.moveTo(50, 100)
    for x, y in ((350, 100), (350, 250), (200, 250), (50, 250)):
        frame.lineTo(x, y)
    frame.close()
    canvas.drawPath(frame, stroke=1, fill=0)
    canvas.line(50, 200, 350, 200)
    canvas.line(50, 150, 350, 150)
    canvas.line(200, 250, 200, 175)
    canvas.line(202.5, 175, 202.5, 100)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(60, 220, "NOMBRES")
    canvas.drawString(210, 220, "VOTO")
    canvas.drawString(60, 170, "Sesión")
    canvas.drawString(60 + canvas.stringWidth("Sesión", "Helvetica", 10) + 2.9, 170, "ordinaria")
    canvas.drawString(210, 170, "A FAVOR")
    canvas.drawString(60, 120, "2. Luis Andrade")
    canvas.save()
    return path


def test_a_hand_drawn_table_reads_as_pdfplumber_reads_it(tmp_path):
    path = _drawn_pdf(tmp_path / "drawn.pdf")
    assert _assert_same_tables(path, [1]) == 1
    _assert_same_cells(path, [1])
    (table,) = tables.read_tables(path, [1]).tables
    assert table.rows == [["NOMBRES", "VOTO"], ["Sesiónordinaria", "A FAVOR"], ["2. Luis Andrade", ""]]


def test_a_page_pdfium_cannot_read_loses_its_tables_only(real_corpus, monkeypatch):
    page_merged_edges = pdfium_objects.page_merged_edges
    calls = []

    def broken_on_second_page(page, geometry):
        calls.append(page)
        if len(calls) == 2:
            raise RuntimeError("path segment without a point")
        return page_merged_edges(page, geometry)

    monkeypatch.setattr(pdfium_objects, "page_merged_edges", broken_on_second_page)
    read = tables.read_tables(real_corpus / "quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf", [4, 5, 10, 11])
    assert read.errors == ["page 5: tables not read (RuntimeError: path segment without a point)"]
    assert [(table.page, table.index) for table in read.tables] == [(4, 0), (4, 1), (10, 0), (11, 0)]


@pytest.mark.parametrize("text", ["✓", "X", "7", " ", "\u00a0", "\t", "ﬁ", "ﬀ", "\x00"])
def test_a_lone_character_in_a_cell_reads_as_pdfplumbers_extract_text_reads_it(text):
    # a tick, a digit, blanks, ligatures: extract/tables.py skips pdfplumber's clustering for one character
    char = {"text": text, "x0": 10.0, "x1": 14.0, "top": 20.0, "bottom": 28.0, "doctop": 20.0, "upright": True,
            "size": 8.0, "width": 4.0, "height": 8.0, "object_type": "char", "page_number": 1}
    assert tables._cell_text([char]) == pdfplumber.utils.extract_text([char])


def test_an_edge_off_any_finite_coordinate_is_no_line():
    # a malformed matrix in an untrusted PDF: dropped before the merge sorts them, the others merged as ever
    good = [("h", 10.0, 20.0, 110.0, 20.0), ("h", 10.0, 60.0, 110.0, 60.0), ("v", 10.0, 20.0, 10.0, 60.0),
            ("v", 110.0, 20.0, 110.0, 60.0)]
    bad = [("h", float("nan"), 30.0, 50.0, 30.0), ("v", float("inf"), 20.0, float("inf"), 80.0),
           ("v", 40.0, float("-inf"), 40.0, 50.0)]
    merged = pdfium_objects.merged_edges(good[:2] + bad + good[2:])
    assert merged == pdfium_objects.merged_edges(good) and len(merged) == 4


def _mapped_pdf(path: Path, to_unicode: dict[bytes, bytes]) -> Path:
    """A page with a ruled table of four cells, its text in Helvetica whose ToUnicode map sends each code of
    ``to_unicode`` (a byte) to the UTF-16BE given (hex), as an untrusted file may."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            + b"%d beginbfchar\n" % len(to_unicode)
            + b"".join(b"<%s> <%s>\n" % (code.hex().upper().encode(), utf16) for code, utf16 in to_unicode.items())
            + b"endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end")
    rules = [b"100 %d 200 0.5 re f" % y for y in (600, 640, 680)] + [b"%d 600 0.5 80.5 re f" % x for x in (100, 200, 300)]
    cells = [(110, 650, b"AB"), (210, 650, b"B"), (110, 610, b"xA"), (210, 610, b"y")]
    content = b"\n".join(rules + [b"BT /F1 12 Tf %d %d Td (%s) Tj ET" % cell for cell in cells])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def test_characters_a_tounicode_map_makes_invalid_are_replaced_and_a_pair_beyond_the_bmp_is_one(tmp_path):
    # "A" to a lone UTF-16 half (D800), "B" to a pair (U+1F600): the cells must stay storable text
    path = _mapped_pdf(tmp_path / "mapped.pdf", {b"A": b"D800", b"B": b"D83DDE00"})
    read = tables.read_tables(path, [1])
    assert read.errors == []
    (table,) = read.tables
    assert table.rows == [["\ufffd\U0001F600", "\U0001F600"], ["x\ufffd", "y"]]
    json.dumps(table.rows, ensure_ascii=False).encode("utf-8")  # what the catalogue stores: no lone half
