"""Votes written in prose, as smaller councils record them: "se aprueba por unanimidad", "aprobado con
15 votos a favor y 2 en contra", "por mayoría", "Se sometió a consideración en votación ordinaria. ...
Fue aprobado.", "Dictamen por unanimidad de la Comisión de ..." (the commission's adopted decision).

Rules of procedure say the same words about votes to come ("las mociones ... precisarán de la mayoría
absoluta de los votos", "será aprobado por mayoría", "Las mociones se aprueban por mayoría simple"),
speakers quote or report other votes, and "no fue aprobada" records none: guards.py decided_here keeps
only the words that record a decision of this session (a modal is looked for around the verb, so "Se
aprueba ... el informe para que sea remitido" stays a vote).
"""

from __future__ import annotations

import re

from extract.metadata import identifier_hits
from extract.proceedings.guards import decided_here, negated
from extract.proceedings.model import Method, Result, Vote
from extract.proceedings.table_votes import stated_counts
from extract.proceedings.text import COUNT, PageHeadings, flat, last_heading, sentence_at, tidy

MAX_VOTES = 300
MAX_MOTION = 500
WINDOW = 250  # characters either side of a keyword where its pattern is tried
MAX_HITS_PER_PAGE = 60  # matches of one page judged (a page of minutes records a few votes; a run-on page, no more)

# The approval or rejection words, as the group "verb" (guards.py judges them): "se aprueba", "se aprobó",
# "fue aprobada", "quedó aprobada", "es aprobado", "aprobado", "El Concejo aprobó"; "no ..." is judged there.
_APPROVED = (
    r"(?P<verb>se\s+aprueban?|se\s+aprob[óo]|aprueban?|(?:fue|fueron|es|son|queda|quedan|qued[óo]|quedaron|result[óo]"
    r"|resultaron)\s+aprobad[oa]s?|aprobad[oa]s?"
    r"|(?:el\s+(?:Concejo|Pleno|Cuerpo)|la\s+Comisi[óo]n)(?:\s+[A-Za-zÁÉÍÓÚáéíóúñ]{1,20}){0,4}?\s+aprob[óo])"
)
_REJECTED = (
    r"(?P<verb>se\s+(?:rechaza|niega)n?|se\s+(?:rechaz|neg)[óo]|(?:fue|fueron|es|son|queda|quedan|qued[óo]|result[óo])"
    r"\s+(?:rechazad|negad)[oa]s?|(?:rechazad|negad)[oa]s?)"
)
_UNANIMOUSLY = r"(?:por\s+unanimidad|un[áa]nimemente)"
_BODY = r"(?P<body>COMISI[ÓO]N\s+DE\s+[^.\d]{3,150}?)\s*\.?\s*(?=N\S{0,2}\s*:?\s*\d|ingresad|,\s*sobre)"
_APPROVED_UNANIMOUSLY = re.compile(rf"\b{_APPROVED}\s*,?\s+{_UNANIMOUSLY}", re.IGNORECASE)
# (pattern, method, result, a word its page must hold: a cheap test that skips most pages)
_PATTERNS: list[tuple[re.Pattern[str], Method, Result | None, str]] = [
    (re.compile(r"\bSe\s+somet(?:i[óo]|e)\s+a\s+consideraci[óo]n\s+(?:en\s+)?votaci[óo]n\s+ordinaria\b", re.IGNORECASE),
     "ordinaria", None, "votaci"),  # not "ordinaria": "Sesión Ordinaria" heads every page of such minutes
    (re.compile(rf"\bDictamen\s+por\s+unanimidad\s+(?:de\s+los\s+miembros\s+presentes\s+)?de\s+la\s+{_BODY}",
                re.IGNORECASE), "unanimidad", "aprobada", "unanimidad"),
    (_APPROVED_UNANIMOUSLY, "unanimidad", "aprobada", "unanimidad"),
    (_APPROVED_UNANIMOUSLY, "unanimidad", "aprobada", "unánime"),
    (_APPROVED_UNANIMOUSLY, "unanimidad", "aprobada", "unanime"),
    (re.compile(rf"\bpor\s+unanimidad\s*,?\s+{_APPROVED}", re.IGNORECASE), "unanimidad", "aprobada", "unanimidad"),
    (re.compile(rf"\b{_REJECTED}\s*,?\s+por\s+unanimidad\b", re.IGNORECASE), "unanimidad", "rechazada", "unanimidad"),
    *[(re.compile(rf"\b{verb}\s*,?\s+por\s+(?:simple\s+|amplia\s+)?mayor[íi]a\b", re.IGNORECASE), "mayoria", result, word)
      for verb, result in ((_APPROVED, "aprobada"), (_REJECTED, "rechazada")) for word in ("mayoría", "mayoria")],
    (re.compile(rf"\b{_APPROVED}\s*,?\s+con\s+{COUNT}\s+votos?\s+(?:a\s+favor|afirmativos?)", re.IGNORECASE),
     "conteo", "aprobada", "voto"),
    (re.compile(rf"\b{_REJECTED}\s*,?\s+con\s+{COUNT}\s+votos?\s+(?:en\s+contra|negativos?|a\s+favor)", re.IGNORECASE),
     "conteo", "rechazada", "voto"),
]
_WORDS = tuple(dict.fromkeys(word for _, _, _, word in _PATTERNS))
_ORDINARY_RESULT = re.compile(r"\b(?:Fue|Fueron|Queda|Resultó)\s+(?P<word>aprobad|negad|rechazad)[oa]s?\b", re.IGNORECASE)
_NEXT_ITEM = re.compile(r"\s\d{1,2}(?:[.,]\d{1,2})?\S{0,2}\)\s*-")  # "3.2º)-", "3.57)-" (OCR), "4)-"


