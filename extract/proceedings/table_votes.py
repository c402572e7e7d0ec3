"""Votes recorded as tables: each member's vote, the printed totals against the counted ones (a
mismatch is kept and flagged, never fixed), the motion as the secretary words it before the table
("con la finalidad de tomar votación del ...", "someter a votación la moción ..."; else the agenda point
being dealt with), the identifiers it names, the counts stated in prose ("Diecinueve votos afirmativos,
cero en contra de una abstención") and the result sentence after it ("Ha sido aprobada ...", "No ha
sido reconsiderado ...", "Con N votos a favor ..., el Concejo ... aprueba ...").
"""

from __future__ import annotations

import re
from collections import Counter

from extract.metadata import identifier_hits
from extract.proceedings.model import Entry, Result, Vote
from extract.proceedings.names import split_name
from extract.proceedings.table_blocks import MAX_WRAPPED, TICK_CHAR, Block
from extract.proceedings.text import (
    AGENDA_HEADING,
    COUNT,
    Line,
    choice_of,
    count_value,
    flat,
    last_heading,
    sentence_at,
    tidy,
)

MOTION_CHARS = 2500  # how far before a table the secretary's call is looked for
RESULT_CHARS = 1500  # and how far after it the result
MAX_MOTION = 700
MAX_HEADING_LOOKBACK = 600  # lines

_CALLS = [
    re.compile(
        r"con\s+la\s+finalidad\s+de\s+(?:tomar\s+(?:la\s+)?votaci[óo]n\s+(?:de\s+la\s+|del\s+|de\s+)?"
        r"|someter\s+a\s+votaci[óo]n\s+)(?P<motion>[^.]{5,700})",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:someter|somete|pone|poner)\s+a\s+votaci[óo]n\s+(?P<motion>[^.]{5,700})", re.IGNORECASE),
    re.compile(r"\btomar?\s+(?:la\s+)?votaci[óo]n\s+(?:de\s+la\s+|del\s+|de\s+)(?P<motion>[^.]{5,700})", re.IGNORECASE),
]
_RESULTS: list[tuple[re.Pattern[str], Result]] = [
    (re.compile(r"\bno\s+ha\s+sido\s+(?:aprobad|reconsiderad|acogid)", re.IGNORECASE), "rechazada"),
    (re.compile(r"\bha\s+sido\s+(?:negad|rechazad)", re.IGNORECASE), "rechazada"),
    (re.compile(r"\bha\s+sido\s+(?:aprobad|reconsiderad|acogid)", re.IGNORECASE), "aprobada"),
    (re.compile(r"\b(?:fue|queda|resulta)\s+(?:negad|rechazad)", re.IGNORECASE), "rechazada"),
    # "no fue aprobada", "ni queda aprobada", "sin ser aprobada": the negation starts the earlier hit
    (re.compile(r"\b(?:no|ni|sin)\s+(?:(?:se|lo|la|fue|queda|resulta|es|ser|ha|sido)\s+){1,3}aprobad", re.IGNORECASE),
     "rechazada"),
    (re.compile(r"\b(?:fue|queda|resulta)\s+aprobad", re.IGNORECASE), "aprobada"),
    (re.compile(r"\b(?:Concejo|Comisi[óo]n|Pleno)\b[^.]{0,60}?\b(?:no\s+aprueba|niega|rechaza)\b"), "rechazada"),
    (re.compile(r"\b(?:Concejo|Comisi[óo]n|Pleno)\b[^.]{0,60}?\b(?:aprueba|expide|da\s+por\s+conocid[oa])\b"), "aprobada"),
]
STATED_COUNTS: list[tuple[str, re.Pattern[str]]] = [
    ("a_favor", re.compile(rf"\b(?P<n>{COUNT})\s+(?:votos?\s+)?(?:afirmativos?|a\s+favor)\b", re.IGNORECASE)),
    ("en_contra", re.compile(rf"\b(?P<n>{COUNT})\s+(?:votos?\s+)?(?:en\s+contra|negativos?)\b", re.IGNORECASE)),
    ("abstencion", re.compile(rf"\b(?P<n>{COUNT})\s+(?:votos?\s+de\s+)?abstenci(?:ón|on|ones)\b", re.IGNORECASE)),
    ("blanco", re.compile(rf"\b(?P<n>{COUNT})\s+(?:votos?\s+)?en\s+blanco\b", re.IGNORECASE)),
]
_BODY = re.compile(r"\b(?:La|la)\s+Comisi[óo]n\b")


