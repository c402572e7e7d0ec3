"""Votes written in prose, as smaller councils record them: "se aprueba por unanimidad", "aprobado con
15 votos a favor y 2 en contra", "por mayoría", "Se sometió a consideración en votación ordinaria. ...
Fue aprobado.", "Dictamen por unanimidad de la Comisión de ..." (the commission's adopted decision).

Rules of procedure say the same words about votes to come ("las mociones ... precisarán de la mayoría
absoluta de los votos", "será aprobado por mayoría", "se tendrá por aprobado"): a sentence in the
future, the conditional or a modal, or inside a numbered article, records no vote and is skipped.
"""

from __future__ import annotations

import re

from extract.metadata import identifier_hits
from extract.proceedings.model import Method, Result, Vote
from extract.proceedings.table_votes import stated_counts
from extract.proceedings.text import COUNT, flat, last_heading, sentence_at, tidy

MAX_VOTES = 300
MAX_MOTION = 500
WINDOW = 250  # characters either side of a keyword where its pattern is tried

_APPROVED = r"(?:se\s+aprueban?|aprueban?|(?:fue|fueron|queda|quedan|result[óo]|resultaron)\s+aprobad[oa]s?|aprobad[oa]s?)"
_REJECTED = r"(?:se\s+(?:rechaza|niega)n?|(?:fue|fueron|queda|quedan|result[óo])\s+(?:rechazad|negad)[oa]s?|(?:rechazad|negad)[oa]s?)"
_BODY = r"(?P<body>COMISI[ÓO]N\s+DE\s+[^.\d]{3,150}?)\s*\.?\s*(?=N\S{0,2}\s*:?\s*\d|ingresad|,\s*sobre)"
# (pattern, method, result, a word its page must hold: a cheap test that skips most pages)
_PATTERNS: list[tuple[re.Pattern[str], Method, Result | None, str]] = [
    (re.compile(r"\bSe\s+somet(?:i[óo]|e)\s+a\s+consideraci[óo]n\s+(?:en\s+)?votaci[óo]n\s+ordinaria\b", re.IGNORECASE),
     "ordinaria", None, "ordinaria"),
    (re.compile(rf"\bDictamen\s+por\s+unanimidad\s+(?:de\s+los\s+miembros\s+presentes\s+)?de\s+la\s+{_BODY}",
                re.IGNORECASE), "unanimidad", "aprobada", "unanimidad"),
    (re.compile(rf"\b{_APPROVED}\s*,?\s+por\s+unanimidad\b|\bpor\s+unanimidad\s*,?\s+{_APPROVED}", re.IGNORECASE),
     "unanimidad", "aprobada", "unanimidad"),
    (re.compile(rf"\b{_REJECTED}\s*,?\s+por\s+unanimidad\b", re.IGNORECASE), "unanimidad", "rechazada", "unanimidad"),
    (re.compile(rf"\b{_APPROVED}\s*,?\s+por\s+(?:simple\s+|amplia\s+)?mayor[íi]a\b", re.IGNORECASE), "mayoria", "aprobada", "mayor"),
    (re.compile(rf"\b{_REJECTED}\s*,?\s+por\s+(?:simple\s+|amplia\s+)?mayor[íi]a\b", re.IGNORECASE), "mayoria", "rechazada", "mayor"),
    (re.compile(rf"\b{_APPROVED}\s*,?\s+con\s+{COUNT}\s+votos?\s+(?:a\s+favor|afirmativos?)", re.IGNORECASE),
     "conteo", "aprobada", "votos"),
    (re.compile(rf"\b{_REJECTED}\s*,?\s+con\s+{COUNT}\s+votos?\s+(?:en\s+contra|negativos?|a\s+favor)", re.IGNORECASE),
     "conteo", "rechazada", "votos"),
]
_WORDS = tuple(dict.fromkeys(word for _, _, _, word in _PATTERNS))
_ORDINARY_RESULT = re.compile(r"\b(?:Fue|Fueron|Queda|Resultó)\s+(?P<word>aprobad|negad|rechazad)[oa]s?\b", re.IGNORECASE)
_NORMATIVE = re.compile(
    r"\b(?:ser[áa]n?|podr[áa]n?|deber[áa]n?|tendr[áa]n?|requerir[áa]n?|precisar[áa]n?|necesitar[áa]n?|decidir[áa]n?"
    r"|requiere|requieren|requerir[áa]|quedar[áa]n?|resultar[áa]n?|fuer[ae]n?|sea|sean|para\s+ser|para\s+su\s+aprobaci[óo]n)\b"
    r"|\bArt[íi]culo\s+\d|\bArt\.\s*\d",
    re.IGNORECASE,
)
_NEXT_ITEM = re.compile(r"\s\d{1,2}(?:[.,]\d{1,2})?\S{0,2}\)\s*-")  # "3.2º)-", "3.57)-" (OCR), "4)-"


