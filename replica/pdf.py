"""Render paginated replica documents to PDF bytes: with a text layer, or as image-only scans.

Output is deterministic: reportlab runs in invariant mode (fixed dates and file id) and scans
are drawn with a seeded random generator. This module never decides content or pagination.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from replica.layout import (
    BLOCK_GAP,
    BODY_BOTTOM,
    BODY_SIZE,
    BODY_TOP,
    BODY_WIDTH,
    FONT,
    FONT_BOLD,
    LEADING,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TABLE_ROW,
    Block,
    Heading,
    PageBreak,
    PageFrame,
    Paragraph,
    Table,
    block_text,
    wrap,
)

AUTHOR = "Secretaría General del Concejo Metropolitano de Quito"
SCAN_DPI = 200
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _new_canvas(buffer: io.BytesIO, title: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=0)
    canvas.setTitle(title)
    canvas.setAuthor(AUTHOR)
    canvas.setCreator("Concejo Abierto")
    return canvas


def _draw_frame(canvas: Canvas, frame: PageFrame, number: int, total: int) -> None:
    canvas.setFont(FONT, 8)
    canvas.setFillGray(0.35)
    canvas.drawString(MARGIN_X, PAGE_HEIGHT - 48, frame.header)
    canvas.setStrokeGray(0.6)
    canvas.line(MARGIN_X, PAGE_HEIGHT - 54, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 54)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, 40, frame.footer(number, total))
    canvas.setFillGray(0)
    canvas.setStrokeGray(0)


def _draw_table(canvas: Canvas, table: Table, top: float) -> float:
    widths = [w * BODY_WIDTH for w in table.widths]
    rows = (table.header, *table.rows)
    bottom = top - len(rows) * TABLE_ROW
    canvas.setFillGray(0.88)
    canvas.rect(MARGIN_X, top - TABLE_ROW, BODY_WIDTH, TABLE_ROW, stroke=0, fill=1)
    canvas.setFillGray(0)
    canvas.setLineWidth(0.5)
    for i in range(len(rows) + 1):
        canvas.line(MARGIN_X, top - i * TABLE_ROW, MARGIN_X + BODY_WIDTH, top - i * TABLE_ROW)
    x = MARGIN_X
    for width in (0.0, *widths):
        x += width
        canvas.line(x, top, x, bottom)
    for i, row in enumerate(rows):
        canvas.setFont(FONT_BOLD if i == 0 else FONT, 9)
        x = MARGIN_X
        for cell, width in zip(row, widths, strict=True):
            canvas.drawString(x + 4, top - (i + 1) * TABLE_ROW + 4.5, cell)
            x += width
    return bottom - BLOCK_GAP - 4


def _draw_block(canvas: Canvas, block: Block, y: float) -> float:
    if isinstance(block, PageBreak):
        return y
    if isinstance(block, Table):
        return _draw_table(canvas, block, y)
    if isinstance(block, Heading):
        canvas.setFont(FONT_BOLD, block.size)
        for line in wrap(block.text, FONT_BOLD, block.size):
            y -= block.size * 1.3
            if block.centered:
                canvas.drawCentredString(PAGE_WIDTH / 2, y + 3, line)
            else:
                canvas.drawString(MARGIN_X, y + 3, line)
        return y - BLOCK_GAP
    font = FONT_BOLD if block.bold else FONT
    canvas.setFont(font, BODY_SIZE)
    for line in wrap(block.text, font, BODY_SIZE):
        y -= LEADING
        canvas.drawString(MARGIN_X, y + 3.5, line)
    return y - BLOCK_GAP


def render_text_pdf(title: str, frame: PageFrame, pages: list[list[Block]]) -> bytes:
    """A4 PDF with a real text layer: running header, blocks, 'Página N de M' footer."""
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, title)
    for number, blocks in enumerate(pages, start=1):
        _draw_frame(canvas, frame, number, len(pages))
        y = BODY_TOP
        for block in blocks:
            y = _draw_block(canvas, block, y)
        if y < BODY_BOTTOM - 1:
            raise ValueError(f"{title}: page {number} overflows the body area")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@lru_cache(maxsize=8)
def _scan_font(bold: bool, size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for directory in _FONT_DIRS:
        if (directory / name).exists():
            return ImageFont.truetype(str(directory / name), size)
    # No DejaVu on this machine: Pillow's bundled font still renders legible, OCR-able text.
    return ImageFont.load_default(size=size)


def _pixels(points: float) -> int:
    return round(points * SCAN_DPI / 72)


def _wrap_pixels(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current]


def _scan_image(frame: PageFrame, blocks: list[Block], number: int, total: int, rng: random.Random) -> Image:
    size = (_pixels(PAGE_WIDTH), _pixels(PAGE_HEIGHT))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    left, width = _pixels(MARGIN_X), _pixels(BODY_WIDTH)
    small = _scan_font(False, _pixels(8))
    draw.text((left, _pixels(40)), frame.header, font=small, fill=70)
    draw.text((left + width - small.getlength(frame.footer(number, total)), size[1] - _pixels(48)),
              frame.footer(number, total), font=small, fill=70)
    y = _pixels(PAGE_HEIGHT - BODY_TOP)
    for block in blocks:
        if isinstance(block, PageBreak):
            continue
        bold = isinstance(block, Heading) or (isinstance(block, Paragraph) and block.bold)
        points = block.size if isinstance(block, Heading) else BODY_SIZE
        font = _scan_font(bold, _pixels(points))
        lines = block_text(block).split("\n") if isinstance(block, Table) else None
        for line in lines or _wrap_pixels(block_text(block), font, width):
            x = left
            if isinstance(block, Heading) and block.centered:
                x = (size[0] - font.getlength(line)) / 2
            draw.text((x, y), line, font=font, fill=20)
            y += _pixels(points * 1.35)
        y += _pixels(BLOCK_GAP)
    # A little dust and a slight skew, as on a real office scanner; kept mild so OCR still works.
    for _ in range(120):
        px, py = rng.randrange(size[0]), rng.randrange(size[1])
        draw.point((px, py), fill=rng.randrange(90, 200))
    return image.rotate(rng.uniform(-0.4, 0.4), resample=Image.Resampling.BICUBIC, fillcolor=255)


def render_scanned_pdf(title: str, frame: PageFrame, pages: list[list[Block]], seed: int) -> bytes:
    """A4 PDF whose pages are only a grayscale image of the text (no text layer)."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, title)
    for number, blocks in enumerate(pages, start=1):
        image = _scan_image(frame, blocks, number, len(pages), rng)
        jpeg = io.BytesIO()
        image.save(jpeg, format="JPEG", quality=60)
        jpeg.seek(0)
        canvas.drawImage(ImageReader(jpeg), 0, 0, width=PAGE_WIDTH, height=PAGE_HEIGHT)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
