"""Hostile portals for the crawler: real HTTP servers on 127.0.0.x that record every request they
receive; and the crawl run as the pipeline runs it (a child process)."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Self

from reportlab.pdfgen import canvas

from archive import Catalogue, open_catalogue
from concejo import steps
from concejo.config import Settings, load_settings

SECRET = b"INTERNAL-SECRET-7f3a"
DAY = "2024-03-05"


def make_pdf(text: str) -> bytes:
    """A one-page PDF with `text`, byte-identical for the same text."""
    buf = BytesIO()
    pdf = canvas.Canvas(buf, invariant=1)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    content_length: bool = True


class HostileServer:
    """Answers `routes[path]` (404 otherwise) and records (path, headers) of every request, and when it came.
    A route with an ETag answers 304 to a matching If-None-Match, as real portals do. A delayed answer is
    sent after its delay or when the server stops, whichever comes first."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Answer | list[Answer]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrivals: list[tuple[str, float]] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                server.arrivals.append((self.path, time.monotonic()))
                answer = server.routes.get(self.path, Answer(404, b"no"))
                if isinstance(answer, list):  # answers in turn, the last one for good
                    answer = answer.pop(0) if len(answer) > 1 else answer[0]
                if answer.delay_s:
                    server.stopping.wait(answer.delay_s)
                etag = answer.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    answer = Answer(304, b"", answer.headers)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.content_length and answer.status != 304:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.status != 304:
                    try:
                        self.wfile.write(answer.body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, name: str | None = None) -> str:
        """The server's URL, optionally under another name of the same address (e.g. localhost)."""
        return f"http://{name or self.host}:{self.port}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def asked_at(self, path: str) -> list[float]:
        """When `path` was asked for (time.monotonic())."""
        return [at for asked, at in self.arrivals if asked == path]

    def pdf(self, path: str, body: bytes) -> str:
        self.routes[path] = Answer(200, body, {"Content-Type": "application/pdf",
                                               "ETag": f'"{hashlib.sha1(body).hexdigest()}"',
                                               "Last-Modified": formatdate(1700000000, usegmt=True)})
        return path

    def html(self, path: str, text: str) -> None:
        self.routes[path] = Answer(200, text.encode(), {"Content-Type": "text/html; charset=utf-8"})

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = Answer(302, b"", {"Location": location})

    def portal(self, sessions: dict[str, list[tuple[str, str]]], *, months: tuple[str, ...] = (),
               years: tuple[str, ...] = ()) -> None:
        """A "Concejo Abierto" portal: home -> years -> months -> session lines {date: [(label, href)]}.
        `months` and `years` add links (to anywhere) next to the real ones."""
        self.html("/", '<html><body><a href="/sesiones/">Sesiones</a></body></html>')
        year_links = "".join(f'<a class="anio" href="{y}">y</a>' for y in ("/sesiones/2024/", *years))
        self.html("/sesiones/", f"<html><body>{year_links}</body></html>")
        month_links = "".join(f'<a class="mes" href="{m}">m</a>' for m in ("/sesiones/2024/03/", *months))
        self.html("/sesiones/2024/", f"<html><body>{month_links}</body></html>")
        lines = "".join(
            f'<li class="sesion">Sesión ordinaria {date} — '
            + " · ".join(f'<a href="{href}">{label}</a>' for label, href in links) + "</li>"
            for date, links in sessions.items()
        )
        self.html("/sesiones/2024/03/", f"<html><body><ul>{lines}</ul></body></html>")

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.thread.join(5)
        self.httpd.server_close()


def crawl_settings(data_dir: Path, portal_url: str, **overrides) -> Settings:
    """The tests serve on 127.0.0.1, so they allow private addresses explicitly (the allowance is per source)."""
    values = {"crawl_allow_private_addresses": True, "crawl_request_timeout_s": 10.0, "extract_workers": 1,
              "ocr": False, **overrides}
    return load_settings(environ={}, data_dir=data_dir, portal_url=portal_url, **values)