def read_prose_votes(pages: list[tuple[int, str]], taken: set[tuple[int, str]]) -> list[Vote]:
    """Prose votes on every page; ``taken`` holds (page, sentence) a table vote already records as its result."""
    found: list[Vote] = []
    headings: dict[int, str | None] = {}  # the last heading on the pages before page k, for k looked up
    for k, (number, text) in enumerate(pages):
        lowered = text.lower()
        if not any(word in lowered for word in _WORDS):
            continue
        flat_text = flat(text)
        lowered = flat(lowered)
        hits = {}
        for pattern, method, result, word in _PATTERNS:
            # The patterns run only around their keyword: scanning whole pages with them costs too much.
            at = lowered.find(word)
            while at != -1 and len(hits) < MAX_VOTES:
                for m in pattern.finditer(flat_text, max(0, at - WINDOW), at + WINDOW):
                    hits.setdefault((m.start(), method), (m.start(), m, method, result))
                at = lowered.find(word, at + WINDOW)
        hits = list(hits.values())
        used_until = -1
        for start, match, method, result in sorted(hits, key=lambda hit: hit[0]):
            if start < used_until:
                continue
            begin, end = sentence_at(flat_text, match.start(), match.end())
            sentence = tidy(flat_text[begin:end])
            if _NORMATIVE.search(flat_text, begin, end) or any(
                page == number and (sentence in taken_text or taken_text in sentence) for page, taken_text in taken
            ):
                continue
            vote = Vote(number, method, "", result=result, result_text=sentence, result_page=number)
            if method == "ordinaria":
                outcome = _ORDINARY_RESULT.search(flat_text, match.end(), match.end() + 300)
                if not outcome:
                    continue
                vote.result = "aprobada" if outcome.group("word").lower() == "aprobad" else "rechazada"
                o_begin, o_end = sentence_at(flat_text, outcome.start(), outcome.end())
                vote.result_text = tidy(flat_text[o_begin:o_end])
                end = o_end
            if method == "unanimidad" and "body" in match.groupdict() and match.group("body"):
                # A dictamen is an agenda item: it runs from its own words to the next item's label.
                following = _NEXT_ITEM.search(flat_text, match.end(), match.end() + MAX_MOTION)
                end = following.start() if following else min(len(flat_text), match.end() + MAX_MOTION)
                vote.body = tidy(match.group("body")).rstrip(" .,")
                vote.motion = vote.result_text = tidy(flat_text[match.start() : end])
            if method == "conteo":
                vote.stated_counts = stated_counts(sentence)
            if not vote.motion:
                vote.motion = (_heading_before(text, match.start()) or _heading_on_pages_before(pages, k, headings)
                               or sentence[:MAX_MOTION])
            vote.identifiers = list(dict.fromkeys(ident for _, _, ident in identifier_hits(vote.motion)[1]))
            found.append(vote)
            used_until = end
            if len(found) >= MAX_VOTES:
                return found
    return found


def _heading_on_pages_before(pages: list[tuple[int, str]], k: int, headings: dict[int, str | None]) -> str | None:
    """The last agenda heading on pages[:k] (memoised in ``headings``)."""
    if k not in headings:
        last = last_heading(pages[k - 1][1]) if k else None
        headings[k] = last[1] if last else (_heading_on_pages_before(pages, k - 1, headings) if k else None)
    return headings[k]


def _heading_before(text: str, position: int) -> str | None:
    found = last_heading(text, position)
    return found[1] if found else None
