"""A council's portal crawled over HTTP on 127.0.0.1 in both of the replica's layouts, then changed, then
crawled again: what `concejo crawl --json` reports and what the catalogue and file store hold, against the
replica's model.

Layouts: the "Concejo Abierto" portal (family concejo_abierto: sessions, commissions with members) and the
same council's files as an open directory listing under /archivos/ (family directory_listing: sessions and
commissions from folder and file names, no members). Each story builds its own small replica (one or two
years), so the changes it makes are its own.

The portal's deliberately broken documents stay in: a broken link (404, portal layout only: a directory
listing only lists files that exist) and an "html_error" document (an HTML error page served as a PDF).
Neither is ever archived, so every crawl asks for them again: an unchanged crawl receives exactly those
non-PDF bodies (counted in `bytes_downloaded`) and no PDF at all (`pdfs_downloaded` is 0).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from archive import Catalogue, FileStore, open_catalogue
from concejo.config import Settings, child_environ, load_settings
from crawler.settings import RETRY_TIMES
from replica import Document, Portal, Session, build_portal
from replica.changes import add_session, amend_document, remove_document
from replica.directory import DIRECTORY_ROOT
from replica.server import ReplicaServer
from tests.pipeline.local_sources import replica_source

ROOT = Path(__file__).resolve().parents[2]
SLUG = "quito"
FAMILIES = {"portal": "concejo_abierto", "directory": "directory_listing"}
# The smallest replicas that hold every defect. The directory layout gets two years: a session folder per
# session for the first, and for the second the tree filed by administration, kind and year (where an added
# session goes, beside files crawled before).
YEARS = {"portal": range(2024, 2025), "directory": range(2023, 2025)}
HTTP_500 = "HTTP 500 from the portal"
NOT_A_PDF = "the portal sent an HTML page instead of a PDF (often an error or login page)"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Site:
    """One replica served in one layout, and the archive `concejo crawl` fills from it."""

    layout: str
    portal: Portal
    server: ReplicaServer
    settings: Settings

    def urls(self, document: Document) -> list[str]:
        """Every URL the layout publishes the document under, as the crawler lists it."""
        if self.layout == "portal":
            return [self.server.url + url for url in document.urls]
        return [self.server.url + DIRECTORY_ROOT + f.url for f in self.portal.listing
                if f.document_key == document.key]

    def path(self, document: Document) -> str:
        """The (decoded) path of the document's first URL in this layout, for ReplicaServer.fail."""
        if self.layout == "portal":
            return document.url
        return DIRECTORY_ROOT + next(f.path for f in self.portal.listing if f.document_key == document.key)

    def published(self) -> list[Document]:
        """The documents this layout lists (a directory listing has no broken links)."""
        return [d for d in self.portal.documents if self.urls(d)]

    def body(self, document: Document) -> bytes:
        return self.portal.resources[document.url].body

    def never_archived(self) -> list[Document]:
        """Listed documents no crawl can archive: a 404 and the HTML error page served as a PDF."""
        return [d for d in self.published() if d.defect in ("broken_link", "html_error")]

    def not_pdfs(self) -> list[Document]:
        """Listed documents whose body arrives but is not a PDF: received again by every crawl."""
        return [d for d in self.published() if d.defect == "html_error"]

    def expected_failures(self) -> dict[str, str]:
        """url -> the reason the ledger gives for the never-archived documents."""
        reasons = {"broken_link": "HTTP 404 from the portal", "html_error": NOT_A_PDF}
        return {url: reasons[d.defect] for d in self.never_archived() for url in self.urls(d)}

    def crawl(self, *options: str) -> dict:
        """`concejo crawl --json [OPTIONS]` as a user runs it; the source's ledger."""
        process = subprocess.run([sys.executable, "-m", "concejo", "crawl", "--json", *options],
                                 env=child_environ(self.settings), cwd=ROOT, text=True, capture_output=True,
                                 timeout=300, check=False)
        assert process.returncode == 0, process.stderr[-3000:]
        return json.loads(process.stdout)["sources"][SLUG]


