"""Members entering and leaving the chamber, as the text logs them: "Ingresa a la sala de sesiones la
concejala X, a las 10:50. (17 concejales).", "Ingresan ... los concejales A, B; y, C, a las 15:04.
(18 concejales)", "Sale de la sala de sesiones ...", and "Dejamos la constancia de la presencia de los
concejales A, B y la concejala C" (an entry without a time)."""

from __future__ import annotations

import re

from extract.proceedings.model import Movement
from extract.proceedings.names import split_names
from extract.proceedings.text import flat, tidy

MAX_MOVEMENTS = 500

_LOGGED = re.compile(
    r"\b(?P<verb>Reingresan?|Ingresan?|Salen?|Se\s+retiran?|Se\s+reintegran?)\s+(?:a|de)\s+la\s+sala"
    r"(?:\s+de\s+sesiones)?\s*,?\s+(?P<who>[^.()]{3,400}?)\s*,?\s+a\s+las\s+(?P<time>\d{1,2}[:h.]\d{2})"
    r"(?:\s*horas)?\.?(?:\s*\(\s*(?P<count>\d{1,3})\s+concejal(?:es|as)?\s*\)\.?)?"
)
_PRESENCE = re.compile(
    r"\b(?:Dejamos|Dejo|Se\s+deja|Dejar)\s+(?:la\s+)?constancia\s+de\s+la\s+presencia\s+de\s+"
    r"(?P<who>(?:el|la|los|las)\s+concejal(?:es|as|a)?\s+[^.”\"»]{3,400})"
)
_LEAVING = ("Sale", "Salen", "Se retira", "Se retiran")
_VERB_PARTS = ("ngresa", "Sale", "retira", "reintegra")  # one is in every verb _LOGGED reads: a cheap first test


_COUNCILLOR = re.compile(r"^(?:(?:el|la|los|las)\s+)?(?:señor(?:es|as|a)?\s+)?concejal(?:es|as|a)?\b", re.IGNORECASE)
_NAME = re.compile(r"^[A-ZÁÉÍÓÚÑ][a-záéíóúñü'-]+(?:\s+(?:de|del|la|las|los|y|[A-ZÁÉÍÓÚÑ][a-záéíóúñü'-]+)){1,6}$")


def _members(who: str, names: list[str]) -> bool:
    """Who is logged are members: "la concejala ...", "los concejales ...", or names ("Ana Pérez Ruiz, Luis
    Mora"); not "el público asistente y la prensa"."""
    return _COUNCILLOR.match(who.strip()) is not None or all(_NAME.match(name) for name in names)


def read_movements(pages: list[tuple[int, str]]) -> list[Movement]:
    found: list[Movement] = []
    for number, text in pages:
        logged = "sala" in text and any(verb in text for verb in _VERB_PARTS)
        presence = "constancia" in text
        if not (logged or presence):
            continue
        text = flat(text)
        hits = [(m.start(), m, "logged") for m in _LOGGED.finditer(text)] if logged else []
        hits += [(m.start(), m, "presence") for m in _PRESENCE.finditer(text)] if presence else []
        for _, match, kind in sorted(hits, key=lambda hit: hit[0]):
            names = split_names(match.group("who"))
            if not names or (kind == "logged" and not _members(match.group("who"), names)):
                continue
            if kind == "logged":
                verb = " ".join(match.group("verb").split())
                count = match.group("count")
                found.append(Movement(number, "sale" if verb in _LEAVING else "entra", names,
                                      match.group("time").replace("h", ":").replace(".", ":"),
                                      int(count) if count else None, tidy(match.group(0))))
            else:
                found.append(Movement(number, "entra", names, None, None, tidy(match.group(0))))
            if len(found) >= MAX_MOVEMENTS:
                return found
    return found