def read_prose_votes(pages: list[tuple[int, str]], taken: set[tuple[int, str]]) -> list[Vote]:
    """Prose votes on every page; ``taken`` holds (page, sentence) a table vote already records as its result."""
    found: list[Vote] = []
    headings = PageHeadings(pages)
    for k, (number, text) in enumerate(pages):
        lowered = text.lower()
        if not any(word in lowered for word in _WORDS):
            continue
        flat_text = flat(text)
        lowered = flat(lowered)
        hits = {}
        windows: dict[str, list[tuple[int, int]]] = {}
        for pattern, method, result, word in _PATTERNS:
            # The patterns run only around their keyword: scanning whole pages with them costs too much.
            if word not in windows:
                windows[word] = _windows(lowered, word)
            for low, high in windows[word]:
                for m in pattern.finditer(flat_text, low, high):
                    hits.setdefault((m.start(), method), (m.start(), m, method, result))
                if len(hits) >= MAX_VOTES:
                    break
        hits = sorted(hits.values(), key=lambda hit: hit[0])[:MAX_HITS_PER_PAGE]
        used_until = -1
        for start, match, method, result in hits:
            if start < used_until:
                continue
            begin, end = sentence_at(flat_text, match.start(), match.end())
            has_verb = "verb" in match.re.groupindex
            word_start, word_end = match.span("verb") if has_verb else match.span()
            if not decided_here(flat_text, begin, end, word_start, word_end,
                                verb=match.group("verb") if has_verb else None):
                continue
            sentence = tidy(flat_text[begin:end])
            if any(page == number and (sentence in taken_text or taken_text in sentence) for page, taken_text in taken):
                continue
            vote = Vote(number, method, "", result=result, result_text=sentence, result_page=number)
            if method == "ordinaria":
                outcome = _ORDINARY_RESULT.search(flat_text, match.end(), match.end() + 300)
                if not outcome:
                    continue
                vote.result = "aprobada" if outcome.group("word").lower() == "aprobad" else "rechazada"
                if negated(flat_text, outcome.start()):  # "No fue aprobado."
                    vote.result = "rechazada"
                o_begin, o_end = sentence_at(flat_text, outcome.start(), outcome.end())
                vote.result_text = tidy(flat_text[o_begin:o_end])
                end = o_end
            if method == "unanimidad" and "body" in match.groupdict() and match.group("body"):
                # A dictamen is an agenda item: it runs from its own words to the next item's label.
                following = _NEXT_ITEM.search(flat_text, match.end(), match.end() + MAX_MOTION)
                end = following.start() if following else min(len(flat_text), match.end() + MAX_MOTION)
                vote.body = tidy(match.group("body")).rstrip(" .,")
                vote.motion = vote.result_text = tidy(flat_text[match.start() : end])
            if method != "ordinaria":  # "Se aprueba por mayoría con 12 votos a favor, 2 en contra"
                vote.stated_counts = stated_counts(sentence)
            if not vote.motion:
                earlier = headings.before(k)
                vote.motion = _heading_before(text, match.start()) or (earlier and earlier[1]) or sentence[:MAX_MOTION]
            vote.identifiers = list(dict.fromkeys(ident for _, _, ident in identifier_hits(vote.motion)[1]))
            found.append(vote)
            used_until = end
            if len(found) >= MAX_VOTES:
                return found
    return found


def _windows(lowered: str, word: str) -> list[tuple[int, int]]:
    """Spans of ``WINDOW`` characters either side of each ``word`` in the text, overlapping ones merged (a
    match that starts near one keyword and runs past the next is read whole)."""
    spans: list[list[int]] = []
    at = lowered.find(word)
    while at != -1:
        low, high = max(0, at - WINDOW), at + len(word) + WINDOW
        if spans and low <= spans[-1][1]:
            spans[-1][1] = high
        else:
            spans.append([low, high])
        at = lowered.find(word, at + len(word))
    return [(low, high) for low, high in spans]


def _heading_before(text: str, position: int) -> str | None:
    found = last_heading(text, position)
    return found[1] if found else None