def serve(layout: str, tmp_path: Path) -> tuple[Portal, ReplicaServer, Settings]:
    portal = build_portal(seed=2016, years=YEARS[layout], defects=True)
    server = ReplicaServer(portal).start()
    url = server.url + "/" if layout == "portal" else server.directory_url
    sources = tmp_path / "sources.toml"
    sources.write_text(replica_source(SLUG, "Concejo Metropolitano de Quito", FAMILIES[layout], url), encoding="utf-8")
    settings = load_settings(environ={}, data_dir=tmp_path / "data", sources_file=sources, extract_workers=1,
                             ocr=False, crawl_request_timeout_s=30)
    return portal, server, settings


def failures(ledger: dict) -> dict[str, str]:
    urls = [f["url"] for f in ledger["failed"]]
    assert len(urls) == len(set(urls)), f"a URL failed twice in one ledger: {urls}"
    return {f["url"]: f["reason"] for f in ledger["failed"]}


# --- what the catalogue holds, in the replica model's terms -------------------------------------------------


def session_identity(row) -> tuple:
    """A catalogue session as the portal shows it: (commission, type, date), or (commission, type, None,
    number) when no name of its files gave the date."""
    if row["date"] is None:
        return row["commission_slug"], row["session_type"], None, row["number"]
    return row["commission_slug"], row["session_type"], row["date"]


def catalogue_documents(catalogue: Catalogue) -> dict[str, dict]:
    """url -> {document id, status, current sha256, session identity, kind} for every listed URL."""
    rows = catalogue.db.execute(
        "SELECT u.url, d.id, d.status, d.current_sha256, d.kind, s.session_type, s.date, s.number, "
        "c.slug AS commission_slug FROM document_urls u JOIN documents d ON d.id = u.document_id "
        "LEFT JOIN sessions s ON s.id = d.session_id LEFT JOIN commissions c ON c.id = s.commission_id"
    ).fetchall()
    return {r["url"]: {"id": r["id"], "status": r["status"], "sha256": r["current_sha256"], "kind": r["kind"],
                       "session": session_identity(r)} for r in rows}


def model_identity(session: Session) -> tuple:
    return session.commission_slug, session.session_type, session.date.isoformat()


def expected_directory_sessions(site: Site) -> set[tuple]:
    """The sessions the tree's names tell: dated ones by date, the others by type and number."""
    found = set()
    for listed in site.portal.listing:
        session = site.portal.session_by_key(listed.session_key)
        if listed.tells_date:
            found.add(model_identity(session))
        else:
            found.add((session.commission_slug, session.session_type, None, session.number))
    return found


def sessions_listing(portal: Portal, document: Document) -> set[tuple]:
    """The model sessions that publish a document (a joint commission report is in two)."""
    return {model_identity(s) for s in portal.sessions if any(d is document for d in s.documents)}


# --- the story: crawl, change the portal, crawl again, crawl once more --------------------------------------


@dataclass
class Story:
    seed: Site  # the replica as its seed defines it, for the first crawl (`site`'s portal changes after it)
    site: Site
    first: dict
    first_documents: dict[str, dict]
    first_sessions: list[tuple]
    first_commissions: dict[str, tuple[str, str | None, list[dict]]]  # slug -> name, schedule, members
    second: dict = field(default_factory=dict)
    third: dict = field(default_factory=dict)
    amended: Document | None = None
    old_agenda: bytes = b""
    added: Session | None = None
    removed_url: str = ""
    removed_body: bytes = b""
    stuck: Document | None = None  # answers 500 through every retry during the second crawl


def pick_changes(site: Site) -> tuple[Document, Document, Document]:
    """A plenary agenda to amend, an acta of another session to remove, and a third session's document whose
    file fails through every retry: all born-digital, archived and published once."""
    portal = site.portal
    fine = [d for d in site.published() if d.defect is None and not d.scanned and len(site.urls(d)) == 1]
    plenary = [d for d in fine if portal.session_by_key(d.session_key).is_plenary]
    agenda = next(d for d in plenary if d.kind == "orden_del_dia")
    removed = next(d for d in plenary if d.kind == "acta" and d.session_key != agenda.session_key)
    stuck = next(d for d in fine if d.session_key not in {agenda.session_key, removed.session_key})
    return agenda, removed, stuck


