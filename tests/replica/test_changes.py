"""The replica's change API (replica.changes, ReplicaServer.fail), seen over real HTTP on 127.0.0.1 the way a
re-crawl sees it: amended bytes under new validators, a session added, a document removed, 500s then recovery."""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest

from replica import Portal, build_portal
from replica.changes import AMENDMENT, add_session, amend_document, remove_document
from replica.directory import DIRECTORY_ROOT
from replica.server import ReplicaServer
from tests.replica.fetching import fetch

YEARS = range(2023, 2025)  # two years: per-session folders for the first, the filed tree for the second




def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()


@pytest.fixture()
def portal() -> Portal:
    return build_portal(seed=2016, years=YEARS)


@pytest.fixture()
def server(portal: Portal) -> Iterator[ReplicaServer]:
    with ReplicaServer(portal) as running:
        yield running


def _listed_url(server: ReplicaServer, portal: Portal, key: str) -> str:
    listed = next(f for f in portal.listing if f.document_key == key)
    return server.url + DIRECTORY_ROOT + listed.url


def _agenda(portal: Portal):
    return next(d for d in portal.documents if d.kind == "orden_del_dia" and d.defect is None and not d.scanned
                and any(f.document_key == d.key for f in portal.listing))


def test_an_amended_agenda_has_new_bytes_and_validators_at_the_same_urls(server, portal) -> None:
    agenda = _agenda(portal)
    urls = [server.url + agenda.url, _listed_url(server, portal, agenda.key)]
    before = [fetch(url) for url in urls]

    amend_document(portal, agenda.key)

    for url, (_, old_headers, old_body) in zip(urls, before, strict=True):
        status, headers, body = fetch(url, {"If-None-Match": old_headers["ETag"]})
        assert status == 200 and body != old_body and headers["ETag"] != old_headers["ETag"]
        assert " ".join(AMENDMENT.split()) in " ".join(_text(body).split())
        assert fetch(url, {"If-Modified-Since": old_headers["Last-Modified"]})[0] == 200
        assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert any(AMENDMENT in page for page in agenda.pages), "the model holds the amended text"


def test_an_amendment_changes_the_folder_listing_it_is_in(server, portal) -> None:
    agenda = _agenda(portal)
    folder = _listed_url(server, portal, agenda.key).rsplit("/", 1)[0] + "/"
    _, headers, _ = fetch(folder)

    amend_document(portal, agenda.key)

    assert fetch(folder, {"If-None-Match": headers["ETag"]})[0] == 200  # size and date shown changed


def test_an_added_session_is_listed_in_both_layouts_and_served(server, portal) -> None:
    session = add_session(portal, "extraordinaria")

    month = f"{server.url}/sesiones/{session.date.year}/{session.date.month:02d}/"
    page = fetch(month)[2].decode()
    assert f"Sesión extraordinaria {session.date.isoformat()}" in page
    for document in session.documents:
        assert f'href="{document.url}"' in page
        status, _, body = fetch(server.url + document.url)
        assert status == 200 and body.startswith(b"%PDF")
        listed = _listed_url(server, portal, document.key)
        assert fetch(listed)[2] == body
        folder, name = listed.rsplit("/", 1)
        assert f'href="{name}"' in fetch(folder + "/")[2].decode()
    assert session in portal.sessions and all(d in portal.documents for d in session.documents)


def test_a_removed_document_leaves_every_listing_and_its_urls(server, portal) -> None:
    agenda = _agenda(portal)
    session = portal.session_by_key(agenda.session_key)
    listed = _listed_url(server, portal, agenda.key)
    folder, name = listed.rsplit("/", 1)
    month = f"{server.url}/sesiones/{session.date.year}/{session.date.month:02d}/"
    assert f'href="{agenda.url}"' in fetch(month)[2].decode()

    remove_document(portal, agenda.key)

    assert f'href="{agenda.url}"' not in fetch(month)[2].decode()
    assert f'href="{name}"' not in fetch(folder + "/")[2].decode()
    assert fetch(server.url + agenda.url)[0] == 404 and fetch(listed)[0] == 404
    assert agenda not in portal.documents and agenda not in session.documents


def test_a_document_removed_from_the_listing_only_is_still_served(server, portal) -> None:
    agenda = _agenda(portal)
    body = fetch(server.url + agenda.url)[2]

    remove_document(portal, agenda.key, keep_file=True)

    status, _, served = fetch(server.url + agenda.url)
    assert (status, served) == (200, body)
    assert not any(f.document_key == agenda.key for f in portal.listing)


def test_a_path_answers_500_the_times_asked_then_recovers(server, portal) -> None:
    agenda = _agenda(portal)
    listed = _listed_url(server, portal, agenda.key)
    folder = listed.rsplit("/", 1)[0] + "/"
    server.fail(DIRECTORY_ROOT + next(f.path for f in portal.listing if f.document_key == agenda.key), times=2)
    server.fail(agenda.url, times=1)

    assert [fetch(listed)[0] for _ in range(3)] == [500, 500, 200]
    assert [fetch(server.url + agenda.url)[0] for _ in range(2)] == [500, 200]
    assert fetch(folder)[0] == 200, "only the path told to fail fails"


def test_a_failing_path_fails_even_a_conditional_request(server, portal) -> None:
    agenda = _agenda(portal)
    _, headers, _ = fetch(server.url + agenda.url)
    server.fail(agenda.url, times=1)

    assert fetch(server.url + agenda.url, {"If-None-Match": headers["ETag"]})[0] == 500
    assert fetch(server.url + agenda.url, {"If-None-Match": headers["ETag"]})[0] == 304
