"""Extract many files in parallel, each in its own worker process bounded in time and memory.

A pathological PDF can make PDFium loop or allocate without end; an in-process call cannot be
stopped safely. So every document runs in a child process (forked from a forkserver that has
already imported the extractor, so a child costs milliseconds) with RLIMIT_AS set to the memory
bound, and the parent kills it at the time bound. A bad file yields an ExtractionFailed result;
it never raises and never stops the batch. Which files are new or changed is the caller's
decision (the archive compares content hashes and EXTRACTOR_VERSION).

So that N workers go about N times as fast (bench/extract_bench.py measures it):
- the largest files start first (longest processing time first): a long document started last would
  otherwise run alone while the other workers idle. The parent never opens an untrusted PDF, so the
  file's size stands for its cost;
- a finished worker is replaced before its result is handed to the caller, so the caller's work on a
  result (writing it to the catalogue) overlaps with extraction instead of leaving a core idle;
- the forkserver imports what the parent's main script imports, so no child imports it again: for the
  `concejo` command that is the whole CLI, ~70 ms of CPU a document, more than a short agenda's extraction.
"""

from __future__ import annotations

import ast
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

from concejo.config import usable_cores
from extract import ocr as ocr_engine
from extract.document import extract_document
from extract.errors import ExtractionFailed
from extract.model import Extraction

Job = tuple[str, Path, "dict | None"]
_POLL_S = 0.05


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["extract.document", *_main_script_imports()])
        return context
    return multiprocessing.get_context("spawn")


def _main_script_imports() -> list[str]:
    """The modules the parent's main script imports at its top level (``concejo.cli`` for ``concejo``).

    Every child runs the main script again before it starts (multiprocessing does, so that what the script
    defines can be unpickled), and preloading "__main__" in the forkserver does nothing before Python 3.13
    (CPython gh-126631): with these modules imported once in the forkserver, the re-run finds them imported.
    """
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if not path:
        return []
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return [name for name in names if name in sys.modules]  # only what the parent has imported without error


def _worker(conn: multiprocessing.connection.Connection, path: Path, hints: dict | None, ocr: bool, memory_mb: int) -> None:
    logging.getLogger(ocr_engine.__name__).setLevel(logging.ERROR)  # the parent has said once if OCR is missing
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result: Extraction | ExtractionFailed = extract_document(path, ocr=ocr, hints=hints)
    except ExtractionFailed as exc:
        result = exc
    except MemoryError:
        result = ExtractionFailed(
            "memory", f"{path}: extraction needed more than {memory_mb} MB; raise memory_mb or inspect the file"
        )
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must become that file's reason
        result = ExtractionFailed("corrupt", f"{path}: the PDF could not be parsed ({type(exc).__name__}: {exc})")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(ExtractionFailed("memory", f"{path}: result exceeded the {memory_mb} MB memory limit"))
    finally:
        conn.close()


@dataclass
class _Running:
    key: str
    path: Path
    process: BaseProcess
    conn: multiprocessing.connection.Connection
    deadline: float


def extract_batch(
    jobs: Iterable[Job],
    *,
    workers: int | None = None,
    timeout_s: float = 120,
    memory_mb: int = 2048,
    ocr: bool = True,
    more: Callable[[int, bool], list[Job]] | None = None,
) -> Iterator[tuple[str, Extraction | ExtractionFailed]]:
    """Yield ``(key, Extraction | ExtractionFailed)`` for each job as it finishes (not in input order).

    Jobs start largest file first; at most ``workers`` child processes exist at any time. When the jobs run
    out and a worker is free, ``more(free_workers, idle)`` is asked for further jobs (``idle``: none is
    running), just in time: the extract step claims documents from a catalogue other processes share.
    """
    workers = max(1, workers or usable_cores())  # the process's cores, not the machine's
    if ocr:
        ocr_engine.tesseract_unavailable_reason()  # logs the reason once for the whole batch
    context = _context()
    pending = longest_first(jobs)
    pending.reverse()  # popped from the end
    running: list[_Running] = []

    def fill(results_waiting: bool = False) -> None:
        if not pending and more is not None and len(running) < workers:
            idle = not running and not results_waiting  # results not yet stored are still work under way
            pending.extend(reversed(longest_first(more(workers - len(running), idle))))
        while pending and len(running) < workers:
            running.append(_start(context, pending.pop(), ocr=ocr, memory_mb=memory_mb, timeout_s=timeout_s))

    try:
        fill()
        while running:
            ready = multiprocessing.connection.wait([item.conn for item in running], timeout=_POLL_S)
            now = time.monotonic()
            finished: list[tuple[str, Extraction | ExtractionFailed]] = []
            for item in list(running):
                if item.conn in ready:
                    result = _receive(item, memory_mb)
                elif now >= item.deadline:
                    item.process.kill()
                    result = ExtractionFailed(
                        "timeout",
                        f"{item.path}: extraction took longer than {timeout_s:g} s; raise timeout_s or inspect the file",
                    )
                else:
                    continue
                item.process.join()  # reaped before its replacement starts: never more than `workers` processes
                item.conn.close()
                running.remove(item)
                finished.append((item.key, result))
            fill(bool(finished))  # before the caller gets the results: the workers keep busy while it stores them
            yield from finished
            if not running:  # the results are stored: ask once more, now idle, before the batch ends
                fill()
    finally:  # the caller stopped early (an error, Ctrl-C): no worker outlives the batch
        for item in running:
            item.process.kill()
            item.process.join()
            item.conn.close()


def longest_first(jobs: Iterable[Job]) -> list[Job]:
    """The jobs largest file first (input order among equal sizes); a missing file counts as empty."""
    return sorted(jobs, key=_file_size, reverse=True)


def _file_size(job: Job) -> int:
    try:
        return os.stat(job[1]).st_size
    except (OSError, ValueError):
        return 0


def _start(context, job: Job, *, ocr: bool, memory_mb: int, timeout_s: float) -> _Running:
    key, path, hints = job
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(sender, Path(path), hints, ocr, memory_mb), daemon=True)
    process.start()
    sender.close()
    return _Running(key, Path(path), process, receiver, time.monotonic() + timeout_s)


def _receive(item: _Running, memory_mb: int) -> Extraction | ExtractionFailed:
    try:
        return item.conn.recv()
    except (EOFError, OSError):
        item.process.join()
        code = item.process.exitcode
        return ExtractionFailed(
            "crashed",
            f"{item.path}: the extraction worker died (exit code {code}) without a result; this is usually "
            f"the {memory_mb} MB memory limit (raise memory_mb) or a PDFium crash on a malformed file",
        )
