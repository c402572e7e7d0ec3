"""`concejo crawl --json` and `concejo run --once --json` print each source's coverage ledger as one JSON
object; `concejo status` shows it; a portal that changed shape fails its source loudly, naming it and the page."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from archive import open_catalogue
from concejo.config import child_environ, load_settings
from crawler.settings import RETRY_TIMES
from replica import build_portal
from replica.server import ReplicaServer
from tests.crawler.hostile import DAY, Answer, HostileServer, make_pdf

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LEDGER_KEYS = {"new", "changed", "unchanged", "withdrawn", "failed", "requests", "pdfs_downloaded",
               "bytes_downloaded", "gaps", "error"}


def concejo(data_dir: Path, *args: str, timeout_s: float = 600, **settings) -> subprocess.CompletedProcess:
    values = {"crawl_allow_private_addresses": True, "crawl_request_timeout_s": 30, "extract_workers": 1,
              "ocr": False, **settings}
    env = {**child_environ(load_settings(environ={}, data_dir=data_dir, **values)), "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "concejo", *args], env=env, cwd=PROJECT_ROOT, text=True,
                          capture_output=True, timeout=timeout_s, check=False)


def ledger_of(process: subprocess.CompletedProcess) -> dict:
    """stdout holds one JSON object and nothing else."""
    return json.loads(process.stdout)["sources"]


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(build_portal(seed=2016), host="127.0.0.1", port=0) as server:
        yield server


def test_crawl_json_prints_the_ledger_and_an_unchanged_recrawl_downloads_no_pdf(replica, tmp_path):
    server = replica
    first = concejo(tmp_path, "crawl", "--json", portal_url=server.url)
    assert first.returncode == 0, first.stderr
    (slug, ledger), = ledger_of(first).items()
    assert slug == "quito" and set(ledger) == LEDGER_KEYS and ledger["error"] is None
    catalogue = open_catalogue(load_settings(environ={}, data_dir=tmp_path).catalogue_url)
    counts = catalogue.counts()
    # Every listed URL has one outcome; a URL serving the bytes of another document counts as unchanged.
    (listed,) = catalogue.db.execute("SELECT COUNT(*) FROM document_urls").fetchone()
    archived = listed - counts["fetch_failed"]
    assert ledger["new"] + ledger["unchanged"] == archived and ledger["new"] == counts["files"]
    assert len(ledger["failed"]) == counts["fetch_failed"] > 0  # the replica has a broken link, an HTML "PDF"
    assert ledger["pdfs_downloaded"] >= archived and ledger["bytes_downloaded"] > 0
    assert ledger["requests"] > ledger["pdfs_downloaded"] + len(ledger["failed"])  # listing pages asked too

    second = concejo(tmp_path, "crawl", "--json", portal_url=server.url)

    assert second.returncode == 0, second.stderr
    again = ledger_of(second)["quito"]
    assert (again["new"], again["changed"], again["withdrawn"]) == (0, 0, 0)
    assert again["unchanged"] == archived
    # Only bodies that failed as not being PDFs come again (no validator to ask with); no PDF is downloaded.
    not_pdfs = [f for f in again["failed"] if "instead of a PDF" in f["reason"] or "not a PDF" in f["reason"]]
    assert again["pdfs_downloaded"] == 0 and not_pdfs
    assert 0 < again["bytes_downloaded"] < ledger["bytes_downloaded"] / 100
    assert [f["url"] for f in again["failed"]] == [f["url"] for f in ledger["failed"]]
    catalogue.close()


def test_status_shows_each_sources_last_ledger(replica, tmp_path):
    server = replica
    crawled = concejo(tmp_path, "crawl", "--json", portal_url=server.url)
    ledger = ledger_of(crawled)["quito"]

    status = concejo(tmp_path, "status", "--json")
    text = concejo(tmp_path, "status")

    assert json.loads(status.stdout)["sources"]["quito"]["ledger"] == ledger
    assert "quito (último rastreo" in text.stdout
    assert f"{ledger['new']} nuevos" in text.stdout
    first_failure = ledger["failed"][0]["url"]
    assert first_failure in text.stdout


def sessions_portal(server: HostileServer, line_format: str) -> None:
    """A "Concejo Abierto" portal with one session in March and one in April, their lines written as
    `line_format`."""
    server.portal({DAY: [("Acta", server.pdf("/acta.pdf", make_pdf("Acta")))]}, months=("/sesiones/2024/04/",))
    server.html("/sesiones/2024/03/", "<html><body><ul><li class='sesion'>"
                + line_format.format(day=DAY) + " — <a href='/acta.pdf'>ACTA</a></li></ul></body></html>")
    server.pdf("/abril.pdf", make_pdf("Abril"))
    server.html("/sesiones/2024/04/", "<html><body><ul><li class='sesion'>"
                + line_format.format(day="2024-04-02") + " — <a href='/abril.pdf'>ACTA</a></li></ul></body></html>")


def test_a_listing_that_became_a_script_shell_fails_the_crawl_naming_source_and_page(tmp_path):
    with HostileServer() as server:
        sessions_portal(server, "Sesión ordinaria {day}")
        assert concejo(tmp_path, "crawl", portal_url=server.url()).returncode == 0
        # April's page is now filled in by a script; March's still lists its session.
        server.html("/sesiones/2024/04/", "<html><body><div id='app'><table id='sesiones'></table></div>"
                    "<script>fetch('/api/sesiones').then(r => r.json()).then(pintar)</script></body></html>")

        changed = concejo(tmp_path, "crawl", "--json", portal_url=server.url())

    assert changed.returncode != 0
    ledger = ledger_of(changed)["quito"]
    assert "source quito" in ledger["error"] and server.url() + "/sesiones/2024/04/" in ledger["error"]
    assert "JavaScript shell" in ledger["error"]
    assert "source quito" in changed.stderr and "/sesiones/2024/04/" in changed.stderr
    assert ledger["withdrawn"] == 0  # a failed crawl withdraws nothing: April's acta is not taken for gone
    catalogue = open_catalogue(load_settings(environ={}, data_dir=tmp_path).catalogue_url)
    assert {row["status"] for row in catalogue.db.execute("SELECT status FROM documents")} == {"fetched"}
    catalogue.close()


def test_session_lines_no_longer_understood_fail_the_crawl_where_the_archive_has_sessions(tmp_path):
    with HostileServer() as server:
        sessions_portal(server, "Sesión ordinaria {day}")
        assert concejo(tmp_path, "crawl", portal_url=server.url()).returncode == 0
        sessions_portal(server, "Sesión ordinaria del 5 de marzo de 2024")  # a new date format

        changed = concejo(tmp_path, "crawl", "--json", portal_url=server.url())

    assert changed.returncode != 0
    error = ledger_of(changed)["quito"]["error"]
    assert "source quito" in error and "found no session" in error and "holds 2 sessions" in error
    run = json.loads(concejo(tmp_path, "status", "--json").stdout)["runs"][0]
    assert run["step"] == "crawl" and run["outcome"] == "failed"


def test_one_failing_source_is_recorded_and_the_others_still_run(replica, tmp_path):
    server = replica
    sources = tmp_path / "sources.toml"
    sources.write_text(textwrap.dedent(f"""
        [[sources]]
        slug = "caido"
        name = "Concejo caído"
        family = "concejo_abierto"
        start_urls = ["http://127.0.0.1:9"]
        allow_private_addresses = true
        [[sources]]
        slug = "quito"
        name = "Concejo Metropolitano de Quito"
        family = "concejo_abierto"
        start_urls = ["{server.url}"]
        allow_private_addresses = true
        [sources.politeness]
        delay_s = 0
        concurrency_per_host = 8
        """), encoding="utf-8")

    crawled = concejo(tmp_path / "data", "crawl", "--json", sources_file=sources)

    assert crawled.returncode != 0
    ledgers = ledger_of(crawled)
    assert "source caido" in ledgers["caido"]["error"] and "127.0.0.1:9" in ledgers["caido"]["error"]
    assert ledgers["quito"]["error"] is None and ledgers["quito"]["new"] > 0

    only = concejo(tmp_path / "data", "crawl", "--json", "--source", "quito", sources_file=sources)
    assert only.returncode == 0 and set(ledger_of(only)) == {"quito"}
    unknown = concejo(tmp_path / "data", "crawl", "--source", "lima", sources_file=sources)
    assert unknown.returncode == 2 and "unknown source lima" in unknown.stdout and "caido, quito" in unknown.stdout


def test_run_once_runs_the_chain_on_the_replica_and_prints_the_ledger(tmp_path):
    run = concejo(tmp_path, "run", "--once", "--json", replica_port=0, timeout_s=900)

    assert run.returncode == 0, run.stderr[-3000:]
    ledger = ledger_of(run)["quito"]
    assert ledger["error"] is None and ledger["new"] > 0
    catalogue = open_catalogue(load_settings(environ={}, data_dir=tmp_path).catalogue_url)
    counts = catalogue.counts()
    assert counts["files"] == ledger["new"]
    assert counts["extracted"] > 0 and counts["indexed"] == counts["extracted"]
    catalogue.close()


def test_a_listing_page_failing_through_every_retry_is_a_failure_and_withdraws_nothing(tmp_path):
    with HostileServer() as server:
        sessions_portal(server, "Sesión ordinaria {day}")
        assert concejo(tmp_path, "crawl", portal_url=server.url()).returncode == 0
        server.routes["/sesiones/2024/04/"] = Answer(503, b"mantenimiento", {"Content-Type": "text/html"})
        start = len(server.requests)

        crawled = concejo(tmp_path, "crawl", "--json", portal_url=server.url())

        asked = [path for path, _ in server.requests[start:]]
    assert crawled.returncode == 0, crawled.stderr
    ledger = ledger_of(crawled)["quito"]
    assert asked.count("/sesiones/2024/04/") == 1 + RETRY_TIMES
    assert ledger["failed"] == [{"url": server.url() + "/sesiones/2024/04/", "reason": "HTTP 503 from the portal"}]
    assert ledger["withdrawn"] == 0  # April's acta was not seen, not withdrawn
    catalogue = open_catalogue(load_settings(environ={}, data_dir=tmp_path).catalogue_url)
    assert {row["status"] for row in catalogue.db.execute("SELECT status FROM documents")} == {"fetched"}
    catalogue.close()


class FailingOnce(dict):
    """Routes where `path` answers 500 the first time it is asked for, then as routed."""

    def __init__(self, routes: dict, path: str) -> None:
        super().__init__(routes)
        self.path, self.failed = path, False

    def get(self, key, default=None):
        if key == self.path and not self.failed:
            self.failed = True
            return Answer(500, b"error")
        return super().get(key, default)


def test_a_cached_listing_page_answering_500_once_is_retried_not_served_stale(tmp_path):
    with HostileServer() as server:
        sessions_portal(server, "Sesión ordinaria {day}")
        server.routes["/sesiones/2024/04/"].headers["ETag"] = '"abril-1"'  # cached, revalidated next time
        assert concejo(tmp_path, "crawl", portal_url=server.url()).returncode == 0
        server.pdf("/abril-2.pdf", make_pdf("Abril, segunda"))
        server.html("/sesiones/2024/04/", "<html><body><ul><li class='sesion'>Sesión ordinaria 2024-04-02 — "
                    "<a href='/abril.pdf'>ACTA</a></li><li class='sesion'>Sesión extraordinaria 2024-04-20 — "
                    "<a href='/abril-2.pdf'>ACTA</a></li></ul></body></html>")
        server.routes["/sesiones/2024/04/"].headers["ETag"] = '"abril-2"'
        server.routes = FailingOnce(server.routes, "/sesiones/2024/04/")

        crawled = concejo(tmp_path, "crawl", "--json", portal_url=server.url())

    assert crawled.returncode == 0, crawled.stderr
    ledger = ledger_of(crawled)["quito"]
    assert server.routes.failed
    assert (ledger["new"], ledger["failed"], ledger["withdrawn"]) == (1, [], 0)


def test_a_portal_that_is_down_is_never_answered_from_the_cache(tmp_path):
    with HostileServer() as server:
        sessions_portal(server, "Sesión ordinaria {day}")
        for path in ("/", "/sesiones/", "/sesiones/2024/", "/sesiones/2024/03/", "/sesiones/2024/04/"):
            server.routes[path].headers["ETag"] = f'"{path}"'  # every listing page cached with a validator
        assert concejo(tmp_path, "crawl", portal_url=server.url()).returncode == 0
        url = server.url()
    # The server is gone: its port refuses connections.

    down = concejo(tmp_path, "crawl", "--json", portal_url=url)

    assert down.returncode != 0
    ledger = ledger_of(down)["quito"]
    assert "source quito: no page of the portal" in ledger["error"] and ledger["withdrawn"] == 0
    assert {f["url"]: f["reason"] for f in ledger["failed"]} == {url: "the server refused the connection"}
