"""Fixtures for the shared backend suite: fresh backends of every engine, and a real Elasticsearch node.

The node is provisioned and started by `scripts/elasticsearch start` (download from Maven Central once,
cached) on a test port with an empty data directory, and stopped when the session ends. Without Java or
the download, Elasticsearch tests skip with the reason; in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from search_app.backends.base import SearchBackend
from tests import required_services

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "elasticsearch"
ES_PORT = int(os.environ.get("CONCEJO_TEST_ES_PORT", "9250"))
START_TIMEOUT_SECONDS = 1200  # the first run downloads about 100 MB
ENGINES = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


def _unavailable(reason: str) -> None:
    required_services.unavailable("Elasticsearch", reason)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def elasticsearch_url() -> Iterator[str]:
    """A running single-node Elasticsearch: reused if one answers on the test port, else started and stopped."""
    url = f"http://127.0.0.1:{ES_PORT}"
    if _healthy(url):
        yield url
        return
    if not os.environ.get("ES_JAVA_HOME") and shutil.which("java") is None:
        _unavailable("no Java was found: install JDK 17 (openjdk-17-jdk-headless) or set ES_JAVA_HOME")
    env = {**os.environ, "CONCEJO_ES_PORT": str(ES_PORT), "CONCEJO_ES_FRESH": "1"}
    try:
        subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True, check=True,
                       timeout=START_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.CalledProcessError as exc:
        _unavailable(f"`scripts/elasticsearch start` failed:\n{exc.stderr[-3000:]}")
    except subprocess.TimeoutExpired:
        _unavailable(f"`scripts/elasticsearch start` did not finish in {START_TIMEOUT_SECONDS}s")
    try:
        yield url
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
                       check=False)


class EngineFactory:
    """Opens backends of any engine, each on its own index (a directory, or an index prefix)."""

    def __init__(self, request: pytest.FixtureRequest, root: Path) -> None:
        self.request = request
        self.root = root
        self.session_prefix = f"concejo-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.opened = 0

    def open(self, engine: str, **options) -> SearchBackend:
        self.opened += 1
        if engine == "embedded":
            from search_app.backends.embedded import EmbeddedBackend

            return EmbeddedBackend(self.root / f"index-{self.opened}", **options)
        from search_app.backends.elasticsearch import ElasticsearchBackend

        url = self.request.getfixturevalue("elasticsearch_url")
        return ElasticsearchBackend(url, prefix=f"{self.session_prefix}-{self.opened}", **options)

    @contextmanager
    def holding(self, engine: str, documents, **options) -> Iterator[SearchBackend]:
        """A backend of `engine` with `documents` indexed, discarded afterwards."""
        backend = self.open(engine, **options)
        try:
            backend.index(documents)
            yield backend
        finally:
            self.discard(backend)

    def discard(self, backend: SearchBackend) -> None:
        """Close a backend and drop its Elasticsearch indices (directories go with the tmp dir)."""
        if backend.name == "elasticsearch":
            with suppress(Exception):
                backend.client.indices.delete(index=f"{backend.alias}-v*", ignore_unavailable=True)
        backend.close()


@pytest.fixture(scope="session")
def engines(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EngineFactory:
    return EngineFactory(request, tmp_path_factory.mktemp("engines"))


@pytest.fixture(params=ENGINES)
def fresh_backend(request: pytest.FixtureRequest, engines: EngineFactory) -> Iterator[SearchBackend]:
    """An empty backend of each engine, for tests that write."""
    backend = engines.open(request.param)
    yield backend
    engines.discard(backend)


# -- the shared real corpus, indexed once per engine (tests/search/real_corpus.py) ----------------------


class CorpusIndexes:
    """One read-only backend per engine holding the real corpus and the replica's documents, opened on demand."""

    def __init__(self, engines: EngineFactory, corpus) -> None:
        self.engines = engines
        self.corpus = corpus
        self.opened: dict[str, SearchBackend] = {}

    def get(self, engine: str) -> SearchBackend:
        if engine not in self.opened:
            backend = self.engines.open(engine)
            backend.index(self.corpus.documents)
            self.opened[engine] = backend
        return self.opened[engine]


@pytest.fixture(scope="session")
def search_corpus(request: pytest.FixtureRequest):
    """The 13 real PDFs extracted with extract/ (cached across sessions) plus the replica's documents."""
    from .real_corpus import REAL, load_real_corpus

    if not REAL.is_dir():
        pytest.skip(f"real corpus not found at {REAL}: clone the shared/ folder beside the project")
    return load_real_corpus(getattr(request.config, "cache", None))


@pytest.fixture(scope="session")
def corpus_indexes(engines: EngineFactory, search_corpus) -> Iterator[CorpusIndexes]:
    indexes = CorpusIndexes(engines, search_corpus)
    yield indexes
    for backend in indexes.opened.values():
        engines.discard(backend)


@pytest.fixture(params=ENGINES)
def corpus_backend(request: pytest.FixtureRequest, corpus_indexes: CorpusIndexes) -> SearchBackend:
    """The real corpus (and replica documents) in each engine; tests only read it."""
    return corpus_indexes.get(request.param)
