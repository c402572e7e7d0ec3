"""Every ruled table of a document as data (rows of cell text), read by pdfplumber.

pdfplumber's table finder is the project's declared table reader. Fed by pdfminer, it cost ~90 ms a
page (pdfminer parses the whole page in Python), so it reads the page's edges and characters as
pdfium reads them (extract/pdfium_objects.py, the same values; tests/extract/test_tables_from_pdfium.py
holds every table to pdfplumber's own reading). And the pages are chosen first, cheaply, from the
page's drawn lines as extract/vote_tables.py reads them with pdfium's raw calls (~0.2 ms a page): a
page is read by pdfplumber only if its thin rules close at least two adjacent cells. A table drawn
only with thick borders, filled rectangles or no lines at all (aligned text) is not found.

Extraction reads a page's tables while it has the page loaded, with the text page it read the text
from (read_page): pdfplumber never opens the file; its finder runs on a page object built from
pdfium's values (_PdfiumPage), with the page's geometry computed from pdfium's MediaBox and rotation
as pdfplumber computes it. A page whose MediaBox is inherited (pdfium's API does not give it) or
whose annotations were merged into its text is read apart, as stored (read_tables).

A table continued on the next page stays two tables, one per page: joining them would need guessing
whether the second page's first row is a repeated header, a continuation of a cell, or a new table;
the user sees each page's table as it is printed, and the page number says where it came from.

Never raises for one bad page: a page pdfium or pdfplumber cannot read is recorded as an error with
its reason, and the other pages' tables (and every page's text) are kept.
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber import utils as plumber_utils
from pdfplumber.page import DerivedPage
from pdfplumber.page import Page as PlumberPage
from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils.text import LIGATURES

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


def has_ruled_table(page: pdfium.PdfPage, rules: vote_tables.Rules | None = None) -> bool:
    """Whether the page's thin rules close at least two adjacent cells, as a table has.

    One closed box (a framed paragraph, a signature frame) is not a table to pdfplumber either.
    Two cells: two vertical rules crossing three horizontal ones (cells one above the other), or three
    vertical rules crossing the same two horizontal ones (side by side). ``rules``: the page's, if read already.
    """
    if rules is None:
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


def read_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int, read: TablesRead) -> bool:
    """Add the tables of a page extraction has loaded (with its text page) to ``read``, or why they could
    not be read; never raises. False if the page's geometry must come from pdfplumber (read_tables):
    its MediaBox is not in its own dictionary (pdfium's API does not look up the page tree).

    The page must be as stored (not flattened): pdfminer does not see annotations either.
    """
    try:
        geometry = _pdfium_geometry(page)
        if geometry is None:
            return False
        read.tables += _tables(page, textpage, number, *geometry)
    except Exception as exc:  # noqa: BLE001 - one bad page loses its tables only
        read.errors.append(f"page {number}: tables not read ({type(exc).__name__}: {exc})")
    return True


def read_tables(path: Path, page_numbers: list[int]) -> TablesRead:
    """pdfplumber's tables on the given pages (1-based) of ``path``; failures recorded, never raised.

    Each page is loaded as stored and read as read_page reads it; a page whose MediaBox is inherited
    gets its geometry (MediaBox, rotation) from pdfplumber, which opens the file for those pages only.
    """
    read = TablesRead()
    if not page_numbers:
        return read
    inherited: list[int] = []
    try:
        document = pdfium.PdfDocument(str(path))
    except Exception as exc:  # noqa: BLE001 - tables are an extra; the document's text must not be lost
        read.errors.append(f"pages {_listed(page_numbers)}: tables not read ({type(exc).__name__}: {exc})")
        return read
    try:
        for number in page_numbers:
            try:
                with _loaded(document, number) as (page, textpage):
                    if not read_page(page, textpage, number, read):
                        inherited.append(number)
            except Exception as exc:  # noqa: BLE001 - one bad page loses its tables only
                read.errors.append(f"page {number}: tables not read ({type(exc).__name__}: {exc})")
        if inherited:
            _read_with_pdfplumber_geometry(path, document, inherited, read)
    finally:
        document.close()
    read.tables.sort(key=lambda table: (table.page, table.index))
    return read


@contextmanager
def _loaded(document: pdfium.PdfDocument, number: int) -> Iterator[tuple[pdfium.PdfPage, pdfium.PdfTextPage]]:
    """Page `number` (1-based) and its text page, closed after use."""
    page = document[number - 1]
    try:
        textpage = page.get_textpage()
        try:
            yield page, textpage
        finally:
            textpage.close()
    finally:
        page.close()


def _read_with_pdfplumber_geometry(path: Path, document: pdfium.PdfDocument, numbers: list[int], read: TablesRead) -> None:
    try:
        pdf = pdfplumber.open(path, pages=numbers)
    except Exception as exc:  # noqa: BLE001 - tables are an extra; the document's text must not be lost
        read.errors.append(f"pages {_listed(numbers)}: tables not read ({type(exc).__name__}: {exc})")
        return
    with pdf:
        for number, plumber_page in zip(numbers, pdf.pages, strict=True):
            try:
                with _loaded(document, number) as (page, textpage):
                    read.tables += _tables(page, textpage, number, _geometry(plumber_page), plumber_page.bbox,
                                           plumber_page.rotation)
            except Exception as exc:  # noqa: BLE001 - one bad page loses its tables only
                read.errors.append(f"page {number}: tables not read ({type(exc).__name__}: {exc})")


def _tables(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int, geometry: pdfium_objects.Geometry,
            bbox: tuple, rotation: int) -> list[Table]:
    edges, text_objects = pdfium_objects.page_merged_edges(page, geometry)
    read_page = _PdfiumPage(number, bbox, rotation, edges)
    found = read_page.find_tables()
    if not found:
        return []
    chars = _Chars(pdfium_objects.page_chars(
        textpage, geometry, number, text_objects, within=[tuple(table.bbox) for table in found]))
    return [
        Table(number, index, [[_cell(cell) for cell in row] for row in chars.extract(table)],
              tuple(float(v) for v in table.bbox))
        for index, table in enumerate(found)
    ]


class _Chars:
    """A page's characters, for pdfplumber's ``Table.extract`` without its scan of every character for
    every row: the same rows and cells (a character is in a box if its middle is, the box's right and
    bottom excluded), each cell's characters in the page's order, read by pdfplumber's extract_text."""

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars
        self.middles = [((char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2) for char in chars]
        self.by_height = sorted(range(len(chars)), key=lambda i: self.middles[i][1])
        self.heights = [self.middles[i][1] for i in self.by_height]

    def extract(self, table: PlumberTable) -> list[list[str | None]]:
        middles, rows = self.middles, []
        for row in table.rows:
            x0, top, x1, bottom = row.bbox
            in_row = sorted(i for i in self.by_height[bisect_left(self.heights, top):bisect_left(self.heights, bottom)]
                            if x0 <= middles[i][0] < x1)
            cells: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    cells.append(None)
                    continue
                left, upper, right, lower = cell
                inside = [self.chars[i] for i in in_row if left <= middles[i][0] < right and upper <= middles[i][1] < lower]
                cells.append(_cell_text(inside))
            rows.append(cells)
        return rows


def _cell_text(chars: list[dict]) -> str:
    """pdfplumber's extract_text of a cell's characters. A lone character (a tick, a vote's digit: four
    cells in ten of a vote table) is what extract_text makes of it without its word and line clustering:
    nothing if it is blank, else its text with ligatures expanded."""
    if len(chars) == 1:
        text = chars[0]["text"]
        return "" if text.isspace() else LIGATURES.get(text, text)
    return plumber_utils.extract_text(chars) if chars else ""


def _pdfium_geometry(page: pdfium.PdfPage) -> tuple[pdfium_objects.Geometry, tuple, int] | None:
    """The page's geometry as pdfminer and pdfplumber compute it (Page.__init__), from pdfium's MediaBox
    and rotation; None if the MediaBox is not in the page's own dictionary. pdfium gives the MediaBox
    as 32-bit floats: each is taken back to the shortest decimal that gives the same float (595.32,
    not 595.3200073), the number the file writes and pdfminer reads."""
    box = page.get_mediabox(fallback_ok=False)
    if box is None:
        return None
    box = [_written(value) for value in box]
    rotation = page.get_rotation()
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    if rotation in (90, 270):
        x0, y0, x1, y1 = y0, x0, y1, x1
    height = y1 - y0
    bbox = (x0, height - y1, x1, height - y0)  # pdfplumber's mediabox, and the page's bbox
    return pdfium_objects.Geometry.of(box, rotation, height, bbox, 0), bbox, rotation


def _written(value: float) -> float:
    single = struct.pack("f", value)
    for digits in range(10):
        rounded = round(value, digits)
        if struct.pack("f", rounded) == single:
            return rounded
    return value


def _geometry(plumber_page: PlumberPage) -> pdfium_objects.Geometry:
    return pdfium_objects.Geometry.of(
        list(plumber_page.page_obj.mediabox), plumber_page.page_obj.rotate, plumber_page.height,
        plumber_page.mediabox, plumber_page.initial_doctop,
    )


class _PdfiumPage(DerivedPage):
    """A pdfplumber page whose edges and characters were read by pdfium, for its table finder, with no
    pdfplumber document behind it: the finder reads only the page's ``edges``, ``bbox`` and ``chars``.

    ``edges`` are pdfplumber's own, already snapped and joined (merging them again changes nothing).
    The characters are read after the tables are found, and only those inside them (a table's cells
    are inside its box, so the rows read the same), then given to _Chars, not to the page. Its top
    in the document (``initial_doctop``) is 0, as when pdfplumber opens the page alone.
    """

    def __init__(self, number: int, bbox: tuple, rotation: int, edges: list[dict]) -> None:
        # DerivedPage's attributes, without calling it: there is no pdfplumber page to derive from
        self.parent_page = self.root_page = self
        self.pdf = self.page_obj = None
        self.page_number = number
        self.initial_doctop = 0
        self.rotation = rotation
        self.mediabox = self.cropbox = self.bbox = bbox
        self._edges = edges
        self._objects = {"char": []}

    @classmethod
    def of(cls, plumber_page: PlumberPage, edges: list[dict]) -> _PdfiumPage:
        return cls(plumber_page.page_number, plumber_page.bbox, plumber_page.rotation, edges)


def _cell(text: str | None) -> str:
    return cleanup.with_symbols_mapped(text) if text else ""


def _listed(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
