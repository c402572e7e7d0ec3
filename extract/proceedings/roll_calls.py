"""Roll calls: attendance tables (VERIFICACIÓN CUÓRUM – INICIO SESIÓN / NOMBRES | PRESENTE | AUSENTE)
with every member's state, the moment their heading names, and the count of those present the text
states for them ("Diecisiete integrantes del Pleno ... presentes"); plain lists of those attending
("ASISTENTES: name / name / ..."); and a quorum stated without a table ("se encuentran presentes
veinte integrantes ...; existe el cuórum").

The stated count is the text's, never the table's count: the two are kept apart so that a reader can
see where they differ.
"""

from __future__ import annotations

import re

from extract.proceedings.model import Choice, Entry, Moment, RollCall
from extract.proceedings.names import ROLE_WORDS, split_name
from extract.proceedings.table_blocks import Block
from extract.proceedings.text import COUNT, Line, choice_of, count_value, flat, fold, sentence_at, tidy

MAX_ATTENDEES = 200
BEFORE_CHARS = 1500  # how far before a table its stated count may be
AFTER_CHARS = 600  # and after it, when none precedes it ("constate el cuórum" after a resumption)

_HEADING = re.compile(r"\b(?:CU[ÓO]RUM|QU[ÓO]RUM|ASISTENCIA|LISTA)\b")
_MOMENTS: list[tuple[re.Pattern[str], Moment]] = [
    (re.compile(r"\bREINSTALACI[ÓO]N|\bREANUDACI[ÓO]N"), "reinstalacion"),
    (re.compile(r"\bINICIO|\bINSTALACI[ÓO]N"), "inicio"),
    (re.compile(r"\bFINALIZACI[ÓO]N|\bCLAUSURA|\bSUSPENSI[ÓO]N|\bCIERRE"), "finalizacion"),
]
# "Diecisiete integrantes del Pleno del Concejo Metropolitano presentes", "se encuentran presentes
# veinte integrantes", "con cinco integrantes presentes".
_STATED = re.compile(
    rf"\b(?P<n>{COUNT})\s+integrantes\b[^.;]{{0,90}}?\bpresentes\b"
    rf"|\bpresentes\s+(?P<m>{COUNT})\s+integrantes\b",
    re.IGNORECASE,
)
_QUORUM = re.compile(r"cu[óo]rum|qu[óo]rum", re.IGNORECASE)
# A quorum rule, not a count: "se requieren once integrantes presentes", "deben estar presentes ...", "la
# mitad más uno de los integrantes presentes".
_REQUIRED = re.compile(
    r"\b(?:requier\w*|requerir\w*|deb(?:e|en|er[áa]n?|ieran?)|necesit\w*|precis\w*|exig\w*|m[íi]nimo|al\s+menos"
    r"|por\s+lo\s+menos)\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_HALF = re.compile(r"\bmitad\s+m[áa]s\s+uno\b", re.IGNORECASE)
REQUIRED_LOOKBACK = 60
_ATTENDEES = re.compile(r"^ASISTENTES?\s*:\s*(?P<first>.*)$", re.IGNORECASE)
# Lines that part an attendance list: those absent or excused follow; the guests or the agenda end it.
_LIST_SECTION = re.compile(
    r"^(?P<label>(?:No\s+asistieron|Ausentes?|Inasistentes?|(?P<excused>Excusad[oa]s?))\b)\s*:?\s*(?P<rest>.*)$"
    r"|^(?P<end>Invitad[oa]s?|Orden\s+del\s+d[íi]a|Desarrollo|Otros\s+asistentes|Funcionari[oa]s|Secretar[íi]a\s*:)\b",
    re.IGNORECASE,
)
_ROLE_ONLY = re.compile(rf"^(?:{ROLE_WORDS})(?:\s+(?:General|Ejecutiv[oa]|Metropolitan[oa]|Municipal|del\s+Concejo|Ad\s+Hoc))*\s*$",
                        re.IGNORECASE)
_NAME_LINE = re.compile(
    r"^[A-ZÁÉÍÓÚÑ][a-záéíóúñü'A-ZÁÉÍÓÚÑ.-]{1,20}"
    r"(?:\s+(?:de|del|la|las|los|y|[A-ZÁÉÍÓÚÑ][a-záéíóúñü'A-ZÁÉÍÓÚÑ.-]{1,20})){1,7}$"
)


def _is_rule(text: str, match: re.Match[str]) -> bool:
    """The count in ``match`` is what a quorum requires, not how many are there."""
    low = max(0, match.start() - REQUIRED_LOOKBACK)
    return bool(_REQUIRED.search(text, low, match.start()) or _HALF.search(text, low, match.end()))


def moment_of(heading: str) -> Moment:
    folded = fold(heading).upper()
    for pattern, moment in _MOMENTS:
        if pattern.search(folded):
            return moment
    return "otro"


def roll_call_from(block: Block, lines: list[Line]) -> RollCall:
    heading = next(
        (lines[k].text for k in range(block.start - 1, max(-1, block.start - 4), -1) if _heading_line(lines[k].text)),
        "",
    )
    entries = []
    for row in block.rows:
        number, name, role = split_name(row.printed)
        entries.append(Entry(name, choice_of(row.column), row.column, row.page, number, role))
    return RollCall(block.page, moment_of(heading) if heading else "otro", heading, entries)


def _heading_line(text: str) -> bool:
    return len(text) <= 90 and text.upper() == text and _HEADING.search(fold(text).upper()) is not None


def attach_stated_counts(roll_calls: list[tuple[RollCall, Block]], blocks: list[Block], lines: list[Line]) -> None:
    """Give each table roll call the count the text states just before it, else just after it."""
    used: set[tuple[int, int]] = set()
    ends = {b.start: b for b in blocks}
    ordered = sorted(blocks, key=lambda b: b.start)
    previous_end = {b.start: (ordered[k - 1].end if k else 0) for k, b in enumerate(ordered)}
    for roll_call, block in roll_calls:
        window = _window(lines, previous_end[block.start], block.start)
        found = _last_stated(window)
        if found:
            _set(roll_call, found)
            used.add(found[3])
    for roll_call, block in roll_calls:
        if roll_call.stated_count is not None:
            continue
        following = [b.start for b in ordered if b.start >= block.end and b.start in ends]
        window = _window(lines, block.end, following[0] if following else len(lines), limit=AFTER_CHARS)
        found = next((s for s in _all_stated(window) if s[3] not in used), None)
        if found:
            _set(roll_call, found)
            used.add(found[3])


def _set(roll_call: RollCall, found: tuple[int, str, int, tuple[int, int]]) -> None:
    roll_call.stated_count, roll_call.stated_text, roll_call.stated_page, _ = found


def _window(lines: list[Line], start: int, end: int, limit: int = BEFORE_CHARS) -> list[Line]:
    picked: list[Line] = []
    size = 0
    indices = range(start, end) if limit == AFTER_CHARS else range(end - 1, start - 1, -1)
    for k in indices:
        picked.append(lines[k])
        size += len(lines[k].text) + 1
        if size >= limit:
            break
    return picked if limit == AFTER_CHARS else picked[::-1]


def _all_stated(window: list[Line]) -> list[tuple[int, str, int, tuple[int, int]]]:
    """(count, sentence, page, (page, offset) as a key) for each stated count in the lines."""
    text = flat("\n".join(line.text for line in window))
    starts, offset = [], 0
    for line in window:
        starts.append(offset)
        offset += len(line.text) + 1
    found = []
    for match in _STATED.finditer(text):
        value = count_value(match.group("n") or match.group("m"))
        if value is None or _is_rule(text, match):
            continue
        begin, end = sentence_at(text, match.start(), match.end())
        k = max(i for i, s in enumerate(starts) if s <= match.start())
        found.append((value, tidy(text[begin:end]), window[k].page, (window[k].page, match.start() - starts[k])))
    return found


def _last_stated(window: list[Line]) -> tuple[int, str, int, tuple[int, int]] | None:
    found = _all_stated(window)
    return found[-1] if found else None


def quorum_without_table(pages: list[tuple[int, str]], taken: set[int], before_votes: int | None) -> list[RollCall]:
    """A quorum the text states where no attendance table goes with it (pages in ``taken`` have one)."""
    found = []
    for number, text in pages:
        lowered = text.lower()  # cheap first tests: both words _STATED and _QUORUM need
        if number in taken or "rum" not in lowered or "integrantes" not in lowered or not _QUORUM.search(text):
            continue
        flat_text = flat(text)
        for match in _STATED.finditer(flat_text):
            begin, end = sentence_at(flat_text, match.start(), match.end())
            if not _QUORUM.search(flat_text, begin, end):
                continue
            value = count_value(match.group("n") or match.group("m"))
            if value is None or _is_rule(flat_text, match):
                continue
            moment: Moment = "inicio" if before_votes is None or number <= before_votes else "otro"
            found.append(RollCall(number, moment, "", [], value, tidy(flat_text[begin:end]), number))
            if len(found) >= 20:
                return found
    return found


def attendance_lists(lines: list[Line]) -> list[RollCall]:
    """ "ASISTENTES: name" followed by one name a line: everyone listed is present; names under a "No
    asistieron:" / "Ausentes:" line are absent, under "Excusados:" excused. The list ends at any other
    line that is not a name ("Invitados", "Orden del día", prose); a role alone ("Secretaria General")
    is skipped."""
    found = []
    for i, line in enumerate(lines):
        match = _ATTENDEES.match(line.text)
        if not match:
            continue
        first = match.group("first").strip()
        if first and not _NAME_LINE.match(first):
            continue
        names = [(line.page, first, "presente", "ASISTENTES")] if first else []
        choice: Choice = "presente"
        column = "ASISTENTES"
        for following in lines[i + 1 : i + 1 + MAX_ATTENDEES]:
            section = _LIST_SECTION.match(following.text)
            if section:
                if section.group("end"):
                    break
                choice = "excusado" if section.group("excused") else "ausente"
                column = section.group("label").strip()
                rest = section.group("rest").strip()
                if rest and _NAME_LINE.match(rest):
                    names.append((following.page, rest, choice, column))
                continue
            if _ROLE_ONLY.match(following.text):
                continue
            if not _NAME_LINE.match(following.text):
                break
            names.append((following.page, following.text, choice, column))
        if not names:
            continue
        entries = []
        for page, printed, state, label in names:
            number, name, role = split_name(printed)
            entries.append(Entry(name, state, label, page, number, role))
        found.append(RollCall(line.page, "asistentes", line.text.split(":")[0].strip(), entries))
    return found
