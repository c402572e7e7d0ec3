"""Ordinance, resolution and report identifiers named on each page, with the stage the page's sentence
puts them in: primer_debate, segundo_debate, aprobacion ("aprobada", "aprueba", "expide", "sanciona"),
else mencion. The identifiers are extract/metadata.py's reading of them (identifier_hits), not a
second one."""

from __future__ import annotations

import re

from extract.metadata import identifier_hits
from extract.proceedings.guards import decided_here
from extract.proceedings.model import ItemMention, Stage
from extract.proceedings.text import flat, sentence_at

MAX_ITEMS = 2000
_STAGES: list[tuple[re.Pattern[str], Stage]] = [
    (re.compile(r"\b(?:aprobad[oa]s?|aprueban?|se\s+expide|expide|sancion[óa]|sancionad[oa])\b", re.IGNORECASE), "aprobacion"),
    (re.compile(r"\bsegundo\s+debate\b", re.IGNORECASE), "segundo_debate"),
    (re.compile(r"\bprimer\s+debate\b", re.IGNORECASE), "primer_debate"),
]
# Every identifier extract/metadata.py reads has a number after "No."/"Nº"/"Número" or a code's
# "XX-": pages with neither are skipped cheaply.
_MAY_NAME = re.compile(r"N(?:[º°o]\.?|o\.|[úu]mero)\s*:?\s*\d", re.IGNORECASE)
_MAY_CODE = re.compile(r"[A-Z]-\s*[A-Z\d]")
_RANK = {"mencion": 0, "primer_debate": 1, "segundo_debate": 2, "aprobacion": 3}


def read_items(pages: list[tuple[int, str]], read_before: dict[str, tuple] | None = None) -> list[ItemMention]:
    """``read_before``: identifier_hits already read, by page text."""
    found: dict[tuple[str, int], ItemMention] = {}
    for number, text in pages:
        read = read_before.get(text) if read_before else None
        if read is None:
            if not (_MAY_NAME.search(text) or _MAY_CODE.search(text)):
                continue
            read = identifier_hits(text)
        cleaned, hits = read
        if not hits:
            continue
        cleaned = flat(cleaned)
        for start, end, identifier in hits:
            begin, stop = sentence_at(cleaned, start, end, limit=400)
            stage = next((stage for pattern, stage in _STAGES if _stated(pattern, stage, cleaned, begin, stop)), "mencion")
            known = found.get((identifier, number))
            if known is None:
                if len(found) >= MAX_ITEMS:
                    return list(found.values())
                found[(identifier, number)] = ItemMention(identifier, number, stage)
            elif _RANK[stage] > _RANK[known.stage]:
                known.stage = stage
    return list(found.values())


def _stated(pattern: re.Pattern[str], stage: Stage, text: str, begin: int, end: int) -> bool:
    """The sentence text[begin:end] puts the item in ``stage``: for an approval, one that this session
    records (guards.py: "no fue aprobada", "sea aprobada en la próxima sesión" and "aprobada en 2019"
    are none)."""
    if stage != "aprobacion":
        return pattern.search(text, begin, end) is not None
    return any(decided_here(text, begin, end, m.start(), m.end(), participle_rule=False)
               for m in pattern.finditer(text, begin, end))
