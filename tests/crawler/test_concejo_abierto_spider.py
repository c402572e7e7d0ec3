"""The "concejo_abierto" family spider, field by field, on the replica's pages replayed as Scrapy responses;
and a crawl over HTTP on 127.0.0.1 showing recordings are kept as links, never downloaded."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request
from scrapy.statscollectors import MemoryStatsCollector

from concejo.sources import source_from_table
from crawler.items import CommissionItem, SessionItem
from crawler.run import project_settings
from crawler.spiders.concejo_abierto import ConcejoAbiertoSpider
from replica import build_portal
from tests.crawler.hostile import DAY, crawl, crawl_settings, document, make_pdf

BASE = "http://127.0.0.1:8800"
SOURCE = source_from_table({"slug": "quito", "name": "Concejo Metropolitano de Quito", "family": "concejo_abierto",
                            "start_urls": [BASE + "/"]}, where="test")


@pytest.fixture(scope="module")
def replica():
    return build_portal(seed=2016)


@pytest.fixture()
def spider() -> ConcejoAbiertoSpider:
    crawler = Crawler(ConcejoAbiertoSpider, project_settings())
    crawler.stats = MemoryStatsCollector(crawler)
    return ConcejoAbiertoSpider.from_crawler(crawler, source=SOURCE)


def page(path: str, body: bytes) -> HtmlResponse:
    return HtmlResponse(BASE + path, body=body, encoding="utf-8", request=Request(BASE + path))


def served(replica, path: str) -> HtmlResponse:
    return page(path, replica.resources[path].body)


def test_commission_members_are_names_as_published_with_their_roles(replica, spider):
    for commission in replica.commissions:
        (item,) = [i for i in spider.parse_commission(served(replica, f"/comisiones/{commission.slug}/"))
                   if isinstance(i, CommissionItem)]
        published = [member.split(" — ") for member in commission.members]
        assert item["members"] == [{"name": name, "role": role} for name, role in published]
        assert item["name"] == commission.name
        assert item["schedule"] == commission.schedule
        assert (item["council_slug"], item["council_name"]) == ("quito", "Concejo Metropolitano de Quito")


def test_a_member_line_without_a_role_keeps_the_whole_name_and_an_empty_line_lists_nobody(spider):
    html = ("<html><body><h1>Comisión de Movilidad</h1><ul class='miembros'><li>Sra. Ana María Pérez-Soto</li>"
            "<li> </li><li>— Secretaria</li></ul><p class='horario'>Martes</p></body></html>")
    (item,) = [i for i in spider.parse_commission(page("/comisiones/movilidad/", html.encode()))
               if isinstance(i, CommissionItem)]
    assert item["members"] == [{"name": "Sra. Ana María Pérez-Soto", "role": None},
                               {"name": "", "role": "Secretaria"}]


def test_a_commission_mission_is_read_when_the_page_has_one(replica, spider):
    commission = replica.commissions[0]
    path = f"/comisiones/{commission.slug}/"
    (plain,) = [i for i in spider.parse_commission(served(replica, path)) if isinstance(i, CommissionItem)]
    assert plain["mission"] is None
    mission = "Estudiar y dictaminar los proyectos de ordenanza sobre el uso del suelo."
    for block in (f'<div class="mision"><p>{mission}</p></div>', f"<h2>Misión</h2><p>{mission}</p>"):
        body = replica.resources[path].body.decode().replace("<h2>Integrantes</h2>", block + "<h2>Integrantes</h2>")
        (item,) = [i for i in spider.parse_commission(page(path, body.encode())) if isinstance(i, CommissionItem)]
        assert item["mission"] == mission


def test_a_month_page_lists_each_session_with_its_documents(replica, spider):
    plenary = [s for s in replica.sessions if s.commission_slug is None]
    first = plenary[0].date
    path = f"/sesiones/{first.year}/{first.month:02d}/"
    expected = [s for s in plenary if (s.date.year, s.date.month) == (first.year, first.month)]

    items = list(spider.parse_session_list(served(replica, path)))

    assert [i["date"] for i in items] == [s.date.isoformat() for s in expected]
    assert [i["session_type"] for i in items] == [s.session_type for s in expected]
    assert [i["key"] for i in items] == [s.key for s in expected]
    for item, session in zip(items, expected, strict=True):
        assert item["number"] is None  # the line does not state it: extraction reads it from the text
        assert item["commission_slug"] is None and item["links"] == []
        assert [(d["kind"], d["url"]) for d in item["documents"]] == [
            (doc.kind, BASE + doc.urls[0]) for doc in session.documents]
        assert item["file_urls"] == [d["url"] for d in item["documents"]]


def test_a_session_number_is_taken_when_the_line_states_it(spider):
    html = (f'<ul><li class="sesion">Sesión ordinaria No. 030 {DAY} — <a href="/acta.pdf">ACTA</a></li>'
            f'<li class="sesion">Sesión extraordinaria {DAY} — <a href="/orden.pdf">ORDEN DEL DÍA</a></li></ul>')
    stated, unstated = spider.parse_session_list(page("/sesiones/2024/03/", html.encode()))
    assert (stated["number"], stated["session_type"], stated["date"]) == (30, "ordinaria", DAY)
    assert (unstated["number"], unstated["session_type"]) == (None, "extraordinaria")


def test_two_sessions_of_one_type_on_one_day_and_two_reports_of_one_session_stay_apart(spider):
    """Review finding: one key for both would file the second acta as a new version of the first."""
    html = (f'<ul><li class="sesion">Sesión extraordinaria No. 12 {DAY} — <a href="/12.pdf">ACTA</a></li>'
            f'<li class="sesion">Sesión extraordinaria No. 13 {DAY} — <a href="/13.pdf">ACTA</a> · '
            '<a href="/informe-a.pdf">INFORME</a> · <a href="/informe-b.pdf">INFORME</a></li></ul>')
    twelve, thirteen = spider.parse_session_list(page("/sesiones/2024/03/", html.encode()))
    assert twelve["key"] != thirteen["key"]
    keys = [d["key"] for d in [*twelve["documents"], *thirteen["documents"]]]
    assert len(set(keys)) == len(keys) == 4
    again = list(spider.parse_session_list(page("/sesiones/2024/03/", html.encode())))
    assert [d["key"] for item in again for d in item["documents"]] == keys  # the same keys on every crawl


def test_recordings_are_links_and_documents_are_files(spider):
    html = (f'<ul><li class="sesion">Sesión ordinaria {DAY} — <a href="/acta.pdf">ACTA</a> · '
            '<a href="/media/sesion.mp3">Audio</a> · <a href="https://www.youtube.com/watch?v=abc">Video</a> · '
            '<a href="https://vimeo.com/123">Transmisión</a> · <a href="/media/sesion.MP4">Grabación</a></li></ul>')
    (item,) = spider.parse_session_list(page("/sesiones/2024/03/", html.encode()))
    assert [d["url"] for d in item["documents"]] == [BASE + "/acta.pdf"]
    assert item["file_urls"] == [BASE + "/acta.pdf"]
    assert [(link["kind"], link["url"]) for link in item["links"]] == [
        ("audio", BASE + "/media/sesion.mp3"), ("video", "https://www.youtube.com/watch?v=abc"),
        ("video", "https://vimeo.com/123"), ("video", BASE + "/media/sesion.MP4")]


def test_a_list_page_without_session_lines_is_a_layout_change_naming_the_page(spider):
    items = list(spider.parse_session_list(page("/sesiones/2024/03/", b"<html><body><table></table></body></html>")))
    assert items == []
    stats = spider.crawler.stats
    assert stats.get_value("concejo/layout_errors") == 1
    assert stats.get_value("concejo/last_layout_error").endswith(BASE + "/sesiones/2024/03/")


def test_a_new_commission_without_sessions_yet_is_no_layout_change(spider):
    html = ('<html><body><h1>Comisión de Movilidad</h1><ul class="miembros"><li>Concejala Ana Torres — '
            "Presidenta</li></ul><p>Aún no hay sesiones.</p></body></html>")
    items = list(spider.parse_commission(page("/comisiones/movilidad/", html.encode())))
    assert [type(item) for item in items] == [CommissionItem]
    assert items[0]["members"] == [{"name": "Concejala Ana Torres", "role": "Presidenta"}]
    assert not spider.crawler.stats.get_value("concejo/layout_errors")


def test_a_crawl_keeps_recordings_as_links_and_never_downloads_them(portal, tmp_path):
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", make_pdf("Acta"))),
                         ("Audio", portal.pdf("/media/sesion.mp3", b"ID3 audio")),
                         ("Video", portal.pdf("/media/sesion.mp4", b"video"))]})
    settings = crawl_settings(tmp_path, portal.url())

    report, catalogue = crawl(settings)

    assert not report.failed_sources, report.problems
    assert "/acta.pdf" in portal.paths()
    assert not [path for path in portal.paths() if path.startswith("/media/")]
    acta = document(catalogue, portal.url() + "/acta.pdf")
    assert acta["status"] == "fetched"
    links = catalogue.session_links(acta["session_id"])
    assert [(link["kind"], link["url"]) for link in links] == [
        ("audio", portal.url() + "/media/sesion.mp3"), ("video", portal.url() + "/media/sesion.mp4")]
    assert catalogue.counts()["documents"] == 1
    catalogue.close()


def test_session_items_carry_the_council_of_the_source(spider):
    html = f'<ul><li class="sesion">Sesión ordinaria {DAY} — <a href="/acta.pdf">ACTA</a></li></ul>'
    (item,) = spider.parse_session_list(page("/sesiones/2024/03/", html.encode()))
    assert isinstance(item, SessionItem)
    assert (item["council_slug"], item["council_name"]) == (SOURCE.slug, SOURCE.name)
