"""Load benchmark: can pathological searches slow down everyone else's?

Run from the project root:  python bench/load_bench.py [--pages 100000] [--ordinary 40] [--seconds 180]

Builds an embedded index of the synthetic corpus of bench/search_bench.py, serves the app with waitress
(threads=8, as `concejo serve` does) in a child process on 127.0.0.1, then runs two phases of the same
10 clients sending ordinary searches (the fixed mix of search_bench.py) to /api/v1/search:
  1. alone;
  2. while 10 more clients (20 concurrent in all) send pathological searches without pause: 10 KB of
     `pr*` repeated, huge OR chains, many phrases, the costliest searches the bounds still accept.
It prints p50/p95 of the ordinary searches in both phases and the ratio of the p95s; the requirement is
at most 2x. Every count and wait is bounded (--ordinary requests per client, --seconds per phase).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import PHRASES, WORDS, CorpusGenerator, directory_size, percentile, query_mix

CLIENTS_PER_KIND = 10
REQUEST_TIMEOUT_S = 60
MAX_RATIO = 2.0


def pathological_mix() -> list[str]:
    """Searches an attacker would send: most are refused by the bounds, the rest are the costliest allowed."""
    words = WORDS[:60]
    return [
        "pr* " * 2500,                                              # 10 KB of short prefixes
        " OR ".join(words * 40)[:10_000],                            # 10 KB OR chain
        " OR ".join(words[:40]),                                      # OR chain just over the term bound
        " ".join(f'"{p}"' for p in PHRASES * 6),                     # many phrases
        "pre* con* par* tra* " + " OR ".join(words[:27]),              # 4 prefixes + 27 alternatives: allowed
        "pre* con* par* tra*",                                        # the widest prefixes allowed
        '"de la el en y los las del a que se por"',                  # a 12-word phrase of stop words
        " OR ".join(f'"{p}"' for p in PHRASES[:8]),                   # phrases OR-ed within the bound
        "a" * 499 + "*",                                              # one long prefix
        "año:² numero:18446744073709551616 " + "x" * 400,             # odd filters
    ]


def ordinary_params(count: int) -> list[dict]:
    names = {"q": "q", "date_from": "from", "date_to": "to", "session_type": "session_type",
             "document_type": "document_type", "sort": "sort"}
    return [{names[k]: v for k, v in options.items()} for options in query_mix(count)]


# -- the server (child process) ---------------------------------------------------------------------


def serve(data_dir: Path, port: int) -> None:
    import logging

    from waitress import serve as waitress_serve

    from concejo.config import load_settings
    from search_app import create_app

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queueing is what is being measured
    settings = load_settings(environ={}, data_dir=data_dir)
    waitress_serve(create_app(settings=settings), host="127.0.0.1", port=port, threads=8, _quiet=True,
                   connection_limit=200, channel_timeout=REQUEST_TIMEOUT_S)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/v1/search?q=acta", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the app did not answer on {url} within {seconds:.0f} s")


# -- the clients ------------------------------------------------------------------------------------


def _get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0  # timed out or refused
    return status, (time.perf_counter() - started) * 1000


class Phase:
    def __init__(self, base: str, ordinary: list[dict], requests_per_client: int, seconds: float) -> None:
        self.base = base
        self.ordinary = ordinary
        self.requests_per_client = requests_per_client
        self.deadline = time.monotonic() + seconds
        self.latencies: list[float] = []
        self.statuses: dict[str, dict[int, int]] = {"ordinary": {}, "pathological": {}}
        self.pathological_sent = 0
        self.done = threading.Event()
        self.lock = threading.Lock()

    def _record(self, kind: str, status: int, ms: float | None = None) -> None:
        with self.lock:
            self.statuses[kind][status] = self.statuses[kind].get(status, 0) + 1
            if ms is not None and kind == "ordinary":  # every ordinary search counts, answered or refused
                self.latencies.append(ms)
            if kind == "pathological":
                self.pathological_sent += 1

    def ordinary_client(self, number: int) -> None:
        for n in range(self.requests_per_client):
            if time.monotonic() > self.deadline:
                return
            params = self.ordinary[(number * self.requests_per_client + n) % len(self.ordinary)]
            status, ms = _get(f"{self.base}/api/v1/search?{urllib.parse.urlencode(params)}")
            self._record("ordinary", status, ms)

    def pathological_client(self, number: int, mix: list[str]) -> None:
        n = number
        while not self.done.is_set() and time.monotonic() < self.deadline:
            status, _ = _get(f"{self.base}/api/v1/search?{urllib.parse.urlencode({'q': mix[n % len(mix)]})}")
            self._record("pathological", status)
            n += 1

    def run(self, with_pathological: bool) -> None:
        ordinary = [threading.Thread(target=self.ordinary_client, args=(i,)) for i in range(CLIENTS_PER_KIND)]
        attackers = []
        if with_pathological:
            mix = pathological_mix()
            attackers = [threading.Thread(target=self.pathological_client, args=(i, mix))
                         for i in range(CLIENTS_PER_KIND)]
            for thread in attackers:
                thread.start()
            time.sleep(1.0)  # the attack is under way before the ordinary clients start
        for thread in ordinary:
            thread.start()
        for thread in ordinary:
            thread.join(max(0.0, self.deadline - time.monotonic()) + REQUEST_TIMEOUT_S)
        self.done.set()
        for thread in attackers:
            thread.join(REQUEST_TIMEOUT_S + 5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100_000, help="synthetic pages to index (default 100000)")
    parser.add_argument("--ordinary", type=int, default=40, help="ordinary requests per client and phase")
    parser.add_argument("--seconds", type=float, default=180, help="time bound of each phase (default 180)")
    parser.add_argument("--serve", nargs=2, metavar=("DATA_DIR", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return 0

    from archive import open_catalogue
    from concejo.config import load_settings
    from search_app.backends.embedded import EmbeddedBackend

    workdir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    server = None
    try:
        settings = load_settings(environ={}, data_dir=workdir)
        open_catalogue(settings.catalogue_url).close()
        started = time.perf_counter()
        documents = CorpusGenerator().documents(args.pages)
        backend = EmbeddedBackend(settings.index_dir)
        backend.rebuild(documents)
        backend.close()
        size = directory_size(Path(os.path.realpath(settings.index_dir)))
        print(f"index: {args.pages:,} pages in {len(documents):,} documents, {size / 1e6:.0f} MB, built in "
              f"{time.perf_counter() - started:.0f} s", flush=True)

        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", str(workdir), str(port)],
                                  stdin=subprocess.DEVNULL)
        _wait_until_up(base)
        ordinary = ordinary_params(240)
        for params in ordinary:  # warm the caches with every search both phases send, so neither is favoured
            _get(f"{base}/api/v1/search?{urllib.parse.urlencode(params)}")

        results = {}
        for name, attacked in (("alone", False), ("under attack", True)):
            phase = Phase(base, ordinary, args.ordinary, args.seconds)
            phase.run(with_pathological=attacked)
            lat = phase.latencies
            results[name] = (percentile(lat, 0.5), percentile(lat, 0.95)) if lat else (float("nan"),) * 2
            clients = CLIENTS_PER_KIND * (2 if attacked else 1)
            print(f"{name:13} {clients} clients: ordinary p50 {results[name][0]:7.1f} ms  p95 {results[name][1]:7.1f} ms"
                  f"  ({len(lat)} searches; statuses {json.dumps(phase.statuses['ordinary'])})"
                  + (f"; pathological sent {phase.pathological_sent}, statuses "
                     f"{json.dumps(phase.statuses['pathological'])}" if attacked else ""), flush=True)
        ratio = results["under attack"][1] / results["alone"][1]
        refused = {status: n for status, n in phase.statuses["ordinary"].items() if status != 200}
        verdict = ("ok" if ratio <= MAX_RATIO else f"OVER the {MAX_RATIO:g}x requirement") + (
            f"; ordinary searches not answered under attack: {refused}" if refused else "")
        print(f"ordinary p95 under attack / alone: {ratio:.2f}x ({verdict})", flush=True)
        return 0 if ratio <= MAX_RATIO and not refused else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
