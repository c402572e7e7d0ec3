"""Every ruled table of a document as data (rows of cell text), read by pdfplumber.

pdfplumber's table finder is the project's declared table reader, but it costs tens of milliseconds a
page (pdfminer parses the whole page in Python). So the pages are chosen first, cheaply, from the
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

from extract import cleanup, vote_tables


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
    """pdfplumber's tables on the given pages (1-based) of ``path``; failures recorded, never raised."""
    read = TablesRead()
    if not page_numbers:
        return read
    try:
        pdf = pdfplumber.open(path, pages=page_numbers)
    except Exception as exc:  # noqa: BLE001 - tables are an extra; the document's text must not be lost
        read.errors.append(f"pages {_listed(page_numbers)}: tables not read ({type(exc).__name__}: {exc})")
        return read
    with pdf:
        for number in page_numbers:
            try:
                page = pdf.pages[page_numbers.index(number)]
                found = page.find_tables()
                read.tables += [
                    Table(number, index, [[_cell(cell) for cell in row] for row in table.extract()],
                          tuple(float(v) for v in table.bbox))
                    for index, table in enumerate(found)
                ]
            except Exception as exc:  # noqa: BLE001 - one bad page loses its tables only
                read.errors.append(f"page {number}: tables not read ({type(exc).__name__}: {exc})")
    return read


def _cell(text: str | None) -> str:
    return cleanup.with_symbols_mapped(text) if text else ""


def _listed(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
