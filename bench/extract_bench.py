"""Benchmark extraction: born-digital pages/second next to pdftotext, and seconds per OCR'd page.

Run from the project root:  python bench/extract_bench.py [--ocr-pages N] [--corpus ../shared/corpus/real]
Born-digital: every PDF of the corpus whose pages all have a text layer, extracted with ocr=False by
our extractor and by poppler's pdftotext, in the same run; "words lost" counts words pdftotext finds
that we do not. Tables: the same files with and without reading tables (extract/tables.py), split
into files with and without ruled tables, so the cost of pdfplumber on table pages and of looking for
rules on every page show apart; and the line the budget is read from: with both tables and
proceedings against neither. Proceedings: the same files with and without reading roll calls and votes
(extract/proceedings/), side by side, and what read_proceedings costs per page. Parallel (issue 12): a batch of at least 1,000 born-digital pages
(copies of those files) with 1 and 2 workers, pages/s and the speed-up, beside pdftotext run as many at once.
OCR: the image-only pages of the corpus, one single-threaded Tesseract at a time; then every file with such
pages through extract_batch with 1 and 2 workers, wall seconds per OCR'd page, beside pdftoppm | tesseract.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from extract import (
    ExtractionFailed,
    cleanup,
    extract_document,
    ocr,
    pdf_text,
    pdfium_objects,
    tables,
    text_quality,
)
from extract.batch import extract_batch, longest_first
from extract.metadata import read_metadata
from extract.proceedings import read_proceedings

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def born_digital_files(corpus: Path) -> list[Path]:
    files = []
    for path in sorted(corpus.glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        try:
            texts = [pdf_text.page_text(document[i]) for i in range(len(document))]
        finally:
            document.close()
        if texts and all(text_quality.meaningful_chars(text) >= text_quality.MIN_CHARS_FOR_TEXT for text in texts):
            files.append(path)
    return files


def bench_born_digital(files: list[Path], rounds: int) -> None:
    pages = sum(len(pdfium.PdfDocument(str(path))) for path in files)
    ours_s = poppler_s = 0.0
    lost: Counter[str] = Counter()
    for round_number in range(rounds):
        for path in files:
            start = time.perf_counter()
            extraction = extract_document(path, ocr=False)
            ours_s += time.perf_counter() - start
            start = time.perf_counter()
            poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
            poppler_s += time.perf_counter() - start
            ours = _words("\n".join(page.display_text for page in extraction.pages))
            if round_number == 0:
                lost += _words(poppler.stdout.decode("utf-8", "replace")) - ours
    total_pages = pages * rounds
    print(f"born-digital: {len(files)} files, {pages} pages x {rounds} rounds")
    print(f"  extract    {total_pages / ours_s:8.1f} pages/s")
    print(f"  pdftotext  {total_pages / poppler_s:8.1f} pages/s")
    print(f"  ratio      {poppler_s / ours_s:8.2f}x")
    print(f"  words pdftotext found that we did not: {sum(lost.values())} {dict(lost.most_common(20))}")
    print("  (mostly codes broken at a line end, which pdftotext joins, 'PMDOT-/PUGS' -> 'pmdotpugs', and we keep")
    print("   as 'PMDOT-PUGS'; 'activar las' is a space pdfium does not generate: we read 'activarlas')")


def bench_tables_and_proceedings(files: list[Path], rounds: int) -> None:
    """The issue 11 budget: born-digital extraction with tables and proceedings both read, against the
    same extraction with both switched off (same code otherwise), alternating per file so that machine
    noise falls on both alike. Wall time, and this process's CPU time (less moved by other processes)."""
    pages = sum(len(pdfium.PdfDocument(str(path))) for path in files) * rounds
    wall = {True: 0.0, False: 0.0}
    cpu = {True: 0.0, False: 0.0}
    for _ in range(rounds):
        for path in files:
            for both in (False, True):
                start, start_cpu = time.perf_counter(), time.process_time()
                extract_document(path, ocr=False, read_tables=both, proceedings=both)
                wall[both] += time.perf_counter() - start
                cpu[both] += time.process_time() - start_cpu
    print(f"born-digital: {pages / wall[False]:.1f} pages/s without tables and proceedings, {pages / wall[True]:.1f} "
          f"with both ({(wall[True] / wall[False] - 1) * 100:+.1f}% time)")
    print(f"  ({rounds} rounds; CPU time {cpu[False] * 1000 / pages:.2f} vs {cpu[True] * 1000 / pages:.2f} ms per page, "
          f"{(cpu[True] / cpu[False] - 1) * 100:+.1f}%; the budget is +15%)")


