"""What the proceedings readers share: the document as lines with running headers dropped, Spanish
counts ("diecinueve", "cero", "19"), the choice a column header or a vote word stands for, and
sentences around a match.

Nothing here knows a table or a vote; it only reads words. Every pattern is linear (bounded
repetitions, no nested quantifiers): the text comes from untrusted PDFs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extract import cleanup
from extract.proceedings.model import Choice
from extract.spanish_dates import words_to_number
from extract.vote_tables import TICK_CHARS

MAX_LINES = 200_000  # lines of one document the table readers look at
TICK = "[" + "".join(sorted(TICK_CHARS)) + "]"
# A count as printed: digits or number words ("diecinueve", "treinta y uno", "cero").
COUNT = r"(?:\d{1,3}|(?:treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa)\s+y\s+[a-z]{3,6}|[A-Za-zÁÉÍÓÚáéíóúñÑ]{2,14})"
# Column headers and vote words, as printed in the tables; folded and upper-cased before lookup.
_CHOICES: dict[str, Choice] = {
    "A FAVOR": "a_favor", "EN CONTRA": "en_contra", "ABSTENCION": "abstencion", "ABSTENCIONES": "abstencion",
    "BLANCO": "blanco", "EN BLANCO": "blanco", "AUSENTE": "ausente", "AUSENTES": "ausente",
    "PRESENTE": "presente", "PRESENTES": "presente", "EXCUSADO": "excusado", "EXCUSADA": "excusado",
    "SI": "a_favor", "NO": "en_contra", "AFIRMATIVO": "a_favor", "NEGATIVO": "en_contra",  # a tick's column only
}  # fmt: skip
COLUMN_WORDS = r"A\s+FAVOR|EN\s+CONTRA|ABSTENCI[ÓO]N(?:ES)?|(?:EN\s+)?BLANCO|AUSENTES?|PRESENTES?|EXCUSAD[OA]"
_PAGE_OF = re.compile(r"^\W*(?:P[áa]gina|P[áa]g\.)\s*\d+(?:\s*(?:de|/)\s*\d+)?\W*$", re.IGNORECASE)
# Lines a table reader needs even where they repeat at the top of every page (a vote table's header).
_TABLE_LINE = re.compile(rf"{TICK}|(?:^|\s)(?:{COLUMN_WORDS})$|^TOTAL\b|^NOMBRES?\b|\bVOTO$")
# A sentence ends at ". " before a capital, but not after "No." or a title ("RESOLUCIÓN No. CDMQ-006-2024").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bNo\.)(?<!\bNro\.)(?<!\bSr\.)(?<!\bSra\.)(?<!\bDr\.)(?<!\bDra\.)(?<!\bArt\.)"
    r"(?<!\bLic\.)(?<!\bIng\.)(?<!\bAbg\.)(?<!\bArq\.)[\s\"”»]+(?=[¿¡“\"«]?[A-ZÁÉÍÓÚÑ])"
)
_FOLD = str.maketrans("áéíóúüÁÉÍÓÚÜ", "aeiouuAEIOUU")


@dataclass(frozen=True)
class Line:
    page: int
    text: str


def fold(text: str) -> str:
    """Accents dropped, same length (offsets stay valid)."""
    return text.translate(_FOLD)


def choice_of(column: str) -> Choice:
    key = " ".join(fold(unicodedata.normalize("NFC", column)).upper().split())
    return _CHOICES.get(key, "otro")


def count_value(word: str) -> int | None:
    """"19", "01", "diecinueve", "Un", "cero" -> the number; None for a word that is not a number."""
    word = word.strip()
    if word.isdigit():
        return int(word)
    if fold(word).lower() == "cero":
        return 0
    return words_to_number(word)


def document_lines(pages: list[tuple[int, str]], only: set[int] | None = None,
                   repeated: set[str] | None = None) -> list[Line]:
    """Every non-empty line, page by page, without running headers, footers and page numbers; with
    ``only``, the lines of those pages alone (in order). ``repeated``: repeated_edge_lines of the
    pages' texts, if the caller has it.

    The page texts are the display texts: the clean text drops lines that repeat at page edges, and a
    vote table's header and first row do repeat there in some actas; here those are kept.
    """
    if repeated is None:
        repeated = cleanup.repeated_edge_lines([text for _, text in pages])
    lines: list[Line] = []
    for number, text in pages:
        if only is not None and number not in only:
            continue
        raw = [line.strip() for line in text.split("\n")]
        content = [i for i, line in enumerate(raw) if line]
        edges = set(content[: cleanup.EDGE_LINES] + content[-cleanup.EDGE_LINES :])
        for i in content:
            line = raw[i]
            if i in edges and (
                _PAGE_OF.match(line) or (cleanup.header_key(line) in repeated and not _TABLE_LINE.search(line))
            ):
                continue
            lines.append(Line(number, line))
            if len(lines) >= MAX_LINES:
                return lines
    return lines


def flat(text: str) -> str:
    """Line breaks as spaces (same length, so offsets stay valid)."""
    return text.replace("\n", " ")


def sentence_at(text: str, start: int, end: int, limit: int = 700) -> tuple[int, int]:
    """Bounds of the sentence holding text[start:end], at most ``limit`` characters either side."""
    left = max(0, start - limit)
    begin = left
    for match in _SENTENCE_END.finditer(text, left, min(len(text), start + 2)):  # +2: the lookahead sees it
        if match.end() <= start:
            begin = match.end()
    stop = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    finish = stop.start() if stop else min(len(text), end + limit)
    return begin, finish


def tidy(text: str) -> str:
    """One line, single spaces, without the dashes actas pad lines with."""
    text = re.sub(r"\s*-{4,}[–-]*\s*", " ", text)
    return " ".join(text.split()).strip()


# An agenda point's heading on its own line: "II. Conocimiento y resolución ...", "3. Citación ...", "1.- ...".
AGENDA_HEADING = re.compile(r"^[ \t]*(?P<label>[IVXL]{1,6}|\d{1,2})(?:[.)]-?|\.-)[ \t]+(?P<title>[A-ZÁÉÍÓÚÑ¿“\"«][^\n]{3,250})$",
                            re.MULTILINE)


def last_heading(text: str, end: int | None = None) -> tuple[str, str] | None:
    """(label, "label. title") of the last agenda heading in text[:end], a title wrapped onto one more line joined."""
    found = None
    for found in AGENDA_HEADING.finditer(text, 0, len(text) if end is None else end):
        pass
    if found is None or "✓" in found.group(0):
        return None
    title = found.group("title")
    following = text[found.end() + 1 :].split("\n", 1)[0].strip()
    if len(found.group(0)) >= 60 and not title.endswith(".") and 0 < len(following) < 60 and not (
        AGENDA_HEADING.match(following)
    ):
        title = f"{title} {following}"  # a heading wrapped onto a short second line
    return found.group("label"), f"{found.group('label')}. {tidy(title).rstrip('.')}"


class PageHeadings:
    """The last agenda heading on the pages before each page (by index in ``pages``), each page read
    once and only as far as asked: looking it up for every vote costs one pass over the document, not
    one per vote."""

    def __init__(self, pages: list[tuple[int, str]]) -> None:
        self._pages = pages
        self._before: list[tuple[str, str] | None] = [None]  # [k]: the last heading on pages[:k]

    def before(self, k: int) -> tuple[str, str] | None:
        while len(self._before) <= k:
            j = len(self._before) - 1
            self._before.append(last_heading(self._pages[j][1]) or self._before[j])
        return self._before[k]
