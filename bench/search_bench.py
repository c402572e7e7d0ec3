"""Benchmark search: one realistic Spanish council corpus indexed into both engines in one run.

Run from the project root:  python bench/search_bench.py [--pages 200000] [--es-url URL] [--json]
Without --es-url (or CONCEJO_ELASTICSEARCH_URL), a local node is started with scripts/elasticsearch on
port 9240 (heap --es-heap, default 4g) and stopped at the end; the full Spanish analysis the product ships
applies there (scripts/elasticsearch installs its analysis plugin).

The corpus is deterministic (seeded): Spanish words drawn with their real frequencies (wordfreq's list of
the 60,000 most frequent, a long tail included), the council phrases and identifiers of the replica,
invented names, numbers and dates, and documents of realistic length (agendas of one to three short pages,
minutes of tens of long pages). Queries are drawn the same way, in classes: common and rare words, two and
three words, phrases, OR, exclusion, prefixes, identifiers, each filter, date ranges, date sorts, filters
without words, a second results page.

Per engine it reports: indexing pages/s (a full `rebuild`, the corpus already in memory) and the indexer's
peak resident memory, index size on disk, query latency p50/p95/p99 overall and p95 per class through
SearchBackend.search (total, facets, the top 10 hits with highlighted snippets: exactly what the app
shows) beside the mean number of documents each class finds (the answer a search's cost may grow with),
the serving process's resident memory after the queries, and export throughput (documents/s of
SearchBackend.iterate over a search of at least 20,000 documents). Each engine's indexing and querying
run in a child process of their own, so memory figures are the engine's, not this script's.
`--json` prints the same as one object.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index_config.entries import IndexableDocument

SEED = 20240305
BENCH_ES_PORT = 9240
VOCABULARY_SIZE = 60_000
WORD_POOL = 6_000_000  # words drawn once with their frequencies; pages are windows of it plus their own tokens
EXPORT_MIN_DOCUMENTS = 20_000

PHRASES = [
    "uso de suelo", "presupuesto participativo", "transporte público", "agua potable", "centro histórico",
    "orden del día", "rendición de cuentas", "plan de uso y gestión del suelo", "participación ciudadana",
    "aprobación del acta", "segundo debate", "primer debate", "gestión de riesgos", "espacio público",
    "Concejo Metropolitano", "Secretaría General del Concejo", "Comisión de Uso de Suelo",
    "informe de la Procuraduría Metropolitana", "se aprueba por unanimidad", "constatación del quórum",
]
SESSION_TYPES = ["ordinaria"] * 6 + ["extraordinaria"] * 3 + ["solemne", "inaugural"]
COMMISSIONS = [("", "")] * 4 + [
    ("uso-de-suelo", "Uso de Suelo"), ("presupuesto", "Presupuesto, Finanzas y Tributación"),
    ("movilidad", "Movilidad"), ("ambiente", "Ambiente"), ("seguridad", "Seguridad"),
    ("salud", "Salud"), ("educacion", "Educación"), ("vivienda", "Vivienda y Hábitat"),
]
# (type, share of documents, pages low-high, words per page low-high): agendas short, minutes long.
DOCUMENT_SHAPES = [
    ("acta", 40, (12, 60), (260, 480)),
    ("orden_del_dia", 25, (1, 3), (90, 220)),
    ("resolucion", 15, (1, 5), (180, 360)),
    ("informe", 15, (4, 30), (220, 420)),
    ("ordenanza", 5, (4, 20), (240, 440)),
]
FIRST_NAMES = ("Ana", "María José", "Gabriela", "Verónica", "Lucía", "Daniela", "Paola", "Carolina", "Mónica",
               "Andrés", "Carlos", "Diego", "Esteban", "Fabián", "Jorge", "Luis", "Marco", "Pablo", "Raúl")
SURNAMES = ("Torres", "Andrade", "Benítez", "Cevallos", "Chiriboga", "Espinosa", "Guerrero", "Jaramillo",
            "Larrea", "Mejía", "Montalvo", "Naranjo", "Ordóñez", "Paredes", "Quishpe", "Romero", "Salazar",
            "Tapia", "Urresta", "Vásconez", "Villacís", "Yépez", "Zambrano", "Almeida", "Bustamante")
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


# -- the corpus ---------------------------------------------------------------------------------------


class Vocabulary:
    """Spanish words with their real frequencies (wordfreq), ranked: rank 0 is the most frequent."""

    def __init__(self, size: int = VOCABULARY_SIZE) -> None:
        from wordfreq import top_n_list, word_frequency

        self.words = [w for w in top_n_list("es", size) if w.isalpha()]
        weights = [word_frequency(w, "es") for w in self.words]
        self.cum_weights = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cum_weights.append(total)

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)

    def ranked(self, low: int, high: int, rng: random.Random, min_length: int = 4) -> str:
        """A word ranked between low and high (a common word near 0, a rare one far down the tail)."""
        while True:
            word = self.words[rng.randrange(low, min(high, len(self.words)))]
            if len(word) >= min_length:
                return word


class CorpusGenerator:
    """A deterministic corpus of council documents; `documents(pages)` gives exactly that many pages."""

    def __init__(self, vocabulary: Vocabulary, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary
        self.pool = vocabulary.draw(self.rng, WORD_POOL)
        self.identifiers: list[str] = []
        shares = [shape[1] for shape in DOCUMENT_SHAPES]
        self.shape_weights = [sum(shares[: n + 1]) for n in range(len(shares))]

    def _name(self) -> str:
        rng = self.rng
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"

    def _token(self, year: int) -> str:
        """What makes each page its own: a phrase, a name, a number, a date or an identifier."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(PHRASES)
        if roll < 0.55:
            return f"{rng.choice(('el concejal', 'la concejala', 'el señor', 'la doctora'))} {self._name()}"
        if roll < 0.7:
            return f"{rng.randint(2, 9999):,}".replace(",", ".")
        if roll < 0.85:
            return f"{rng.randint(1, 28)} de {rng.choice(MONTHS)} de {year}"
        return rng.choice(self.identifiers) if self.identifiers else f"Resolución No. C-{rng.randint(1, 999):03d}"

    def _page(self, words: int, year: int) -> str:
        rng = self.rng
        start = rng.randrange(len(self.pool) - words)
        parts = self.pool[start:start + words]
        for _ in range(max(1, words // 40)):
            parts.insert(rng.randrange(len(parts) + 1), self._token(year))
        for at in range(rng.randint(8, 20), len(parts), rng.randint(12, 25)):
            parts[at] += "."
        return " ".join(parts)

    def documents(self, pages: int) -> list[IndexableDocument]:
        rng = self.rng
        documents = []
        document_id = 0
        while pages > 0:
            document_id += 1
            kind, _, page_range, word_range = DOCUMENT_SHAPES[
                bisect.bisect(self.shape_weights, rng.random() * self.shape_weights[-1])]
            count = min(pages, rng.randint(*page_range))
            pages -= count
            year = rng.randint(2010, 2025)
            commission, commission_name = rng.choice(COMMISSIONS)
            session_type = rng.choice(SESSION_TYPES)
            identifier = rng.choice((f"CDMQ-{document_id % 1000:03d}-{year}",
                                     f"IC-ORD-{rng.choice(('CUS', 'CPF', 'CMO'))}-{year}-{document_id % 500:03d}"))
            if len(self.identifiers) < 5000:
                self.identifiers.append(identifier)
            documents.append(IndexableDocument(
                document_id=document_id,
                title=f"{kind.replace('_', ' ').capitalize()} de la sesión {session_type} {document_id} "
                      f"{commission_name}".strip(),
                date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                session_type=session_type, session_number=document_id % 400 + 1, commission=commission or None,
                commission_name=commission_name or None, document_type=kind,
                council="quito", identifiers=(identifier,), url=f"https://concejo.example/documentos/{document_id}",
                pages=tuple(self._page(rng.randint(*word_range), year) for _ in range(count)),
            ))
        return documents


def query_mix(vocabulary: Vocabulary, identifiers: list[str], count: int, seed: int = SEED) -> list[tuple[str, dict]]:
    """A fixed mix of searches the app sends, in classes: (class, build_query keyword arguments)."""
    rng = random.Random(seed + 1)
    common = lambda: vocabulary.ranked(30, 600, rng)
    middle = lambda: vocabulary.ranked(600, 8000, rng)
    rare = lambda: vocabulary.ranked(15_000, VOCABULARY_SIZE, rng, min_length=5)
    kinds = [
        ("common_word", lambda: {"q": common()}),
        ("rare_word", lambda: {"q": rare()}),
        ("two_words", lambda: {"q": f"{middle()} {common()}"}),
        ("three_words", lambda: {"q": f"{middle()} {middle()} {common()}"}),
        ("phrase", lambda: {"q": f'"{rng.choice(PHRASES)}"'}),
        ("or", lambda: {"q": f"{middle()} OR {middle()}"}),
        ("exclusion", lambda: {"q": f"{middle()} -{common()}"}),
        ("prefix", lambda: {"q": middle()[:5] + "*"}),
        ("identifier", lambda: {"q": rng.choice(identifiers)}),
        ("filter_type", lambda: {"q": f"{middle()} tipo:extraordinaria"}),
        ("filter_commission", lambda: {"q": f'{common()} comision:"{rng.choice(COMMISSIONS[4:])[1]}"'}),
        ("filter_document", lambda: {"q": middle(), "document_type": rng.choice(DOCUMENT_SHAPES)[0]}),
        ("filter_year", lambda: {"q": f"{middle()} año:{rng.randint(2010, 2025)}"}),
        ("date_range", lambda: {"q": middle(), "date_from": f"{rng.randint(2010, 2017)}-01-01",
                                "date_to": f"{rng.randint(2018, 2025)}-12-31"}),
        ("date_sort", lambda: {"q": common(), "sort": rng.choice(["date_desc", "date_asc"])}),
        ("filters_only", lambda: {"q": "", "session_type": rng.choice(["ordinaria", "extraordinaria"]),
                                  "document_type": "acta"}),
        ("second_page", lambda: {"q": common(), "page": 2}),
    ]
    return [(kinds[n % len(kinds)][0], kinds[n % len(kinds)][1]()) for n in range(count)]


# -- measuring (in the child processes) ----------------------------------------------------------------


def rss_bytes(pid: int | str = "self", kind: str = "VmRSS") -> int:
    """Resident memory of a process; kind "RssAnon" leaves out the index files it has mapped (page cache)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{kind}:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {kind} for process {pid}")


class PeakMemory:
    """The highest anonymous resident memory of this process while the block runs, sampled every 50 ms:
    the indexer's own memory (buffers, merges), without the index files it maps, which the kernel can drop."""

    def __enter__(self) -> Self:
        self.peak = rss_bytes(kind="RssAnon")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_bytes(kind="RssAnon"))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def open_backend(engine: str, workdir: Path, es_url: str | None):
    if engine == "embedded":
        from search_app.backends.embedded import EmbeddedBackend

        return EmbeddedBackend(workdir / "index", search_timeout_s=None)
    from search_app.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(es_url, prefix="concejo-bench", request_timeout=300)


def phase_index(engine: str, pages: int, workdir: Path, es_url: str | None) -> dict:
    vocabulary = Vocabulary()
    generator = CorpusGenerator(vocabulary)
    documents = generator.documents(pages)
    before = rss_bytes(kind="RssAnon")
    backend = open_backend(engine, workdir, es_url)
    with PeakMemory() as memory:
        started = time.perf_counter()
        backend.rebuild(documents)
        seconds = time.perf_counter() - started
    if engine == "embedded":
        size = sum(f.stat().st_size for f in Path(os.path.realpath(workdir / "index")).rglob("*") if f.is_file())
    else:
        size = backend.client.indices.stats(index=backend.alias, metric="store")["_all"]["primaries"]["store"][
            "size_in_bytes"]
    backend.close()
    return {"documents": len(documents), "seconds": seconds, "indexing_pages_per_s": pages / seconds,
            "size_bytes": size, "indexer_peak_rss_bytes": memory.peak - before, "corpus_rss_bytes": before,
            "identifiers": generator.identifiers[:2000]}


def phase_query(engine: str, workdir: Path, es_url: str | None, queries: int, identifiers: list[str]) -> dict:
    from search_app.query import build_query

    vocabulary = Vocabulary()
    mix = query_mix(vocabulary, identifiers, queries)
    backend = open_backend(engine, workdir, es_url)
    for _, options in mix[:30]:  # warm caches the way a running server has them
        backend.search(build_query(**options))
    by_class: dict[str, list[float]] = defaultdict(list)
    answers: dict[str, list[int]] = defaultdict(list)
    latencies, cpu_times, snippets, totals = [], [], 0, 0
    for name, options in mix:
        query = build_query(**options)
        started, cpu_started = time.perf_counter(), time.thread_time()
        result = backend.search(query)
        elapsed = (time.perf_counter() - started) * 1000
        cpu_times.append((time.thread_time() - cpu_started) * 1000)
        latencies.append(elapsed)
        by_class[name].append(elapsed)
        answers[name].append(result.total)
        snippets += sum(len(hit.snippets) for hit in result.hits)
        totals += result.total
    load_average = " ".join(f"{value:.1f}" for value in os.getloadavg())  # other work, while the queries ran
    export_query = build_query("")  # the whole archive, as a researcher's complete export
    exported = 0
    started = time.perf_counter()
    for _ in backend.iterate(export_query):
        exported += 1
    export_seconds = time.perf_counter() - started
    backend.close()
    return {
        "p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99), "mean_ms": statistics.fmean(latencies),
        # The embedded engine searches in this thread: its CPU time per query, which other work on the
        # machine does not inflate as it does wall time (for Elasticsearch it would be the client's alone).
        "cpu_ms": {"p50": percentile(cpu_times, 0.5), "p95": percentile(cpu_times, 0.95),
                   "p99": percentile(cpu_times, 0.99)} if engine == "embedded" else None,
        "per_class_p95_ms": {name: round(percentile(values, 0.95), 2) for name, values in by_class.items()},
        # how many documents each class finds: what a cost that grows with the answer grows with
        "per_class_mean_total": {name: round(statistics.fmean(values)) for name, values in answers.items()},
        "queries": len(latencies), "snippets": snippets, "hits_total": totals, "load_average": load_average,
        "rss_bytes": rss_bytes() if engine == "embedded" else None,
        "exported_documents": exported, "export_docs_per_s": exported / export_seconds,
    }


# -- orchestration (the parent) -------------------------------------------------------------------------


def run_phase(arguments: list[str]) -> dict:
    """One phase in a child process; its figures come back as the last line of its output."""
    proc = subprocess.run([sys.executable, __file__, *arguments], check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench phase {' '.join(arguments[:4])} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_engine(engine: str, pages: int, queries: int, workdir: Path, es_url: str | None,
                 es_pid: str | None) -> dict:
    common = ["--pages", str(pages), "--workdir", str(workdir)] + (["--es-url", es_url] if es_url else [])
    indexed = run_phase(["--phase", "index", "--engine", engine, *common])
    if engine == "elasticsearch":  # the node does the indexing: its memory, beside the client's above
        indexed["node_rss_after_indexing_bytes"] = rss_bytes(es_pid) if es_pid else None
    identifiers_file = workdir / "identifiers.json"
    identifiers_file.write_text(json.dumps(indexed["identifiers"]))
    queried = run_phase(["--phase", "query", "--engine", engine, "--queries", str(queries),
                         "--identifiers", str(identifiers_file), *common])
    if engine == "elasticsearch":
        queried["rss_bytes"] = rss_bytes(es_pid) if es_pid else None
    figures = {key: value for key, value in {**indexed, **queried}.items() if key != "identifiers"}
    if queried["exported_documents"] < EXPORT_MIN_DOCUMENTS:
        figures["export_note"] = f"only {queried['exported_documents']} documents to export: use more --pages"
    return figures


def print_engine(name: str, figures: dict, heap: str | None) -> None:
    mb = 1e6
    rss = f"{figures['rss_bytes'] / mb:,.0f} MB" if figures.get("rss_bytes") else "not measured"
    print(f"\n{name}" + (f" (heap {heap})" if heap else ""))
    print(f"  indexing   {figures['indexing_pages_per_s']:9,.0f} pages/s ({figures['seconds']:.1f} s, "
          f"{figures['documents']:,} documents); indexer peak memory {figures['indexer_peak_rss_bytes'] / mb:,.0f} MB "
          f"above the corpus it reads ({figures['corpus_rss_bytes'] / mb:,.0f} MB)")
    if figures.get("node_rss_after_indexing_bytes"):
        print(f"  node RSS after indexing {figures['node_rss_after_indexing_bytes'] / mb:,.0f} MB")
    print(f"  index size {figures['size_bytes'] / mb:9,.1f} MB")
    print(f"  queries    p50 {figures['p50_ms']:.1f} ms  p95 {figures['p95_ms']:.1f} ms  "
          f"p99 {figures['p99_ms']:.1f} ms  mean {figures['mean_ms']:.1f} ms  ({figures['queries']} queries, "
          f"{figures['snippets']} snippets); serving RSS {rss}")
    if figures.get("cpu_ms"):
        cpu = figures["cpu_ms"]
        print(f"  CPU time per query (the searching thread) p50 {cpu['p50']:.1f} ms  p95 {cpu['p95']:.1f} ms  "
              f"p99 {cpu['p99']:.1f} ms")
    print(f"  load average after the queries (1, 5, 15 min; other work on the machine): {figures['load_average']}")
    classes = "  ".join(f"{name} {value:.1f}" for name, value in figures["per_class_p95_ms"].items())
    print(f"  p95 per class (ms): {classes}")
    answers = "  ".join(f"{name} {value:,}" for name, value in figures["per_class_mean_total"].items())
    print(f"  documents found per class (mean): {answers}")
    print(f"  export     {figures['export_docs_per_s']:9,.0f} documents/s ({figures['exported_documents']:,} "
          "documents)" + (f"  [{figures['export_note']}]" if figures.get("export_note") else ""))


def _script(command: str, heap: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONCEJO_ES_PORT": str(BENCH_ES_PORT), "CONCEJO_ES_HEAP": heap}
    return subprocess.run([str(ROOT / "scripts" / "elasticsearch"), command], env=env, check=True,
                          stdout=subprocess.PIPE, text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200_000, help="pages to index (default 200000)")
    parser.add_argument("--queries", type=int, default=340, help="queries in the mix (default 340)")
    parser.add_argument("--es-url", default=os.environ.get("CONCEJO_ELASTICSEARCH_URL"),
                        help=f"a running node; default: start one on port {BENCH_ES_PORT} and stop it after")
    parser.add_argument("--es-heap", default="4g", help="heap of the node this script starts (default 4g)")
    parser.add_argument("--skip-elasticsearch", action="store_true", help="benchmark the embedded engine only")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--phase", choices=["index", "query"], help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=["embedded", "elasticsearch"], help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--identifiers", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase == "index":
        print(json.dumps(phase_index(args.engine, args.pages, args.workdir, args.es_url)))
        return 0
    if args.phase == "query":
        identifiers = json.loads(args.identifiers.read_text())
        print(json.dumps(phase_query(args.engine, args.workdir, args.es_url, args.queries, identifiers)))
        return 0

    out = sys.stderr if args.json else sys.stdout
    print(f"corpus: {args.pages:,} pages of Spanish council text (seed {SEED}); {args.queries} queries per engine",
          file=out, flush=True)
    results: dict = {"pages": args.pages, "engines": {}}
    workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        results["engines"]["embedded"] = bench_engine("embedded", args.pages, args.queries, workdir, None, None)
        if not args.json:
            print_engine("embedded (tantivy, in-process)", results["engines"]["embedded"], None)
        if not args.skip_elasticsearch:
            url, pid = args.es_url, None
            if url is None:
                _script("start", args.es_heap)
                url = f"http://127.0.0.1:{BENCH_ES_PORT}"
                pid = _script("pid", args.es_heap).stdout.strip()
            try:
                figures = bench_engine("elasticsearch", args.pages, args.queries, workdir, url, pid)
                figures["heap"] = args.es_heap if args.es_url is None else "unknown (node not started here)"
                results["engines"]["elasticsearch"] = figures
                if not args.json:
                    print_engine("elasticsearch (full Spanish analysis)", figures, figures["heap"])
            finally:
                if args.es_url is None:
                    _script("stop", args.es_heap)
                else:
                    open_backend("elasticsearch", workdir, url).client.indices.delete(
                        index="concejo-bench-v*", ignore_unavailable=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    elif "elasticsearch" in results["engines"]:
        embedded, elastic = results["engines"]["embedded"], results["engines"]["elasticsearch"]
        print(f"\nembedded vs elasticsearch: p95 {embedded['p95_ms'] / elastic['p95_ms']:.2f}x, indexing "
              f"{embedded['indexing_pages_per_s'] / elastic['indexing_pages_per_s']:.2f}x, export "
              f"{embedded['export_docs_per_s'] / elastic['export_docs_per_s']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