def bench_table_parts(files: list[Path], rounds: int) -> None:
    """Where the time of reading tables goes, per round of the born-digital files (CPU time of this
    process): the rule search on every page, then, on the pages with ruled tables, the page's edges and
    text objects (merged in C), pdfplumber's finder, the characters inside the tables and the cell text
    (pdfplumber's extract_text); and read_proceedings on every page. The parts as extract_document
    runs them, each timed alone."""
    spent = Counter()
    table_pages = 0
    texts_of = {}
    for path in files:
        extraction = extract_document(path, ocr=False, read_tables=False, proceedings=False)
        texts = [(page.number, page.display_text) for page in extraction.pages]
        hits: dict[str, tuple] = {}
        read_metadata([text for _, text in texts], hits=hits)
        texts_of[path] = (texts, cleanup.repeated_edge_lines([text for _, text in texts]), hits)

    @contextmanager
    def timed(part: str) -> Iterator[None]:
        start = time.process_time()
        yield
        spent[part] += time.process_time() - start

    for _ in range(rounds):
        for path in files:
            document = pdfium.PdfDocument(str(path))
            try:
                for index in range(len(document)):
                    page = document[index]
                    textpage = page.get_textpage()
                    try:
                        with timed("rule search, every page"):
                            ruled = tables.has_ruled_table(page)
                        if not ruled:
                            continue
                        table_pages += 1
                        geometry, bbox, rotation = tables._pdfium_geometry(page)
                        with timed("edges and text objects"):
                            edges, objects = pdfium_objects.page_merged_edges(page, geometry)
                        with timed("pdfplumber's table finder"):
                            found = tables._PdfiumPage(index + 1, bbox, rotation, edges).find_tables()
                        if not found:
                            continue
                        with timed("characters in the tables"):
                            chars = pdfium_objects.page_chars(textpage, geometry, index + 1, objects,
                                                              within=[tuple(table.bbox) for table in found])
                        with timed("cell text (pdfplumber's extract_text)"):
                            cells = tables._Chars(chars)
                            for table in found:
                                cells.extract(table)
                    finally:
                        textpage.close()
                        page.close()
            finally:
                document.close()
            texts, repeated, hits = texts_of[path]
            with timed("read_proceedings, every page"):
                read_proceedings(texts, repeated=repeated, identifier_hits=hits)
    pages = sum(len(texts) for texts, _, _ in texts_of.values())
    print(f"tables and proceedings, part by part ({rounds} rounds of {pages} pages, {table_pages // rounds} with "
          f"ruled tables; CPU ms per round):")
    for part, seconds in spent.items():
        print(f"  {part:40} {seconds * 1000 / rounds:6.1f}")
    print(f"  {'all':40} {sum(spent.values()) * 1000 / rounds:6.1f}")


