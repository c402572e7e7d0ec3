"""Judge whether a text layer is worth keeping or is garbage (a bad OCR layer) to be OCR'd afresh.

Typical garbage: digits inside words ("Sesi6n", "APROBAC16N", "0RDEN"), stray symbols ("`^;#"),
and letters split by spaces ("d- u, N , C , P A I."). Born-digital Spanish text has almost none.
"""

from __future__ import annotations

import re

_LETTERS = "a-záéíóúñüA-ZÁÉÍÓÚÑÜ"
# "6n" in "Sesi6n", "0R" in "0RDEN", "16N" in "APROBAC16N"; anchored on the digit, as this runs on every page
_DIGIT_IN_WORD = re.compile(
    rf"\d(?:(?<=[{_LETTERS}]\d)\d*[{_LETTERS}]|(?<=\b0)[A-ZÁÉÍÓÚÑ]{{2,}}|(?<=[{_LETTERS}]{{2}}1)[6ó]N\b)"
)
_STRAY = re.compile(r"[`^#{}|\\~]|[a-z][A-Z][a-z]")
_NOT_ALNUM = re.compile(r"[\W_]+")
_LONE_LETTER = re.compile(r"(?<!\S)[b-df-np-tv-xzB-DF-NP-TV-XZ](?!\S)")  # not a/e/o/u/y, which are words

MIN_CHARS_FOR_TEXT = 25  # fewer non-space characters than this: the text layer says nothing useful
GARBAGE_RATIO = 0.04


def meaningful_chars(text: str) -> int:
    return len(_NOT_ALNUM.sub("", text))


def has_text(text: str) -> bool:
    """At least MIN_CHARS_FOR_TEXT letters or digits (looking at the start first, which usually suffices)."""
    return meaningful_chars(text[:400]) >= MIN_CHARS_FOR_TEXT or meaningful_chars(text) >= MIN_CHARS_FOR_TEXT


def garbage_score(text: str) -> float:
    """Share of tokens that look like OCR damage; 0.0 for clean text (whole-text regexes: this runs per page)."""
    tokens = len(text.split())
    if not tokens:
        return 0.0
    bad = len(_DIGIT_IN_WORD.findall(text)) + len(_STRAY.findall(text))
    lone_letters = len(_LONE_LETTER.findall(text))
    return (bad + lone_letters / 2) / tokens


def is_garbage(text: str) -> bool:
    return has_text(text) and garbage_score(text) > GARBAGE_RATIO
