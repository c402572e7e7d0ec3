"""Crawl benchmark: a full crawl and an unchanged re-crawl of a large portal, in both replica layouts.

Run from the project root:
    python bench/crawl_bench.py [--min-documents 2000] [--concurrency 8] [--defects]
                                [--layouts portal,directory] [--no-wget] [--timeout 1800]

Builds a replica with at least --min-documents documents (replica.build.build_large_portal) and serves it on
127.0.0.1 (an ephemeral port). Then, for each layout, the "Concejo Abierto" portal (family concejo_abierto,
from "/") and the open directory listing (family directory_listing, from /archivos/), as one source of a
sources file (politeness delay 0 and --concurrency requests per host: the portal is this machine's own):
  1. `concejo crawl --json` into a fresh data directory: the full crawl;
  2. `concejo crawl --json` again, nothing changed: the unchanged re-crawl, which must download no PDF;
  3. the naive baseline: `wget --mirror --no-parent` (or, without wget, a `curl` of the start page only, and
     without either, nothing but a line saying so), fetching the same site once into a scratch folder.
For each it prints seconds, the requests and body bytes the replica served (counted by the server, so the
figures compare across clients: pages and files, 304s and robots.txt included) and, for the crawls, the
ledger's requests, PDFs downloaded and file bytes.

The large replica has no defects unless --defects is given. With them, a document whose "PDF" is an HTML
error page is never archived, so every crawl receives its body again and the ledger's `pdfs_downloaded`
counts it: the verdict line then counts real PDFs only, and says so. A re-crawl that downloads a PDF, or
reports anything new, changed or withdrawn, prints a line starting with FAIL (and the exit status is 1).
Every child is bounded (--timeout seconds); the data directories live in a temporary folder removed at the
end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from concejo.config import child_environ, load_settings
from replica.build import build_large_portal
from replica.directory import DIRECTORY_ROOT
from replica.model import Portal
from replica.server import ReplicaServer

LAYOUTS = {"portal": "concejo_abierto", "directory": "directory_listing"}
SOURCE = """
[[sources]]
slug = "bench-{layout}"
name = "Concejo de prueba ({layout})"
family = "{family}"
start_urls = ["{url}"]
allow_private_addresses = true
[sources.politeness]
delay_s = 0
concurrency_per_host = {concurrency}
"""


class Served:
    """Requests and body bytes a ReplicaServer answered, counted as they are sent (thread-safe)."""

    def __init__(self, server: ReplicaServer) -> None:
        self._lock = threading.Lock()
        self.requests = self.bytes = self.not_modified = 0
        handler = server._httpd.RequestHandlerClass  # the replica offers no hook; wrap its one way out
        served = self

        class Counting(handler):
            def _send(self, status, body, content_type, headers, with_body):
                served.count(status, len(body) if with_body and status != 304 else 0)
                super()._send(status, body, content_type, headers, with_body)

        server._httpd.RequestHandlerClass = Counting

    def count(self, status: int, size: int) -> None:
        with self._lock:
            self.requests += 1
            self.bytes += size
            self.not_modified += status == 304

    def snapshot(self) -> tuple[int, int, int]:
        with self._lock:
            return self.requests, self.bytes, self.not_modified


@dataclass
class Measure:
    what: str
    seconds: float
    served_requests: int
    served_bytes: int
    not_modified: int
    ledger: dict | None = None

    def line(self) -> str:
        text = (f"  {self.what:<26} {self.seconds:7.1f} s  served: {self.served_requests:6d} requests "
                f"({self.not_modified:5d} were 304), {mb(self.served_bytes):>9}")
        if self.ledger is not None:
            ledger = self.ledger
            text += (f"  | ledger: {ledger['requests']:6d} requests, {ledger['pdfs_downloaded']:5d} PDFs "
                     f"downloaded, {mb(ledger['bytes_downloaded']):>9} of files")
        return text


def mb(size: int) -> str:
    """A byte count people read at a glance: B, kB or MB (decimal)."""
    if size < 1000:
        return f"{size} B"
    return f"{size / 1000:.1f} kB" if size < 1_000_000 else f"{size / 1_000_000:.2f} MB"


def measured(served: Served, what: str, run) -> Measure:
    requests, size, not_modified = served.snapshot()
    started = time.perf_counter()
    ledger = run()
    seconds = time.perf_counter() - started
    after = served.snapshot()
    return Measure(what, seconds, after[0] - requests, after[1] - size, after[2] - not_modified, ledger)


def concejo_crawl(data_dir: Path, sources: Path, slug: str, timeout_s: float) -> dict:
    """`concejo crawl --json` as a user runs it; the source's ledger."""
    settings = load_settings(environ={}, data_dir=data_dir, sources_file=sources, ocr=False)
    process = subprocess.run([sys.executable, "-m", "concejo", "crawl", "--json"],
                             env=child_environ(settings), cwd=ROOT, text=True, capture_output=True,
                             timeout=timeout_s, check=False)
    if process.returncode != 0:
        raise SystemExit(f"FAIL: concejo crawl exited {process.returncode}: {process.stderr[-2000:]}")
    return json.loads(process.stdout)["sources"][slug]