def bench_tables(files: list[Path], rounds: int) -> None:
    """Extraction with and without tables, on the files with ruled tables and on those without."""
    ruled_pages: dict[Path, int] = {}
    for path in files:
        document = pdfium.PdfDocument(str(path))
        try:
            ruled_pages[path] = sum(tables.has_ruled_table(document[i]) for i in range(len(document)))
        finally:
            document.close()
    print(f"tables ({rounds} rounds; pdfplumber runs on {sum(ruled_pages.values())} pages with ruled tables):")
    for label, group in (("files with ruled tables", [p for p in files if ruled_pages[p]]),
                         ("files without", [p for p in files if not ruled_pages[p]]),
                         ("all born-digital files", files)):
        if not group:
            continue
        pages = sum(len(pdfium.PdfDocument(str(path))) for path in group) * rounds
        seconds = {True: 0.0, False: 0.0}
        for _ in range(rounds):
            for path in group:
                for read_tables in (False, True):
                    start = time.perf_counter()
                    extract_document(path, ocr=False, read_tables=read_tables)
                    seconds[read_tables] += time.perf_counter() - start
        table_ms = (seconds[True] - seconds[False]) * 1000 / max(sum(ruled_pages[p] for p in group) * rounds, 1)
        print(f"  {label:24} {pages / seconds[False]:7.1f} pages/s without tables, {pages / seconds[True]:7.1f} with "
              f"({(seconds[True] / seconds[False] - 1) * 100:+.0f}% time"
              + (f"; {table_ms:.0f} ms per page pdfplumber reads)" if "without" not in label else ")"))


def bench_proceedings(files: list[Path], rounds: int) -> None:
    """Extraction with and without reading proceedings (roll calls, votes, movements, items), tables off in
    both, alternating per file so that machine noise falls on both alike; and read_proceedings alone."""
    pages = sum(len(pdfium.PdfDocument(str(path))) for path in files) * rounds
    seconds = {True: 0.0, False: 0.0}
    reading = 0.0
    for _ in range(rounds):
        for path in files:
            for proceedings in (False, True):
                start = time.perf_counter()
                extraction = extract_document(path, ocr=False, read_tables=False, proceedings=proceedings)
                seconds[proceedings] += time.perf_counter() - start
            texts = [(page.number, page.display_text) for page in extraction.pages]
            # as extraction calls it: the running headers and identifiers it has read already
            repeated = cleanup.repeated_edge_lines([text for _, text in texts])
            hits: dict[str, tuple] = {}
            read_metadata([text for _, text in texts], hits=hits)
            start = time.perf_counter()
            read_proceedings(texts, repeated=repeated, identifier_hits=hits)
            reading += time.perf_counter() - start
    print(f"proceedings ({rounds} rounds, born-digital files, tables not read):")
    print(f"  {pages / seconds[False]:7.1f} pages/s without, {pages / seconds[True]:7.1f} with "
          f"({(seconds[True] / seconds[False] - 1) * 100:+.1f}% time); read_proceedings alone "
          f"{reading * 1000 / pages:.2f} ms per page")


def bench_ceiling(files: list[Path]) -> None:
    """What the engines underneath cost on the same files: our extractor cannot beat PDFium's own page load."""
    pages = 0
    load_s = text_s = 0.0
    for path in files:
        document = pdfium.PdfDocument(str(path))
        try:
            for index in range(len(document)):
                start = time.perf_counter()
                page = document[index]
                load_s += time.perf_counter() - start
                start = time.perf_counter()
                pdf_text.page_text(page)
                text_s += time.perf_counter() - start
                page.close()
                pages += 1
        finally:
            document.close()
    print("ceiling (same files, 1 round):")
    print(f"  PDFium page load alone       {pages / load_s:8.1f} pages/s")
    print(f"  PDFium page load + text      {pages / (load_s + text_s):8.1f} pages/s")
    sample = files[:2]
    sample_pages = sum(len(pdfium.PdfDocument(str(path))) for path in sample)
    start = time.perf_counter()
    for path in sample:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
    print(f"  pdfplumber extract_text      {sample_pages / (time.perf_counter() - start):8.1f} pages/s "
          f"({sample_pages} pages of {len(sample)} files)")


