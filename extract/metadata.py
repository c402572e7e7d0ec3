"""Read a document's metadata out of its own text: type, session, date, council, identifiers, agenda.

Listings and file names are often wrong (the file named 8198 that is Ordenanza 8.189), so the text
wins: hints from the crawler only fill fields the text leaves empty, and every disagreement between
a hint and the text is recorded in ``Metadata.disagreements``.

Accepted hint keys: document_type, session_type, session_number, date, council, commission, and
number (the document's own number, e.g. the ordinance number a file was listed under).
"""

from __future__ import annotations

import re

from extract.model import Metadata
from extract.spanish_dates import find_dates, first_date

TITLE_CHARS = 900  # the title block of a page: where type, session and date are announced
HINT_KEYS = ("document_type", "session_type", "session_number", "date", "council", "commission", "number")
MAX_IDENTIFIERS = 60
MAX_AGENDA_POINTS = 80

_DOCUMENT_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("orden_del_dia", re.compile(r"^\W*orden\s+del\s+d[ií]a\b", re.IGNORECASE | re.MULTILINE)),
    ("convocatoria", re.compile(r"^\W*convocatoria\b", re.IGNORECASE | re.MULTILINE)),
    ("acta", re.compile(r"^\W*acta(?:\s+(?:de\s+la\s+sesi[oó]n|n[º°o]|\d)|\s*$)", re.IGNORECASE | re.MULTILINE)),
    ("reglamento", re.compile(r"^\W*reglamento\b", re.IGNORECASE | re.MULTILINE)),
    ("resolucion", re.compile(r"^\W*resoluci[oó]n\b", re.IGNORECASE | re.MULTILINE)),
    ("ordenanza", re.compile(r"^\W*ordenanza\b", re.IGNORECASE | re.MULTILINE)),
    ("decreto", re.compile(r"^\W*decreto\b", re.IGNORECASE | re.MULTILINE)),
    ("informe", re.compile(r"^\W*informe\b", re.IGNORECASE | re.MULTILINE)),
    ("dictamen", re.compile(r"^\W*dictamen\b", re.IGNORECASE | re.MULTILINE)),
    ("proyecto", re.compile(r"^\W*proyecto\s+de\b", re.IGNORECASE | re.MULTILINE)),
]
_SESSION_TYPES = ("extraordinaria", "ordinaria", "solemne", "conmemorativa", "inaugural", "preparatoria", "especial")
_SESSION = re.compile(
    r"sesi[oó]n\s+(?:plenaria\s+)?(?:(?:n[º°o]\.?|no\.|número)\s*(?P<number1>\d+)\s+)?"
    rf"(?P<type>{'|'.join(_SESSION_TYPES)})(?:\s+(?:n[º°o]\.?|no\.|número)\s*(?P<number2>\d+))?",
    re.IGNORECASE,
)
_ACTA_NUMBER = re.compile(r"^\W*acta\s+(?:n[º°o]\.?\s*:?\s*)?(?P<number>\d[\d.]*)\s*$", re.IGNORECASE | re.MULTILINE)
_COUNCILS = [
    re.compile(r"concejo\s+metropolitano\s+de\s+(?P<city>[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)", re.IGNORECASE),
    re.compile(r"concejo\s+(?P<kind>deliberante|municipal)\s+de\s+(?:la\s+ciudad\s+de\s+)?"
               r"(?P<city>(?:villa\s+)?[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)", re.IGNORECASE),
    re.compile(r"(?i:concejo)\s+(?:distrital\s+)?de\s+(?P<city>[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)"),
]  # fmt: skip
_COMMISSION = re.compile(r"^\W*comisi[oó]n\s+(?:permanente\s+)?de\s+(?P<name>[^\n\d]{3,80})$", re.IGNORECASE | re.MULTILINE)
_SUMMARY = re.compile(r"^\W*sumario\b", re.IGNORECASE | re.MULTILINE)
_SESSION_DOCUMENTS = ("acta", "orden_del_dia", "convocatoria", None)
_PLACE_DATE = re.compile(r"^[|\W]*[A-ZÁÉÍÓÚ][a-záéíóúñ]+(?: [A-ZÁÉÍÓÚ][a-záéíóúñ]+)*,\s+\d{1,2}\s+de\s+", re.MULTILINE)
_GIVEN_IN_SESSION = re.compile(r"dad[ao]\s+en\s+la\s+sala\s+de\s+sesiones", re.IGNORECASE)

