"""Issue 10, politeness: a portal answering 429 or 5xx is retried with backoff, its Retry-After obeyed,
and the crawl still gets the file in the end."""

from __future__ import annotations

from pathlib import Path

from tests.crawler.hostile import Answer, HostileServer, crawl, crawl_settings, document, make_pdf

BUSY = Answer(429, b"too many requests", {"Content-Type": "text/plain"})


def _crawl_through(server: HostileServer, tmp_path: Path, path: str, answers: list[Answer]):
    pdf = make_pdf("Acta de la sesión")
    server.pdf(path, pdf)
    server.routes[path] = [*answers, server.routes[path]]
    server.portal({"2024-03-05": [("ACTA", path)]})
    report, catalogue = crawl(crawl_settings(tmp_path / "data", server.url()))
    return report, catalogue, server.url() + path


def test_each_429_doubles_the_wait_before_the_host_is_asked_again(tmp_path, portal):
    _, catalogue, url = _crawl_through(portal, tmp_path, "/actas/a.pdf", [BUSY, BUSY])

    first, second, third = portal.asked_at("/actas/a.pdf")
    # The downloader randomises a slot's delay between 0.5x and 1.5x: 1 s then 2 s, at least half of each.
    assert second - first >= 0.5 and third - second >= 1.0 and third - second > (second - first) * 0.6
    assert document(catalogue, url)["status"] == "fetched"  # the third answer was the file
    catalogue.close()


def test_a_retry_after_is_obeyed_when_longer_than_the_backoff(tmp_path, portal):
    wait = Answer(503, b"maintenance", {"Content-Type": "text/plain", "Retry-After": "3"})
    _, catalogue, url = _crawl_through(portal, tmp_path, "/actas/b.pdf", [wait])

    first, second = portal.asked_at("/actas/b.pdf")
    assert second - first >= 1.5  # 3 s asked, at least half of it after the downloader's randomisation
    assert document(catalogue, url)["status"] == "fetched"
    catalogue.close()
