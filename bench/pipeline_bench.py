"""Pipeline memory benchmark: each step's wall time and peak resident memory, at two archive sizes.

Run from the project root:
    python bench/pipeline_bench.py [--sizes 400,1600] [--workers 2] [--ocr] [--timeout 900] [--json]
                                   [--set CONCEJO_NAME=VALUE ...]

For each size it builds the replica portal with at least that many documents (replica.build.build_large_portal,
without defects), serves it on 127.0.0.1 (an ephemeral port) and, into a fresh data directory, runs
`concejo crawl`, `concejo extract` and `concejo index` as separate child processes, as a user runs them.
For each step it reports:
  - seconds: wall time of the child;
  - peak_rss_mb: the largest resident set of any process of the step's tree (the child's rusage from
    wait4, whose ru_maxrss covers the descendants it waited for: the crawl's own child, the extraction
    workers);
  - peak_tree_rss_mb: the largest sum of the resident sets of the tree's live processes, sampled from
    /proc every 50 ms (what the step holds at once, workers included);
  - peak_anon_mb: the largest anonymous resident memory (resident minus file-backed and shared pages,
    /proc/PID/statm) of any one process of the tree, sampled likewise: the memory a step needs of its own.
    The resident sets above also count the pages of files a process has mapped and read (the embedded
    index's segments, libraries), which the kernel shares and drops under pressure.
The two sizes are printed side by side with their ratio, so a reader sees whether memory grows with the
archive (the documents' count grows by the sizes' ratio). OCR is off unless --ocr (the replica's scanned
pages then dominate the time). Every child is bounded (--timeout seconds, then killed, with its tree);
the data directories live in a temporary folder removed at the end. `--json` prints one object.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from concejo.config import Settings, child_environ, load_settings
from replica.build import build_large_portal
from replica.server import ReplicaServer

STEPS = ("crawl", "extract", "index")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_S = 0.05


# The step runs under this small launcher, not straight from the benchmark: Linux carries a parent's peak RSS
# into the ru_maxrss of what it forks (the peak of the memory image replaced at exec), and the benchmark holds
# the whole replica. The launcher forks the step from a few megabytes and hands back the step's wait4 rusage.
LAUNCHER = """
import json, os, sys
pid = os.posix_spawn(sys.executable, [sys.executable, "-m", "concejo", sys.argv[2]], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss}, out)
"""


def tree_rss_kb(root: int) -> tuple[int, int]:
    """The summed resident set (kB) of the live descendants of `root` (not `root` itself), and the largest
    anonymous resident memory (kB) among them, read from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent's pid
        rss[pid] = int(fields[21]) * PAGE_KB  # fields[21]: rss in pages
    total, anon, todo = 0, 0, list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                resident, shared = statm.read().split()[1:3]  # pages: resident, file-backed and shared
            anon = max(anon, (int(resident) - int(shared)) * PAGE_KB)
        except (OSError, ValueError):
            pass
        todo.extend(children.get(pid, ()))
    return total, anon


def run_step(step: str, env: dict[str, str], timeout_s: float, scratch: Path) -> dict:
    """`concejo STEP` in a child (under the launcher, in its own process group); seconds, peak RSS (the
    step's wait4 rusage) and peak sampled tree RSS."""
    usage_file = scratch / f"{step}-usage.json"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(usage_file), step], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    peak_tree = peak_anon = 0
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read()), daemon=True)
    reader.start()
    timed_out = False
    while proc.poll() is None:
        tree, anon = tree_rss_kb(proc.pid)
        peak_tree, peak_anon = max(peak_tree, tree), max(peak_anon, anon)
        if time.perf_counter() - started > timeout_s and not timed_out:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(SAMPLE_S)
    seconds = time.perf_counter() - started
    reader.join(timeout=5)
    text = b"".join(output).decode("utf-8", "replace")
    usage = json.loads(usage_file.read_text()) if usage_file.exists() and not timed_out else None
    if usage is None or usage["exit"] != 0:
        why = f"killed after {timeout_s:.0f} s" if timed_out else f"exit {usage['exit'] if usage else proc.returncode}"
        raise SystemExit(f"FAIL: concejo {step} ({why}): {text[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage["maxrss_kb"] / 1024, 1),
            "peak_tree_rss_mb": round(max(peak_tree, usage["maxrss_kb"]) / 1024, 1),
            "peak_anon_mb": round(peak_anon / 1024, 1)}


