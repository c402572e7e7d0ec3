"""Extract many files in parallel, each in its own worker process bounded in time and memory.

A pathological PDF can make PDFium loop or allocate without end; an in-process call cannot be
stopped safely. So every document runs in a child process (forked from a forkserver that has
already imported the extractor, so a child costs milliseconds) with RLIMIT_AS set to the memory
bound, and the parent kills it at the time bound. A bad file yields an ExtractionFailed result;
it never raises and never stops the batch. Which files are new or changed is the caller's
decision (the archive compares content hashes and EXTRACTOR_VERSION).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

from extract import ocr as ocr_engine
from extract.document import extract_document
from extract.errors import ExtractionFailed
from extract.model import Extraction

Job = tuple[str, Path, "dict | None"]
_POLL_S = 0.05


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["extract.document"])
        return context
    return multiprocessing.get_context("spawn")


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
) -> Iterator[tuple[str, Extraction | ExtractionFailed]]:
    """Yield ``(key, Extraction | ExtractionFailed)`` for each job as it finishes (not in input order)."""
    workers = max(1, workers or os.cpu_count() or 1)
    if ocr:
        ocr_engine.tesseract_unavailable_reason()  # logs the reason once for the whole batch
    context = _context()
    pending = iter(jobs)
    running: list[_Running] = []
    exhausted = False
    while running or not exhausted:
        while not exhausted and len(running) < workers:
            job = next(pending, None)
            if job is None:
                exhausted = True
                break
            running.append(_start(context, job, ocr=ocr, memory_mb=memory_mb, timeout_s=timeout_s))
        if not running:
            break
        ready = multiprocessing.connection.wait([item.conn for item in running], timeout=_POLL_S)
        now = time.monotonic()
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
            item.process.join()
            item.conn.close()
            running.remove(item)
            yield item.key, result


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
