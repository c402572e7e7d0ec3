"""Two councils in one archive, searchable together and apart.

Two replicas built from different seeds are served on two ports of 127.0.0.1: one as the "Concejo Abierto"
portal (family concejo_abierto), the other as an open directory listing (family directory_listing), configured
as two sources of one sources file under two slugs and names. `concejo run --once --json` crawls, extracts and
indexes both into one archive (the embedded index); then the search app, built with the same settings, is
asked what a citizen would ask. Expected documents come from the replicas' models, never from counts written
here.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive import open_catalogue
from concejo.config import Settings, child_environ, load_settings
from replica import Document, Portal, build_portal
from replica.directory import DIRECTORY_ROOT
from replica.server import ReplicaServer
from search_app import create_app
from tests.pipeline.local_sources import replica_source

ROOT = Path(__file__).resolve().parents[2]
PHRASE = "presupuesto participativo"  # planted by every replica in a few actas and reports
WORD = "presupuesto"  # in many documents of any replica


@dataclass
class Council:
    slug: str
    name: str
    family: str
    portal: Portal
    server: ReplicaServer

    @property
    def start_url(self) -> str:
        return self.server.url + "/" if self.family == "concejo_abierto" else self.server.directory_url

    def urls(self, document: Document) -> list[str]:
        if self.family == "concejo_abierto":
            return [self.server.url + url for url in document.urls]
        return [self.server.url + DIRECTORY_ROOT + f.url for f in self.portal.listing
                if f.document_key == document.key]

    def with_phrase(self, phrase: str) -> list[Document]:
        """Born-digital documents of this council whose text holds the phrase (scans need OCR, off here)."""
        found = {id(d): d for d, _ in self.portal.find_pages(phrase, include_scanned=False) if self.urls(d)}
        return list(found.values())


@dataclass
class Archive:
    councils: list[Council]
    settings: Settings
    ledger: dict

    def document_ids(self, council: Council, documents: list[Document]) -> set[int]:
        """Catalogue ids of replica documents, through the URLs the council published them under."""
        with closing(open_catalogue(self.settings.catalogue_url)) as catalogue:
            ids = set()
            for document in documents:
                row = catalogue.db.execute("SELECT document_id FROM document_urls WHERE url = ?",
                                           (council.urls(document)[0],)).fetchone()
                assert row is not None, f"{council.slug}: {document.key} was never archived"
                ids.add(row[0])
        return ids


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("two-councils")
    councils = [
        Council("quito", "Concejo Metropolitano de Quito", "concejo_abierto",
                build_portal(seed=2016, years=range(2024, 2025)), None),
        # Two years: the second administration's tree holds agendas whose names tell no date.
        Council("cuenca", "Concejo Cantonal de Cuenca", "directory_listing",
                build_portal(seed=2017, years=range(2023, 2025)), None),
    ]
    for council in councils:
        council.server = ReplicaServer(council.portal).start()
    try:
        sources = root / "sources.toml"
        sources.write_text("".join(replica_source(c.slug, c.name, c.family, c.start_url)
                                   for c in councils), encoding="utf-8")
        settings = load_settings(environ={}, data_dir=root / "data", sources_file=sources, extract_workers=2,
                                 ocr=False, crawl_request_timeout_s=30)
        process = subprocess.run([sys.executable, "-m", "concejo", "run", "--once", "--json"],
                                 env=child_environ(settings), cwd=ROOT, text=True, capture_output=True,
                                 timeout=600, check=False)
        assert process.returncode == 0, process.stderr[-3000:]
        yield Archive(councils, settings, json.loads(process.stdout.strip().splitlines()[-1])["sources"])
    finally:
        for council in councils:
            council.server.stop()


@pytest.fixture(scope="module")
def client(archive):
    return create_app({"TESTING": True}, settings=archive.settings).test_client()


def search(client, **params) -> dict:
    response = client.get("/api/v1/search", query_string={"per_page": 100, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def export_ids(client, **params) -> set[int]:
    response = client.get("/api/v1/export.jsonl", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {json.loads(line)["document_id"] for line in response.get_data(as_text=True).splitlines()}


def test_one_run_crawls_both_sources_into_the_archive(archive):
    assert set(archive.ledger) == {c.slug for c in archive.councils}
    for council in archive.councils:
        ledger = archive.ledger[council.slug]
        assert ledger["error"] is None and ledger["new"] > 0, (council.slug, ledger)
    with closing(open_catalogue(archive.settings.catalogue_url)) as catalogue:
        held = {row["slug"]: row["name"] for row in catalogue.councils()}
    assert held == {c.slug: c.name for c in archive.councils}


def test_a_phrase_in_both_councils_documents_finds_exactly_those_of_both(archive, client):
    expected = {c.slug: archive.document_ids(c, c.with_phrase(PHRASE)) for c in archive.councils}
    assert all(expected.values()), "each replica plants the phrase"
    result = search(client, q=f'"{PHRASE}"')
    by_council = {c.slug: {h["document_id"] for h in result["hits"] if h["council"] == c.slug}
                  for c in archive.councils}
    assert by_council == expected
    assert result["total"] == sum(len(ids) for ids in expected.values())
    assert export_ids(client, q=f'"{PHRASE}"') == set().union(*expected.values())


@pytest.mark.parametrize("slug", ["quito", "cuenca"])
def test_the_council_filter_gives_only_that_councils_documents(archive, client, slug):
    council = next(c for c in archive.councils if c.slug == slug)
    expected = archive.document_ids(council, council.with_phrase(PHRASE))
    result = search(client, q=f'"{PHRASE}"', concejo=slug)
    assert {h["council"] for h in result["hits"]} == {slug}
    assert {h["document_id"] for h in result["hits"]} == expected == export_ids(client, q=f'"{PHRASE}"',
                                                                                  concejo=slug)
    assert result["total"] == len(expected)


def test_a_word_of_both_councils_splits_into_totals_that_add_up_and_a_facet_listing_both(archive, client):
    assert all(c.with_phrase(WORD) for c in archive.councils), "the word is in both replicas' documents"
    everything = search(client, q=WORD)
    apart = {c.slug: search(client, q=WORD, concejo=c.slug) for c in archive.councils}
    exported = client.get("/api/v1/export.jsonl", query_string={"q": WORD}).get_data(as_text=True)
    assert {json.loads(line)["council"] for line in exported.splitlines()} == set(apart)  # all, not a page
    assert all(r["total"] > 0 for r in apart.values())
    assert sum(r["total"] for r in apart.values()) == everything["total"]
    facet = {entry["value"]: entry["count"] for entry in everything["facets"]["council"]}
    assert facet == {slug: r["total"] for slug, r in apart.items()}
    for slug, result in apart.items():
        assert {h["council"] for h in result["hits"]} == {slug}


def test_the_search_pages_council_facet_names_both_councils_with_their_counts(archive, client):
    page = client.get("/", query_string={"q": WORD})
    assert page.status_code == 200
    facets = re.search(r'<aside class="facets">(.*?)</aside>', page.get_data(as_text=True), re.DOTALL)
    council_list = re.search(r"<h3>Concejo</h3>\s*<ul>(.*?)</ul>", facets[1], re.DOTALL)
    assert council_list, "the page shows a council facet"
    shown = {html.unescape(name).strip(): int(count) for name, count in
             re.findall(r'<li>(.*?) <span class="count">(\d+)</span></li>', council_list[1])}
    assert shown == {c.name: search(client, q=WORD, concejo=c.slug)["total"] for c in archive.councils}


def test_actas_and_agendas_whose_file_name_gives_no_date_join_the_session_their_text_names(archive):
    """Issue 10: in the directory tree some names tell no date (or the wrong one); after extraction each
    born-digital acta and agenda sits in the session of the date its text states, with its listing kept."""
    cuenca = next(c for c in archive.councils if c.family == "directory_listing")
    undated = [f for f in cuenca.portal.listing if not f.tells_date
               and cuenca.portal.document_by_key(f.document_key).kind in {"acta", "orden_del_dia"}
               and not cuenca.portal.document_by_key(f.document_key).scanned
               and not cuenca.portal.document_by_key(f.document_key).defect]
    assert undated, "the replica's directory tree should hold undated actas or agendas"
    with closing(open_catalogue(archive.settings.catalogue_url)) as catalogue:
        for listed in undated:
            row = catalogue.db.execute(
                "SELECT s.date, d.listed_session_key FROM document_urls u JOIN documents d ON d.id = u.document_id "
                "JOIN sessions s ON s.id = d.session_id WHERE u.url = ?",
                (cuenca.server.url + DIRECTORY_ROOT + listed.url,)).fetchone()
            assert row is not None, listed.path
            assert row["date"] == cuenca.portal.session_by_key(listed.session_key).date.isoformat(), listed.path
            assert row["listed_session_key"], listed.path
