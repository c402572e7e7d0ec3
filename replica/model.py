"""The replica's data model: what the generated portal contains and what tests may ask about it.

These dataclasses are the contract other packages code against (tests name expected
documents and pages through them). They hold no generation or rendering logic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote

SessionType = Literal["ordinaria", "extraordinaria", "solemne", "conmemorativa", "inaugural"]
DocumentKind = Literal["orden_del_dia", "acta", "convocatoria", "informe", "resolucion"]
Defect = Literal["broken_link", "corrupt", "html_error"]

SESSION_TYPES: tuple[str, ...] = ("ordinaria", "extraordinaria", "solemne", "conmemorativa", "inaugural")
DEFECTS: tuple[str, ...] = ("broken_link", "corrupt", "html_error")

# Link text used in listings for each document kind (what the portal shows, in Spanish).
LINK_TEXT: dict[str, str] = {
    "orden_del_dia": "ORDEN DEL DÍA",
    "acta": "ACTA",
    "convocatoria": "CONVOCATORIA",
    "informe": "INFORME",
    "resolucion": "RESOLUCIÓN",
}


@dataclass(frozen=True)
class Resource:
    """One servable URL: bytes, content type, HTTP status and a fixed Last-Modified (UTC)."""

    body: bytes
    content_type: str
    status: int = 200
    last_modified: dt.datetime = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Council:
    """The council the portal belongs to."""

    slug: str
    name: str


@dataclass(eq=False)
class Document:
    """A published document. `pages` is the exact text drawn on each page (empty when unknown)."""

    key: str
    kind: str
    title: str
    urls: list[str]
    session_key: str
    pages: list[str] = field(default_factory=list)
    scanned: bool = False
    defect: str | None = None
    identifiers: list[str] = field(default_factory=list)
    source_file: Path | None = None
    topic: str | None = None  # the agenda point a report is about (commission informes), as its folder names it
    agenda_point: int | None = None  # that point's place in the session's agenda (1-based)

    @property
    def url(self) -> str:
        """The primary URL (the first one it is published under)."""
        return self.urls[0]


@dataclass(eq=False)
class Session:
    """A plenary (commission_slug None) or commission session and the documents published for it."""

    key: str
    session_type: str
    number: int
    date: dt.date
    commission_slug: str | None = None
    documents: list[Document] = field(default_factory=list)

    @property
    def is_plenary(self) -> bool:
        return self.commission_slug is None


@dataclass(eq=False)
class Commission:
    """A standing commission: members like 'Concejala Ana Torres — Presidenta', a schedule, sessions."""

    slug: str
    name: str
    members: list[str]
    schedule: str
    sessions: list[Session] = field(default_factory=list)


@dataclass(frozen=True)
class ListedFile:
    """A document as the open directory listing publishes it (replica.directory).

    `path` is the name on disk, below DIRECTORY_ROOT, exactly as served (some names decomposed, NFD);
    `tells_date` / `tells_number` say whether its folder and file names give the session's date and number.
    """

    path: str
    document_key: str
    session_key: str
    tells_date: bool = True
    tells_number: bool = True

    @property
    def url(self) -> str:
        """The percent-encoded URL path, as an Apache index links it."""
        return quote(self.path)


@dataclass(eq=False)
class Portal:
    """Everything the replica serves, plus the ground truth behind it."""

    seed: int
    council: Council
    sessions: list[Session]
    commissions: list[Commission]
    documents: list[Document]
    resources: dict[str, Resource]
    listing: list[ListedFile] = field(default_factory=list)  # the open directory listing's files
    listing_style: str = "apache"  # how its folders are rendered: "apache" or "iis"

    def document_by_key(self, key: str) -> Document:
        """The document with this key; KeyError naming the key otherwise."""
        for document in self.documents:
            if document.key == key:
                return document
        raise KeyError(f"no replica document with key {key!r}")

    def session_by_key(self, key: str) -> Session:
        """The session with this key; KeyError naming the key otherwise."""
        for session in self.sessions:
            if session.key == key:
                return session
        raise KeyError(f"no replica session with key {key!r}")

    def sessions_of_type(self, session_type: str) -> list[Session]:
        """Sessions (plenary and commission) of one type, in date order."""
        return [s for s in self.sessions if s.session_type == session_type]

    def documents_with_defect(self, defect: str) -> list[Document]:
        """Documents carrying a given defect ('broken_link', 'corrupt', 'html_error')."""
        return [d for d in self.documents if d.defect == defect]

    def find_pages(self, phrase: str, include_scanned: bool = True) -> list[tuple[Document, int]]:
        """(document, 1-based page) for every page containing `phrase`, case-insensitively.

        Defective documents are never included (their text cannot be fetched). Scanned
        documents are included unless `include_scanned` is False; check `document.scanned`
        to tell pages that need OCR from pages with a text layer.
        """
        needle = " ".join(phrase.lower().split())
        hits = []
        for document in self.documents:
            if document.defect is not None or (document.scanned and not include_scanned):
                continue
            for number, text in enumerate(document.pages, start=1):
                if needle in " ".join(text.lower().split()):
                    hits.append((document, number))
        return hits
