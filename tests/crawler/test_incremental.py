"""Issue 10, incremental and exact: an unchanged portal costs no download, a changed file becomes a new
current version beside the old one, a document gone from the portal is withdrawn (never deleted), a full
sweep downloads everything and archives only what is new; and every item of the crawl contract is kept.

Crawls are real (the "Concejo Abierto" spider through the real pipelines, in a child process) against a
real HTTP server on 127.0.0.1, into a real catalogue and file store.
"""

from __future__ import annotations

import pytest

from archive import CatalogueError, FileStore, open_catalogue, sha256_of
from crawler.items import CommissionItem, DocumentItem, MemberItem, SessionItem
from crawler.pipelines import CataloguePipeline, _CrawlState
from crawler.spiders.base import CouncilSpider
from tests.crawler.hostile import DAY, Answer, crawl_settings, document, make_pdf, pipelines_crawl

OTHER_DAY = "2024-03-12"
LEDGER = "concejo/ledger/"


def ledger(stats: dict) -> dict:
    return {key.removeprefix(LEDGER): value for key, value in stats.items() if key.startswith(LEDGER)}


def three_documents(portal) -> dict[str, bytes]:
    bodies = {"/acta.pdf": make_pdf("Acta de la sesion ordinaria"), "/orden.pdf": make_pdf("Orden del dia"),
              "/informe.pdf": make_pdf("Informe de la comision")}
    for path, body in bodies.items():
        portal.pdf(path, body)
    portal.portal({DAY: [("Acta", "/acta.pdf"), ("Orden del día", "/orden.pdf")],
                   OTHER_DAY: [("Informe", "/informe.pdf")]})
    return bodies


def test_an_unchanged_portal_recrawled_downloads_no_pdf_and_counts_every_document_unchanged(portal, tmp_path):
    bodies = three_documents(portal)
    settings = crawl_settings(tmp_path, portal.url())
    first = ledger(pipelines_crawl(settings))
    assert first == {"new": 3, "changed": 0, "unchanged": 0, "failed": [], "pdfs_downloaded": 3,
                     "bytes_downloaded": sum(len(b) for b in bodies.values())}
    portal.requests.clear()

    second = ledger(pipelines_crawl(settings))

    assert second == {"new": 0, "changed": 0, "unchanged": 3, "failed": [], "pdfs_downloaded": 0,
                      "bytes_downloaded": 0}
    asked = {path: headers.get("If-None-Match") for path, headers in portal.requests if path in bodies}
    assert asked == {path: portal.routes[path].headers["ETag"] for path in bodies}  # each asked conditionally
    catalogue = open_catalogue(settings.catalogue_url)
    assert catalogue.counts()["files"] == 3 and catalogue.counts()["versions"] == 3
    catalogue.close()


def test_a_pdf_changed_at_the_same_url_is_kept_as_a_new_current_version_beside_the_old(portal, tmp_path):
    bodies = three_documents(portal)
    settings = crawl_settings(tmp_path, portal.url())
    pipelines_crawl(settings)
    amended = make_pdf("Acta de la sesion ordinaria, corregida")
    portal.pdf("/acta.pdf", amended)

    stats = ledger(pipelines_crawl(settings))

    assert (stats["new"], stats["changed"], stats["unchanged"], stats["pdfs_downloaded"]) == (0, 1, 2, 1)
    catalogue = open_catalogue(settings.catalogue_url)
    row = document(catalogue, portal.url() + "/acta.pdf")
    assert row["current_sha256"] == sha256_of(amended)
    versions = [(v["sha256"], v["is_current"]) for v in catalogue.versions(row["id"])]
    assert versions == [(sha256_of(bodies["/acta.pdf"]), 0), (sha256_of(amended), 1)]
    store = FileStore(settings.files_dir)
    assert store.open_verified(sha256_of(bodies["/acta.pdf"])).read_bytes() == bodies["/acta.pdf"]
    catalogue.close()


