"""The "directory_listing" family spider: saved Apache and IIS index pages (tests/crawler/pages/, hand-written
in those servers' formats) replayed as Scrapy responses, one small test per field and per naming mess;
then real crawls of the replica's /archivos/ tree over HTTP on 127.0.0.1, checked against the replica's model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector

from concejo.config import ConfigError, child_environ, load_settings
from concejo.sources import source_from_table
from crawler.items import DocumentItem, SessionItem
from crawler.settings import RETRY_TIMES
from crawler.spiders.directory_listing import DirectoryListingSpider
from replica import build_portal
from replica.changes import add_session, amend_document, remove_document
from replica.directory import DIRECTORY_ROOT
from replica.server import ReplicaServer

PAGES = Path(__file__).parent / "pages"
HOST = "https://concejo.example"
ROOT = Path(__file__).resolve().parents[2]
YEAR_FOLDER = "/archivos/Administración 2023-2027/Actas Sesiones/2024/"
SESSION_FOLDER = "/archivos/Sesiones del Pleno 2019/Sesión Ordinaria 2019-09-03/"
AGENDA_POINT = SESSION_FOLDER + "V. Plan Hoy no Circula/"
COMMISSION = "/archivos/Comisiones/Comisión de Movilidad/"
COMMISSION_SESSION = COMMISSION + "Sesión Ordinaria No. 012 2022-05-10/"


def make_spider(start: str = "/archivos/", **options) -> DirectoryListingSpider:
    source = source_from_table({"slug": "quito", "name": "Concejo Metropolitano de Quito",
                                "family": "directory_listing", "start_urls": [HOST + quote(start)],
                                "options": options}, where="test")
    crawler = Crawler(DirectoryListingSpider, {})
    crawler.stats = MemoryStatsCollector(crawler)
    return DirectoryListingSpider.from_crawler(crawler, source=source)


def replay(spider: DirectoryListingSpider, page: str, folder: str) -> list:
    url = HOST + quote(folder)
    response = HtmlResponse(url, body=(PAGES / page).read_bytes(), encoding="utf-8", request=Request(url))
    return list(spider.parse(response))


def requested(results: list) -> list[str]:
    return [unquote(urlsplit(r.url).path) for r in results if isinstance(r, Request)]


def by_file(results: list) -> dict[str, SessionItem | DocumentItem]:
    """Items by the decoded name of their file (or link)."""
    found = {}
    for item in results:
        if isinstance(item, SessionItem):
            for entry in (item["documents"] or item["links"]):
                found[unquote(urlsplit(entry["url"]).path).rsplit("/", 1)[1]] = item
        elif isinstance(item, DocumentItem):
            found[unquote(urlsplit(item["url"]).path).rsplit("/", 1)[1]] = item
    return found


@pytest.fixture(scope="module")
def year_folder() -> dict[str, SessionItem | DocumentItem]:
    return by_file(replay(make_spider(), "apache_year_folder.html", YEAR_FOLDER))


# --- walking the tree: only downward --------------------------------------------------------------------


def test_apache_listing_descends_into_its_subfolder_and_never_to_the_parent_or_a_sort_link():
    results = replay(make_spider(), "apache_year_folder.html", YEAR_FOLDER)
    assert requested(results) == [YEAR_FOLDER + "Escaneadas/"]


def test_apache_pre_listing_follows_subfolders_not_the_parent():
    results = replay(make_spider(), "apache_pre_session_folder.html", SESSION_FOLDER)
    assert requested(results) == [SESSION_FOLDER + "V. Plan Hoy no Circula/", SESSION_FOLDER + "VI. Varios/"]


def test_iis_listing_follows_its_session_folders_and_never_to_parent_directory():
    results = replay(make_spider(), "iis_commission_folder.html", COMMISSION)
    assert requested(results) == [COMMISSION + "Sesión Ordinaria No. 012 2022-05-10/",
                                  COMMISSION + "Sesión Extraordinaria No. 013 2022-06-28/"]


def test_links_outside_the_listed_folder_or_the_site_are_never_taken():
    files = by_file(replay(make_spider(), "iis_commission_folder.html", COMMISSION))
    assert set(files) == {"Informe de labores 2022.pdf"}


def test_nothing_above_the_start_url_is_followed():
    spider = make_spider(start=COMMISSION_SESSION)
    results = replay(spider, "iis_commission_folder.html", COMMISSION)
    assert requested(results) == [COMMISSION_SESSION] and by_file(results) == {}


def test_folders_deeper_than_max_depth_are_not_requested_and_are_counted():
    spider = make_spider(start="/archivos/Sesiones del Pleno 2019/", max_depth=1)
    results = replay(spider, "apache_pre_session_folder.html", SESSION_FOLDER)
    assert requested(results) == []
    assert spider.crawler.stats.get_value("concejo/folders_too_deep") == 2
    assert set(by_file(results)) >= {"Acta.pdf", "Orden del Día.pdf"}


def test_a_page_that_is_not_a_directory_index_is_a_layout_error():
    spider = make_spider()
    url = HOST + "/archivos/"
    response = HtmlResponse(url, body=b"<html><body><h1>Bienvenidos</h1><a href='a.pdf'>Acta</a></body></html>",
                            encoding="utf-8", request=Request(url))
    assert list(spider.parse(response)) == []
    assert spider.crawler.stats.get_value("concejo/layout_errors") == 1


def inline(spider: DirectoryListingSpider, folder: str, html: str) -> list:
    url = HOST + quote(folder)
    return list(spider.parse(HtmlResponse(url, body=html.encode(), encoding="utf-8", request=Request(url))))


def test_an_empty_listing_at_the_start_url_is_a_layout_error_but_an_empty_subfolder_is_not():
    empty = ("<html><head><title>Index of {0}</title></head><body><h1>Index of {0}</h1><pre>"
             '<a href="/">Parent Directory</a></pre></body></html>')
    spider = make_spider()
    assert inline(spider, "/archivos/2024/", empty.format("/archivos/2024")) == []
    assert spider.crawler.stats.get_value("concejo/layout_errors") is None
    assert inline(spider, "/archivos/", empty.format("/archivos")) == []
    assert spider.crawler.stats.get_value("concejo/layout_errors") == 1


def test_a_python_http_server_listing_is_walked_too():
    html = ("<html><head><title>Directory listing for /archivos/</title></head><body>"
            "<h1>Directory listing for /archivos/</h1><hr><ul><li><a href=\"2024/\">2024/</a></li>"
            "<li><a href=\"Acta%20Sesi%C3%B3n%20Ordinaria%20No.%20030%202023-11-07.pdf\">Acta</a></li></ul>"
            "<hr></body></html>")
    results = inline(make_spider(), "/archivos/", html)
    assert requested(results) == ["/archivos/2024/"]
    assert by_file(results)["Acta Sesión Ordinaria No. 030 2023-11-07.pdf"]["number"] == 30


def test_only_the_configured_extensions_become_documents():
    default = by_file(replay(make_spider(), "apache_year_folder.html", YEAR_FOLDER))
    assert "Listado de actas.docx" not in default
    with_docx = by_file(replay(make_spider(file_extensions=["pdf", "DOCX"]), "apache_year_folder.html",
                               YEAR_FOLDER))
    assert with_docx["Listado de actas.docx"]["kind"] == "acta"


def test_bad_options_are_refused_naming_the_option():
    with pytest.raises(ConfigError, match="max_depth"):
        make_spider(max_depth=0)
    with pytest.raises(ConfigError, match="file_extensions"):
        make_spider(file_extensions="pdf")
    with pytest.raises(ConfigError, match="unknown directory_listing options depth"):
        make_spider(depth=3)


# --- names, one messy case per test -----------------------------------------------------------------------


def test_plain_name_gives_type_number_date_and_kind(year_folder):
    item = year_folder["Acta Sesión Ordinaria No. 030 2023-11-07.pdf"]
    assert (item["session_type"], item["number"], item["date"]) == ("ordinaria", 30, "2023-11-07")
    assert item["documents"][0]["kind"] == "acta" and item["commission_slug"] is None
    assert item["council_slug"] == "quito"


def test_wrong_year_folder_the_names_own_date_wins(year_folder):
    item = year_folder["Acta Sesión Ordinaria No. 030 2023-11-07.pdf"]
    assert item["date"] == "2023-11-07" and item["key"] == "pleno-2023-11-07-ordinaria"


def test_decomposed_accents_read_like_composed_ones(year_folder):
    nfd = "Acta Sesio\u0301n Ordinaria No. 031 2024-01-09.pdf"
    item = year_folder[nfd]
    assert (item["session_type"], item["number"], item["date"]) == ("ordinaria", 31, "2024-01-09")
    assert item["documents"][0]["title"] == "Acta Sesión Ordinaria No. 031 2024-01-09"


def test_signed_suffix_is_not_part_of_the_date_or_title(year_folder):
    item = year_folder["Acta Sesión Ordinaria No. 032 2024-01-16-signed.pdf"]
    assert item["date"] == "2024-01-16" and item["documents"][0]["title"].endswith("2024-01-16")


def test_copy_number_suffix_is_not_part_of_the_date(year_folder):
    item = year_folder["Acta Sesión Ordinaria No. 033 2024-01-23-1.pdf"]
    assert (item["number"], item["date"]) == (33, "2024-01-23")
    assert item["documents"][0]["title"] == "Acta Sesión Ordinaria No. 033 2024-01-23"


def test_double_spaces_are_collapsed(year_folder):
    item = year_folder["Acta  Sesión  Ordinaria  No. 034  2024-01-30.pdf"]
    assert (item["number"], item["date"]) == (34, "2024-01-30")
    assert item["documents"][0]["title"] == "Acta Sesión Ordinaria No. 034 2024-01-30"


def test_extraordinaria_in_camel_case_with_nro(year_folder):
    item = year_folder["Acta Sesión ExtraOrdinaria Nro. 35 2024-02-02.pdf"]
    assert (item["session_type"], item["number"]) == ("extraordinaria", 35)
    assert item["key"] == "pleno-2024-02-02-extraordinaria"


def test_number_after_degree_sign(year_folder):
    assert year_folder["Acta Sesión Ordinaria N° 036 2024-02-06.pdf"]["number"] == 36


def test_no_date_in_the_name_and_no_session_folder_leaves_the_date_unknown(year_folder):
    item = year_folder["Acta Sesión Ordinaria No. 037.pdf"]
    assert item["date"] is None and item["number"] == 37
    assert item["key"] == "pleno-ordinaria-no-37"


def test_a_name_that_is_itself_percent_encoded_is_decoded(year_folder):
    item = year_folder["Acta%20Sesi%C3%B3n%20Ordinaria%20No.%20038%202024-02-20.pdf"]
    assert (item["session_type"], item["number"], item["date"]) == ("ordinaria", 38, "2024-02-20")


def test_a_name_without_its_kind_takes_its_category_folders(year_folder):
    item = year_folder["Sesión Ordinaria No. 040 2024-03-05.pdf"]
    assert item["documents"][0]["kind"] == "acta" and (item["number"], item["date"]) == (40, "2024-03-05")


def test_an_agenda_point_folder_does_not_give_its_documents_a_kind():
    files = by_file(replay(make_spider(), "apache_pre_agenda_point.html", SESSION_FOLDER + "V. Informe de movilidad/"))
    assert files["Anexo 1 - mapa.pdf"]["documents"][0]["kind"] == "documento"


def test_a_resolution_number_is_not_the_sessions(year_folder):
    item = year_folder["Resolución No. 045 Sesión Ordinaria 2024-02-27.pdf"]
    assert item["documents"][0]["kind"] == "resolucion" and item["number"] is None


def test_a_file_that_names_no_session_is_a_document_of_no_session(year_folder):
    item = year_folder["Informe anual 2024.pdf"]
    assert isinstance(item, DocumentItem) and item["kind"] == "informe"


def test_a_recording_is_kept_as_a_link_of_its_session(year_folder):
    item = year_folder["Grabación Sesión Ordinaria No. 030 2023-11-07.mp3"]
    assert item["documents"] == [] and item["file_urls"] == []
    assert item["links"][0]["kind"] == "audio" and item["key"] == "pleno-2023-11-07-ordinaria"


def test_a_name_without_date_takes_its_session_folders():
    files = by_file(replay(make_spider(), "apache_pre_session_folder.html", SESSION_FOLDER))
    acta, agenda = files["Acta.pdf"], files["Orden del Día.pdf"]
    assert (acta["session_type"], acta["date"], acta["documents"][0]["kind"]) == ("ordinaria", "2019-09-03", "acta")
    assert agenda["documents"][0]["kind"] == "orden_del_dia"
    assert acta["key"] == agenda["key"] == "pleno-2019-09-03-ordinaria"


def test_a_truncated_link_text_does_not_truncate_the_name():
    files = by_file(replay(make_spider(), "apache_pre_session_folder.html", SESSION_FOLDER))
    item = files["Convocatoria Sesión Ordinaria firmada-signed.pdf"]
    assert item["documents"][0]["title"] == "Convocatoria Sesión Ordinaria firmada"
    assert item["documents"][0]["kind"] == "convocatoria"


def test_an_agenda_point_folder_titles_its_documents_and_keeps_the_session():
    files = by_file(replay(make_spider(), "apache_pre_agenda_point.html", AGENDA_POINT))
    report = files["Informe - Hoy no circula.pdf"]
    assert report["documents"][0]["title"] == "V. Plan Hoy no Circula — Informe - Hoy no circula"
    assert report["documents"][0]["kind"] == "informe"
    assert (report["date"], report["key"]) == ("2019-09-03", "pleno-2019-09-03-ordinaria")
    assert files["Anexo 1 - mapa.pdf"]["documents"][0]["kind"] == "documento"


def test_a_commission_folder_gives_the_commission_and_its_session_folder_the_date():
    files = by_file(replay(make_spider(), "iis_commission_session.html", COMMISSION_SESSION))
    acta, call = files["Acta Sesión Ordinaria No. 012.pdf"], files["Convocatoria.pdf"]
    assert (acta["commission_slug"], acta["number"], acta["date"]) == ("movilidad", 12, "2022-05-10")
    assert acta["key"] == call["key"] == "movilidad-2022-05-10-ordinaria"
    assert acta["title"] == call["title"] == "Comisión de Movilidad — Sesión Ordinaria del 2022-05-10"


def test_files_of_one_session_give_it_one_title_whether_or_not_they_tell_its_number():
    files = by_file(replay(make_spider(), "apache_pre_session_folder.html", SESSION_FOLDER))
    points = by_file(replay(make_spider(), "apache_pre_agenda_point.html", AGENDA_POINT))
    assert files["Acta Sesión Ordinaria No. 101-signed.pdf"]["number"] == 101  # the only file that tells it
    titles = {item["title"] for item in [*files.values(), *points.values()]}
    assert titles == {"Sesión Ordinaria del 2019-09-03"}
    undated = by_file(replay(make_spider(), "apache_year_folder.html", YEAR_FOLDER))["Acta Sesión Ordinaria No. 037.pdf"]
    assert undated["title"] == "Sesión Ordinaria No. 37"


def test_a_signed_copy_beside_the_original_is_a_second_document_of_the_same_session(year_folder):
    original = year_folder["Acta Sesión Ordinaria No. 030 2023-11-07.pdf"]
    signed = year_folder["Acta Sesión Ordinaria No. 030 2023-11-07-signed.pdf"]
    assert original["key"] == signed["key"]
    assert original["documents"][0]["key"] != signed["documents"][0]["key"]


def test_document_keys_are_unique_and_the_same_on_the_next_crawl():
    first = replay(make_spider(), "apache_year_folder.html", YEAR_FOLDER)
    again = replay(make_spider(), "apache_year_folder.html", YEAR_FOLDER)
    keys = [d["key"] for i in first if isinstance(i, SessionItem) for d in i["documents"]]
    assert len(keys) == len(set(keys)) == 12  # the page's PDFs that name a session: eleven actas, a resolución
    assert keys == [d["key"] for i in again if isinstance(i, SessionItem) for d in i["documents"]]


# --- a real crawl of the replica's directory layout ---------------------------------------------------------

CHILD = """
import json, sys
from scrapy.crawler import CrawlerProcess
from crawler.settings import RETRY_TIMES
from crawler.spiders.directory_listing import DirectoryListingSpider
source, out = sys.argv[1], sys.argv[2]
process = CrawlerProcess({"ITEM_PIPELINES": {}, "FEEDS": {out: {"format": "jsonlines"}}, "LOG_LEVEL": "ERROR",
                          "ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False, "CLOSESPIDER_TIMEOUT": 240,
                          "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
crawler = process.create_crawler(DirectoryListingSpider)
process.crawl(crawler, source=source)
process.start()
print(json.dumps(crawler.stats.get_stats(), default=str))
"""


def crawl_replica(server: ReplicaServer, tmp_path: Path) -> tuple[list[dict], dict]:
    """Crawl the replica's /archivos/ tree in a child process (a Twisted reactor runs once per process)."""
    source = source_from_table({"slug": "quito", "name": "Concejo Metropolitano de Quito",
                                "family": "directory_listing", "start_urls": [server.directory_url],
                                "allow_private_addresses": True}, where="test")
    out = tmp_path / "items.jsonl"
    child = subprocess.run([sys.executable, "-c", CHILD, source.to_json(), str(out)], check=False, cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return items, json.loads(child.stdout.strip().splitlines()[-1])


def expected_files(portal) -> dict[str, tuple]:
    """What the replica's model says each listed file tells: decoded path -> its session's fields and kind."""
    sessions = {s.key: s for s in portal.sessions}
    documents = {d.key: d for d in portal.documents}
    expected = {}
    for listed in portal.listing:
        session = sessions[listed.session_key]
        expected[DIRECTORY_ROOT + listed.path] = (
            session.session_type, session.number if listed.tells_number else None,
            session.date.isoformat() if listed.tells_date else None, session.commission_slug,
            documents[listed.document_key].kind)
    return expected


def crawled_files(items: list[dict]) -> dict[str, tuple]:
    found = {}
    for item in items:
        for document in item.get("documents") or []:
            path = unquote(urlsplit(document["url"]).path)
            assert path not in found, f"{path} yielded twice"
            found[path] = (item["session_type"], item["number"], item["date"], item["commission_slug"],
                           document["kind"])
    return found


@pytest.mark.parametrize("style", ["apache", "iis"])
def test_crawling_the_replicas_tree_yields_exactly_the_seeds_sessions_and_documents(style, tmp_path):
    portal = build_portal(seed=2016, directory_style=style)
    with ReplicaServer(portal) as server:
        items, stats = crawl_replica(server, tmp_path)

    assert crawled_files(items) == expected_files(portal)
    assert not [i for i in items if "documents" not in i], "no loose documents in the replica's tree"
    assert stats.get("concejo/layout_errors", 0) == 0
    # Files of one session whose names give its date share one key; two sessions never share one.
    key_of = {unquote(urlsplit(d["url"]).path): i["key"] for i in items for d in i["documents"]}
    sessions: dict[str, set[str]] = {}
    for listed in portal.listing:
        if listed.tells_date:
            sessions.setdefault(listed.session_key, set()).add(key_of[DIRECTORY_ROOT + listed.path])
    assert all(len(keys) == 1 for keys in sessions.values())
    assert len({next(iter(keys)) for keys in sessions.values()}) == len(sessions)


# --- the whole crawl step on the replica's tree, then the replica changes -----------------------------------


def concejo_crawl(data_dir: Path, sources_file: Path) -> dict:
    """`concejo crawl --json` as a user runs it; the one source's ledger."""
    settings = load_settings(environ={}, data_dir=data_dir, sources_file=sources_file, extract_workers=1, ocr=False,
                             crawl_request_timeout_s=30)
    process = subprocess.run([sys.executable, "-m", "concejo", "crawl", "--json"], env=child_environ(settings),
                             cwd=ROOT, text=True, capture_output=True, timeout=600, check=False)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout)["sources"]["quito-archivos"]


def test_a_recrawl_of_the_changed_tree_reports_exactly_the_changes(tmp_path):
    portal = build_portal(seed=2016, years=range(2023, 2025))
    with ReplicaServer(portal) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(SOURCES.format(url=server.directory_url), encoding="utf-8")
        url_of = {f.document_key: server.url + DIRECTORY_ROOT + f.url for f in portal.listing}
        not_pdfs = {url_of[d.key] for d in portal.documents_with_defect("html_error") if d.key in url_of}
        first = concejo_crawl(tmp_path / "data", sources)
        assert {f["url"] for f in first["failed"]} == not_pdfs and first["gaps"] is not None
        assert first["new"] == len({portal.resources[DIRECTORY_ROOT + f.path].body for f in portal.listing
                                    if url_of[f.document_key] not in not_pdfs})

        unchanged = concejo_crawl(tmp_path / "data", sources)
        assert (unchanged["new"], unchanged["changed"], unchanged["withdrawn"]) == (0, 0, 0)
        assert unchanged["pdfs_downloaded"] == 0  # only what failed as not a PDF comes again, and is no PDF

        filed = [f for f in portal.listing if f.document_key not in {d.key for d in portal.documents if d.defect}]
        agenda = next(f for f in filed if portal.document_by_key(f.document_key).kind == "orden_del_dia")
        gone = next(f for f in filed if f.session_key != agenda.session_key and "Comisiones/" not in f.path)
        failing = next(f for f in filed if f.session_key not in {agenda.session_key, gone.session_key})
        amend_document(portal, agenda.document_key)
        added = add_session(portal)
        remove_document(portal, gone.document_key)
        server.fail(DIRECTORY_ROOT + failing.path, times=RETRY_TIMES + 1)  # fails through every retry
        server.fail(DIRECTORY_ROOT + "Comisiones/", times=1)  # recovers on the first retry
        changed = concejo_crawl(tmp_path / "data", sources)

        assert (changed["new"], changed["changed"], changed["withdrawn"]) == (len(added.documents), 1, 1)
        assert {f["url"] for f in changed["failed"]} == not_pdfs | {url_of[failing.document_key]}
        assert changed["pdfs_downloaded"] == len(added.documents) + 1

        recovered = concejo_crawl(tmp_path / "data", sources)
        assert {f["url"] for f in recovered["failed"]} == not_pdfs
        assert (recovered["new"], recovered["changed"], recovered["withdrawn"]) == (0, 0, 0)


SOURCES = """
[[sources]]
slug = "quito-archivos"
name = "Concejo Metropolitano de Quito"
family = "directory_listing"
start_urls = ["{url}"]
allow_private_addresses = true
[sources.politeness]
delay_s = 0
"""
