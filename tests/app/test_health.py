"""/api/v1/health: 200 when the catalogue and the engine answer, 503 naming the part that does not, never a
server path."""

from __future__ import annotations

import socket

import pytest

from concejo.config import load_settings
from search_app import create_app
from search_app.backends.embedded import ANALYSIS_MARKER, EmbeddedBackend


def _health(settings):
    response = create_app({"TESTING": True}, settings=settings).test_client().get("/api/v1/health")
    return response.status_code, response.get_json(), response


@pytest.fixture()
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_working_archive_is_ok_with_what_it_holds(archive):
    response = archive.client().get("/api/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["catalogue"]["ok"] is True and body["catalogue"]["councils"] == 1
    assert body["search"] == {**body["search"], "ok": True, "engine": "embedded", "documents": 41}
    assert response.headers["Cache-Control"] == "no-store"  # a cached "ok" would hide an outage


def test_an_unreachable_elasticsearch_is_503_with_the_reason(tmp_path, closed_port):
    settings = load_settings(environ={}, data_dir=tmp_path, elasticsearch_url=f"http://127.0.0.1:{closed_port}")
    status, body, _ = _health(settings)
    assert status == 503
    assert body["status"] == "degraded"
    assert body["catalogue"]["ok"] is True  # the archive itself still answers
    search = body["search"]
    assert search["ok"] is False and search["engine"] == "elasticsearch"
    assert "unreachable" in search["error"] and f"127.0.0.1:{closed_port}" in search["error"]


def test_an_index_the_engine_refuses_is_503_without_its_server_path(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path)
    backend = EmbeddedBackend(settings.index_dir)
    backend.count()  # creates the live index
    (settings.index_dir.resolve() / ANALYSIS_MARKER).write_text("1\n")  # built by an older analysis
    status, body, response = _health(settings)
    assert status == 503
    assert body["search"]["ok"] is False
    assert "concejo index --rebuild" in body["search"]["error"]
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_a_damaged_catalogue_is_503_without_its_server_path(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path)
    catalogue_file = tmp_path / "catalogue.sqlite3"
    assert settings.catalogue_url.endswith(str(catalogue_file))
    catalogue_file.write_bytes(b"this is not a SQLite database\x00" * 200)
    status, body, response = _health(settings)
    assert status == 503
    assert body["status"] == "degraded"
    assert body["catalogue"]["ok"] is False and body["catalogue"]["error"]
    assert body["search"]["ok"] is True  # the engine is fine: the reason points at the catalogue alone
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_a_catalogue_error_naming_its_file_is_reported_without_the_path(tmp_path, monkeypatch):
    from archive import CatalogueError
    from search_app import resources

    def unopenable(url: str):
        raise CatalogueError(f"cannot open the catalogue at {tmp_path}/catalogue.sqlite3: disk I/O error")

    monkeypatch.setattr(resources, "open_catalogue", unopenable)
    status, body, response = _health(load_settings(environ={}, data_dir=tmp_path))
    assert status == 503
    assert "disk I/O error" in body["catalogue"]["error"]
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_an_elasticsearch_count_that_hangs_is_cut_at_the_checks_timeout(tmp_path):
    """A node whose cluster health answers at once but whose count hangs: 503 within the check's 3 s (plus a
    margin), not the client's 30 s request timeout."""
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from search_app.backends.elasticsearch import ANALYSIS_VERSION

    release = threading.Event()

    class Node(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            if length := int(self.headers.get("Content-Length") or 0):
                self.rfile.read(length)
            path = self.path.split("?")[0]
            if path.endswith("/_count"):
                release.wait(40)  # hangs until the test is over
                body = {"count": 0}
            elif path == "/_cluster/health":
                body = {"status": "green"}
            elif path.endswith("/_alias"):
                body = {"concejo-v1": {"aliases": {"concejo": {}}}}
            elif path.endswith("/_mapping"):
                body = {"concejo-v1": {"mappings": {"_meta": {"analysis_version": ANALYSIS_VERSION}}}}
            else:
                body = {}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_HEAD = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Node)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = load_settings(environ={}, data_dir=tmp_path,
                                 elasticsearch_url=f"http://127.0.0.1:{server.server_address[1]}")
        started = time.monotonic()
        status, body, _ = _health(settings)
        waited = time.monotonic() - started
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    assert status == 503 and body["search"]["ok"] is False, body
    assert waited < 10, f"the health check waited {waited:.1f} s for the count"


def test_a_catalogue_connection_that_failed_the_check_is_not_reused(tmp_path):
    """The connection that just failed is closed, not given back to the process's idle ones: the next
    request opens a fresh one (and is ok again once the catalogue is)."""
    import os
    import sqlite3

    settings = load_settings(environ={}, data_dir=tmp_path)
    app = create_app({"TESTING": True}, settings=settings)
    client = app.test_client()
    assert client.get("/api/v1/health").status_code == 200
    (idle,) = app.extensions["concejo_idle_catalogues"][os.getpid()]
    broken, _ = idle
    real, closed = broken.db, []

    class Failing:  # a connection whose reads fail (a disk error, say), closed as a real one is
        in_transaction = False

        def execute(self, *args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")

        def close(self) -> None:
            closed.append(True)
            real.close()

    broken.db = Failing()
    failed = client.get("/api/v1/health")
    assert failed.status_code == 503 and "disk I/O error" in failed.get_json()["catalogue"]["error"]
    assert closed == [True]
    assert all(cat is not broken for cat, _ in app.extensions["concejo_idle_catalogues"][os.getpid()])
    assert client.get("/api/v1/health").status_code == 200  # a fresh connection