@pytest.fixture(scope="module", params=["portal", "directory"])
def story(request, tmp_path_factory) -> Story:
    layout = request.param
    portal, server, settings = serve(layout, tmp_path_factory.mktemp(f"changes-{layout}"))
    try:
        site = Site(layout, portal, server, settings)
        first = site.crawl()
        with closing(open_catalogue(settings.catalogue_url)) as catalogue:
            seed = Site(layout, build_portal(seed=2016, years=YEARS[layout], defects=True), server, settings)
            story = Story(seed, site, first, catalogue_documents(catalogue),
                          [session_identity(row) for row in catalogue.sessions(council_slug=SLUG)],
                          {row["slug"]: (row["name"], row["schedule"], catalogue.commission_members(row))
                           for row in catalogue.commissions(SLUG)})

        agenda, removed, stuck = pick_changes(site)
        story.old_agenda = site.body(agenda)
        story.amended = amend_document(portal, agenda.key)
        story.added = add_session(portal)
        story.removed_url, story.removed_body = site.urls(removed)[0], site.body(removed)
        remove_document(portal, removed.key)
        story.stuck = stuck
        # The amended agenda answers 500 as many times as the crawl retries, so its last retry gets it; the
        # stuck file answers 500 once more than that, so it fails with the reason the portal gave.
        server.fail(site.path(agenda), times=RETRY_TIMES)
        server.fail(site.path(stuck), times=RETRY_TIMES + 1)
        story.second = site.crawl()
        story.third = site.crawl()
        yield story
    finally:
        server.stop()


# --- the first crawl: exactly what the seed defines ---------------------------------------------------------


def test_first_crawl_archives_every_published_document_under_every_url_with_its_exact_bytes(story):
    site, found = story.seed, story.first_documents
    expected_urls = {url for d in site.published() for url in site.urls(d)}
    assert set(found) == expected_urls
    for document in site.published():
        ids = {found[url]["id"] for url in site.urls(document)}
        assert len(ids) == 1, f"{document.key}: one document, however many URLs publish it"
        row = found[site.urls(document)[0]]
        if document in site.never_archived():
            assert (row["status"], row["sha256"]) == ("fetch_failed", None), document.key
        else:
            assert row["sha256"] == sha256(site.body(document)), document.key
    assert len({row["id"] for row in found.values()}) == len(site.published())
    store = FileStore(site.settings.files_dir)
    assert all(store.is_intact(row["sha256"]) for row in found.values() if row["sha256"])


def test_first_crawl_files_each_document_in_its_session_with_its_kind(story):
    site, found = story.seed, story.first_documents
    for document in site.published():
        row = found[site.urls(document)[0]]
        assert row["kind"] == document.kind, document.key
        if site.layout == "portal":
            assert row["session"] in sessions_listing(site.portal, document), document.key


def test_first_crawl_holds_exactly_the_seeds_sessions(story):
    site, held = story.seed, story.first_sessions
    assert len(held) == len(set(held)), f"a session recorded twice: {Counter(held).most_common(3)}"
    if site.layout == "portal":
        expected = {model_identity(s) for s in site.portal.sessions}
    else:
        expected = expected_directory_sessions(site)
    assert set(held) == expected


def test_first_crawl_holds_exactly_the_seeds_commissions_and_their_members(story):
    site, held = story.seed, story.first_commissions
    if site.layout == "directory":  # folders name commissions; a listing has no members or schedules
        listed = {site.portal.session_by_key(f.session_key).commission_slug for f in site.portal.listing}
        assert set(held) == listed - {None}
        assert all(members == [] for _, _, members in held.values())
        return
    assert {(slug, name, schedule) for slug, (name, schedule, _) in held.items()} == {
        (c.slug, c.name, c.schedule) for c in site.portal.commissions}
    for commission in site.portal.commissions:
        published = [dict(zip(("name", "role"), line.split(" — ", 1), strict=True))
                     for line in commission.members]
        assert held[commission.slug][2] == published, commission.slug


