"""The replica's open directory listing (/archivos/) over real HTTP on 127.0.0.1: Apache and IIS index pages,
every listed file serving its document's bytes, the naming mess of Quito's real trees, and the large build."""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest

from replica import Portal, build_portal
from replica.build import build_large_portal
from replica.directory import DIRECTORY_ROOT
from replica.server import ReplicaServer
from tests.replica.fetching import fetch

HREF = re.compile(r'href="([^"]+)"', re.IGNORECASE)
MAX_FOLDERS = 2000  # bounds the walk below; the default replica has about a hundred folders




def _walk(base: str) -> tuple[set[str], int]:
    """Every file path (decoded) reachable downward from /archivos/ by following the index pages' links."""
    files: set[str] = set()
    folders = [base + DIRECTORY_ROOT]
    seen = 0
    while folders and seen < MAX_FOLDERS:
        folder = folders.pop()
        seen += 1
        status, _, body = fetch(folder)
        assert status == 200, folder
        for href in HREF.findall(body.decode()):
            # As a browser does: characters a link leaves raw (IIS leaves accents) are sent percent-encoded.
            url = quote(urljoin(folder, unescape(href)), safe=":/?#[]@!$&'()*+,;=%")
            if "?" in url or not url.startswith(folder) or url == folder:
                continue
            (folders.append(url) if url.endswith("/") else files.add(unquote(urlsplit(url).path)))
    return files, seen


def test_apache_root_index_is_shaped_like_mod_autoindex(server: ReplicaServer) -> None:
    status, headers, body = fetch(server.directory_url)
    text = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Index of /archivos</title>" in text and "<h1>Index of /archivos</h1>" in text
    assert '<a href="/">Parent Directory</a>' in text and '<a href="?C=N;O=D">Name</a>' in text
    assert '<a href="Administraci%C3%B3n%202023-2027/">Administración 2023-2027/</a>' in text
    assert '<a href="Comisiones/">Comisiones/</a>' in text


def test_walking_the_index_finds_exactly_the_listed_files(server: ReplicaServer, portal: Portal) -> None:
    files, _ = _walk(server.url)
    assert files == {DIRECTORY_ROOT + listed.path for listed in portal.listing}


def test_every_listed_file_serves_its_documents_bytes(server: ReplicaServer, portal: Portal) -> None:
    documents = {d.key: d for d in portal.documents}
    for listed in portal.listing:
        status, headers, body = fetch(server.url + DIRECTORY_ROOT + listed.url)
        assert status == 200 and headers["Content-Type"] == "application/pdf", listed.path
        assert body == portal.resources[documents[listed.document_key].url].body, listed.path


def test_every_published_document_is_listed_and_broken_links_are_not(portal: Portal) -> None:
    listed = {f.document_key for f in portal.listing}
    published = {d.key for d in portal.documents if d.url in portal.resources}
    assert listed == published
    assert not listed & {d.key for d in portal.documents_with_defect("broken_link")}


def test_a_folder_and_a_file_answer_conditional_requests(server: ReplicaServer, portal: Portal) -> None:
    listed = portal.listing[0]
    for url in (server.directory_url, server.url + DIRECTORY_ROOT + listed.url):
        status, headers, _ = fetch(url)
        assert status == 200
        assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
        assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304


def _session_of(portal: Portal, key: str):
    return portal.session_by_key(key)


# The naming mess of Quito's real trees, one case each: (what, test on a listed file and its session).
MESSES = {
    "decomposed accents (NFD)": lambda f, s: f.path != unicodedata.normalize("NFC", f.path),
    "-signed": lambda f, s: f.path.endswith("-signed.pdf"),
    "-1": lambda f, s: f.path.endswith("-1.pdf"),
    "double spaces": lambda f, s: "  " in f.path,
    "ExtraOrdinaria": lambda f, s: "ExtraOrdinaria" in f.path,
    "Nro.": lambda f, s: " Nro. " in f.path,
    "N°": lambda f, s: " N° " in f.path,
    "a name that is itself percent-encoded": lambda f, s: "%20" in f.path.rsplit("/", 1)[1],
    "no date in the name or folders": lambda f, s: not f.tells_date and s.date.isoformat() not in f.path,
    "a year folder that is not the session's": lambda f, s: re.search(
        r"/(\d{4})/[^/]+$", f.path) is not None and re.search(r"/(\d{4})/[^/]+$", f.path)[1] != str(s.date.year),
    "a per-session folder": lambda f, s: f"/Sesión {s.session_type.capitalize()} {s.date.isoformat()}/" in f.path,
    "an agenda point folder": lambda f, s: re.search(r"/[IVX]+\. [^/]+/Informe - [^/]+\.pdf$", f.path) is not None,
}


@pytest.mark.parametrize("mess", sorted(MESSES))
def test_the_tree_has_the_naming_mess_of_real_trees(portal: Portal, mess: str) -> None:
    assert any(MESSES[mess](f, _session_of(portal, f.session_key)) for f in portal.listing)


def test_iis_variant_is_shaped_like_iis_directory_browsing(tmp_path) -> None:
    portal = build_portal(seed=2016, years=range(2023, 2025), directory_style="iis")
    with ReplicaServer(portal) as server:
        status, _, body = fetch(server.directory_url)
        text = body.decode()
        assert status == 200 and "<H1>archivos.concejo.local - /archivos/</H1>" in text
        assert '<A HREF="/">[To Parent Directory]</A>' in text
        assert '&lt;dir&gt; <A HREF="/archivos/Comisiones/">Comisiones</A>' in text
        files, _ = _walk(server.url)
    assert files == {DIRECTORY_ROOT + listed.path for listed in portal.listing}


def test_a_large_replica_has_at_least_the_documents_asked_for_all_listed() -> None:
    portal = build_large_portal(seed=7, min_documents=400)
    published = [d for d in portal.documents if d.url in portal.resources]
    assert len(portal.documents) >= 400
    assert len(portal.listing) == len(published) + sum(len(d.urls) - 1 for d in published if d.kind == "informe")
    assert len(published) == len(portal.documents) and not any(d.defect for d in portal.documents)
    assert len({portal.resources[d.url].body for d in published}) == len(published), \
        "every document has its own bytes (none merged as duplicates)"