def test_a_document_gone_from_the_portal_is_withdrawn_kept_and_back_when_listed_again(portal, tmp_path):
    bodies = three_documents(portal)
    settings = crawl_settings(tmp_path, portal.url())
    pipelines_crawl(settings)
    informe = portal.url() + "/informe.pdf"
    portal.portal({DAY: [("Acta", "/acta.pdf"), ("Orden del día", "/orden.pdf")]})  # the informe's line goes

    stats = pipelines_crawl(settings)
    catalogue = open_catalogue(settings.catalogue_url)
    withdrawn = catalogue.mark_withdrawn("quito", seen_before=stats["started_at"])

    assert withdrawn == [{"url": informe, "key": f"pleno-{OTHER_DAY}-ordinaria/informe"}]
    row = document(catalogue, informe)
    assert row["status"] == "withdrawn"
    assert [v["sha256"] for v in catalogue.versions(row["id"])] == [sha256_of(bodies["/informe.pdf"])]
    assert FileStore(settings.files_dir).is_intact(sha256_of(bodies["/informe.pdf"]))
    assert document(catalogue, portal.url() + "/acta.pdf")["status"] == "fetched"
    assert catalogue.counts()["withdrawn"] == 1
    assert catalogue.mark_withdrawn("quito", seen_before=stats["started_at"]) == []  # only newly withdrawn

    three_documents(portal)  # the informe is listed again
    again = pipelines_crawl(settings)

    assert catalogue.mark_withdrawn("quito", seen_before=again["started_at"]) == []
    assert document(catalogue, informe)["status"] == "fetched"
    catalogue.close()


def test_a_crawl_that_listed_nothing_withdraws_nothing_and_says_why(portal, tmp_path):
    three_documents(portal)
    settings = crawl_settings(tmp_path, portal.url())
    pipelines_crawl(settings)
    portal.html("/sesiones/2024/03/", "<html><body><ul></ul></body></html>")  # the listing comes back empty

    stats = pipelines_crawl(settings)
    catalogue = open_catalogue(settings.catalogue_url)

    with pytest.raises(CatalogueError, match="council quito: no document was listed since"):
        catalogue.mark_withdrawn("quito", seen_before=stats["started_at"])
    assert catalogue.counts()["withdrawn"] == 0
    catalogue.close()


def test_a_full_sweep_downloads_every_file_again_and_archives_nothing_new_for_unchanged_content(portal, tmp_path):
    bodies = three_documents(portal)
    settings = crawl_settings(tmp_path, portal.url())
    pipelines_crawl(settings)
    catalogue = open_catalogue(settings.catalogue_url)
    before = catalogue.counts()
    portal.requests.clear()

    stats = ledger(pipelines_crawl(settings, full_sweep=True))

    assert stats == {"new": 0, "changed": 0, "unchanged": 3, "failed": [], "pdfs_downloaded": 3,
                     "bytes_downloaded": sum(len(b) for b in bodies.values())}
    pdf_requests = [headers for path, headers in portal.requests if path in bodies]
    assert len(pdf_requests) == 3
    assert not any("If-None-Match" in h or "If-Modified-Since" in h for h in pdf_requests)
    after = catalogue.counts()
    assert (after["files"], after["versions"], after["documents"]) == (
        before["files"], before["versions"], before["documents"])
    catalogue.close()


def test_a_file_answering_500_is_failed_with_its_reason_and_the_others_are_archived(portal, tmp_path):
    portal.pdf("/acta.pdf", make_pdf("Acta"))
    portal.routes["/roto.pdf"] = Answer(500, b"<html>Error interno</html>", {"Content-Type": "text/html"})
    portal.portal({DAY: [("Acta", "/acta.pdf"), ("Informe", "/roto.pdf")]})
    settings = crawl_settings(tmp_path, portal.url())

    stats = ledger(pipelines_crawl(settings))

    assert stats["failed"] == [{"url": portal.url() + "/roto.pdf", "reason": "HTTP 500 from the portal"}]
    assert (stats["new"], stats["pdfs_downloaded"]) == (1, 1)
    catalogue = open_catalogue(settings.catalogue_url)
    assert document(catalogue, portal.url() + "/roto.pdf")["status"] == "fetch_failed"
    assert document(catalogue, portal.url() + "/acta.pdf")["status"] == "fetched"
    catalogue.close()


