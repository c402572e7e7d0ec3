"""Change a built replica between two crawls, as a real portal changes: for tests and the crawl bench.

    amend_document(portal, key)      new bytes at the same URLs, a later Last-Modified (so a new ETag)
    add_session(portal)              a new plenary session with its agenda and minutes, in both layouts
    remove_document(portal, key)     gone from every listing (and, unless keep_file, from its URLs)
    ReplicaServer.fail(path, times)  a path answers 500 `times` times, then recovers (replica.server)

Each change updates the model (sessions, documents, `pages`, `listing`) with the resources, so the model
stays the ground truth, and re-renders the listing pages of both layouts. A running ReplicaServer shows it
at once. Changes never read the clock: each one happens one hour after the newest resource.
"""

from __future__ import annotations

import datetime as dt

from replica.build import PDF, publish_pages
from replica.directory import filed_files, publish_listing
from replica.drafting import COUNCIL, RUNNING_HEADER
from replica.layout import Block, Heading, PageFrame, Paragraph, page_texts, paginate
from replica.model import Document, Portal, Resource, Session
from replica.pdf import render_text_pdf
from replica.spanish import date_long

AMENDMENT = "Conocimiento y resolución del informe de la Comisión de Movilidad sobre el plan Hoy no Circula."
CHANGE_STEP = dt.timedelta(hours=1)


def next_moment(portal: Portal) -> dt.datetime:
    """When the next change happens: one hour after the newest resource, so validators always move on."""
    return max(r.last_modified for r in portal.resources.values()) + CHANGE_STEP


def refresh(portal: Portal) -> None:
    """Re-render every listing page of both layouts from the model."""
    publish_pages(portal)
    publish_listing(portal)


def amend_document(portal: Portal, key: str, addition: str = AMENDMENT) -> Document:
    """Publish a new version of a document at the same URLs: its text plus one added point."""
    document = portal.document_by_key(key)
    header, lines = _text_of(document)
    blocks: list[Block] = [Paragraph(line) for line in lines]
    blocks += [Heading("ALCANCE AL DOCUMENTO", 11), Paragraph(f"Se incorpora el punto: {addition}")]
    body, pages = _render(document.title, header, blocks)
    document.pages, document.scanned, document.defect = pages, False, None
    moment = next_moment(portal)
    for url in document.urls:
        portal.resources[url] = Resource(body, PDF, 200, moment)
    refresh(portal)
    return document


def add_session(portal: Portal, session_type: str = "ordinaria", day: dt.date | None = None) -> Session:
    """A new plenary session after the last one (or on `day`), with its agenda and minutes published."""
    plenary = [s for s in portal.sessions if s.is_plenary]
    day = day or max(s.date for s in plenary) + dt.timedelta(days=7)
    number = max((s.number for s in plenary), default=0) + 1
    session = Session(f"pleno-{day.isoformat()}-{session_type}", session_type, number, day)
    if any(s.key == session.key for s in portal.sessions):
        raise ValueError(f"the replica already has a session {session.key}")
    label = f"Sesión {session_type.capitalize()} No. {number:03d}"
    moment = next_moment(portal)
    texts = {
        "orden_del_dia": f"Se convoca a la {label} del Concejo, el {date_long(day)}. Punto único: {AMENDMENT}",
        "acta": f"En la {label}, celebrada el {date_long(day)}, el Concejo aprobó el punto único: {AMENDMENT}",
    }
    for kind, title, text in (("orden_del_dia", f"Orden del Día de la {label}", texts["orden_del_dia"]),
                              ("acta", f"Acta de la {label}", texts["acta"])):
        url = f"/documentos/{day.year}/{day.month:02d}/{session.key}-{kind}.pdf"
        body, pages = _render(title, RUNNING_HEADER, [Heading(COUNCIL, 14), Heading(title.upper(), 12),
                                                      Paragraph(text)])
        document = Document(f"{session.key}-{kind}", kind, title, [url], session.key, pages=pages)
        session.documents.append(document)
        portal.documents.append(document)
        portal.resources[url] = Resource(body, PDF, 200, moment)
    portal.sessions.append(session)
    portal.sessions.sort(key=lambda s: (s.date, s.key))
    portal.listing.extend(filed_files(session))
    refresh(portal)
    return session


def remove_document(portal: Portal, key: str, keep_file: bool = False) -> Document:
    """Take a document off every listing; its URLs answer 404 unless `keep_file` (an unlisted file)."""
    document = portal.document_by_key(key)
    for session in portal.sessions:
        if document in session.documents:
            session.documents.remove(document)
    portal.documents.remove(document)
    portal.listing[:] = [f for f in portal.listing if f.document_key != key]
    if not keep_file:
        for url in document.urls:
            portal.resources.pop(url, None)
    refresh(portal)
    return document


def _text_of(document: Document) -> tuple[str, list[str]]:
    """The running header and body lines of a document's pages (without header and footer)."""
    header = document.pages[0].split("\n", 1)[0] if document.pages else RUNNING_HEADER
    lines = [line for page in document.pages for line in page.split("\n")[1:-1] if line.strip()]
    return header, lines or [document.title]


def _render(title: str, header: str, blocks: list[Block]) -> tuple[bytes, list[str]]:
    frame = PageFrame(header)
    laid_out = paginate(blocks)
    return render_text_pdf(title, frame, laid_out), page_texts(frame, laid_out)