def test_first_crawl_ledger_counts_each_url_once_and_names_each_failure(story):
    site, ledger = story.seed, story.first
    archived = [d for d in site.published() if d not in site.never_archived()]
    assert ledger["new"] == len(archived)
    # A document published under two URLs (the joint commission report) is new once, then unchanged.
    assert ledger["unchanged"] == sum(len(site.urls(d)) - 1 for d in archived)
    assert (ledger["changed"], ledger["withdrawn"]) == (0, 0)
    assert failures(ledger) == site.expected_failures()
    # Each URL's file is received once, a document's second URL too (only then can it be told a copy).
    pdfs = [d for d in archived for _ in site.urls(d)]
    received = [*pdfs, *(d for d in site.not_pdfs() for _ in site.urls(d))]
    assert ledger["pdfs_downloaded"] == len(pdfs)
    assert ledger["bytes_downloaded"] == sum(len(site.body(d)) for d in received)


# --- the second crawl: exactly the changes ------------------------------------------------------------------


def test_second_crawl_reports_exactly_the_amendment_the_new_session_and_the_removal(story):
    ledger = story.second
    assert (ledger["changed"], ledger["new"], ledger["withdrawn"]) == (1, len(story.added.documents), 1)
    first_archived_urls = story.first["new"] + story.first["unchanged"]
    # Everything else archived answered 304: all but the amended, the removed and the stuck one.
    assert ledger["unchanged"] == first_archived_urls - 3


def test_second_crawl_retries_a_500_and_names_the_file_that_failed_through_every_retry(story):
    site, ledger = story.site, story.second
    assert failures(ledger) == {**site.expected_failures(), site.urls(story.stuck)[0]: HTTP_500}


def test_second_crawl_downloads_only_the_changed_and_new_documents(story):
    site, ledger = story.site, story.second
    downloaded = [story.amended, *story.added.documents]
    assert ledger["pdfs_downloaded"] == len(downloaded)
    assert ledger["bytes_downloaded"] == sum(len(site.body(d)) for d in [*downloaded, *site.not_pdfs()])


def test_catalogue_keeps_both_versions_of_the_amended_agenda_with_the_new_one_current(story):
    site = story.site
    with closing(open_catalogue(site.settings.catalogue_url)) as catalogue:
        document_id = catalogue_documents(catalogue)[site.urls(story.amended)[0]]["id"]
        versions = catalogue.versions(document_id)
        current = catalogue.document(document_id)["current_sha256"]
    assert [v["sha256"] for v in versions] == [sha256(story.old_agenda), sha256(site.body(story.amended))]
    assert [v["is_current"] for v in versions] == [0, 1]
    assert current == sha256(site.body(story.amended))
    store = FileStore(site.settings.files_dir)
    assert all(store.is_intact(v["sha256"]) for v in versions)


def test_removed_document_is_withdrawn_but_its_file_and_url_stay(story):
    site = story.site
    with closing(open_catalogue(site.settings.catalogue_url)) as catalogue:
        row = catalogue_documents(catalogue)[story.removed_url]
        versions = catalogue.versions(row["id"])
        withdrawn = catalogue.counts()["withdrawn"]
    assert row["status"] == "withdrawn" and withdrawn == 1
    assert [v["sha256"] for v in versions] == [sha256(story.removed_body)]
    assert FileStore(site.settings.files_dir).is_intact(versions[0]["sha256"])


def test_added_session_is_in_the_catalogue_with_its_documents_archived(story):
    site, added = story.site, story.added
    with closing(open_catalogue(site.settings.catalogue_url)) as catalogue:
        found = catalogue_documents(catalogue)
        sessions = {session_identity(row) for row in catalogue.sessions(council_slug=SLUG)}
    assert model_identity(added) in sessions
    for document in added.documents:
        row = found[site.urls(document)[0]]
        assert (row["session"], row["kind"]) == (model_identity(added), document.kind)
        assert row["sha256"] == sha256(site.body(document))


def test_stuck_file_keeps_the_version_archived_before(story):
    site = story.site
    url = site.urls(story.stuck)[0]
    with closing(open_catalogue(site.settings.catalogue_url)) as catalogue:
        row = catalogue_documents(catalogue)[url]
    assert row["sha256"] == story.first_documents[url]["sha256"] == sha256(site.body(story.stuck))
    assert row["status"] != "withdrawn"


