"""A member's line as printed -> list number, name and role: "22. Marta Quishpe Andrade, Alcalde
Metropolitano" -> (22, "Marta Quishpe Andrade", "Alcalde Metropolitano"); "10.Luis Vásconez" -> (10, "Luis
Vásconez", None); "Name (Alcalde)" -> (None, "Name", "Alcalde"). Honorifics ("Sr.", "Dra.", "Concejala")
are dropped; the name is otherwise kept as printed. Telling who is who is not done here.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^\s*(?P<number>\d{1,3})\s*[.)º°-]*\s*(?=\S)")
ROLE_WORDS = (
    r"Alcalde(?:sa)?|Vicealcalde(?:sa)?|President[ea]|Vicepresident[ea]|Secretari[oa]|Prosecretari[oa]"
    r"|Intendente|Concejal(?:a)?|Procurador(?:a)?|Coordinador(?:a)?"
)
_PAREN_ROLE = re.compile(r"\s*\((?P<role>[^()]{2,60})\)\s*$")
_COMMA_ROLE = re.compile(rf",\s*(?P<role>(?:{ROLE_WORDS})\b[^,]{{0,60}})$", re.IGNORECASE)
_HONORIFIC = re.compile(
    r"^(?:(?:Sr|Sra|Srta|Dr|Dra|Lic|Lcda|Ing|Abg|Arq|Econ|Mgs|Msc|Ab)\.\s*|(?:Concejal(?:a)?|Señor(?:a)?)\s+)+",
    re.IGNORECASE,
)


_SURNAME_Y = re.compile(r"(?<![,;])\b[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+ y [A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?=\s*(?:[,;.]|$))")


def split_name(printed: str) -> tuple[int | None, str, str | None]:
    """(list number, name, role) of a member's line as printed, wrapped lines already joined."""
    text = " ".join(printed.split())
    number = None
    match = _NUMBER.match(text)
    if match:
        number = int(match.group("number"))
        text = text[match.end() :]
    role = None
    for pattern in (_PAREN_ROLE, _COMMA_ROLE):
        found = pattern.search(text)
        if found:
            role = found.group("role").strip(" .")
            text = text[: found.start()]
            break
    text = _HONORIFIC.sub("", text.strip(" ,.;:-–")).strip(" ,.;:-–")
    return number, text, role


def split_names(listed: str) -> list[str]:
    """ "los concejales A, B; y, C" -> [A, B, C]: a list of names as prose writes it."""
    listed = re.sub(r"^(?:(?:el|la|los|las)\s+)?(?:concejal(?:es|as|a)?|señor(?:es|as|a)?)\s+", "", listed.strip())
    # " y " parts two names, unless a single capitalised word follows that ends the list or its item
    # and completes a surname ("Ana Gómez y Pérez"): then it is one name.
    listed = _SURNAME_Y.sub(lambda m: m.group(0).replace(" y ", " y\x00"), listed)
    parts = [part.replace("y\x00", "y ") for part in
             re.split(r"\s*;\s*y,?\s+|\s*,\s*y,?\s+|\s+y,?\s+|\s*[,;]\s*", listed)]
    names = []
    for part in parts:
        part = re.sub(r"^(?:(?:el|la)\s+)?(?:concejal(?:a)?|señor(?:a)?)\s+", "", part.strip(" .,;:”\"»"))
        if part:
            names.append(part)
    return names
