"""Name the column of each tick in a ruled table: who was present, who voted for or against.

Word actas record attendance and votes as ruled tables (NOMBRES | PRESENTE | AUSENTE, or
NOMBRES | A FAVOR | EN CONTRA | ABSTENCIÓN | BLANCO | AUSENTE) with a Wingdings tick in one
column. The text layer keeps the tick at the end of the councillor's line but not which column it
sits in, so "16. Marta Quishpe Andrade ✓" could mean present or absent. Here each tick gets the
header of its column from the table's rules (PDF path objects) and the header cell's text:
"16. Marta Quishpe Andrade ✓ AUSENTE", which reads right and is searchable.

pdfplumber's table finder reads these tables the same way (tests/extract/test_vote_tables.py holds
this module to it) but costs ~250 ms a page here, as pdfminer parses the whole page in Python; this
costs a few milliseconds and runs only on pages that carry a tick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extract import pdfium_objects
from extract.cleanup import CHECK, CROSS, SYMBOL_FONT_CHARS

TICK_CHARS = frozenset(
    [char for char, meaning in SYMBOL_FONT_CHARS.items() if meaning in (CHECK, CROSS, "☑", "☒")]
    + ["✓", "✔", "✗", "✘", "☑", "☒"]
)
RULE_THICKNESS = 2.0  # points: a path thinner than this is a table rule
SNAP = 1.5  # points: rules this close are the same line
MAX_HEADER_CHARS = 40
MAX_FORM_DEPTH = 3
_SPACES = re.compile(r"\s+")
_TICK = re.compile("[" + "".join(sorted(TICK_CHARS)) + "]")


@dataclass
class Rules:
    horizontal: list[tuple[float, float, float]]  # (y, x0, x1)
    vertical: list[tuple[float, float, float]]  # (x, y0, y1)
    _vertical_by_x: dict[int, list[tuple[float, float]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for vx, y0, y1 in self.vertical:
            self._vertical_by_x.setdefault(round(vx), []).append((y0, y1))

    def vertical_at(self, x: float, y: float) -> bool:
        spans = [span for near in (round(x) - 1, round(x), round(x) + 1) for span in self._vertical_by_x.get(near, ())]
        return any(y0 - SNAP <= y <= y1 + SNAP for y0, y1 in spans)

    def cell_around(self, x: float, y: float) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) of the ruled cell containing the point, or None outside a table."""
        xs = [vx for vx, y0, y1 in self.vertical if y0 - SNAP <= y <= y1 + SNAP]
        ys = [hy for hy, x0, x1 in self.horizontal if x0 - SNAP <= x <= x1 + SNAP]
        left, right = max((v for v in xs if v < x), default=None), min((v for v in xs if v > x), default=None)
        bottom, top = max((h for h in ys if h < y), default=None), min((h for h in ys if h > y), default=None)
        if None in (left, right, bottom, top):
            return None
        return left, bottom, right, top

    def rows_above(self, x: float, top: float) -> list[float]:
        """Horizontal rules crossing x above ``top``, nearest first, merged when closer than SNAP."""
        ys = sorted(hy for hy, x0, x1 in self.horizontal if x0 - SNAP <= x <= x1 + SNAP and hy > top + SNAP)
        merged: list[float] = []
        for y in ys:
            if not merged or y - merged[-1] > SNAP:
                merged.append(y)
        return merged


def has_ticks(raw: str) -> bool:
    return _TICK.search(raw) is not None


def label_ticks(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, raw: str, carried_headers: dict[tuple[int, int], str],
    rules: Rules | None = None,
) -> str:
    """``raw`` (the text of ``textpage``) with the column header written after every tick in a ruled table.

    ``carried_headers`` maps a column's (left, right) to its header and is shared across the pages of
    one document, so a table continued on the next page without its header row is still labelled.
    """
    columns = _Columns(textpage, rules if rules is not None else read_rules(page), carried_headers)
    labels = [columns.header_of(index) for index in _tick_indices(textpage)]
    if not any(labels):
        return raw
    pieces: list[str] = []
    ticks = iter(labels)
    for char in raw:
        pieces.append(char)
        if char in TICK_CHARS:
            label = next(ticks, None)
            if label:
                pieces.append(f" {label}")
    return "".join(pieces)


def _tick_indices(textpage: pdfium.PdfTextPage) -> list[int]:
    text = textpage.get_text_range(force_this=True)
    return [pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, i) for i, char in enumerate(text) if char in TICK_CHARS]


def read_rules(page: pdfium.PdfPage) -> Rules:
    """Thin horizontal and vertical paths, read in C (extract/_pdfium_pages.c): this runs on every page."""
    horizontal, vertical = pdfium_objects.page_rules(page, RULE_THICKNESS, MAX_FORM_DEPTH)
    return Rules(horizontal, vertical)


class _Columns:
    """Finds the header of the ruled column a character sits in, walking up the column's cells."""

    def __init__(self, textpage: pdfium.PdfTextPage, rules: Rules, carried: dict[tuple[int, int], str]) -> None:
        self.textpage, self.rules, self.carried = textpage, rules, carried
        self._found: dict[tuple[float, float, float], str | None] = {}  # (left, right, cell top) -> header

    def header_of(self, index: int) -> str | None:
        if index < 0:
            return None  # pdfium could not map the tick back to a character: leave it unnamed
        left, bottom, right, top = self.textpage.get_charbox(index)
        x, y = (left + right) / 2, (bottom + top) / 2
        cell = self.rules.cell_around(x, y)
        if cell is None:
            return None  # a tick in running text or an unruled list: nothing to name
        cell_left, _, cell_right, cell_top = cell
        key = (round(cell_left), round(cell_right))
        visited = []
        header = None
        lower = cell_top
        for upper in self.rules.rows_above(x, cell_top):
            if (cell_left, cell_right, lower) in self._found:
                header = self._found[cell_left, cell_right, lower]
                break
            visited.append(lower)
            middle = (lower + upper) / 2
            if not (self.rules.vertical_at(cell_left, middle) and self.rules.vertical_at(cell_right, middle)):
                break  # the column's rules end: above is a merged title row or outside the table
            text = self._band_text(cell_left, lower, cell_right, upper)
            if text and not has_ticks(text) and len(text) <= MAX_HEADER_CHARS and not text[0].isdigit():
                header = text
                break
            lower = upper
        for below in visited:
            self._found[cell_left, cell_right, below] = header
        if header:
            self.carried[key] = header
            return header
        return self.carried.get(key)

    def _band_text(self, left: float, bottom: float, right: float, top: float) -> str:
        text = self.textpage.get_text_bounded(left=left + 0.5, bottom=bottom + 0.5, right=right - 0.5, top=top - 0.5)
        return _SPACES.sub(" ", text).strip()
