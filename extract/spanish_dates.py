"""Find dates in Spanish text, numeric or written in words, and return them as ISO strings.

Handles "4 de junio de 2025", "LUNES 04 DE MARZO DE 2.024", "diez de mayo de dos mil veinticuatro",
"a los diecinueve días del mes de octubre del año dos mil veintitrés", "24/05/2024" (day first, as
in every Spanish-speaking country) and "2024-05-24".
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip

_NUMBER_WORDS = {
    "un": 1, "uno": 1, "una": 1, "primero": 1, "primer": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20, "veintiun": 21, "veintiuno": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28,
    "veintinueve": 29, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90, "cien": 100, "ciento": 100, "doscientos": 200, "trescientos": 300,
    "cuatrocientos": 400, "quinientos": 500, "seiscientos": 600, "setecientos": 700,
    "ochocientos": 800, "novecientos": 900, "mil": 1000,
}  # fmt: skip

# Same-length accent folding keeps match offsets valid in the original text.
_FOLD = str.maketrans("áéíóúüÁÉÍÓÚÜ", "aeiouuAEIOUU")

_WORD = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUMBER_IN_WORDS = rf"(?:(?:{_WORD})(?:\s+y\s+|\s+))*(?:{_WORD})\b"
# Typed or OCR'd months lose a letter ("MRZO"); accept one deletion in the longer names.
_MONTH_VARIANTS = {
    name[:i] + name[i + 1 :]: number for name, number in MONTHS.items() if len(name) >= 5 for i in range(len(name))
}
_MONTH_NAMES = {**_MONTH_VARIANTS, **MONTHS}
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_YEAR_DIGITS = r"\d\.?\d{3}"  # "2024" or the Argentine "2.024"

_PATTERNS = [
    re.compile(  # 4 de junio de 2025 / 04 DE MARZO DE 2.024 / 24 de mayo del año 2024
        rf"\b(?P<day>\d{{1,2}})(?:º|°)?\s+(?:d[ií]as\s+)?(?:del\s+mes\s+)?de\s+(?P<month>{_MONTH})\s+"
        rf"(?:de|del)\s+(?:a[ñn]o\s+)?(?P<year>{_YEAR_DIGITS})\b"
    ),
    re.compile(  # diez de mayo de dos mil veinticuatro / diecinueve días del mes de octubre del año dos mil ...
        rf"\b(?P<dayw>{_NUMBER_IN_WORDS})\s+(?:d[ií]as\s+)?(?:del\s+mes\s+)?de\s+(?P<month>{_MONTH})\s+"
        rf"(?:de|del)\s+(?:a[ñn]o\s+)?(?P<yearw>{_NUMBER_IN_WORDS}|{_YEAR_DIGITS})"
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<monthn>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/.-](?P<monthn>\d{1,2})[/.-](?P<year>(?:19|20)\d\d)\b"),
]


def words_to_number(words: str) -> int | None:
    """"dos mil veinticuatro" -> 2024; None if a word is not a number word."""
    total = current = 0
    for token in re.split(r"\s+", words.strip().lower().translate(_FOLD)):
        if token == "y":
            continue
        value = _NUMBER_WORDS.get(token)
        if value is None:
            return None
        if value == 1000:
            total += (current or 1) * 1000
            current = 0
        else:
            current += value
    return total + current


def _to_number(digits: str | None, words: str | None) -> int | None:
    if digits:
        return int(digits.replace(".", ""))
    if words:
        if re.fullmatch(_YEAR_DIGITS, words):
            return int(words.replace(".", ""))
        return words_to_number(words)
    return None


def find_dates(text: str) -> list[tuple[int, str]]:
    """All valid dates in ``text`` as (offset, "YYYY-MM-DD"), in order of appearance."""
    folded = text.lower().translate(_FOLD)
    found: dict[int, str] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            groups = match.groupdict()
            day = _to_number(groups.get("day"), groups.get("dayw"))
            year = _to_number(groups.get("year"), groups.get("yearw"))
            month = _MONTH_NAMES.get(groups["month"]) if groups.get("month") else int(groups["monthn"])
            if day is None or year is None or not 1900 <= year <= 2100:
                continue
            try:
                found.setdefault(match.start(), date(year, month, day).isoformat())
            except ValueError:
                continue
    return sorted(found.items())


def first_date(text: str) -> str | None:
    dates = find_dates(text)
    return dates[0][1] if dates else None
