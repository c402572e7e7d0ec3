"""Page layout for replica documents: content blocks, their measured heights and pagination.

Documents are written as a stream of blocks; `paginate` splits the stream into pages using
the same font metrics the PDF renderer draws with, so the text recorded for each page is
exactly the text that ends up on it. Blocks are never split across pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 64.0
BODY_TOP = PAGE_HEIGHT - 92.0
BODY_BOTTOM = 70.0
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
BODY_HEIGHT = BODY_TOP - BODY_BOTTOM

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
BODY_SIZE = 10.5
LEADING = 14.0
TABLE_ROW = 15.0
BLOCK_GAP = 7.0


@dataclass(frozen=True)
class Heading:
    """A bold line (wrapped if long), centred or left-aligned."""

    text: str
    size: float = 12.0
    centered: bool = True


@dataclass(frozen=True)
class Paragraph:
    """Body text, wrapped to the body width."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """A ruled table (vote tables). `widths` are fractions of the body width."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (annexes begin on a fresh page). Draws nothing."""


Block = Heading | Paragraph | Table | PageBreak


@lru_cache(maxsize=1 << 16)
def wrap(text: str, font: str, size: float, width: float = BODY_WIDTH) -> tuple[str, ...]:
    """Lines of `text` as drawn at `size` within `width` points.

    Cached: measuring text is most of a build's time, and pagination, growing an acta to its length and
    drawing all measure the same paragraphs again.
    """
    return tuple(simpleSplit(text, font, size, width)) or ("",)


def block_text(block: Block) -> str:
    """The text a block contributes to its page (tables: one row per line, cells joined by spaces)."""
    if isinstance(block, Table):
        return "\n".join(" ".join(row) for row in (block.header, *block.rows))
    if isinstance(block, PageBreak):
        return ""
    return block.text


def block_height(block: Block) -> float:
    """Vertical space a block takes, including the gap after it."""
    if isinstance(block, Heading):
        return len(wrap(block.text, FONT_BOLD, block.size)) * block.size * 1.3 + BLOCK_GAP
    if isinstance(block, Paragraph):
        return len(wrap(block.text, FONT_BOLD if block.bold else FONT, BODY_SIZE)) * LEADING + BLOCK_GAP
    if isinstance(block, PageBreak):
        return 0.0
    return (len(block.rows) + 1) * TABLE_ROW + BLOCK_GAP + 4


def paginate(blocks: list[Block]) -> list[list[Block]]:
    """Greedy pagination: each block goes on the current page if it fits, else on a new one."""
    pages: list[list[Block]] = [[]]
    used = 0.0
    for block in blocks:
        if isinstance(block, PageBreak):
            if pages[-1]:
                pages.append([])
                used = 0.0
            continue
        height = block_height(block)
        if height > BODY_HEIGHT:
            raise ValueError(f"block too tall for one page ({height:.0f}pt): {block_text(block)[:60]!r}")
        if used + height > BODY_HEIGHT and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append(block)
        used += height
    return pages


@dataclass(frozen=True)
class PageFrame:
    """The running header and footer drawn on every page of a document."""

    header: str

    def footer(self, number: int, total: int) -> str:
        return f"Página {number} de {total}"


def page_texts(frame: PageFrame, pages: list[list[Block]]) -> list[str]:
    """Exact text of each page: running header, blocks in order, footer; one item per line."""
    total = len(pages)
    return [
        "\n".join([frame.header, *(block_text(b) for b in blocks), frame.footer(n, total)])
        for n, blocks in enumerate(pages, start=1)
    ]
