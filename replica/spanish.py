"""Spanish wording helpers for the replica: numbers and dates in words, month names, slugs.

Pure functions only; nothing here knows about sessions or documents.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")

_UNITS = (
    "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
    "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve",
    "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis",
    "veintisiete", "veintiocho", "veintinueve",
)
_TENS = ("", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa")
_HUNDREDS = (
    "", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos",
    "seiscientos", "setecientos", "ochocientos", "novecientos",
)


def number_in_words(n: int) -> str:
    """Spell out 0 <= n <= 999_999 in Spanish ("dos mil veinticuatro")."""
    if not 0 <= n <= 999_999:
        raise ValueError(f"number_in_words supports 0..999999, got {n}")
    if n < 30:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f" y {_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if n == 100:
            return "cien"
        return _HUNDREDS[hundreds] + (f" {number_in_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "mil" if thousands == 1 else f"{number_in_words(thousands)} mil"
    return head + (f" {number_in_words(rest)}" if rest else "")


def date_in_words(day: dt.date) -> str:
    """'diez de mayo de dos mil veinticuatro', as written in the heading of an acta."""
    return f"{number_in_words(day.day)} de {MONTHS[day.month - 1]} de {number_in_words(day.year)}"


def date_long(day: dt.date) -> str:
    """'viernes 10 de mayo de 2024', as written in convocatorias."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} de {MONTHS[day.month - 1]} de {day.year}"


def month_name(month: int) -> str:
    """Capitalised month name for listings ('Marzo')."""
    return MONTHS[month - 1].capitalize()


def roman(n: int) -> str:
    """Roman numeral for agenda points (1 -> 'I')."""
    values = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, letters in values:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def slugify(text: str) -> str:
    """ASCII slug for URLs ('Uso de Suelo' -> 'uso-de-suelo')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