# --- the third crawl: nothing changed -----------------------------------------------------------------------


def test_unchanged_third_crawl_downloads_no_pdf_and_reports_nothing_new(story):
    site, ledger = story.site, story.third
    assert (ledger["new"], ledger["changed"], ledger["withdrawn"]) == (0, 0, 0)
    assert failures(ledger) == site.expected_failures()  # the stuck file recovered
    # The only bodies received are the non-PDFs that failed before (nothing of them was archived to compare).
    assert ledger["pdfs_downloaded"] == 0
    assert ledger["bytes_downloaded"] == sum(len(site.body(d)) for d in site.not_pdfs())


# --- a listing page answering 500: once, or through every retry ---------------------------------------------


def listing_page(site: Site, session: Session) -> str:
    """The page (decoded path) that lists the session's agenda: its month page, or the agenda's folder."""
    if site.layout == "portal":
        return f"/sesiones/{session.date.year}/{session.date.month:02d}/"
    agenda = next(f for f in site.portal.listing if f.session_key == session.key and "Órdenes" in f.path)
    return DIRECTORY_ROOT + agenda.path.rsplit("/", 1)[0] + "/"


@pytest.mark.parametrize("layout", ["portal", "directory"])
def test_a_listing_page_answering_500_once_is_retried_and_the_session_it_now_lists_is_found(layout, tmp_path):
    portal, server, settings = serve(layout, tmp_path)
    try:
        site = Site(layout, portal, server, settings)
        site.crawl()
        added = add_session(portal)
        page = listing_page(site, added)
        assert page in portal.resources, "the page listing the new session was crawled before (and cached)"
        server.fail(page, times=1)
        ledger = site.crawl()
    finally:
        server.stop()
    assert (ledger["new"], ledger["changed"], ledger["withdrawn"]) == (len(added.documents), 0, 0)
    assert failures(ledger) == site.expected_failures()


def a_listing_page(site: Site) -> tuple[str, list[Document]]:
    """A page listing plenary documents (a month page, or a session's folder) and the documents it lists."""
    session = next(s for s in site.portal.sessions if s.is_plenary and len(s.documents) == 2
                   and all(d.defect is None for d in s.documents))
    if site.layout == "portal":
        page = f"/sesiones/{session.date.year}/{session.date.month:02d}/"
        month = [s for s in site.portal.sessions
                 if s.is_plenary and (s.date.year, s.date.month) == (session.date.year, session.date.month)]
        return page, [d for s in month for d in s.documents]
    first_file = next(f.path for f in site.portal.listing if f.session_key == session.key)
    folder = first_file.rsplit("/", 1)[0] + "/"
    keys = {f.document_key for f in site.portal.listing if f.path.startswith(folder)}
    return DIRECTORY_ROOT + folder, [d for d in site.portal.documents if d.key in keys]


@pytest.mark.parametrize("options", [(), ("--full",)], ids=["incremental", "full-sweep"])
@pytest.mark.parametrize("layout", ["portal", "directory"])
def test_a_listing_page_failing_through_every_retry_is_named_and_nothing_it_lists_is_withdrawn(
        layout, options, tmp_path):
    """Incremental, the cached copy must not pass for the page; a full sweep has none to fall back on."""
    portal, server, settings = serve(layout, tmp_path)
    try:
        site = Site(layout, portal, server, settings)
        site.crawl()
        page, listed = a_listing_page(site)
        assert listed, "the page lists documents"
        server.fail(page, times=RETRY_TIMES + 1)
        ledger = site.crawl(*options)
        with closing(open_catalogue(settings.catalogue_url)) as catalogue:
            statuses = {catalogue_documents(catalogue)[site.urls(d)[0]]["status"] for d in listed}
    finally:
        server.stop()
    assert ledger["withdrawn"] == 0 and "withdrawn" not in statuses
    assert failures(ledger) == {**site.expected_failures(), server.url + quote(page): HTTP_500}
