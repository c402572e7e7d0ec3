"""The replica's second layout: the same council's files as an open directory listing under /archivos/.

Quito keeps its PDFs in two kinds of tree, and the replica publishes both, with the naming mess of the
real ones:

    /archivos/Administración 2023-2027/Actas Sesiones/2024/Acta Sesión Ordinaria No. 030 2023-11-07.pdf
    /archivos/Administración 2019-2023/Sesiones del Pleno 2021/Sesión Ordinaria 2021-01-14/Acta.pdf
    /archivos/Comisiones/Comisión de Movilidad/Sesión Ordinaria No. 012 2022-05-10/II. La ampliación .../
        Informe - La ampliación ....pdf

Plenary sessions of the portal's first year get a folder each; the others are filed by administration,
kind and year of publication, so the acta of a December session sits in the next year's folder (a
wrong-year folder) and an agenda published before a January session in the previous year's. File names
cycle through the variants real trees show (NAME_VARIANTS: decomposed accents, `-signed`, `-1`, double
spaces, "Nro." and "N°", no date, no number, a literally percent-encoded name; `ExtraOrdinaria`).
Broken-link documents are not in the tree (a listing only shows files that exist).

This module decides names and folders only; replica.directory_pages renders the index pages.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from replica.directory_pages import Entry, apache_index, iis_index
from replica.model import Document, ListedFile, Portal, Resource, Session
from replica.people import NEW_PERIOD_START
from replica.schedule import COMMISSIONS
from replica.spanish import roman

DIRECTORY_ROOT = "/archivos/"
STYLES = ("apache", "iis")
HTML = "text/html; charset=utf-8"
KIND_WORDS = {"acta": "Acta", "orden_del_dia": "Orden del Día", "informe": "Informe",
              "convocatoria": "Convocatoria", "resolucion": "Resolución"}
KIND_FOLDERS = {"acta": "Actas Sesiones", "orden_del_dia": "Órdenes del Día", "informe": "Informes",
                "convocatoria": "Convocatorias", "resolucion": "Resoluciones"}
# Where a plenary document is filed, in days from its session: agendas before it, minutes weeks after.
FILED_AFTER_DAYS = {"orden_del_dia": -3, "convocatoria": -2, "acta": 30}


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# (make the name from kind word K, type word T, number N, ISO date D; tells date; tells number)
NAME_VARIANTS: tuple[tuple[Callable[[str, str, int, str], str], bool, bool], ...] = (
    (lambda k, t, n, d: f"{k} Sesión {t} No. {n:03d} {d}", True, True),
    (lambda k, t, n, d: _nfd(f"{k} Sesión {t} No. {n:03d} {d}"), True, True),
    (lambda k, t, n, d: f"{k} Sesión {t} No. {n:03d} {d}-signed", True, True),
    (lambda k, t, n, d: f"{k} Sesión {t} Nro. {n} {d}-1", True, True),
    (lambda k, t, n, d: f"{k}  Sesión {t}  No. {n:03d}  {d}", True, True),
    (lambda k, t, n, d: f"{k} Sesión {t} N° {n:03d} {d}", True, True),
    (lambda k, t, n, d: f"{k} Sesión {t} No. {n:03d}", False, True),
    (lambda k, t, n, d: f"{d} {k} Sesión {t} No. {n:03d}", True, True),
    (lambda k, t, n, d: f"{k} Sesión {t} {d}", True, False),
    (lambda k, t, n, d: f"{k} Sesion {t} No {n} {d}", True, True),
    (lambda k, t, n, d: quote(f"{k} Sesión {t} No. {n:03d} {d}"), True, True),
)
# Session folders of the first year: (name from T, N, D; tells number).
FOLDER_VARIANTS: tuple[tuple[Callable[[str, int, str], str], bool], ...] = (
    (lambda t, n, d: f"Sesión {t} {d}", False),
    (lambda t, n, d: f"Sesión {t} No. {n:03d} {d}", True),
    (lambda t, n, d: _nfd(f"Sesión {t} {d}"), False),
    (lambda t, n, d: f"Sesion {t}  {d}", False),
)


def administration(day: dt.date) -> str:
    """The council period a day falls in: four-year periods starting every fourth May 14 (2023, 2019...)."""
    start = NEW_PERIOD_START
    years = day.year - start.year - (1 if (day.month, day.day) < (start.month, start.day) else 0)
    first = start.year + 4 * (years // 4)
    return f"Administración {first}-{first + 4}"


def type_word(session: Session, variant: int) -> str:
    """How a name writes the session's type; every other extraordinary one as `ExtraOrdinaria`."""
    if session.session_type == "extraordinaria" and variant % 2:
        return "ExtraOrdinaria"
    return session.session_type.capitalize()


