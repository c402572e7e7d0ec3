"""Read a council document's session from its folder and file names, as open directory listings give them.

Real trees name things inconsistently: percent-encoded or decomposed (NFD) accents, double spaces,
`ExtraOrdinaria`, "No." / "Nro." / "N°", a trailing `-signed` or `-1`, no date at all, or a year folder
that is not the session's year. This module turns one path into a `FileReading`: session type (folded),
number, date, commission, agenda point, document kind, and keys that stay the same across crawls.

Rules: a name's own date, number and type win over its folders'; a name without them takes those of the
nearest session folder ("Sesión Ordinaria 2019-09-03"), else None. A year folder ("2024") is never read
as a date. Pure functions only: this module never fetches anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from crawler.vocabulary import fold, slugify

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")

# Folded session-type words, most specific first ("extraordinaria" also contains "ordinaria").
_SESSION_TYPES = (
    ("extraordinaria", re.compile(r"\bextra[\s_-]*ordinarias?\b")),
    ("ordinaria", re.compile(r"\bordinarias?\b")),
    ("solemne", re.compile(r"\bsolemnes?\b")),
    ("conmemorativa", re.compile(r"\bconmemorativas?\b")),
    ("inaugural", re.compile(r"\binaugural(es)?\b")),
    ("especial", re.compile(r"\bespecial(es)?\b")),
    ("preparatoria", re.compile(r"\bpreparatorias?\b")),
)
SESSION_NUMBERED = (None, "acta", "orden_del_dia", "convocatoria")
_SESSION_WORD = re.compile(r"\bsesi(on|ones)\b")
# Folded document-kind words; the one that comes first in the name wins ("Informe - aprobación del acta").
_KINDS = (
    ("acta", re.compile(r"\bactas?\b")),
    ("orden_del_dia", re.compile(r"\borden(es)?[\s_-]+(del[\s_-]+)?dia\b")),
    ("resolucion", re.compile(r"\bresolucion(es)?\b")),
    ("informe", re.compile(r"\binformes?\b")),
    ("convocatoria", re.compile(r"\bconvocatorias?\b")),
)
# "No. 030", "Nro. 30", "N° 30", "Nº 30" (folds to "no 30"), "Número 30", "#30"; never the start of a date.
_NUMBER = re.compile(r"(?:\b(?:no|nro|num|numero)\b\.?|\bn\s*[°º.]|#)\s*[:.-]?\s*(\d{1,4})(?![\d])(?![-_./]\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)")
_DMY_DATE = re.compile(r"(?<!\d)(\d{1,2})[-_./](\d{1,2})[-_./](\d{4})(?!\d)")
_LONG_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s+de\s+({'|'.join(MONTHS)})\s+(?:de|del)\s+(\d{{4}})(?!\d)")
_COMMISSION = re.compile(r"^comisi[oó]n\s+(?:(?:de|del)\s+)?(?P<name>\S.*)$", re.IGNORECASE)
_AGENDA_POINT = re.compile(r"^(?:[IVXLC]+|\d{1,2})[.)]\s+\S")
# What publishing adds at the end of a name: "-signed" / "-firmado", a copy number "-1" or " (2)" (a copy
# number only after a full date or a letter, so "No. 3" and "2023-11-7" keep their digits).
_TRAILERS = (
    re.compile(r"[_-]+(?:signed|firmad[oa])$", re.IGNORECASE),
    re.compile(r"\s*\(\d{1,2}\)$"),
    re.compile(r"(?:(?<=\d{4}-\d{2}-\d{2})|(?<=[^\d\s.]))[_-]\d{1,2}$"),
)
MAX_TRAILERS = 4
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def decode(segment: str) -> str:
    """A URL path segment as its name: percent-decoded (UTF-8, else Latin-1, as old IIS servers send)."""
    try:
        return unquote(segment, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return unquote(segment, encoding="latin-1")


def clean(name: str) -> str:
    """A name as shown to people: composed accents (NFC), single spaces, no surrounding blanks.

    A name that is itself percent-encoded (a file saved as "Acta%20Sesi%C3%B3n.pdf") is decoded too.
    """
    if _ENCODED.search(name):
        name = decode(name)
    return " ".join(unicodedata.normalize("NFC", name).split())






def stem(file_name: str) -> str:
    """The file name without its extension and without a trailing `-signed` / `-1` (clean)."""
    base = clean(file_name)
    if "." in base:
        base = base.rsplit(".", 1)[0]
    for _ in range(MAX_TRAILERS):
        shorter = base
        for trailer in _TRAILERS:
            shorter = trailer.sub("", shorter).strip()
        if shorter == base or not shorter:
            break
        base = shorter
    return base


@dataclass(frozen=True)
class NameReading:
    """What one folder or file name says by itself."""

    session_type: str | None = None
    number: int | None = None
    date: dt.date | None = None
    kind: str | None = None
    mentions_session: bool = False  # "Sesión", "Sesiones" or a session type

    @property
    def names_a_session(self) -> bool:
        """A session folder: it says "session" and gives a date or a number ("Actas Sesiones" does not)."""
        return self.mentions_session and (self.date is not None or self.number is not None)


def read_name(name: str) -> NameReading:
    """Session type, number, date and document kind in one folder or file name."""
    folded = fold(name)
    session_type = next((kind for kind, word in _SESSION_TYPES if word.search(folded)), None)
    kind = read_kind(folded)
    return NameReading(session_type=session_type, number=read_number(folded, kind), date=read_date(name),
                       kind=kind,
                       mentions_session=session_type is not None or bool(_SESSION_WORD.search(folded)))


def read_number(folded: str, kind: str | None = None) -> int | None:
    """The session's number ("No." / "Nro." / "N°" / "Número" / "#" after the session's mention), or None.

    Before that mention a number is the session's only in documents numbered as their session (acta,
    agenda, call); "Resolución No. 045" or "Informe No. 12" number the document, not the session.
    """
    mention = [m.start() for _, word in _SESSION_TYPES if (m := word.search(folded))]
    mention += [m.start() for m in [_SESSION_WORD.search(folded)] if m]
    start = 0 if kind in SESSION_NUMBERED else min(mention, default=len(folded))
    found = _NUMBER.search(folded, start)
    return int(found.group(1)) if found else None


def read_date(name: str) -> dt.date | None:
    """The first valid date in a name: 2023-11-07, 2023_11_07, 07-11-2023 or "7 de noviembre de 2023"."""
    folded = fold(name)
    candidates = [(m.start(), (int(m[1]), int(m[2]), int(m[3]))) for m in _ISO_DATE.finditer(folded)]
    candidates += [(m.start(), (int(m[3]), int(m[2]), int(m[1]))) for m in _DMY_DATE.finditer(folded)]
    candidates += [(m.start(), (int(m[3]), MONTHS.index(m[2]) + 1, int(m[1]))) for m in _LONG_DATE.finditer(folded)]
    for _, (year, month, day) in sorted(candidates):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def read_kind(folded: str) -> str | None:
    """The document kind whose word comes first in the name, or None."""
    found = [(m.start(), kind) for kind, word in _KINDS if (m := word.search(folded))]
    return min(found)[1] if found else None


def read_commission(folder: str) -> tuple[str, str] | None:
    """(slug, name) of a folder that names a commission ("Comisión de Uso de Suelo"), else None."""
    found = _COMMISSION.match(clean(folder))
    if not found or not slugify(found["name"]):
        return None
    return slugify(found["name"]), clean(folder)


def is_agenda_point(folder: str) -> bool:
    """A folder named as an agenda point: "V. Plan Hoy no Circula", "3) Informes"."""
    return bool(_AGENDA_POINT.match(clean(folder)))


@dataclass(frozen=True)
class FileReading:
    """One listed file read from its path: the session it belongs to and the document it is."""

    path: str  # the decoded, clean path (folders and file name), for keys
    name: str  # the file's stem, clean
    kind: str
    session_type: str | None
    number: int | None
    date: str | None  # ISO
    commission_slug: str | None
    commission_name: str | None
    agenda_point: str | None
    session_folder: str | None  # clean path of the folder the session was read from, if any

    @property
    def names_a_session(self) -> bool:
        """False for a file that says nothing about a session (a loose "Informe anual.pdf", even in a
        commission's folder)."""
        return any((self.session_type, self.number is not None, self.date, self.session_folder))

    @property
    def session_key(self) -> str:
        """Stable across crawls: by date and type; else by type and number; else by the folder path."""
        prefix = self.commission_slug or "pleno"
        if self.date:
            return "-".join(filter(None, (prefix, self.date, self.session_type)))
        if self.number is not None:
            return f"{prefix}-{self.session_type or 'sesion'}-no-{self.number}"
        folders = self.path.rsplit("/", 1)[0] if "/" in self.path else ""
        where = self.session_folder or f"{folders}/{self.name}"
        return f"{prefix}-{slugify(where)[-80:].strip('-')}"

    @property
    def document_key(self) -> str:
        """Stable and unique per path: the session, the kind, the name and a short hash of the path."""
        digest = hashlib.sha1(self.path.encode()).hexdigest()[:8]
        owner = self.session_key if self.names_a_session else "sin-sesion"
        return f"{owner}/{self.kind}-{slugify(self.name)[:60].strip('-')}-{digest}"

    @property
    def title(self) -> str:
        """The document's title: its agenda point, if a folder gives one, then its name."""
        return f"{self.agenda_point} — {self.name}" if self.agenda_point else self.name

    @property
    def session_title(self) -> str:
        """The session as people read it: "Sesión Ordinaria del 2023-11-07", "Sesión Ordinaria No. 30".

        The number only when there is no date: of two files of one session only one may give it, and the
        title must not flip between crawls with the order the files arrive in.
        """
        words = ["Sesión"]
        if self.session_type:
            words.append(self.session_type.capitalize())
        if self.number is not None and not self.date:
            words.append(f"No. {self.number}")
        if self.date:
            words.append(f"del {self.date}")
        title = " ".join(words)
        return f"{self.commission_name} — {title}" if self.commission_name else title


def read_path(segments: Sequence[str]) -> FileReading:
    """Read a file's decoded path segments (folders from the root, then the file name)."""
    names = [clean(s) for s in segments if clean(s)]
    if not names:
        raise ValueError("read_path needs at least a file name")
    *folders, file_name = names
    own = read_name(stem(file_name))
    readings = [read_name(folder) for folder in folders]
    at = next((i for i in range(len(folders) - 1, -1, -1) if readings[i].names_a_session), None)
    folder = readings[at] if at is not None else NameReading()
    points = [f for f in folders[at + 1:] if is_agenda_point(f)] if at is not None else []
    commission = next((c for f in reversed(folders) if (c := read_commission(f))), None)
    date = own.date or folder.date
    # A file that does not say its kind takes its category folder's ("Actas Sesiones/2024/..."), never a
    # session's or an agenda point's (an annex in "V. Informe de movilidad" is no report).
    filed_as = next((r.kind for f, r in zip(reversed(folders), reversed(readings), strict=True)
                     if r.kind and not r.names_a_session and not is_agenda_point(f)), None)
    return FileReading(
        path="/".join(names), name=stem(file_name), kind=own.kind or filed_as or "documento",
        session_type=own.session_type or folder.session_type,
        number=own.number if own.number is not None else folder.number,
        date=date.isoformat() if date else None,
        commission_slug=commission[0] if commission else None,
        commission_name=commission[1] if commission else None,
        agenda_point=points[-1] if points else None,
        session_folder="/".join(folders[:at + 1]) if at is not None else None,
    )
