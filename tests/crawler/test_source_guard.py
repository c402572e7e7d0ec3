"""Issue 8, item 1: the crawler stays on the source's hosts, over http(s), at the addresses the source
allows, within size and time bounds, and archives only PDFs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from archive import FileStore
from archive.sniff import pdf_refusal
from concejo.steps import StepFailed
from crawler.guard import SourceGuardMiddleware, SourcePolicy, address_kind
from tests.crawler.hostile import (
    DAY,
    SECRET,
    Answer,
    HostileServer,
    crawl,
    crawl_settings,
    document,
    make_pdf,
)


def test_links_and_redirects_to_other_hosts_are_refused_and_nothing_internal_is_archived(
        portal, internal, tmp_path):
    with HostileServer("127.0.0.1") as same_address, HostileServer("127.0.0.1") as file_server:
        same_address.pdf("/secret.pdf", make_pdf(SECRET.decode()))
        file_server.pdf("/anexo.pdf", make_pdf("Anexo publicado en el servidor de archivos del concejo"))
        internal_by_name = same_address.url("localhost")
        portal.pdf("/docs/acta.pdf", make_pdf("Acta de la sesion ordinaria"))
        portal.redirect("/docs/informe.pdf", f"{internal.url()}/secret.pdf")  # a file download redirected
        portal.redirect("/sesiones/2023/", f"{internal_by_name}/sesiones/")  # a page redirected
        portal.routes["/docs/convocatoria.pdf"] = Answer(
            200, b"<html><body>" + SECRET + b"</body></html>", {"Content-Type": "application/pdf"})
        portal.routes["/docs/resolucion.pdf"] = Answer(200, SECRET * 10, {"Content-Type": "application/pdf"})
        portal.portal(
            {DAY: [("Acta", "/docs/acta.pdf"),
                   ("Orden del día", f"{internal.url()}/secret.pdf"),  # a direct link to another host
                   ("Informe", "/docs/informe.pdf"),
                   ("Anexo", f"{same_address.url()}/secret.pdf"),  # the portal's address, another port
                   ("Convocatoria", "/docs/convocatoria.pdf"),
                   ("Resolución", "/docs/resolucion.pdf"),
                   ("Adjunto", f"{file_server.url('localhost')}/anexo.pdf")]},
            months=(f"{internal.url()}/sesiones/2024/03/",), years=("/sesiones/2023/",))
        settings = crawl_settings(tmp_path, portal.url(),
                                  crawl_allowed_hosts=(f"localhost:{file_server.port}",))

        report, catalogue = crawl(settings)

        assert internal.requests == [] and same_address.requests == []
        assert document(catalogue, portal.url() + "/docs/acta.pdf")["status"] == "fetched"
        assert document(catalogue, f"{file_server.url('localhost')}/anexo.pdf")["status"] == "fetched"
        for url in (f"{internal.url()}/secret.pdf", portal.url() + "/docs/informe.pdf",
                    f"http://127.0.0.1:{same_address.port}/secret.pdf"):
            row = document(catalogue, url)
            assert row["status"] == "fetch_failed", url
            assert "not one of the source's hosts" in row["status_reason"], url
        html = document(catalogue, portal.url() + "/docs/convocatoria.pdf")
        not_pdf = document(catalogue, portal.url() + "/docs/resolucion.pdf")
        assert html["status"] == "fetch_failed" and "HTML page instead of a PDF" in html["status_reason"]
        assert not_pdf["status"] == "fetch_failed" and "not a PDF" in not_pdf["status_reason"]
        assert SECRET.decode() not in html["status_reason"] + not_pdf["status_reason"]
        store = FileStore(settings.files_dir)
        assert all(SECRET not in store.open_path(sha).read_bytes() for sha in store.stored())
        assert len(list(store.stored())) == 2
        assert any("refused as outside the source" in p for p in report.problems)
        assert catalogue.counts()["listed_not_fetched"] == 0
        catalogue.close()


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])  # an address, and a name resolved to one
def test_a_portal_on_a_private_address_is_refused_unless_its_source_allows_it(portal, tmp_path, name):
    portal.portal({DAY: [("Acta", portal.pdf("/acta.pdf", make_pdf("Acta")))]})
    settings = crawl_settings(tmp_path, portal.url(name), crawl_allow_private_addresses=False)

    with pytest.raises(StepFailed) as refused:
        crawl(settings)

    assert "loopback address" in str(refused.value)
    assert "CONCEJO_CRAWL_ALLOW_PRIVATE_ADDRESSES" in str(refused.value)
    assert portal.requests == []


def test_downloads_are_bounded_in_size_and_time(portal, tmp_path):
    portal.routes["/grande.pdf"] = Answer(200, b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024),
                                          {"Content-Type": "application/pdf"}, content_length=False)
    portal.routes["/lento.pdf"] = Answer(200, make_pdf("Lento"), {"Content-Type": "application/pdf"}, delay_s=4)
    portal.portal({DAY: [("Acta", "/grande.pdf"), ("Informe", "/lento.pdf")]})
    settings = crawl_settings(tmp_path, portal.url(), crawl_max_download_mb=1, crawl_request_timeout_s=1.0)

    _, catalogue = crawl(settings)

    big, slow = document(catalogue, portal.url() + "/grande.pdf"), document(catalogue, portal.url() + "/lento.pdf")
    assert big["status"] == "fetch_failed" and "larger than the 1 MB download limit" in big["status_reason"]
    assert slow["status"] == "fetch_failed" and "did not answer within 1 s" in slow["status_reason"]
    assert catalogue.counts()["files"] == 0
    catalogue.close()


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
    ("169.254.169.254", "link-local"), ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"),
    ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("fe80::1", "link-local"), ("fc00::1", "private"),
    ("100.64.0.1", "non-public"), ("8.8.8.8", None), ("2001:4860:4860::8888", None),
])
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


def test_policy_allows_only_the_sources_hosts_and_ports_over_http():
    policy = SourcePolicy.for_source("https://concejo.example.org", ("archivos.example.org:8443",))
    assert policy.refusal("https://concejo.example.org/a.pdf") is None
    assert policy.refusal("http://concejo.example.org/a.pdf") is None
    assert policy.refusal("https://archivos.example.org:8443/a.pdf") is None
    for url in ("https://concejo.example.org:8080/", "https://archivos.example.org/a.pdf",
                "https://evil.example/a.pdf", "ftp://concejo.example.org/a.pdf", "file:///etc/passwd",
                "javascript:alert(1)", "https://concejo.example.org.evil.example/"):
        assert policy.refusal(url), url
    local = SourcePolicy.for_source("http://127.0.0.1:8800")
    assert "loopback" in local.refusal("http://127.0.0.1:8800/")
    assert SourcePolicy.for_source("http://127.0.0.1:8800", allow_private=True).refusal("http://127.0.0.1:8800/") is None


def test_an_html_page_quoting_the_pdf_header_is_failed_never_archived(portal, tmp_path):
    portal.routes["/docs/acta.pdf"] = Answer(200, b"<html><!--%PDF-1.4--><script>alert(1)</script></html>",
                                             {"Content-Type": "application/pdf"})
    portal.portal({DAY: [("Acta", "/docs/acta.pdf")]})
    settings = crawl_settings(tmp_path, portal.url())

    _, catalogue = crawl(settings)

    row = document(catalogue, portal.url() + "/docs/acta.pdf")
    assert row["status"] == "fetch_failed" and "HTML page instead of a PDF" in row["status_reason"]
    assert row["current_sha256"] is None
    assert list(FileStore(settings.files_dir).stored()) == []
    catalogue.close()


@pytest.mark.parametrize(("head", "refused"), [
    (b"%PDF-1.7\n", False), (b"\r\n \x00\xff\xfe junk %PDF-1.4\n", False),
    (b"<html><!--%PDF-1.4--><script>alert(1)</script>", True), (b"<?xml?>%PDF-1.4", True),
    (b"\x00" * 1024 + b"%PDF-1.4", True), (b"PK\x03\x04", True), (b"", True),
])
def test_a_pdf_has_its_header_in_the_first_kib_with_no_markup_before_it(head, refused):
    assert (pdf_refusal(head) is not None) == refused


def test_the_dns_pre_check_is_bounded_by_the_crawls_dns_timeout(monkeypatch):
    import twisted.internet
    from scrapy import Request
    from scrapy.settings import Settings
    from twisted.internet import defer

    class FakeReactor:
        def __init__(self) -> None:
            self.calls: list = []

        def resolve(self, name, timeout=(1, 3, 11, 45)):  # Twisted's default: up to 60 s
            self.calls.append((name, tuple(timeout)))
            return defer.succeed("93.184.216.34")

    reactor = FakeReactor()
    monkeypatch.setattr(twisted.internet, "reactor", reactor, raising=False)
    crawler = SimpleNamespace(settings=Settings({"CONCEJO_SOURCE_URL": "https://concejo.example.org",
                                                 "DNS_TIMEOUT": 7.5}))
    middleware = SourceGuardMiddleware.from_crawler(crawler)

    middleware.process_request(Request("https://concejo.example.org/acta.pdf"))

    assert reactor.calls == [("concejo.example.org", (7.5,))]