def plan_listing(portal: Portal) -> list[ListedFile]:
    """Every published document's place in the tree, in a stable order (see the module docstring)."""
    plenary = [s for s in portal.sessions if s.is_plenary]
    first_year = min((s.date.year for s in plenary), default=0)
    files: list[ListedFile] = []
    for index, session in enumerate(s for s in plenary if s.date.year == first_year):
        files += _session_folder(portal, session, index)
    filed = [(s, d) for s in plenary if s.date.year != first_year for d in s.documents if _published(portal, d)]
    for index, (session, document) in enumerate(filed):
        files.append(_filed(session, document, index))
    names = {spec.slug: spec.name for spec in COMMISSIONS}
    for commission in portal.commissions:
        for index, session in enumerate(commission.sessions):
            files += _commission_session(portal, session, names[commission.slug], index)
    paths = [f.path for f in files]
    if len(set(paths)) != len(paths):
        raise ValueError("two replica documents got the same directory path: the naming plan needs fixing")
    return files


def _published(portal: Portal, document: Document) -> bool:
    return document.url in portal.resources


def _session_folder(portal: Portal, session: Session, index: int) -> list[ListedFile]:
    make, tells_number = FOLDER_VARIANTS[index % len(FOLDER_VARIANTS)]
    folder = (f"{administration(session.date)}/Sesiones del Pleno {session.date.year}/"
              f"{make(type_word(session, index), session.number, session.date.isoformat())}")
    signed = "-signed" if index % 3 == 1 else ""
    return [ListedFile(f"{folder}/{KIND_WORDS.get(d.kind, 'Documento')}{signed}.pdf", d.key, session.key,
                       True, tells_number)
            for d in session.documents if _published(portal, d)]


def _filed(session: Session, document: Document, index: int) -> ListedFile:
    make, tells_date, tells_number = NAME_VARIANTS[index % len(NAME_VARIANTS)]
    filed_on = session.date + dt.timedelta(days=FILED_AFTER_DAYS.get(document.kind, 7))
    folder = f"{administration(session.date)}/{KIND_FOLDERS.get(document.kind, 'Documentos')}/{filed_on.year}"
    name = make(KIND_WORDS.get(document.kind, "Documento"), type_word(session, index), session.number,
                session.date.isoformat())
    return ListedFile(f"{folder}/{name}.pdf", document.key, session.key, tells_date, tells_number)


def filed_files(session: Session) -> list[ListedFile]:
    """A plenary session's documents filed by administration, kind and year, under their plainest names."""
    return [_filed(session, document, 0) for document in session.documents]


def _commission_session(portal: Portal, session: Session, name: str, index: int) -> list[ListedFile]:
    kind_word = type_word(session, index)
    folder = (f"Comisiones/Comisión de {name}/"
              f"Sesión {kind_word} No. {session.number:03d} {session.date.isoformat()}")
    files = []
    for document in session.documents:
        if not _published(portal, document):
            continue
        if document.kind == "acta":
            path = f"{folder}/Acta Sesión {kind_word} No. {session.number:03d}.pdf"
        elif document.kind == "informe" and document.topic:
            topic = document.topic[0].upper() + document.topic[1:]
            path = f"{folder}/{roman(document.agenda_point or 1)}. {topic}/Informe - {topic}.pdf"
        else:
            path = f"{folder}/{KIND_WORDS.get(document.kind, 'Documento')}.pdf"
        files.append(ListedFile(path, document.key, session.key))
    return files


def publish_listing(portal: Portal, style: str | None = None) -> None:
    """(Re)build every /archivos/ resource from `portal.listing`: the files, then each folder's index."""
    if style is not None:
        if style not in STYLES:
            raise ValueError(f"directory listing style {style!r} is not one of {', '.join(STYLES)}")
        portal.listing_style = style
    resources = portal.resources
    for path in [p for p in resources if p.startswith(DIRECTORY_ROOT)]:
        del resources[path]
    folders: dict[str, list[Entry]] = {DIRECTORY_ROOT: []}
    documents = {d.key: d for d in portal.documents}
    for listed in portal.listing:
        resource = resources[documents[listed.document_key].url]
        path = DIRECTORY_ROOT + listed.path
        resources[path] = resource
        parent, name = path.rsplit("/", 1)
        _add_entry(folders, parent + "/", Entry(name, False, resource.last_modified, len(resource.body)))
    render = iis_index if portal.listing_style == "iis" else apache_index
    for folder in sorted(folders, key=len, reverse=True):
        entries = folders[folder]
        newest = max((e.modified for e in entries), default=dt.datetime(2025, 1, 10, 15, 0, tzinfo=dt.UTC))
        resources[folder] = Resource(render(folder, entries), HTML, 200, newest)
        if folder != DIRECTORY_ROOT:
            parent, name = folder.rstrip("/").rsplit("/", 1)
            _add_entry(folders, parent + "/", Entry(name, True, newest, None))


def _add_entry(folders: dict[str, list[Entry]], folder: str, entry: Entry) -> None:
    entries = folders.setdefault(folder, [])
    if entry.is_dir and any(e.is_dir and e.name == entry.name for e in entries):
        return
    entries.append(entry)
    while folder != DIRECTORY_ROOT:
        parent = folder.rstrip("/").rsplit("/", 1)[0] + "/"
        if parent in folders:
            break
        folders[parent] = []
        folder = parent