def baseline_command(url: str, folder: Path) -> tuple[str, list[str]] | None:
    """The naive client installed here: wget mirroring the site, else curl of the start page, else None."""
    if shutil.which("wget"):
        return "wget --mirror", ["wget", "--mirror", "--no-parent", "--quiet", "--tries=1", "-P", str(folder),
                                 url]
    if shutil.which("curl"):
        return "curl (start page only)", ["curl", "--silent", "--output", str(folder / "index.html"), url]
    return None


def not_pdf_urls(portal: Portal, layout: str, base: str) -> set[str]:
    """URLs of documents the replica serves as an HTML error page instead of a PDF, in this layout."""
    keys = {d.key for d in portal.documents_with_defect("html_error")}
    if layout == "portal":
        return {base + url for d in portal.documents if d.key in keys for url in d.urls}
    return {base + DIRECTORY_ROOT + f.url for f in portal.listing if f.document_key in keys}


def verdict(layout: str, ledger: dict, not_pdfs: set[str]) -> tuple[bool, str]:
    """OK when the unchanged re-crawl downloaded no PDF and saw nothing new, changed or withdrawn."""
    asked_again = len(not_pdfs & {f["url"] for f in ledger["failed"]})
    pdfs = ledger["pdfs_downloaded"]
    changes = {k: ledger[k] for k in ("new", "changed", "withdrawn") if ledger[k]}
    note = (f" ({asked_again} listed file(s) whose body is an HTML error page, never archived, were received "
            "again)" if asked_again else "")
    if pdfs or changes:
        return False, (f"FAIL: {layout}: the unchanged re-crawl downloaded {pdfs} PDFs again (must be 0)"
                       f"{note}; new/changed/withdrawn: {changes or 'none'}")
    return True, f"OK: {layout}: the unchanged re-crawl downloaded 0 PDFs{note}"


def bench_layout(layout: str, server: ReplicaServer, served: Served, portal: Portal, scratch: Path,
                 args: argparse.Namespace) -> tuple[list[Measure], bool, str]:
    url = server.url + "/" if layout == "portal" else server.directory_url
    slug = f"bench-{layout}"
    sources = scratch / f"{layout}-sources.toml"
    sources.write_text(SOURCE.format(layout=layout, family=LAYOUTS[layout], url=url,
                                     concurrency=args.concurrency), encoding="utf-8")
    data_dir = scratch / f"{layout}-data"
    def crawl() -> dict:
        return concejo_crawl(data_dir, sources, slug, args.timeout)

    rows = [measured(served, "full crawl", crawl), measured(served, "unchanged re-crawl", crawl)]
    ok, line = verdict(layout, rows[1].ledger, not_pdf_urls(portal, layout, server.url))
    if args.wget:
        folder = scratch / f"{layout}-mirror"
        folder.mkdir()
        command = baseline_command(url, folder)
        if command is None:
            line += "\n  (no baseline: neither wget nor curl is installed)"
        else:
            name, argv = command

            def fetch() -> None:
                subprocess.run(argv, timeout=args.timeout, check=False, capture_output=True)

            rows.append(measured(served, f"baseline: {name}", fetch))
    return rows, ok, line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-documents", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8,
                        help="requests per host (the source's politeness)")
    parser.add_argument("--layouts", default="portal,directory", help="comma-separated: portal, directory")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed to each crawl or mirror")
    parser.add_argument("--defects", action="store_true",
                        help="keep the replica's deliberate defects (a broken link, an HTML page as a PDF)")
    parser.add_argument("--no-wget", dest="wget", action="store_false", help="skip the naive baseline")
    args = parser.parse_args(argv)
    layouts = [name.strip() for name in args.layouts.split(",") if name.strip()]
    unknown = set(layouts) - set(LAYOUTS)
    if unknown:
        parser.error(f"unknown layouts {', '.join(sorted(unknown))}; known: {', '.join(LAYOUTS)}")

    started = time.perf_counter()
    portal = build_large_portal(min_documents=args.min_documents, defects=args.defects)
    print(f"Replica: {len(portal.documents)} documents, {len(portal.sessions)} sessions, "
          f"{len(portal.listing)} files in /archivos/, {'with' if args.defects else 'without'} defects, "
          f"built in {time.perf_counter() - started:.1f} s; "
          f"crawled with delay 0 and {args.concurrency} requests per host", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as folder, ReplicaServer(portal) as server:
        served = Served(server)
        for layout in layouts:
            rows, ok, line = bench_layout(layout, server, served, portal, Path(folder), args)
            start = server.url if layout == "portal" else server.directory_url
            print(f"{layout} layout ({LAYOUTS[layout]}, {start}):")
            for row in rows:
                print(row.line())
            print(f"  {line}", flush=True)
            results.append(ok)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