def test_a_file_listed_in_two_sessions_counts_once(portal, tmp_path):
    body = make_pdf("Informe conjunto")
    portal.pdf("/informe.pdf", body)
    portal.portal({DAY: [("Informe", "/informe.pdf")], OTHER_DAY: [("Informe", "/informe.pdf")]})
    settings = crawl_settings(tmp_path, portal.url())

    stats = ledger(pipelines_crawl(settings))

    assert stats == {"new": 1, "changed": 0, "unchanged": 0, "failed": [], "pdfs_downloaded": 1,
                     "bytes_downloaded": len(body)}


def test_a_file_named_with_spaces_and_accents_is_asked_conditionally_and_fails_with_its_reason(portal, tmp_path):
    """Directory listings link 'Acta Sesión Ordinaria No. 030.pdf' as written; the request escapes it."""
    body = make_pdf("Acta de la sesion ordinaria No. 030")
    portal.pdf("/Acta%20Sesi%C3%B3n%20Ordinaria%20No.%20030.pdf", body)
    portal.routes["/Informe%20(roto).pdf"] = Answer(500, b"error", {"Content-Type": "text/html"})
    portal.portal({DAY: [("Acta", "/Acta Sesión Ordinaria No. 030.pdf"), ("Informe", "/Informe (roto).pdf")]})
    settings = crawl_settings(tmp_path, portal.url())
    first = ledger(pipelines_crawl(settings))
    assert first["failed"] == [{"url": portal.url() + "/Informe (roto).pdf", "reason": "HTTP 500 from the portal"}]

    second = ledger(pipelines_crawl(settings))

    assert (second["unchanged"], second["pdfs_downloaded"]) == (1, 0)


def test_the_ledgers_failures_are_listed_by_url_whatever_order_they_came_in(portal, tmp_path):
    portal.routes["/a-tarde.pdf"] = Answer(404, b"no", delay_s=1.0)  # fails after the other
    portal.routes["/z-pronto.pdf"] = Answer(404, b"no")
    portal.portal({DAY: [("Acta", "/a-tarde.pdf")], OTHER_DAY: [("Acta", "/z-pronto.pdf")]})

    stats = ledger(pipelines_crawl(crawl_settings(tmp_path, portal.url())))

    assert stats["failed"] == [{"url": portal.url() + path, "reason": "HTTP 404 from the portal"}
                               for path in ("/a-tarde.pdf", "/z-pronto.pdf")]


# -- what the crawl contract carries ---------------------------------------------------------------------


class LooseDocumentsSpider(CouncilSpider):
    """Every PDF link of the start page as a document of no single session (as the selectors family yields
    a transparency page's minutes); it leaves file_urls unset, as DocumentItem's contract allows."""

    name = "test_loose_documents"

    def parse(self, response):
        for link in response.css("a[href$='.pdf']"):
            href = link.attrib["href"]
            yield DocumentItem(**self.council, key=f"suelto{href.removesuffix('.pdf')}", kind="acta",
                               title=link.css("::text").get(), date="2024-04-01", source_url=response.url,
                               url=response.urljoin(href))


def test_documents_of_no_session_are_archived_and_recrawled_like_the_others(portal, tmp_path):
    bodies = {"/actas-t1.pdf": make_pdf("Actas del primer trimestre"), "/actas-t2.pdf": make_pdf("Actas t2")}
    for path, body in bodies.items():
        portal.pdf(path, body)
    portal.html("/", "".join(f'<a href="{path}">Actas {path}</a>' for path in bodies))
    settings = crawl_settings(tmp_path, portal.url())
    spider = f"{__name__}:LooseDocumentsSpider"

    first = ledger(pipelines_crawl(settings, spider=spider))
    second = ledger(pipelines_crawl(settings, spider=spider))

    assert (first["new"], first["pdfs_downloaded"], first["failed"]) == (2, 2, [])
    assert (second["unchanged"], second["pdfs_downloaded"]) == (2, 0)
    catalogue = open_catalogue(settings.catalogue_url)
    for path, body in bodies.items():
        row = document(catalogue, portal.url() + path)
        assert (row["session_id"], row["current_sha256"], row["listing_date"]) == (None, sha256_of(body),
                                                                                    "2024-04-01")
    catalogue.close()