def archive_counts(data_dir: Path) -> dict[str, int]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(data_dir / "catalogue.sqlite3")) as db:
        documents = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        pages = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    return {"documents": documents, "pages": pages}


def bench_size(min_documents: int, scratch: Path, args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    portal = build_large_portal(min_documents=min_documents)
    built = time.perf_counter() - started
    data_dir = scratch / f"data-{min_documents}"
    with ReplicaServer(portal, host="127.0.0.1", port=0) as server:
        settings = load_settings(environ=dict(args.set), data_dir=data_dir, portal_url=server.url, ocr=args.ocr,
                                 extract_workers=args.workers, crawl_allow_private_addresses=True)
        env = child_environ(settings)
        steps = {step: run_step(step, env, args.timeout, scratch) for step in STEPS}
    return {"replica_documents": len(portal.documents), "replica_seconds": round(built, 1),
            **archive_counts(data_dir), "steps": steps}


def _setting(text: str) -> tuple[str, str]:
    """CONCEJO_NAME=VALUE for a setting that exists (load_settings would ignore a misspelt one, and the
    figures would be printed as if it applied)."""
    name, equals, value = text.partition("=")
    known = {"CONCEJO_" + f.name.upper() for f in fields(Settings)}
    if not equals or name not in known:
        raise argparse.ArgumentTypeError(f"{text!r}: give a setting as CONCEJO_NAME=VALUE, one of {', '.join(sorted(known))}")
    return name, value


def ratio(big: float, small: float) -> str:
    return f"x{big / small:.2f}" if small else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="400,1600",
                        help="two minimum document counts, comma-separated (the replica has at least ~400)")
    parser.add_argument("--workers", type=int, default=2, help="extraction workers")
    parser.add_argument("--ocr", action="store_true", help="OCR the scanned pages (slow)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed to each step")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--set", action="append", default=[], type=_setting, metavar="CONCEJO_NAME=VALUE",
                        help="a setting for every step (repeatable), e.g. CONCEJO_INDEX_PAGES_HELD_BACK=1000")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if len(sizes) != 2 or min(sizes) < 1:
        parser.error("--sizes takes two positive document counts, e.g. 400,1600")

    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as folder:
        results = {}
        for size in sizes:
            results[str(size)] = bench_size(size, Path(folder), args)
            if not args.json:
                r = results[str(size)]
                print(f"size {size}: {r['documents']} documents, {r['pages']} pages archived", flush=True)
    report = {"sizes": sizes, "workers": args.workers, "ocr": args.ocr, "results": results}
    if args.json:
        print(json.dumps(report))
        return 0
    small, big = (results[str(size)] for size in sizes)
    print(f"\n{'step':<8} {'metric':<18} {small['documents']:>9} docs {big['documents']:>9} docs  ratio")
    print(f"{'':<8} {'(documents)':<18} {'':>14} {'':>14}  {ratio(big['documents'], small['documents'])}")
    for step in STEPS:
        for metric, unit in (("seconds", "s"), ("peak_rss_mb", "MB"), ("peak_tree_rss_mb", "MB"), ("peak_anon_mb", "MB")):
            a, b = small["steps"][step][metric], big["steps"][step][metric]
            print(f"{step:<8} {metric:<18} {a:>11.1f} {unit:<2} {b:>11.1f} {unit:<2}  {ratio(b, a)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