def _copies(files: list[Path], min_pages: int, folder: Path) -> tuple[list[Path], int]:
    """Copies of ``files`` in ``folder``, one of each file (name order) per round, until ``min_pages`` pages."""
    counts = {path: len(pdfium.PdfDocument(str(path))) for path in files}
    copies: list[Path] = []
    pages = 0
    while pages < min_pages:
        round_number = len(copies) // len(files) + 1
        for path in files:
            copy = folder / f"{round_number:03d}-{path.name}"
            shutil.copyfile(path, copy)
            copies.append(copy)
            pages += counts[path]
    return copies, pages


def _run_at_once(commands: list[list[str] | str], workers: int, env: dict | None = None) -> None:
    """Run ``commands`` (a string runs in the shell), ``workers`` at a time, in the given order."""
    def run(command: list[str] | str) -> None:
        subprocess.run(command, shell=isinstance(command, str), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, env=env)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, commands))


def _load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def bench_parallel(files: list[Path], min_pages: int, rounds: int) -> None:
    """Wall-clock pages/s of extract_batch with 1 and 2 workers (and every core, if more) on a batch of at least
    ``min_pages`` born-digital pages, copies of the corpus's born-digital files, and of as many pdftotext processes
    at once on the same batch, in the same run. Each figure is the best of ``rounds`` runs, the runs of every
    setting taken in turn, with the 1-minute load average when it started: the machine may be shared."""
    worker_counts = sorted({1, 2, os.cpu_count() or 1})
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as folder:
        copies, pages = _copies(files, min_pages, Path(folder))
        jobs = [(str(path), path, None) for path in copies]
        list(extract_batch(jobs[:1], workers=1, ocr=False))  # the forkserver starts once, outside the timing
        best: dict[tuple[str, int], tuple[float, str]] = {}
        for _ in range(rounds):
            for workers in worker_counts:
                load = _load()
                start = time.perf_counter()
                results = list(extract_batch(jobs, workers=workers, ocr=False))
                seconds = time.perf_counter() - start
                assert len(results) == len(jobs) and not [r for _, r in results if isinstance(r, ExtractionFailed)]
                if seconds < best.get(("ours", workers), (float("inf"), ""))[0]:
                    best["ours", workers] = (seconds, load)
                load = _load()
                start = time.perf_counter()
                _run_at_once([["pdftotext", "-enc", "UTF-8", str(job[1]), "-"] for job in longest_first(jobs)], workers)
                seconds = time.perf_counter() - start
                if seconds < best.get(("pdftotext", workers), (float("inf"), ""))[0]:
                    best["pdftotext", workers] = (seconds, load)
    print(f"parallel: {pages} pages, {len(copies)} documents ({len(copies) // len(files)} copies of the "
          f"{len(files)} born-digital files), wall time incl. process start-up and time/memory bounds, "
          f"best of {rounds}:")
    for workers in worker_counts:
        ours, ours_load = best["ours", workers]
        poppler, poppler_load = best["pdftotext", workers]
        print(f"  {workers} worker{'s' if workers > 1 else ' '}  extract_batch {pages / ours:7.1f} pages/s ({ours_load})"
              f"    pdftotext x{workers} {pages / poppler:7.1f} pages/s ({poppler_load})")
    for workers in worker_counts[1:]:
        print(f"  speed-up {workers} vs 1 worker: extract_batch {best['ours', 1][0] / best['ours', workers][0]:.2f}x, "
              f"pdftotext {best['pdftotext', 1][0] / best['pdftotext', workers][0]:.2f}x")


