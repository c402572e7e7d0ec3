"""Issue 8, item 7: every listed document ends each crawl fetched, unchanged, or failed with a reason."""

from __future__ import annotations

import json

from archive import open_catalogue
from concejo import cli
from tests.crawler.hostile import DAY, Answer, crawl, crawl_settings, document, make_pdf

OTHER_DAY = "2024-03-12"


def test_links_that_are_not_http_do_not_drop_the_session(portal, tmp_path):
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", make_pdf("Acta"))),
                         ("Orden del día", "javascript:alert(document.domain)"),
                         ("Informe", "mailto:secretaria@concejo.example"), ("Convocatoria", "tel:+59322000000"),
                         ("Resolución", "#arriba"),
                         ("Anexo", portal.pdf("/anexo.pdf", make_pdf("Anexo")))]})
    settings = crawl_settings(tmp_path, portal.url())

    report, catalogue = crawl(settings)

    assert document(catalogue, portal.url() + "/acta.pdf")["status"] == "fetched"
    assert document(catalogue, portal.url() + "/anexo.pdf")["status"] == "fetched"
    counts = catalogue.counts()
    assert counts["documents"] == 2 and counts["listed_not_fetched"] == 0
    assert any("4 links in session lines are not http(s)" in problem for problem in report.problems)
    catalogue.close()


def test_a_changed_link_to_another_documents_bytes_loses_nothing(portal, tmp_path):
    shared = make_pdf("Acta compartida")
    portal.portal({DAY: [("Acta", portal.pdf("/a.pdf", shared))],
                   OTHER_DAY: [("Acta", "/b-antes.pdf"),  # a broken link: listed, never fetched
                               ("Informe", portal.pdf("/b-informe.pdf", make_pdf("Informe")))]})
    settings = crawl_settings(tmp_path, portal.url())
    _, catalogue = crawl(settings)
    assert document(catalogue, portal.url() + "/b-antes.pdf")["status"] == "fetch_failed"

    # The portal fixes the link: the new one serves the same bytes as the first session's acta; a new
    # document follows it in the same session line.
    portal.portal({DAY: [("Acta", "/a.pdf")],
                   OTHER_DAY: [("Acta", portal.pdf("/b-despues.pdf", shared)),
                               ("Orden del día", portal.pdf("/b-orden.pdf", make_pdf("Orden del dia"))),
                               ("Informe", "/b-informe.pdf")]})
    crawl(settings)

    merged = document(catalogue, portal.url() + "/b-despues.pdf")
    assert merged["id"] == document(catalogue, portal.url() + "/a.pdf")["id"]
    assert document(catalogue, portal.url() + "/b-antes.pdf")["id"] == merged["id"]  # no URL row left dangling
    assert document(catalogue, portal.url() + "/b-orden.pdf")["status"] == "fetched"
    assert catalogue.counts()["listed_not_fetched"] == 0
    catalogue.close()


def test_an_alias_merge_keeps_every_url_pointing_at_a_document(tmp_path):
    catalogue = open_catalogue(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    council = catalogue.ensure_council("quito", "Quito")
    catalogue.list_document(council, "a", session_id=None, kind="acta", title="A", url="http://p/a.pdf")
    catalogue.record_fetch("http://p/a.pdf", "a" * 64, 10)
    for url in ("http://p/b-antes.pdf", "http://p/b-despues.pdf"):
        catalogue.list_document(council, "b", session_id=None, kind="acta", title="B", url=url)

    fetch = catalogue.record_fetch("http://p/b-despues.pdf", "a" * 64, 10)

    rows = catalogue.db.execute("SELECT url, document_id FROM document_urls ORDER BY url").fetchall()
    assert {row["document_id"] for row in rows} == {fetch.document_id}
    assert catalogue.db.execute("PRAGMA foreign_key_check").fetchall() == []
    catalogue.close()


def test_status_counts_documents_listed_and_not_fetched(tmp_path, monkeypatch, capsys):
    settings = crawl_settings(tmp_path, "http://127.0.0.1:9")
    catalogue = open_catalogue(settings.catalogue_url)
    council = catalogue.ensure_council("quito", "Quito")
    catalogue.list_document(council, "a", session_id=None, kind="acta", title="A", url="http://p/a.pdf")
    catalogue.close()
    monkeypatch.setenv("CONCEJO_DATA_DIR", str(settings.data_dir))

    assert cli.main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["listed_not_fetched"] == 1
    assert cli.main(["status"]) == 0
    assert "listados sin descargar" in capsys.readouterr().out


def test_a_304_to_an_unconditional_request_is_failed_with_its_http_status(portal, tmp_path):
    portal.routes["/acta.pdf"] = Answer(304, b"", {})  # no ETag: answers 304 whatever the request says
    portal.portal({DAY: [("Acta", "/acta.pdf")]})

    _, catalogue = crawl(crawl_settings(tmp_path, portal.url()))

    assert [headers.get("If-None-Match") for path, headers in portal.requests if path == "/acta.pdf"] == [None]
    row = document(catalogue, portal.url() + "/acta.pdf")
    assert row["status"] == "fetch_failed" and row["status_reason"] == "HTTP 304 from the portal"
    catalogue.close()
