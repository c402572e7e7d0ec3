"""Turn raw page text into display text and clean, searchable text.

Display text is the page as printed (headers, footers and page numbers kept). Searchable text
additionally drops "Página N de M", lone page numbers and headers/footers repeated across pages
(kept once, on the first page that carries them, so the document still matches them), and joins
words hyphenated at line ends.

Symbol-font ticks: Word's Wingdings check mark arrives as the private-use character U+F0FC, which
search engines drop. We map checks to "✓" and crosses to "✗" (real Unicode symbols that keep the
meaning in display and in exact-match search), bullets to "•", and drop other private-use glyphs
from the searchable text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extract.pdf_text import PDFIUM_LINE_HYPHEN

CHECK = "✓"
CROSS = "✗"

# Wingdings / Wingdings 2 / Symbol code points as Word embeds them (U+F000 + the font's byte).
SYMBOL_FONT_CHARS = {
    "\uf0fc": CHECK,  # Wingdings check mark
    "\uf0fe": "☑",  # Wingdings ballot box with check
    "\uf050": CHECK,  # Wingdings 2 check mark
    "\uf052": "☑",  # Wingdings 2 boxed check
    "\uf0fb": CROSS,  # Wingdings ballot x
    "\uf0fd": "☒",  # Wingdings boxed x
    "\uf04f": CROSS,  # Wingdings 2 x
    "\uf0a8": "☐",  # Wingdings empty box
    "\uf06f": "☐",
    "\uf0b7": "•",  # Symbol bullet
    "\uf0a7": "▪",  # Wingdings small square bullet
    "\uf06c": "•",
    "\uf0d8": "➢",
    "\uf076": "❖",
    "\uf0e0": "→",
}
_SYMBOL_FONT_CHAR = re.compile("[" + "".join(SYMBOL_FONT_CHARS) + "]")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

_PAGE_OF = re.compile(r"\b(?:P[áa]gina|P[áa]g\.|Page)\s*\d+\s*(?:de|/|of)\s*\d+\b", re.IGNORECASE)
_LONE_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*)?(?:P[áa]gina\s+|P[áa]g\.\s*)?\d{1,4}(?:\s*[-–])?\s*$", re.IGNORECASE)
_LINE_END_HYPHEN = re.compile(r"([a-záéíóúñü])-\n[ \t]*([a-záéíóúñü])")  # "conti-\nnuación"
_LINE_END_COMPOUND = re.compile(r"(\w)-\n[ \t]*(?=[A-ZÁÉÍÓÚÑ0-9])")  # "PMDOT-\nPUGS", "Alcalde-\nPresidente"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]{2,}|[\t\u00a0\u2000-\u200b\u202f\u3000]")  # not lone " "
_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_EDGE_SPACES = re.compile(r" \n ?|\n ")

EDGE_LINES = 4  # lines at the top and bottom of a page where headers/footers live
MAX_HEADER_CHARS = 160


def with_symbols_mapped(raw: str) -> str:
    """NFC, and symbol-font ticks, crosses and bullets as the Unicode characters they show."""
    return _SYMBOL_FONT_CHAR.sub(lambda match: SYMBOL_FONT_CHARS[match.group()], unicodedata.normalize("NFC", raw))


def display_text(raw: str) -> str:
    """NFC, symbol-font ticks mapped, pdfium's hyphen marker restored, spacing tidied; nothing removed."""
    text = with_symbols_mapped(raw)
    text = text.replace(PDFIUM_LINE_HYPHEN, "-\n").replace("\u00ad", "")
    text = text.replace("\f", "\n").replace("\x00", "")
    text = _LINE_EDGE_SPACES.sub("\n", _SPACES.sub(" ", text))  # whole-text regexes: this runs per page
    return _BLANK_LINES.sub("\n\n", text).strip()


def header_key(line: str) -> str:
    """Compare header/footer candidates ignoring case, spacing and numbers (page numbers, dates vary)."""
    return re.sub(r"\d+", "#", _SPACES.sub(" ", _PAGE_OF.sub("", line)).strip().lower())


def _edge_indices(lines: list[str]) -> list[int]:
    content = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(content[:EDGE_LINES] + content[-EDGE_LINES:]))


def repeated_edge_lines(pages: list[str]) -> set[str]:
    """Header keys of lines that sit at a page edge on at least half of the pages with text (and >= 2)."""
    texts = [page for page in pages if page.strip()]
    if len(texts) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in texts:
        lines = page.split("\n")
        keys = {header_key(lines[i]) for i in _edge_indices(lines) if len(lines[i]) <= MAX_HEADER_CHARS}
        counts.update(key for key in keys if len(key.replace("#", "").strip()) >= 3)
    threshold = max(2, (len(texts) + 1) // 2)
    return {key for key, count in counts.items() if count >= threshold}


def searchable_text(display: str, repeated: set[str], already_seen: set[str]) -> str:
    """Searchable text of one page; ``already_seen`` collects header keys kept on an earlier page."""
    lines = display.split("\n")
    edges = set(_edge_indices(lines))
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i in edges:
            if _LONE_PAGE_NUMBER.match(line):
                continue
            key = header_key(line)
            if key in repeated:
                if key in already_seen:
                    continue
                already_seen.add(key)
        kept.append(line)
    text, page_marks = _PAGE_OF.subn("", "\n".join(kept))  # display_text has tidied the spacing already
    if page_marks:
        text = _LINE_EDGE_SPACES.sub("\n", _SPACES.sub(" ", text))
    text = _LINE_END_HYPHEN.sub(r"\1\2", text)
    text = _LINE_END_COMPOUND.sub(r"\1-", text)
    text = _PRIVATE_USE.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip()