QUITO = {"council_slug": "quito", "council_name": "Concejo Metropolitano de Quito"}


def catalogue_pipeline(tmp_path):
    catalogue = open_catalogue(f"sqlite:///{tmp_path / 'catalogue.sqlite3'}")
    return catalogue, CataloguePipeline(catalogue, _CrawlState(), "https://concejo.example/")


def test_commissions_keep_mission_and_members_with_roles(tmp_path):
    catalogue, pipeline = catalogue_pipeline(tmp_path)
    members = [{"name": "Concejala Ana Torres", "role": "Presidenta"}, {"name": "Concejal Luis Paz", "role": None}]

    pipeline.process_item(CommissionItem(**QUITO, slug="movilidad", name="Comisión de Movilidad",
                                         mission="Estudiar las ordenanzas de tránsito", members=members,
                                         schedule="Lunes 10:00", source_url="https://concejo.example/c/1"))

    row = catalogue.commission("movilidad", "quito")
    assert catalogue.commission_members(row) == members
    assert row["mission"] == "Estudiar las ordenanzas de tránsito"
    catalogue.close()


def test_members_of_the_council_are_kept_once_per_name_body_and_role(tmp_path):
    catalogue, pipeline = catalogue_pipeline(tmp_path)
    body = "Concejo Municipal 2018 - 2021"
    for role in ("ALCALDE MUNICIPAL", "ALCALDE MUNICIPAL", "Concejal"):
        pipeline.process_item(MemberItem(**QUITO, name="Sr. Lucio Velis Canales", role=role, body=body,
                                         source_url="https://concejo.example/miembros"))
    pipeline.process_item(MemberItem(**QUITO, name="Sra. Rosa Díaz", role=None, body=None, source_url=None))
    pipeline.process_item(MemberItem(**QUITO, name="Sra. Rosa Díaz", role=None, body=None, source_url=None))

    members = [(m["name"], m["role"], m["body"]) for m in catalogue.members("quito")]
    assert sorted(members, key=str) == sorted([
        ("Sr. Lucio Velis Canales", "ALCALDE MUNICIPAL", body), ("Sr. Lucio Velis Canales", "Concejal", body),
        ("Sra. Rosa Díaz", None, None)], key=str)
    catalogue.close()


def test_a_session_keeps_its_number_and_its_links_and_documents_of_no_session_are_listed(tmp_path):
    catalogue, pipeline = catalogue_pipeline(tmp_path)
    acta = {"key": "pleno-2024-03-05-ordinaria/acta", "kind": "acta", "title": "Acta",
            "url": "https://concejo.example/acta.pdf"}
    video = {"kind": "video", "title": "Grabación", "url": "https://www.youtube.com/watch?v=abc"}
    session = SessionItem(**QUITO, key="pleno-2024-03-05-ordinaria", session_type="ordinaria", number=47,
                          date=DAY, title="Sesión ordinaria No. 47", commission_slug=None,
                          source_url="https://concejo.example/s", documents=[acta], links=[video])
    bundle = DocumentItem(**QUITO, key="actas-2024-t1", kind="acta", title="Actas del primer trimestre",
                          date="2024-04-01", source_url="https://concejo.example/t",
                          url="https://concejo.example/actas-t1.pdf")

    pipeline.process_item(session)
    pipeline.process_item(bundle)

    [row] = catalogue.sessions(council_slug="quito")
    assert row["number"] == 47
    assert [(link["kind"], link["title"], link["url"]) for link in catalogue.session_links(row["id"])] == [
        ("video", "Grabación", video["url"])]
    assert session["file_urls"] == [acta["url"]]  # the recording is a link, never a download
    assert bundle["file_urls"] == ["https://concejo.example/actas-t1.pdf"]
    loose = document(catalogue, "https://concejo.example/actas-t1.pdf")
    assert loose["session_id"] is None and loose["listing_date"] == "2024-04-01"
    assert catalogue.counts()["documents"] == 2
    catalogue.close()
