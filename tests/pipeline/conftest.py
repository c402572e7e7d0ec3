"""The real pipeline over the replica served on 127.0.0.1: crawl, archive, extract, index, then the app."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive import Catalogue, open_catalogue
from concejo import steps
from concejo.config import Settings, load_settings
from replica import Document, Portal, build_portal
from replica.server import ReplicaServer
from search_app import create_app

SEED = 2016


@dataclass
class Pipeline:
    portal: Portal
    portal_url: str
    settings: Settings
    catalogue: Catalogue
    reports: dict[str, steps.StepReport]

    def document_id(self, document: Document) -> int:
        """The catalogue id of a replica document, found through the URL it was published under."""
        row = self.catalogue.db.execute(
            "SELECT document_id FROM document_urls WHERE url = ?", (self.portal_url + document.urls[0],)
        ).fetchone()
        assert row is not None, f"replica document {document.key} was never archived"
        return row[0]

    def session_of(self, document: Document):
        return self.portal.session_by_key(document.session_key)


@pytest.fixture(scope="session")
def portal() -> Portal:
    return build_portal(seed=SEED)


@pytest.fixture(scope="session")
def replica(portal):
    server = ReplicaServer(portal, host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pipeline(portal, replica, tmp_path_factory) -> Pipeline:
    data_dir = tmp_path_factory.mktemp("concejo-data")
    settings = load_settings(environ={}, data_dir=data_dir, portal_url=replica.url, extract_workers=2,
                             crawl_allow_private_addresses=True)  # the replica serves on 127.0.0.1
    catalogue = open_catalogue(settings.catalogue_url)
    reports = {
        "crawl": steps.crawl(settings, catalogue),
        "extract": steps.extract(settings, catalogue),
        "index": steps.index(settings, catalogue),
    }
    yield Pipeline(portal, replica.url, settings, catalogue, reports)
    catalogue.close()


@pytest.fixture(scope="session")
def pipeline_snapshot(pipeline, tmp_path_factory) -> Path:
    """The session pipeline's data folder, copied once (the catalogue through SQLite's backup), for tests
    that change an archive: each copies this snapshot and works on its copy."""
    root = tmp_path_factory.mktemp("pipeline-snapshot") / "data"
    shutil.copytree(pipeline.settings.data_dir, root, symlinks=True,
                    ignore=shutil.ignore_patterns("catalogue.sqlite3*", "httpcache"))
    with closing(sqlite3.connect(root / "catalogue.sqlite3")) as copy:
        pipeline.catalogue.db.backup(copy)
    return root


@pytest.fixture(scope="session")
def app(pipeline):
    return create_app({"TESTING": True}, settings=pipeline.settings)


@pytest.fixture()
def client(app):
    return app.test_client()
