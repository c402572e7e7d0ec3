"""The five real portal pages of ../shared/portal_pages, served on 127.0.0.1 at the paths their own links
expect, or replayed as Scrapy responses; the project's sources pointed at them; and a real Scrapy crawl of
such a source in a child process (`python -m tests.crawler.portal_pages SOURCE_JSON OUT.jsonl`), its
items written as JSON Lines by Scrapy's feed exporter, or by `concejo crawl` into an archive.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit

from scrapy.http import HtmlResponse

from concejo.config import child_environ, load_settings
from concejo.sources import Source, read_sources_file

ROOT = Path(__file__).resolve().parents[2]
PORTAL_PAGES = ROOT.parent / "shared" / "portal_pages"
MISSING = f"the saved portal pages are not at {PORTAL_PAGES} (../shared/portal_pages from the project root)"
CRAWL_TIMEOUT_S = 300

LISTING = "01_larioja_legislatura_ordenydiariosesion.html"
COMMISSION = "02_larioja_legislatura_comision_juventudes.html"
COMMISSION_INDEX = "03_larioja_legislatura_comisiones_index.html"
MEMBERS = "06_sv_alcaldia_guatajiagua_concejo_municipal.html"
TRANSPARENCY = "07_sv_alcaldia_guatajiagua_transparencia.html"

# Each site's pages at the paths the pages link to each other by (MANIFEST.tsv: original_url).
SITES = {
    "larioja": {"/ordenydiariosesion.html": LISTING, "/comisiones.html": COMMISSION_INDEX,
                "/comision/juventudes.html": COMMISSION},
    "guatajiagua": {"/concejo.html": MEMBERS, "/transparencia.html": TRANSPARENCY},
}


def ground_truth(page: str) -> dict:
    """GROUND_TRUTH.json's entry for one saved page."""
    return json.loads((PORTAL_PAGES / "GROUND_TRUTH.json").read_text(encoding="utf-8"))[page]


def project_source(slug: str) -> Source:
    """The source the project ships in sources/<slug>.toml."""
    (source,) = read_sources_file(ROOT / "sources" / f"{slug}.toml")
    return source


def page_url(source: Source, page: str) -> str:
    """The URL the saved page has on the source's site."""
    site = urlsplit(source.start_urls[0])
    path = next(path for path, name in SITES[source.slug].items() if name == page)
    return f"{site.scheme}://{site.netloc}{path}"


def response_for(source: Source, page: str, url: str | None = None) -> HtmlResponse:
    """The saved page's bytes as Scrapy would receive them at its URL on the source's site (or at `url`)."""
    return HtmlResponse(url=url or page_url(source, page), body=(PORTAL_PAGES / page).read_bytes(),
                        headers={"Content-Type": "text/html; charset=utf-8"})


class PortalPagesServer:
    """One site's saved pages on 127.0.0.1, and `files` (path -> bytes: PDFs the pages link to); 404 for
    anything else. Records every path requested."""

    def __init__(self, site: str, files: dict[str, bytes] | None = None) -> None:
        self.routes = {path: (PORTAL_PAGES / name).read_bytes() for path, name in SITES[site].items()}
        self.routes.update(files or {})
        self.requested: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                # "D11-137F (ESPECIAL)-Recinto.pdf" is requested as "D11-137F%20%28ESPECIAL%29-Recinto.pdf"
                path = unquote(urlsplit(self.path).path)
                server.requested.append(path)
                body = server.routes.get(path)
                self.send_response(200 if body is not None else 404)
                pdf = path.endswith(".pdf") and body is not None
                self.send_header("Content-Type", "application/pdf" if pdf else "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def local_source(source: Source, server: PortalPagesServer) -> Source:
    """The source with its start URLs' paths on the local server, and no other host allowed."""
    urls = tuple(server.url() + urlsplit(url).path for url in source.start_urls)
    return replace(source, start_urls=urls, allowed_hosts=(), allow_private_addresses=True)


def local_sources_file(slug: str, server: PortalPagesServer, path: Path) -> Path:
    """The project's sources/<slug>.toml as written, its site's host replaced by the local server's, private
    addresses allowed, no other host, no politeness delay: a sources file for `concejo crawl`."""
    source = project_source(slug)
    site = urlsplit(source.start_urls[0])
    text = (ROOT / "sources" / f"{slug}.toml").read_text(encoding="utf-8")
    text = text.replace(f"{site.scheme}://{site.netloc}", server.url())
    text = re.sub(r"(?m)^allowed_hosts = .*$", "", text)
    text = re.sub(r"(?m)^delay_s = .*$", "delay_s = 0", text)
    text = text.replace('family = "selectors"\n', 'family = "selectors"\nallow_private_addresses = true\n', 1)
    path.write_text(text, encoding="utf-8")
    return path


def concejo_crawl(data_dir: Path, sources_file: Path) -> subprocess.CompletedProcess:
    """`concejo crawl --json` of a sources file into `data_dir`, as a user runs it (a child process)."""
    settings = load_settings(environ={}, data_dir=data_dir, sources_file=sources_file,
                             crawl_request_timeout_s=30, extract_workers=1, ocr=False)
    return subprocess.run([sys.executable, "-m", "concejo", "crawl", "--json"], env=child_environ(settings),
                          cwd=ROOT, text=True, capture_output=True, timeout=CRAWL_TIMEOUT_S, check=False)


def crawl_items(source: Source, out: Path) -> list[dict]:
    """Crawl `source` with Scrapy in a child process (a Twisted reactor runs once per process); its items."""
    done = subprocess.run([sys.executable, "-m", "tests.crawler.portal_pages", source.to_json(), str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=CRAWL_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise AssertionError(f"the crawl failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]


def _crawl(source_json: str, out: str) -> None:
    """The child: the project's Scrapy settings and source guard, the spider found by its family's name,
    items to a JSON Lines feed instead of the archive."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from crawler import settings as project_settings
    from crawler.settings import guard_hosts

    source = Source.from_json(source_json)
    source_url, allowed_hosts = guard_hosts(source)
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict({
        "CONCEJO_SOURCE_URL": source_url, "CONCEJO_ALLOWED_HOSTS": allowed_hosts,
        "CONCEJO_ALLOW_PRIVATE_ADDRESSES": source.allow_private_addresses,
        "ITEM_PIPELINES": {}, "HTTPCACHE_ENABLED": False,
        "FEEDS": {Path(out).as_uri(): {"format": "jsonlines"}},
        "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_ENABLED": False, "DOWNLOAD_TIMEOUT": 10,
        "CLOSESPIDER_TIMEOUT": CRAWL_TIMEOUT_S - 60, "LOG_LEVEL": "WARNING",
    }, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    process.crawl(source.family, source=source_json)
    process.start()


if __name__ == "__main__":
    _crawl(sys.argv[1], sys.argv[2])
