"""Find the member tables in a document's lines: each tick table (NOMBRES | PRESENTE | AUSENTE, or
NOMBRES | A FAVOR | ... with "✓ <column>" at the end of each row, as extract/vote_tables.py writes it)
and each table of vote words (CONCEJAL / CONCEJALA | VOTO, one "Name A FAVOR" row per member, then
"TOTAL A FAVOR n" rows). A block is the rows as printed, its header's columns in order, its printed
totals, and where it sits in the lines; roll_calls.py and table_votes.py decide what it records.

A table goes on over a page break (the lines are the whole document, running headers dropped); a
name wrapped over two or three lines ("22. Marta Quishpe Andrade, Alcalde" / "Metropolitano" / "✓ PRESENTE")
is joined back. Nothing is fixed: totals are kept as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.proceedings.text import COLUMN_WORDS, TICK, Line, choice_of

MAX_ROWS = 400  # rows of one table
MAX_BLOCKS = 300  # tables of one document
MAX_WRAPPED = 3  # lines a member's name may be wrapped over
MAX_WRAP_CHARS = 60
MAX_HEADER_LINES = 8

_TICK_ROW = re.compile(rf"^(?P<label>.{{0,200}}?)\s*{TICK}\s*(?P<column>[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ ]{{0,40}})?$")
# A vote word as a Word table prints it: in capitals, or capitalised ("A favor", "En contra"), after an
# optional "VOTO" ("Name VOTO A FAVOR").
_WORD_CHOICE = rf"{COLUMN_WORDS}|A\s+favor|En\s+contra|Abstenci[óo]n|(?:En\s+)?[Bb]lanco|Ausente|Excusad[oa]"
_WORD_ROW = re.compile(rf"^(?P<label>\S.{{0,200}}?)\s+(?:VOTO\s+|Voto\s+)?(?P<column>{_WORD_CHOICE})$")
_TICK_HEADER = re.compile(r"^NOMBRES?\b(?P<rest>[A-ZÁÉÍÓÚÑ /]{0,80})$")
# "CONCEJAL / CONCEJALA VOTO"; in mixed case only with a members' word first ("Concejal Voto", "Nombre | Voto").
_WORD_HEADER = re.compile(
    r"^(?:[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ /]{2,60}\s+VOTO"
    r"|(?:Concejal(?:a|es|as)?|Nombres?|Integrantes?|Miembros?)(?:\s*[/|]\s*[A-Za-zÁÉÍÓÚáéíóúñ]{2,20})?\s*\|?\s+Voto)$"
)
_HEADER_PART = re.compile(r"^[A-ZÁÉÍÓÚÑ /]{1,40}$")
_COLUMN = re.compile(COLUMN_WORDS)
_TICK_TOTAL = re.compile(r"^(?:VOTACI[ÓO]N\s+)?TOTAL(?:ES)?\s+(?P<numbers>\d{1,3}(?:\s+\d{1,3}){0,9})$")
_WORD_TOTAL = re.compile(rf"^TOTAL(?:ES)?\s+(?P<column>{COLUMN_WORDS})\s*:?\s+(?P<number>\d{{1,3}})$")
TICK_CHAR = re.compile(TICK)
CUE = re.compile(rf"{TICK}|^NOMBRES?\b|\b(?:VOTO|Voto)$", re.MULTILINE)


@dataclass
class Row:
    printed: str  # the member's line(s) as printed, joined, without the tick and column
    column: str
    page: int


@dataclass
class Block:
    kind: str  # "tick" or "word"
    start: int  # index of its first line (the header, or the first row)
    end: int  # index after its last line
    page: int
    columns: list[str] = field(default_factory=list)  # the header's columns in order, as printed
    rows: list[Row] = field(default_factory=list)
    total_line: str | None = None
    total_page: int | None = None
    printed_totals: dict[str, int] | None = None

    @property
    def choices(self) -> set[str]:
        return {choice_of(column) for column in self.columns} | {choice_of(row.column) for row in self.rows}


def find_blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines) and len(blocks) < MAX_BLOCKS:
        block = _block_at(lines, i)
        if block is None or not block.rows:
            i += 1
            continue
        blocks.append(block)
        i = block.end
    return blocks


def _block_at(lines: list[Line], i: int) -> Block | None:
    text = lines[i].text
    if not (text.startswith("NOMBRE") or text.endswith(("VOTO", "Voto")) or TICK_CHAR.search(text)):
        return None  # the cheap test: most lines are prose
    if _TICK_HEADER.match(text):
        block = Block("tick", i, i, lines[i].page)
        header = [_TICK_HEADER.match(text).group("rest")]
        j = i + 1
        while j < len(lines) and j - i < MAX_HEADER_LINES and _HEADER_PART.match(lines[j].text):
            header.append(lines[j].text)
            j += 1
        block.columns = [" ".join(c.split()) for c in _COLUMN.findall(" ".join(header))]
        return _read_rows(lines, block, j)
    if _WORD_HEADER.match(text):
        return _read_rows(lines, Block("word", i, i, lines[i].page), i + 1)
    if _TICK_ROW.match(text):  # a tick table whose header was not read: its rows still are
        return _read_rows(lines, Block("tick", i, i, lines[i].page), i)
    return None


def _read_rows(lines: list[Line], block: Block, j: int) -> Block:
    row_pattern = _TICK_ROW if block.kind == "tick" else _WORD_ROW
    pending: list[Line] = []
    while j < len(lines) and len(block.rows) < MAX_ROWS:
        line = lines[j]
        if block.kind == "tick" and (total := _TICK_TOTAL.match(line.text)):
            _tick_totals(block, line, total.group("numbers").split())
            j += 1
            break
        if block.kind == "word" and (total := _WORD_TOTAL.match(line.text)):
            block.printed_totals = block.printed_totals or {}
            block.printed_totals[choice_of(total.group("column"))] = int(total.group("number"))
            block.columns.append(" ".join(total.group("column").split()))
            block.total_line = f"{block.total_line}\n{line.text}" if block.total_line else line.text
            block.total_page = block.total_page or line.page
            pending = []
            j += 1
            continue
        if block.printed_totals is not None:
            break  # rows end where the totals do
        row = row_pattern.match(line.text)
        if row and not _TICK_HEADER.match(line.text) and not _WORD_HEADER.match(line.text):
            printed = " ".join([p.text for p in pending] + [row.group("label")]).strip()
            block.rows.append(Row(printed, " ".join((row.group("column") or "").split()), (pending or [line])[0].page))
            pending = []
            j += 1
            continue
        if len(pending) < MAX_WRAPPED and len(line.text) <= MAX_WRAP_CHARS and not line.text.endswith("."):
            pending.append(line)
            j += 1
            continue
        break
    block.end = j - len(pending)
    return block


def _tick_totals(block: Block, line: Line, numbers: list[str]) -> None:
    block.total_line, block.total_page = line.text, line.page
    if len(numbers) == len(block.columns):
        block.printed_totals = {choice_of(c): int(n) for c, n in zip(block.columns, numbers, strict=True)}
    else:  # totals that cannot be put under the header's columns are kept as printed only
        block.printed_totals = {}
