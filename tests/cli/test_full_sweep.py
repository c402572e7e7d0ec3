"""`concejo crawl --full`: a full sweep trusts no cache, so it asks nothing conditionally and downloads every
file again; an ordinary recrawl revalidates what it has."""

from __future__ import annotations

from tests.cli.test_crawl_ledger import concejo, ledger_of
from tests.crawler.hostile import DAY, HostileServer, make_pdf

CONDITIONAL = ("If-None-Match", "If-Modified-Since")


def conditional_paths(server: HostileServer, start: int) -> set[str]:
    return {path for path, headers in server.requests[start:] if any(h in headers for h in CONDITIONAL)}


def test_a_full_sweep_asks_nothing_conditionally_and_downloads_every_file(tmp_path):
    with HostileServer() as server:
        server.portal({DAY: [("Acta", server.pdf("/acta.pdf", make_pdf("Acta"))),
                             ("Informe", server.pdf("/informe.pdf", make_pdf("Informe")))]})
        server.routes["/sesiones/"].headers["ETag"] = '"sesiones-1"'  # a listing page with a validator
        assert concejo(tmp_path, "crawl", portal_url=server.url()).returncode == 0

        start = len(server.requests)
        ordinary = ledger_of(concejo(tmp_path, "crawl", "--json", portal_url=server.url()))["quito"]
        revalidated = conditional_paths(server, start)
        start = len(server.requests)
        full = ledger_of(concejo(tmp_path, "crawl", "--json", "--full", portal_url=server.url()))["quito"]
        swept = conditional_paths(server, start)

    assert {"/sesiones/", "/acta.pdf", "/informe.pdf"} <= revalidated
    assert ordinary["pdfs_downloaded"] == 0 and ordinary["unchanged"] == 2
    assert swept == set()
    assert full["pdfs_downloaded"] == 2 and full["unchanged"] == 2 and full["new"] == full["changed"] == 0
