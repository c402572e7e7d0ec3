"""Serve a built replica portal over HTTP on 127.0.0.1, with validators and conditional GET.

A ThreadingHTTPServer with daemon threads, started in the background (`ReplicaServer`) or in
the foreground (`run_replica`). Resources come only from `Portal.resources`; the server never
generates content itself and logs nothing per request unless asked to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import unquote, urlsplit

from replica import pages as html
from replica.build import build_portal
from replica.directory import DIRECTORY_ROOT
from replica.model import Portal, Resource

HTML = "text/html; charset=utf-8"


class _ReplicaHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    # The default listen backlog (5) drops a crawler's burst of connections; the kernel then retries
    # them after 1, 3, 7... seconds, which made a 200-request crawl take minutes.
    request_queue_size = 128


def _etag(body: bytes) -> str:
    return f'"{hashlib.sha1(body).hexdigest()}"'


class _Validators:
    """ETags of the portal's resources, computed once per body: a changed body (replica.changes) gets a new one."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def etag(self, path: str, body: bytes) -> str:
        with self._lock:
            known = self._known.get(path)
            if known is None or known[0] is not body:
                known = (body, _etag(body))
                self._known[path] = known
            return known[1]


class _Failures:
    """Paths told to answer an error status a number of times before they recover (ReplicaServer.fail)."""

    def __init__(self) -> None:
        self._left: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def set(self, path: str, times: int, status: int) -> None:
        with self._lock:
            self._left[path] = (times, status)

    def take(self, path: str) -> int | None:
        """The error status to answer now for `path`, or None; each answer uses up one."""
        with self._lock:
            times, status = self._left.get(path, (0, 0))
            if times <= 0:
                return None
            self._left[path] = (times - 1, status)
            return status


def _make_handler(portal: Portal, verbose: bool, failures: _Failures) -> type[BaseHTTPRequestHandler]:
    validators = _Validators()

    class Handler(BaseHTTPRequestHandler):
        server_version = "ConcejoAbiertoReplica/1.0"
        timeout = 10  # a stuck client must not pin a thread forever

        def do_GET(self) -> None:
            self._respond(with_body=True)

        def do_HEAD(self) -> None:
            self._respond(with_body=False)

        def log_message(self, format: str, *args: object) -> None:
            if verbose:
                super().log_message(format, *args)

        def _respond(self, with_body: bool) -> None:
            path = unquote(urlsplit(self.path).path) or "/"
            failing = failures.take(path)
            if failing is not None:
                self._send(failing, html.server_error_page(), HTML, {}, with_body)
                return
            resource = portal.resources.get(path)
            if resource is None and not path.endswith("/") and f"{path}/" in portal.resources:
                self._send(HTTPStatus.MOVED_PERMANENTLY, b"", HTML, {"Location": f"{path}/"}, with_body)
                return
            if resource is None:
                self._send(HTTPStatus.NOT_FOUND, html.not_found(portal.council, path), HTML, {}, with_body)
                return
            etag = validators.etag(path, resource.body)
            headers = {"ETag": etag, "Last-Modified": format_datetime(resource.last_modified, usegmt=True)}
            if resource.status == 200 and self._not_modified(resource, etag):
                self._send(HTTPStatus.NOT_MODIFIED, b"", None, headers, with_body=False)
                return
            self._send(resource.status, resource.body, resource.content_type, headers, with_body)

        def _not_modified(self, resource: Resource, etag: str) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:
                tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
                return etag in tags or "*" in tags
            if_modified_since = self.headers.get("If-Modified-Since")
            if if_modified_since:
                try:
                    since = parsedate_to_datetime(if_modified_since)
                except (TypeError, ValueError):
                    return False
                if since.tzinfo is None:
                    since = since.replace(tzinfo=dt.UTC)
                return resource.last_modified.replace(microsecond=0) <= since
            return False

        def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str],
                  with_body: bool) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != HTTPStatus.NOT_MODIFIED:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body and body:
                self.wfile.write(body)

    return Handler


class ReplicaServer:
    """Background HTTP server for a portal: start(), url, stop(); also a context manager.

    It serves `portal.resources` as they are at each request, so replica.changes (amend, add, remove)
    shows at once; `fail(path, times)` makes a path answer 500 that many times, then recover.
    """

    def __init__(self, portal: Portal, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        self.portal = portal
        self._failures = _Failures()
        self._httpd = _ReplicaHTTPServer((host, port), _make_handler(portal, verbose, self._failures))
        self._thread: threading.Thread | None = None

    def fail(self, path: str, times: int, status: int = HTTPStatus.INTERNAL_SERVER_ERROR) -> None:
        """Answer `status` (500) to the next `times` requests for `path` (a decoded path), then serve it again."""
        if times < 0 or not 500 <= status <= 599:
            raise ValueError(f"fail({path!r}): times must be >= 0 and status a 5xx, not {times}, {status}")
        self._failures.set(unquote(path), times, int(status))

    @property
    def directory_url(self) -> str:
        """Where the open directory listing layout starts (Apache- or IIS-style, as the portal was built)."""
        return self.url + DIRECTORY_ROOT

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._httpd.server_address[0]}:{self.port}"

    def start(self) -> Self:
        """Serve in a daemon thread and return immediately."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                            name=f"replica-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close the socket and wait (bounded) for the serving thread."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def run_replica(port: int, seed: int = 2016, extra_pdfs_dir: Path | None = None, host: str = "127.0.0.1",
                verbose: bool = False, directory_style: str = "apache") -> None:
    """Build the portal and serve it in the foreground until Ctrl-C."""
    portal = build_portal(seed, extra_pdfs_dir, directory_style=directory_style)
    server = ReplicaServer(portal, host=host, port=port, verbose=verbose).start()
    print(f"Réplica del portal sirviendo en {server.url}/ (semilla {seed}; Ctrl-C para detener)", flush=True)
    print(f"Los mismos archivos como listado de directorio: {server.directory_url}", flush=True)
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
