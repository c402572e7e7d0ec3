"""Every ruled table of a document as data (rows of cell text), read by pdfplumber.

pdfplumber's table finder is the project's declared table reader. Fed by pdfminer, it cost ~90 ms a
page (pdfminer parses the whole page in Python), so it reads the page's edges and characters as
pdfium reads them (extract/pdfium_objects.py, the same values; tests/extract/test_tables_from_pdfium.py
holds every table to pdfplumber's own reading). And the pages are chosen first, cheaply, from the
page's drawn lines as extract/vote_tables.py reads them with pdfium's raw calls (~0.2 ms a page): a
page is read by pdfplumber only if its thin rules close at least two adjacent cells. A table drawn
only with thick borders, filled rectangles or no lines at all (aligned text) is not found.

A table continued on the next page stays two tables, one per page: joining them would need guessing
whether the second page's first row is a repeated header, a continuation of a cell, or a new table;
the user sees each page's table as it is printed, and the page number says where it came from.

Never raises for one bad page: a page pdfium or pdfplumber cannot read is recorded as an error with
its reason, and the other pages' tables (and every page's text) are kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.page import DerivedPage
from pdfplumber.page import Page as PlumberPage

from extract import cleanup, pdfium_objects, vote_tables


@dataclass
class Table:
    page: int  # 1-based
    index: int  # 0-based position on its page, in pdfplumber's order (top to bottom)
    rows: list[list[str]]  # cell text as pdfplumber reads it, ticks shown as "✓" (extract/cleanup.py), None as ""
    bbox: tuple[float, float, float, float]  # (x0, top, x1, bottom) in points, origin at the page's top left

    def to_dict(self) -> dict:
        return {"page": self.page, "index": self.index, "rows": self.rows, "bbox": list(self.bbox)}


@dataclass
class TablesRead:
    tables: list[Table] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def has_ruled_table(page: pdfium.PdfPage) -> bool:
    """Whether the page's thin rules close at least two adjacent cells, as a table has.

    One closed box (a framed paragraph, a signature frame) is not a table to pdfplumber either.
    Two cells: two vertical rules crossing three horizontal ones (cells one above the other), or three
    vertical rules crossing the same two horizontal ones (side by side).
    """
    rules = vote_tables.read_rules(page)
    if len(rules.horizontal) < 2 or len(rules.vertical) < 2:
        return False
    snap = vote_tables.SNAP
    # Word draws each cell's borders apart, and some twice: join them into lines first.
    horizontal = _joined(rules.horizontal)
    crossed: list[frozenset[int]] = []  # per vertical line, the horizontal lines it crosses
    for vx, y0, y1 in _joined(rules.vertical):
        hits = frozenset(
            i for i, (hy, x0, x1) in enumerate(horizontal)
            if x0 - snap <= vx <= x1 + snap and y0 - snap <= hy <= y1 + snap
        )
        if len(hits) >= 2:
            crossed.append(hits)
    side_by_side: Counter[frozenset[int]] = Counter()
    for i, first in enumerate(crossed):
        for second in crossed[i + 1:]:
            shared = first & second
            if len(shared) >= 3:
                return True
            if len(shared) == 2:
                side_by_side[shared] += 1
                if side_by_side[shared] >= 2:  # only a third vertical crossing the same two rules gets here
                    return True
    return False


def _joined(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """(position, start, end) rules on one line (within SNAP) that touch or overlap, joined into one."""
    joined: list[list[float]] = []
    for position, start, end in sorted(rules, key=lambda rule: (round(rule[0] / vote_tables.SNAP), rule[1])):
        last = joined[-1] if joined else None
        if last and abs(last[0] - position) <= vote_tables.SNAP and start <= last[2] + vote_tables.SNAP:
            last[2] = max(last[2], end)
        else:
            joined.append([position, start, end])
    return [(position, start, end) for position, start, end in joined]


def read_tables(path: Path, page_numbers: list[int]) -> TablesRead:
    """pdfplumber's tables on the given pages (1-based) of ``path``; failures recorded, never raised.

    pdfplumber opens the file and gives each page's geometry (MediaBox, rotation, position in the
    document); its table finder and ``Table.extract`` read the page's edges and characters as
    pdfium reads them (extract/pdfium_objects.py) instead of pdfminer's parse of the whole page.
    """
    read = TablesRead()
    if not page_numbers:
        return read
    try:
        pdf = pdfplumber.open(path, pages=page_numbers)
    except Exception as exc:  # noqa: BLE001 - tables are an extra; the document's text must not be lost
        read.errors.append(f"pages {_listed(page_numbers)}: tables not read ({type(exc).__name__}: {exc})")
        return read
    with pdf:
        try:
            document = pdfium.PdfDocument(str(path))
        except Exception as exc:  # noqa: BLE001 - as above
            read.errors.append(f"pages {_listed(page_numbers)}: tables not read ({type(exc).__name__}: {exc})")
            return read
        try:
            for number in page_numbers:
                try:
                    read.tables += _page_tables(pdf.pages[page_numbers.index(number)], document, number)
                except Exception as exc:  # noqa: BLE001 - one bad page loses its tables only
                    read.errors.append(f"page {number}: tables not read ({type(exc).__name__}: {exc})")
        finally:
            document.close()
    return read


def _page_tables(plumber_page: PlumberPage, document: pdfium.PdfDocument, number: int) -> list[Table]:
    page = document[number - 1]  # not flattened: pdfminer does not see annotations either
    try:
        geometry = _geometry(plumber_page)
        edges, text_objects = pdfium_objects.page_objects(page, geometry)
        read_page = _PdfiumPage(plumber_page, pdfium_objects.merged_edges(edges))
        found = read_page.find_tables()
        if not found:
            return []
        textpage = page.get_textpage()
        try:
            read_page.chars_read(pdfium_objects.page_chars(
                textpage, geometry, number, text_objects, within=[tuple(table.bbox) for table in found]))
        finally:
            textpage.close()
        return [
            Table(number, index, [[_cell(cell) for cell in row] for row in table.extract()],
                  tuple(float(v) for v in table.bbox))
            for index, table in enumerate(found)
        ]
    finally:
        page.close()


def _geometry(plumber_page: PlumberPage) -> pdfium_objects.Geometry:
    return pdfium_objects.Geometry.of(
        list(plumber_page.page_obj.mediabox), plumber_page.page_obj.rotate, plumber_page.height,
        plumber_page.mediabox, plumber_page.initial_doctop,
    )


class _PdfiumPage(DerivedPage):
    """A pdfplumber page whose edges and characters were read by pdfium, for its table finder.

    ``edges`` are pdfplumber's own, already snapped and joined (merging them again changes nothing);
    ``chars`` are read after the tables are found, and only those inside them: a table's cells
    are inside its box, so ``Table.extract`` reads the same text.
    """

    def __init__(self, parent: PlumberPage, edges: list[dict]) -> None:
        self.bbox = parent.bbox
        super().__init__(parent)
        self._edges = edges
        self._objects = {"char": []}

    def chars_read(self, chars: list[dict]) -> None:
        self._objects = {"char": chars}


def _cell(text: str | None) -> str:
    return cleanup.with_symbols_mapped(text) if text else ""


def _listed(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