_CODE = re.compile(r"\b[A-Z]{2,8}(?:-[A-Z]{1,12}){0,4}-\d{2,4}(?:-\d{2,4}){0,2}(?:-[A-Z])?\b")
_NAMED_NUMBER = re.compile(
    r"\b(?P<kind>Ordenanza(?:\s+Metropolitana)?|Resoluci[oó]n|Decreto|Ley(?:\s+Provincial)?|Acta)"
    r"(?:\s+de\s+(?:Presidente|Intendente)(?:\s+de)?)?(?:\s+(?:de\s+)?Concejo\s+Municipal)?\s+(?:N[º°o]\.?|No\.|Número)\s*:?\s*(?P<number>\d[\d.]*(?:\s?[-/]\s?\d[\d.]*)?)",
    re.IGNORECASE,
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
# A point's label: "I." ... "XII.", "1.", "1.-", "1)", "1º)-". Never followed by a digit: "2.1º)" is a
# sub-point and "4.153-B" a number. A lone "l." is OCR's reading of "1." or "I.".
_AGENDA_LINE = re.compile(
    r"^\s*(?P<label>(?P<roman>[IVXL]{1,6})\.|(?P<ell>l)\.(?=\s)"
    r"|(?P<arabic>\d{1,3})\s*(?P<suffix>[º°.]\s*\)?\s*-?|\)\s*-?|\.-))(?!\d)\s*(?P<title>.*)$"
)
# Where an acta announces its agenda: a line that is only "ORDEN DEL DÍA", "SUMARIO" or "TEMARIO".
_AGENDA_HEADING = re.compile(r"^\W*(?:orden\s+del\s+d[ií]a|sumario|temario)\W*$", re.IGNORECASE)
_OCR_ORDINAL_DIGITS = "279"  # Tesseract reads the "º" of "4º)-" as a digit: "47)-", "19º):", "42):"
_TITLE_END = (".", ".-", ":", ";")
_WRAPPED_LINE = 45  # a title line at least this long that ends without punctuation goes on on the next line
MAX_TITLE_LINES = 8


def read_metadata(pages: list[str], hints: dict | None = None, *, hits: dict[str, tuple] | None = None) -> Metadata:
    """Metadata from the display text of each page; ``hints`` from the listing (the text wins). ``hits``
    collects identifier_hits of each page read, by page text (extract/proceedings/items.py reuses them)."""
    first = next((page for page in pages if page.strip()), "")
    metadata = Metadata(
        document_type=document_type(pages),
        session_type=None,
        council=council(pages),
        commission=commission(first[:TITLE_CHARS]),
        identifiers=identifiers(pages, hits),
    )
    session = _SESSION.search(_title_block(pages)) if metadata.document_type in _SESSION_DOCUMENTS else None
    if session:
        metadata.session_type = session.group("type").lower()
        number = session.group("number1") or session.group("number2")
        metadata.session_number = str(int(number)) if number else None
    if metadata.session_number is None and metadata.document_type == "acta":
        acta = _ACTA_NUMBER.search(_title_block(pages))
        metadata.session_number = acta.group("number").replace(".", "") if acta else None
    metadata.date = document_date(pages, metadata.document_type)
    if metadata.document_type in ("orden_del_dia", "acta", "convocatoria"):
        metadata.agenda_points = agenda_points(pages, after_heading=metadata.document_type == "acta")
    apply_hints(metadata, hints or {})
    return metadata


def _title_block(pages: list[str], count: int = 3) -> str:
    return "\n".join(page[:TITLE_CHARS] for page in pages[:count])


def document_type(pages: list[str]) -> str | None:
    """The type announced in the title block of the first page, else of the next few pages."""
    for page in pages[:10]:
        title = page[:TITLE_CHARS]
        hits = [(m.start(), name) for name, pattern in _DOCUMENT_TYPES if (m := pattern.search(title))]
        if hits:
            return min(hits)[1]
    if _SUMMARY.search(_title_block(pages, count=1)) and _SESSION.search(_title_block(pages, count=1)):
        return "acta"  # minutes that open with the session title and its summary (Quito)
    return None


def document_date(pages: list[str], document_kind: str | None = None) -> str | None:
    """Sanction date of an ordinance ("dada en la sala de sesiones ... a los N días ..."), else the first date."""
    for page in pages:
        given = _GIVEN_IN_SESSION.search(page)
        if given:
            dates = find_dates(page[given.start() : given.start() + 400])
            if dates:
                return dates[0][1]
    if document_kind not in _SESSION_DOCUMENTS:
        for page in reversed(pages):  # a resolution is dated where it is signed: "Charata, 26 de Enero de 2.024"
            signed = list(_PLACE_DATE.finditer(page))
            if signed:
                dates = find_dates(page[signed[-1].start() :])
                if dates:
                    return dates[0][1]
    return first_date(_title_block(pages, count=2)) or first_date("\n".join(pages[:3]))


def council(pages: list[str]) -> str | None:
    """The council named on the first or last pages, else anywhere in the document."""
    return _council_in("\n".join(pages[:3] + pages[-1:])) or _council_in("\n".join(pages))


def _council_in(text: str) -> str | None:
    for pattern in _COUNCILS:
        match = pattern.search(text)
        if match:
            city = " ".join(word.capitalize() if word.lower() != "de" else word for word in match.group("city").split())
            city = city.replace("Maria", "María")
            if pattern is _COUNCILS[0]:
                return f"Concejo Metropolitano de {city}"
            if "kind" in match.groupdict():
                return f"Concejo {match.group('kind').capitalize()} de {city}"
            return f"Concejo de {city}"
    return None


def commission(title: str) -> str | None:
    match = _COMMISSION.search(title)
    return f"Comisión de {match.group('name').strip(' .:-')}" if match else None


def _clean_code_text(text: str) -> str:
    # Line breaks and stray spaces inside codes: "IC- ORD-CTF", "PMDOT-PUGS-001- 2021".
    return re.sub(r"(?<=[A-Z0-9])-\s+(?=[A-Z0-9])", "-", text)


def identifiers(pages: list[str], hits: dict[str, tuple] | None = None) -> list[str]:
    """Codes (CDMQ-022-2024, IC-O-CUS-2024-009) and numbered acts ("Ordenanza Metropolitana No. 075-2024")."""
    found: dict[str, None] = {}
    for page in pages:
        page_hits = identifier_hits(page)
        if hits is not None:
            hits[page] = page_hits
        for _, _, ident in page_hits[1]:
            found.setdefault(ident, None)
            if len(found) >= MAX_IDENTIFIERS:
                return list(found)
    return list(found)


def identifier_hits(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` with line breaks inside codes closed, and each identifier in it as (start, end, identifier),
    in the order they appear: the one reading of identifiers, shared with extract/proceedings/items.py."""
    text = _clean_code_text(text)
    hits = [(m.start(), m.end(), _named(m)) for m in _NAMED_NUMBER.finditer(text)]
    hits += [(m.start(), m.end(), m.group(0)) for m in _CODE.finditer(text) if re.search(r"\d", m.group(0))]
    return text, sorted(hits, key=lambda hit: (hit[0], hit[2]))


def _named(match: re.Match[str]) -> str:
    kind = " ".join(word.capitalize() for word in match.group("kind").split())
    kind = kind.replace("Resolucion", "Resolución")
    number = re.sub(r"\s", "", match.group("number")).rstrip(".")
    return f"{kind} No. {number}"


def _roman_value(numeral: str) -> int:
    total = 0
    for i, char in enumerate(numeral):
        value = _ROMAN[char]
        total += -value if i + 1 < len(numeral) and _ROMAN[numeral[i + 1]] > value else value
    return total


def agenda_points(pages: list[str], after_heading: bool = False) -> list[str]:
    """The first run of consecutively numbered points (I., II. ... or 1º)-, 2. ...) in the first pages.

    Only top-level points count (sub-points "2.1º)" never do); each is "label. title", the title being
    the point's heading with its wrapped lines joined. With ``after_heading`` (minutes) the run must
    follow an "ORDEN DEL DÍA" / "SUMARIO" heading line: minutes also number roll calls and motions.
    """
    lines = "\n".join(pages[:6]).split("\n")
    if after_heading:
        start = next((i + 1 for i, line in enumerate(lines) if _AGENDA_HEADING.match(line)), len(lines))
        lines = lines[start:]
    points: list[tuple[str, str]] = []
    for index, line in enumerate(lines):
        match = _AGENDA_LINE.match(line)
        if not match:
            continue
        expected = len(points) + 1
        number = _label_value(match, expected)
        if number != expected:
            if number == 1 and len(points) >= 2:
                break  # the list starts again (an index after the summary): the first run is the agenda
            if number == 1:
                points = []
            else:
                continue
        title = match.group("title").strip()
        if not title:  # "1." alone on its line, title on the next non-empty line
            title = next((nxt.strip() for nxt in lines[index + 1 : index + 4] if nxt.strip()), "")
        else:
            title += _continuation(lines, index + 1, title)
        title = re.sub(r"\s*\.{3,}.*$", "", title).strip(" .-–:;")  # index leaders "..... 12"
        if not title:
            continue
        label = match.group("roman") or ("l" if match.group("ell") else str(number))
        points.append((label, title))
        if len(points) >= MAX_AGENDA_POINTS:
            break
    if len(points) < 2:
        return []
    roman = any(label[0] in _ROMAN for label, _ in points)
    return [f"{('I' if roman else '1') if label == 'l' else label}. {title}" for label, title in points]


def _label_value(match: re.Match[str], expected: int) -> int:
    if match.group("roman"):
        return _roman_value(match.group("roman"))
    if match.group("ell"):
        return 1
    digits = match.group("arabic")
    suffix = match.group("suffix")
    # "47)-" or "19º):" where "4º)-" / "1º):" is expected: the ordinal sign read as a digit.
    if (
        int(digits) != expected
        and digits[:-1] == str(expected)
        and digits[-1] in _OCR_ORDINAL_DIGITS
        and ")" in suffix
        and (suffix[0] in "º°" or suffix.endswith("-"))
    ):
        return expected
    return int(digits)


def _continuation(lines: list[str], start: int, title: str) -> str:
    """The rest of a title wrapped onto the following lines (a full line without closing punctuation)."""
    joined, last = "", title
    for following in lines[start : start + MAX_TITLE_LINES]:
        following = following.strip()
        if len(last) < _WRAPPED_LINE or last.endswith(_TITLE_END) or re.search(r"\.{3,}", last):
            break
        if not following or _AGENDA_LINE.match(following) or _AGENDA_HEADING.match(following):
            break
        joined += _line_join(title + joined) + following
        last = following
    return joined


def _line_join(before: str) -> str:
    """What goes between a wrapped line and the next: nothing after a compound's hyphen ("PMDOT-PUGS")."""
    return "" if re.search(r"[A-ZÁÉÍÓÚÑ0-9]-$", before) else " "


def apply_hints(metadata: Metadata, hints: dict) -> None:
    """Fill empty fields from hints; record where a hint disagrees with the text (the text wins)."""
    for key in HINT_KEYS:
        hint = hints.get(key)
        if hint in (None, ""):
            continue
        hint = str(hint)
        if key == "number":
            own = _own_numbers(metadata)
            if own and _digits(hint) not in own:
                metadata.disagreements.append({"field": key, "listing": hint, "text": ", ".join(sorted(own))})
            continue
        value = getattr(metadata, key)
        if value is None:
            setattr(metadata, key, hint)
        elif _normal(value) != _normal(hint):
            metadata.disagreements.append({"field": key, "listing": hint, "text": value})


def _own_numbers(metadata: Metadata) -> set[str]:
    numbers = {_digits(ident.split("No.", 1)[1].split("/")[0]) for ident in metadata.identifiers[:3] if "No." in ident}
    if metadata.session_number:
        numbers.add(_digits(metadata.session_number))
    return {number for number in numbers if number}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text).lstrip("0")


def _normal(value: str) -> str:
    return re.sub(r"[\s_]+", " ", value.strip().lower().replace("í", "i").replace("ó", "o"))