def _image_only_pages(corpus: Path) -> dict[Path, list[int]]:
    """The corpus's pages without a usable text layer (1-based), by file."""
    found: dict[Path, list[int]] = {}
    for path in sorted(corpus.glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        try:
            numbers = [index + 1 for index in range(len(document))
                       if text_quality.meaningful_chars(pdf_text.page_text(document[index])) < text_quality.MIN_CHARS_FOR_TEXT]
        finally:
            document.close()
        if numbers:
            found[path] = numbers
    return found


def bench_ocr(corpus: Path, limit: int) -> None:
    """Seconds per OCR'd page: first one page at a time (render 300 dpi + Tesseract), on up to ``limit`` pages;
    then the wall time of extract_batch over every file with image-only pages, with 1 and 2 workers, divided by
    the pages it OCR'd, next to Tesseract's own command line on the same pages (pdftoppm 300 dpi | tesseract,
    as many at once as workers)."""
    reason = ocr.tesseract_unavailable_reason()
    if reason:
        print(f"OCR: skipped ({reason})")
        return
    if limit <= 0:
        return
    image_only = _image_only_pages(corpus)
    timings = []
    for path, numbers in image_only.items():
        document = pdfium.PdfDocument(str(path))
        try:
            for number in numbers:
                page = document[number - 1]
                start = time.perf_counter()
                image = pdf_text.render_for_ocr(page)
                if ocr.is_blank(image):
                    continue
                result = ocr.ocr_image(image)
                timings.append(time.perf_counter() - start)
                print(f"  {path.name} p{number}: {timings[-1]:.2f} s, confidence {result.confidence}")
                if len(timings) >= limit:
                    break
        finally:
            document.close()
        if len(timings) >= limit:
            break
    if timings:
        print(f"OCR: {len(timings)} pages, {sum(timings) / len(timings):.2f} s/page (render 300 dpi + Tesseract spa, "
              f"1 thread, one page at a time)")
    jobs = [(str(path), path, None) for path in image_only]
    worker_counts = sorted({1, 2, os.cpu_count() or 1})
    print(f"OCR batch: the {len(jobs)} files with image-only pages ({sum(map(len, image_only.values()))} such pages), "
          f"wall time per OCR'd page:")
    tesseract = ("pdftoppm -f {n} -l {n} -r 300 -gray {path} | tesseract stdin stdout -l " + ocr.LANGUAGE + " "
                 + ocr.TESSERACT_CONFIG + " tsv")
    for workers in worker_counts:
        load = _load()
        start = time.perf_counter()
        results = list(extract_batch(jobs, workers=workers, ocr=True))
        seconds = time.perf_counter() - start
        done = [(Path(key), page.number) for key, result in results if not isinstance(result, ExtractionFailed)
                for page in result.pages if page.origin in ("ocr", "digital+ocr")]
        reference_load = _load()
        start = time.perf_counter()
        _run_at_once([tesseract.format(n=number, path=shlex.quote(str(path))) for path, number in done], workers,
                     env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        reference = time.perf_counter() - start
        print(f"  {workers} worker{'s' if workers > 1 else ' '}  extract_batch {seconds / max(len(done), 1):5.2f} s/page "
              f"({len(done)} pages OCR'd in {seconds:.1f} s, {load})    pdftoppm | tesseract x{workers} "
              f"{reference / max(len(done), 1):5.2f} s/page ({reference_load})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ocr-pages", type=int, default=8, help="pages OCR'd one at a time; 0 skips OCR")
    parser.add_argument("--parallel-pages", type=int, default=1000, help="pages in the batch run with 1 and 2 workers")
    parser.add_argument("--parallel-rounds", type=int, default=2, help="runs of that batch per setting (best kept)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}: clone shared/ beside the project or pass --corpus", file=sys.stderr)
        return 2
    files = born_digital_files(args.corpus)
    bench_born_digital(files, args.rounds)
    bench_tables_and_proceedings(files, args.rounds)
    bench_table_parts(files, args.rounds)
    bench_tables(files, args.rounds)
    bench_proceedings(files, args.rounds)
    bench_ceiling(files)
    bench_parallel(files, args.parallel_pages, args.parallel_rounds)
    bench_ocr(args.corpus, args.ocr_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