def crawl(settings: Settings) -> tuple[steps.StepReport, Catalogue]:
    catalogue = open_catalogue(settings.catalogue_url)
    return steps.crawl(settings, catalogue), catalogue


def document(catalogue: Catalogue, url: str):
    """The catalogue's document listed at `url`."""
    row = catalogue.db.execute("SELECT document_id FROM document_urls WHERE url = ?", (url,)).fetchone()
    assert row is not None, f"{url} was never listed"
    return catalogue.document(row[0])


def pipelines_crawl(settings: Settings, *, full_sweep: bool = False, spider: str | None = None) -> dict:
    """One crawl of `settings.portal_url` by the "Concejo Abierto" spider (or `spider`, "module:Class")
    through the real pipelines, in a child process (the reactor cannot restart), on its own Scrapy
    settings: it tests the pipelines and the catalogue, whatever runs crawls in the product. Returns the crawl's stats under concejo/ (and the
    downloader's), plus "started_at": an ISO time after everything earlier crawls listed and before
    anything this one lists (the seen_before of Catalogue.mark_withdrawn)."""
    import json
    import os
    import sys

    from archive.catalogue import now_iso
    from concejo.processes import run_child

    earlier = now_iso()
    for _ in range(40):  # the catalogue's times have whole seconds: start in a second of its own (<= 2 s)
        if now_iso() != earlier:
            break
        time.sleep(0.05)
    started_at = now_iso()
    config = {"portal_url": settings.portal_url, "catalogue_url": settings.catalogue_url,
              "files_dir": str(settings.files_dir), "http_cache_dir": str(settings.http_cache_dir),
              "full_sweep": full_sweep, "spider": spider}
    code = "from tests.crawler.hostile import pipelines_crawl_child; pipelines_crawl_child()"
    proc = run_child([sys.executable, "-c", code, json.dumps(config)], env=dict(os.environ), timeout_s=300)
    assert proc.returncode == 0, f"the crawl failed (exit {proc.returncode}): {proc.stderr[-3000:]}"
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "started_at": started_at}


def pipelines_crawl_child() -> None:
    """The child of pipelines_crawl: crawl, then print the stats as one JSON line."""
    import importlib
    import json
    import sys

    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings as ScrapySettings

    from concejo.sources import Source
    from crawler import settings as defaults
    from crawler.spiders.base import CouncilSpider
    from crawler.spiders.concejo_abierto import ConcejoAbiertoSpider

    config = json.loads(sys.argv[1])
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule(defaults, priority="project")
    scrapy_settings.setdict({
        "CONCEJO_CATALOGUE_URL": config["catalogue_url"], "CONCEJO_SOURCE_URL": config["portal_url"],
        "CONCEJO_ALLOWED_HOSTS": [], "CONCEJO_ALLOW_PRIVATE_ADDRESSES": True,
        "CONCEJO_FULL_SWEEP": config["full_sweep"], "HTTPCACHE_ENABLED": not config["full_sweep"],
        "FILES_STORE": f"archive://{config['files_dir']}", "HTTPCACHE_DIR": config["http_cache_dir"],
        "DOWNLOAD_TIMEOUT": 10, "DNS_TIMEOUT": 10, "CLOSESPIDER_TIMEOUT": 240, "LOG_LEVEL": "WARNING",
    }, priority="cmdline")
    process = CrawlerProcess(scrapy_settings, install_root_handler=True)
    spider = ConcejoAbiertoSpider
    if config["spider"]:
        module, name = config["spider"].split(":")
        spider = getattr(importlib.import_module(module), name)
    crawler = process.create_crawler(spider)
    if issubclass(spider, CouncilSpider):
        source = Source(slug="quito", name="Concejo Metropolitano de Quito", family="concejo_abierto",
                        start_urls=(config["portal_url"],), allow_private_addresses=True)
        process.crawl(crawler, source=source)
    else:
        process.crawl(crawler, start_url=config["portal_url"])
    process.start()
    stats = crawler.stats.get_stats()
    kept = {k: v for k, v in stats.items() if k.startswith(("concejo/", "downloader/", "finish_reason"))}
    print(json.dumps(kept, default=str))
