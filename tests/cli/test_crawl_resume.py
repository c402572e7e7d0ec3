"""An interrupted crawl resumes where it stopped (Scrapy's job directory per source), withdraws nothing while
it may not have seen the whole portal, and the next complete crawl marks what is gone as withdrawn."""

from __future__ import annotations

import dataclasses

import pytest

from tests.crawler.hostile import DAY, Answer, HostileServer, crawl, crawl_settings, document, make_pdf

APRIL = "Sesión ordinaria 2024-04-02 — <a href='/abril.pdf'>ACTA</a>"


@pytest.fixture()
def portal():
    with HostileServer() as server:
        yield server


def asked_since(portal, start: int) -> list[str]:
    return [path for path, _ in portal.requests[start:]]


def test_an_interrupted_crawl_resumes_and_only_a_complete_one_withdraws(portal, tmp_path):
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", make_pdf("Acta"))),
                         ("Informe", portal.pdf("/informe.pdf", make_pdf("Informe")))]})
    settings = crawl_settings(tmp_path, portal.url())
    first, catalogue = crawl(settings)
    assert first.ledger["quito"]["new"] == 2
    job_dir = settings.data_dir / "crawl-jobs" / "quito"
    assert not job_dir.exists()  # a complete crawl leaves no job behind

    # The informe is gone; a new month's page answers only after the crawl's time bound has passed.
    portal.portal({DAY: [("Acta", "/acta.pdf")]}, months=("/sesiones/2024/04/",))
    portal.pdf("/abril.pdf", make_pdf("Abril"))
    portal.routes["/sesiones/2024/04/"] = Answer(
        200, f"<html><body><ul><li class='sesion'>{APRIL}</li></ul></body></html>".encode(),
        {"Content-Type": "text/html; charset=utf-8"}, delay_s=60)
    cut_short = dataclasses.replace(settings, crawl_timeout_s=3.0, crawl_request_timeout_s=6.0)

    interrupted, _ = crawl(cut_short)

    ledger = interrupted.ledger["quito"]
    assert "stopped before it finished" in ledger["error"] and ledger["withdrawn"] == 0
    assert job_dir.is_dir()

    portal.routes["/sesiones/2024/04/"] = dataclasses.replace(portal.routes["/sesiones/2024/04/"], delay_s=0)
    start = len(portal.requests)

    resumed, _ = crawl(settings)

    asked = asked_since(portal, start)
    assert "/sesiones/2024/04/" in asked and "/abril.pdf" in asked
    assert "/sesiones/" not in asked and "/sesiones/2024/03/" not in asked  # done before: not asked again
    assert resumed.ledger["quito"]["error"] is None and resumed.ledger["quito"]["new"] == 1
    assert resumed.ledger["quito"]["withdrawn"] == 0  # it did not see the whole portal
    assert any("resumed an interrupted one" in problem for problem in resumed.problems)
    assert document(catalogue, portal.url() + "/informe.pdf")["status"] != "withdrawn"
    assert not job_dir.exists()

    complete, _ = crawl(settings)

    assert "/sesiones/" in asked_since(portal, start + len(asked))  # a fresh crawl from the start
    assert complete.ledger["quito"]["withdrawn"] == 1
    assert document(catalogue, portal.url() + "/informe.pdf")["status"] == "withdrawn"
    catalogue.close()
