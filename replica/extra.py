"""Publish real PDFs from a directory as documents of made-up plenary sessions.

Each *.pdf (sorted by name) becomes one document with its original bytes. Kind, date and
session type come from the file name (an ISO date or a session-type word in it is honoured
when it fits the portal's years) or else from a hash of the name, so the result is stable.
The content of these files is unknown to the replica: their `pages` stay empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from replica.model import SESSION_TYPES, Document, Session
from replica.spanish import slugify


@dataclass
class ExtraPdf:
    """A real PDF to publish, with the session it is attached to."""

    session: Session
    document: Document
    body: bytes


def guess_kind(name: str) -> str:
    """'acta' -> acta, 'orden' -> orden_del_dia, anything else -> informe.

    "ordenanza" contains "orden" but is not an agenda, so it counts as an informe.
    """
    lowered = name.lower()
    if "acta" in lowered:
        return "acta"
    if re.search(r"orden(?!anza)", lowered):
        return "orden_del_dia"
    return "informe"


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _date_and_type(name: str, years: range) -> tuple[dt.date, str]:
    digest = hashlib.sha256(name.encode()).digest()
    plain = _plain(name)
    # Word match, so "extraordinaria" is not read as "ordinaria".
    session_type = next((t for t in SESSION_TYPES if re.search(rf"\b{t}\b", plain)), None)
    if session_type is None:
        session_type = "extraordinaria" if digest[3] % 3 == 0 else "ordinaria"
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", name)
    if found:
        try:
            day = dt.date(*(int(g) for g in found.groups()))
            if day.year in years:
                return day, session_type
        except ValueError:
            pass
    day = dt.date(years[digest[0] % len(years)], digest[1] % 12 + 1, digest[2] % 28 + 1)
    return day, session_type


def load_extra_pdfs(directory: Path, years: range, taken_dates: set[dt.date]) -> list[ExtraPdf]:
    """One ExtraPdf per *.pdf in `directory`; dates never collide with `taken_dates` (updated)."""
    if not directory.is_dir():
        raise FileNotFoundError(f"extra PDFs directory {directory} does not exist: create it or unset it")
    extras = []
    for path in sorted(directory.glob("*.pdf")):
        day, session_type = _date_and_type(path.name, years)
        while day in taken_dates:
            day += dt.timedelta(days=1)
        taken_dates.add(day)
        kind = guess_kind(path.name)
        session = Session(f"pleno-{day.isoformat()}-{session_type}", session_type, 0, day)
        slug = slugify(path.stem) or hashlib.sha256(path.name.encode()).hexdigest()[:12]
        document = Document(
            key=f"{session.key}-{kind}",
            kind=kind,
            title=path.stem,
            urls=[f"/documentos/{day.year}/{day.month:02d}/{slug}.pdf"],
            session_key=session.key,
            source_file=path,
        )
        session.documents.append(document)
        extras.append(ExtraPdf(session, document, path.read_bytes()))
    return extras
