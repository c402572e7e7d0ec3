"""Judge whether a text layer is worth keeping or is garbage (a bad OCR layer) to be OCR'd afresh.

Typical garbage: digits inside words ("Sesi6n", "APROBAC16N", "0RDEN"), stray symbols ("`^;#"),
and letters split by spaces ("d- u, N , C , P A I."). Born-digital Spanish text has almost none.
"""

from __future__ import annotations

import re

_LETTERS = "a-záéíóúñüA-ZÁÉÍÓÚÑÜ"
_DIGIT_IN_WORD = re.compile(rf"[{_LETTERS}]\d+[{_LETTERS}]|\b0[A-ZÁÉÍÓÚÑ]{{2,}}|[{_LETTERS}]{{2,}}1[6ó]N\b")
_STRAY = re.compile(r"[`^#{}|\\~]|[a-z][A-Z][a-z]")
_WORD = re.compile(r"\S+")

MIN_CHARS_FOR_TEXT = 25  # fewer non-space characters than this: the text layer says nothing useful
GARBAGE_RATIO = 0.04


def meaningful_chars(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def garbage_score(text: str) -> float:
    """Share of tokens that look like OCR damage; 0.0 for clean text."""
    tokens = _WORD.findall(text)
    if not tokens:
        return 0.0
    bad = sum(1 for token in tokens if _DIGIT_IN_WORD.search(token) or _STRAY.search(token))
    lone_letters = sum(1 for token in tokens if len(token) == 1 and token.isalpha() and token not in "aeoyuAEOYU")
    return (bad + lone_letters / 2) / len(tokens)


def is_garbage(text: str) -> bool:
    return meaningful_chars(text) >= MIN_CHARS_FOR_TEXT and garbage_score(text) > GARBAGE_RATIO
