"""Values as listings publish them, made comparable: dates to ISO, numbers to int, session types folded.

Every function takes the published text and returns None when the text does not say: a value is never
guessed or invented. The published text itself stays with the caller (titles keep it as written).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from crawler.vocabulary import fold

# Folded session-type words -> the archive's vocabulary (crawler/items.py SessionItem.session_type).
# Checked in this order, as whole words: "extraordinaria" before "ordinaria", and an opening of the
# chamber ("apertura") is the period's inaugural session however else the row words it.
SESSION_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("extraordinaria", "extraordinaria"),
    ("apertura", "inaugural"),
    ("inaugural", "inaugural"),
    ("preparatoria", "preparatoria"),
    ("solemne", "solemne"),
    ("conmemorativa", "conmemorativa"),
    ("especial", "especial"),
    ("ordinaria", "ordinaria"),
)
_DIGITS = re.compile(r"\d+")


def clean_text(text: str | None) -> str:
    """Whitespace collapsed, ends trimmed; "" for nothing."""
    return " ".join((text or "").split())






def parse_date(text: str | None, formats: Iterable[str]) -> str | None:
    """The ISO date of `text` read with the first format that fits it; None when none fits or it is empty."""
    text = clean_text(text)
    if not text:
        return None
    for form in formats:
        try:
            return dt.datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return None


def parse_int(text: str | None) -> int | None:
    """The first whole number written in `text` ("01" -> 1, "135°" -> 135, "Nº 12" -> 12), else None."""
    match = _DIGITS.search(text or "")
    return int(match.group()) if match else None


def fold_session_type(text: str | None, extra: Mapping[str, str] | None = None) -> str | None:
    """The vocabulary's session type of a published label ("SESIÓN ORDINARIA", "ORDINARIA MIXTA" ->
    "ordinaria"; "APERTURA CÁMARA" -> "inaugural"), None for an empty or unknown label.

    `extra` maps folded phrases to types and is checked first (a source's own wording)."""
    folded = fold(text)
    if not folded:
        return None
    for phrase, session_type in (extra or {}).items():
        if re.search(rf"\b{re.escape(fold(phrase))}\b", folded):
            return session_type
    for word, session_type in SESSION_TYPE_WORDS:
        if re.search(rf"\b{word}\b", folded):
            return session_type
    return None