def stated_counts(text: str) -> dict[str, int] | None:
    """Counts a sentence states ("Con quince votos a favor y dos en contra"), by choice."""
    counts: dict[str, int] = {}
    for choice, pattern in STATED_COUNTS:
        for match in pattern.finditer(text):
            value = count_value(match.group("n"))
            if value is not None:
                counts.setdefault(choice, value)
                break
    return counts or None


def vote_from(block: Block, lines: list[Line], previous_end: int, next_start: int, commission: str | None) -> Vote:
    entries = []
    for row in block.rows:
        number, name, role = split_name(row.printed)
        entries.append(Entry(name, choice_of(row.column), row.column, row.page, number, role))
    counted = dict(Counter(entry.choice for entry in entries))
    vote = Vote(block.page, "tabla", "", entries=entries, counted_totals=counted)
    if block.printed_totals:
        vote.printed_totals = dict(block.printed_totals)
        vote.totals_match = all(counted.get(k, 0) == v for k, v in vote.printed_totals.items()) and all(
            k in vote.printed_totals for k, v in counted.items() if v
        )
    elif block.printed_totals is not None:  # a total row whose numbers do not fit the header
        vote.totals_match = False
    vote.motion, heading_label = _motion(lines, previous_end, block.start)
    vote.agenda_point = heading_label
    _result(vote, lines, block.end, next_start)
    named = " ".join(filter(None, [vote.motion, vote.result_text]))
    vote.identifiers = list(dict.fromkeys(ident for _, _, ident in identifier_hits(named)[1]))
    if vote.result_text and _BODY.search(vote.result_text):
        vote.body = commission or "Comisión"
    return vote


def _motion(lines: list[Line], start: int, end: int) -> tuple[str, str | None]:
    window: list[str] = []
    size = 0
    for k in range(end - 1, start - 1, -1):
        window.append(lines[k].text)
        size += len(lines[k].text) + 1
        if size >= MOTION_CHARS:
            break
    text = flat("\n".join(reversed(window)))
    for pattern in _CALLS:
        matches = list(pattern.finditer(text))
        if matches:
            return tidy(matches[-1].group("motion"))[:MAX_MOTION], heading_before(lines, end)[0]
    label, title = heading_before(lines, end)
    return title or "", label


def heading_before(lines: list[Line], end: int) -> tuple[str | None, str | None]:
    """The agenda point being dealt with at line ``end``: (its label, its heading or None)."""
    for k in range(end - 1, max(-1, end - MAX_HEADING_LOOKBACK), -1):
        if k + 1 < len(lines) and lines[k + 1].page - lines[k].page > 1:
            break  # pages in between were not read: a heading beyond them may not be this point's
        text = lines[k].text
        wrapped_row = any(TICK_CHAR.search(lines[j].text) for j in range(k, min(k + MAX_WRAPPED + 1, len(lines))))
        if AGENDA_HEADING.match(text) and not wrapped_row:  # "22. Name, Alcalde" / "Metropolitano" / "✓ ..." is a row
            following = lines[k + 1].text if k + 1 < len(lines) else ""
            found = last_heading(f"{text}\n{following}", len(text))
            if found:
                return found
    return None, None


def _result(vote: Vote, lines: list[Line], start: int, end: int) -> None:
    window: list[Line] = []
    size = 0
    for k in range(start, min(end, len(lines))):
        window.append(lines[k])
        size += len(lines[k].text) + 1
        if size >= RESULT_CHARS:
            break
    text = flat("\n".join(line.text for line in window))
    hits = [(m.start(), m.end(), result) for pattern, result in _RESULTS if (m := pattern.search(text))]
    if not hits:
        vote.stated_counts = stated_counts(text[:400])
        return
    begin, stop, result = min(hits)
    s_begin, s_end = sentence_at(text, begin, stop)
    vote.result, vote.result_text = result, tidy(text[s_begin:s_end])
    offset = 0
    for line in window:
        if offset + len(line.text) >= s_begin:
            vote.result_page = line.page
            break
        offset += len(line.text) + 1
    vote.stated_counts = stated_counts(text[:s_end])
