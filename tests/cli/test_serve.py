"""`concejo serve` is a real pre-fork server: several worker processes answer, each with the search engine
it opened itself after the fork (the master never opens it), and SIGTERM stops them all cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archive import open_catalogue
from concejo.config import child_environ, load_settings
from index_config.entries import IndexableDocument
from search_app.backends.embedded import EmbeddedBackend

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _maps_index(pid: int, index_root: Path) -> bool:
    """Whether the process has the embedded index's files mapped: it opened the engine itself."""
    try:
        return str(index_root) in Path(f"/proc/{pid}/maps").read_text()
    except FileNotFoundError:
        return False


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture()
def archive_dir(tmp_path) -> Path:
    settings = load_settings(environ={}, data_dir=tmp_path / "data")
    catalogue = open_catalogue(settings.catalogue_url)
    catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    catalogue.close()
    backend = EmbeddedBackend(settings.index_dir)
    backend.index([IndexableDocument(
        document_id=n, title=f"Acta de la sesión ordinaria {n}", date=f"2024-03-{n:02d}", session_type="ordinaria",
        session_number=n, commission=None, commission_name=None, document_type="acta", council="quito",
        identifiers=(), url=f"/documentos/{n}.pdf", pages=(f"Presupuesto participativo, agua potable, acta {n}.",),
    ) for n in range(1, 21)])
    backend.close()
    return settings.data_dir


@pytest.fixture()
def server(archive_dir, tmp_path):
    port = _free_port()
    env = child_environ(load_settings(environ={}, data_dir=archive_dir))
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "concejo", "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if _get(f"{base}/api/v1/health")[0] == 200 and len(_children(process.pid)) == WORKERS:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            output = log.read()
            log.close()
            pytest.fail(f"concejo serve did not answer on {base}:\n{output}")
        time.sleep(0.2)
    yield process, base, log
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    log.close()


def test_two_worker_processes_each_serve_with_their_own_engine(server, archive_dir):
    process, base, _ = server
    workers = _children(process.pid)
    assert len(workers) == WORKERS and process.pid not in workers
    index_root = (archive_dir / "index").resolve()
    with ThreadPoolExecutor(8) as pool:
        for _ in range(30):  # bounded: until both workers have answered a search
            answers = list(pool.map(_get, [f"{base}/api/v1/search?q=presupuesto"] * 16))
            assert all(status == 200 and json.loads(body)["total"] == 20 for status, body in answers)
            if all(_maps_index(pid, index_root) for pid in workers):
                break
    serving = [pid for pid in workers if _maps_index(pid, index_root)]
    assert sorted(serving) == sorted(workers), "not every worker process answered searches"
    assert not _maps_index(process.pid, index_root), "the master opened the engine before forking"


def test_sigterm_stops_the_master_and_its_workers_cleanly(server):
    process, base, log = server
    workers = _children(process.pid)
    assert len(workers) == WORKERS
    process.send_signal(signal.SIGTERM)
    assert process.wait(40) == 0
    assert not any(_alive(pid) for pid in workers)
    log.seek(0)
    output = log.read()
    assert "Traceback" not in output
    assert "Shutting down: Master" in output
    with pytest.raises(OSError):
        _get(f"{base}/api/v1/health")


def test_resources_opened_before_a_fork_are_opened_again_in_the_child(archive_dir):
    """Whatever opened them in the parent (a warm-up, a preloading server), a forked worker gets its own
    engine and catalogue connections."""
    from search_app import create_app, resources

    app = create_app({"TESTING": True}, settings=load_settings(environ={}, data_dir=archive_dir))
    with app.app_context():
        parents = resources.backend()
    with app.test_request_context():  # leaves its catalogue connection idle in this process
        parents_catalogue = resources.catalogue()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, never return into pytest
        try:
            with app.test_request_context():
                own = resources.backend()
                answer = {"same_object": own is parents, "documents": own.count(),
                          "same_catalogue": resources.catalogue() is parents_catalogue}
            os.write(write_end, json.dumps(answer).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = json.loads(pipe.read() or "{}")
    os.waitpid(pid, 0)
    assert answer == {"same_object": False, "documents": 20, "same_catalogue": False}
    with app.test_request_context():  # the parent keeps its own
        assert resources.backend() is parents and resources.catalogue() is parents_catalogue
