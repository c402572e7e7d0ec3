"""A minimal portal on 127.0.0.1 that records when each path was asked for and can hold answers back."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

HOME = b"<html><body><h1>Concejo</h1><p>Sin enlaces.</p></body></html>"


class PortalStub:
    """Serves HOME at / and 404 elsewhere; paths in `hold` are answered only after `hold_s` seconds
    (or when the stub stops)."""

    def __init__(self, *, hold: tuple[str, ...] = (), hold_s: float = 0.0) -> None:
        self.requests: list[tuple[str, float]] = []
        self.hold, self.hold_s = hold, hold_s
        self.released = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub.requests.append((self.path, time.monotonic()))
                if self.path in stub.hold:
                    stub.released.wait(stub.hold_s)
                body, status = (HOME, 200) if self.path == "/" else (b"no", 404)
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def asked_for(self, path: str) -> list[float]:
        return [at for p, at in self.requests if p == path]
