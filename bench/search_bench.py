"""Benchmark search: the same synthetic Spanish council corpus indexed into both engines in one run.

Run from the project root:  python bench/search_bench.py [--pages 200000] [--es-url URL]
Without --es-url (or CONCEJO_ELASTICSEARCH_URL), a local node is started with scripts/elasticsearch on
port 9240 and stopped at the end. Reports, per engine: indexing pages/second (a full `rebuild`), index
size on disk, and query latency p50/p95 over a fixed mix of queries (words, phrases, OR, exclusion,
prefixes, identifiers, filters, date ranges, date sorts) through SearchBackend.search: total count,
facets and the top 10 hits with their highlighted snippets and pages, exactly what the app shows.
The corpus is deterministic (seeded), so runs compare.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index_config.entries import IndexableDocument
from search_app.backends.base import SearchBackend
from search_app.query import build_query

SEED = 20240305
PAGES_PER_DOCUMENT = 20
BENCH_ES_PORT = 9240

_VOCABULARY = """
concejo concejal concejala alcalde alcaldesa sesión sesiones ordinaria extraordinaria acta actas orden día
resolución resoluciones ordenanza ordenanzas metropolitana metropolitano municipio municipal distrito
presupuesto presupuestos participativo participación ciudadana ciudadanos ciudadanía barrio barrios parroquia
transporte público pública movilidad tránsito vialidad calle calles avenida obra obras contrato contratación
agua potable alcantarillado saneamiento residuos basura reciclaje ambiente ambiental parque parques árbol
suelo uso gestión plan planificación territorial urbano urbana rural catastro predio predios avalúo impuesto
tasa tasas tributo tributos recaudación deuda crédito préstamo financiamiento fondos partida reforma informe
informes comisión comisiones votación votos voto unanimidad mayoría moción mociones aprobación aprobado
aprobada negado negada debate primer segundo tercer punto puntos secretaría secretario general procurador
síndico jurídico legal normativa reglamento reglamentos proyecto proyectos educación escuela escuelas salud
hospital centro histórico patrimonio cultura cultural deporte deportes seguridad policía bomberos emergencia
riesgo riesgos quebrada quebradas lluvia lluvias vivienda viviendas social pobreza inclusión género mujer
mujeres niñez juventud adultos mayores discapacidad comercio mercado mercados feria ferias turismo licencia
licencias permiso permisos funcionamiento sanción sanciones multa multas control fiscalización auditoría
contraloría transparencia rendición cuentas información acceso datos abiertos tecnología digital trámite
trámites simplificación empresa empresas pública metro bus trolebús ecovía tarifa tarifas subsidio subsidios
"""
_STOP_WORDS = "de la el en y los las del a que se por con para al una un su es"
WORDS = _VOCABULARY.split()
STOP_WORDS = _STOP_WORDS.split()
PHRASES = [
    "uso de suelo", "presupuesto participativo", "transporte público", "agua potable", "centro histórico",
    "orden del día", "rendición de cuentas", "plan de uso y gestión del suelo", "participación ciudadana",
    "aprobación del acta", "segundo debate", "primer debate", "gestión de riesgos", "espacio público",
]
SESSION_TYPES = ["ordinaria"] * 6 + ["extraordinaria"] * 3 + ["solemne", "inaugural"]
COMMISSIONS = [("", "")] * 4 + [
    ("uso-de-suelo", "Uso de Suelo"), ("presupuesto", "Presupuesto, Finanzas y Tributación"),
    ("movilidad", "Movilidad"), ("ambiente", "Ambiente"), ("seguridad", "Seguridad"),
    ("salud", "Salud"), ("educacion", "Educación"), ("vivienda", "Vivienda y Hábitat"),
]
DOCUMENT_TYPES = ["acta"] * 4 + ["orden_del_dia", "resolucion", "informe", "ordenanza"]


# -- the corpus ---------------------------------------------------------------------------------------


class CorpusGenerator:
    """A deterministic corpus: Zipf-weighted council vocabulary, stop words and recurring phrases."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(WORDS))]
        self.rng.shuffle(weights)
        self.cum_weights = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cum_weights.append(total)

    def _sentence(self) -> str:
        rng = self.rng
        words = rng.choices(WORDS, cum_weights=self.cum_weights, k=rng.randint(6, 14))
        for _ in range(rng.randint(1, 4)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(STOP_WORDS))
        if rng.random() < 0.35:
            words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES))
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + "."

    def page(self) -> str:
        return " ".join(self._sentence() for _ in range(self.rng.randint(5, 9)))

    def documents(self, pages: int) -> list[IndexableDocument]:
        rng = self.rng
        documents = []
        document_id = 0
        while pages > 0:
            document_id += 1
            count = min(pages, rng.randint(PAGES_PER_DOCUMENT // 2, PAGES_PER_DOCUMENT * 3 // 2))
            pages -= count
            year = rng.randint(2014, 2025)
            commission, commission_name = rng.choice(COMMISSIONS)
            session_type = rng.choice(SESSION_TYPES)
            identifier = f"CDMQ-{document_id % 1000:03d}-{year}"
            documents.append(IndexableDocument(
                document_id=document_id,
                title=f"Acta de la sesión {session_type} {document_id} {commission_name}".strip(),
                date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                session_type=session_type, session_number=document_id, commission=commission or None,
                commission_name=commission_name or None, document_type=rng.choice(DOCUMENT_TYPES),
                council="quito", identifiers=(identifier,), url=f"https://concejo.example/documentos/{document_id}",
                pages=tuple(self.page() for _ in range(count)),
            ))
        return documents


def query_mix(count: int = 240, seed: int = SEED) -> list[dict]:
    """A fixed mix of searches the app sends: build_query keyword arguments."""
    rng = random.Random(seed + 1)
    kinds = [
        lambda: {"q": rng.choice(WORDS)},
        lambda: {"q": " ".join(rng.sample(WORDS, 2))},
        lambda: {"q": f'"{rng.choice(PHRASES)}"'},
        lambda: {"q": f"{rng.choice(WORDS)} OR {rng.choice(WORDS)}"},
        lambda: {"q": f"{rng.choice(WORDS)} -{rng.choice(WORDS)}"},
        lambda: {"q": rng.choice(WORDS)[:4] + "*"},
        lambda: {"q": f"CDMQ-{rng.randint(1, 999):03d}-{rng.randint(2014, 2025)}"},
        lambda: {"q": f"{rng.choice(WORDS)} tipo:extraordinaria"},
        lambda: {"q": f'{rng.choice(WORDS)} comision:"{rng.choice(COMMISSIONS[4:])[1]}"'},
        lambda: {"q": rng.choice(WORDS), "date_from": f"{rng.randint(2014, 2020)}-01-01",
                 "date_to": f"{rng.randint(2021, 2025)}-12-31"},
        lambda: {"q": rng.choice(WORDS), "sort": rng.choice(["date_desc", "date_asc"])},
        lambda: {"q": "", "session_type": "ordinaria", "document_type": "acta"},
    ]
    return [kinds[n % len(kinds)]() for n in range(count)]


# -- measuring ----------------------------------------------------------------------------------------


def measure_indexing(backend: SearchBackend, documents: list[IndexableDocument]) -> float:
    started = time.perf_counter()
    backend.rebuild(documents)
    return time.perf_counter() - started


def measure_queries(backend: SearchBackend, mix: list[dict]) -> tuple[list[float], int]:
    for options in mix[:20]:  # warm caches the way a running server has them
        backend.search(build_query(**options))
    latencies, snippets = [], 0
    for options in mix:
        query = build_query(**options)
        started = time.perf_counter()
        result = backend.search(query)
        latencies.append((time.perf_counter() - started) * 1000)
        snippets += sum(len(hit.snippets) for hit in result.hits)
    return latencies, snippets


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, pages: int, seconds: float, size: int, latencies: list[float], snippets: int) -> None:
    print(f"{name:14} indexing {pages / seconds:9,.0f} pages/s ({seconds:6.1f} s)   size {size / 1e6:8.1f} MB   "
          f"query p50 {percentile(latencies, 0.5):6.1f} ms  p95 {percentile(latencies, 0.95):6.1f} ms  "
          f"mean {statistics.fmean(latencies):6.1f} ms  ({len(latencies)} queries, {snippets} snippets)",
          flush=True)


# -- the engines --------------------------------------------------------------------------------------


def bench_embedded(documents, pages: int, mix: list[dict], workdir: Path) -> None:
    from search_app.backends.embedded import EmbeddedBackend

    backend = EmbeddedBackend(workdir / "index")
    seconds = measure_indexing(backend, documents)
    size = directory_size(Path(os.path.realpath(workdir / "index")))
    latencies, snippets = measure_queries(backend, mix)
    report("embedded", pages, seconds, size, latencies, snippets)
    backend.close()


def bench_elasticsearch(documents, pages: int, mix: list[dict], url: str) -> None:
    from search_app.backends.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend(url, prefix=f"concejo-bench-{os.getpid()}", request_timeout=120)
    try:
        seconds = measure_indexing(backend, documents)
        stats = backend.client.indices.stats(index=backend.alias, metric="store")
        size = stats["_all"]["primaries"]["store"]["size_in_bytes"]
        latencies, snippets = measure_queries(backend, mix)
        report(f"elasticsearch ({backend.analysis_profile})", pages, seconds, size, latencies, snippets)
    finally:
        backend.client.indices.delete(index=f"{backend.alias}-v*", ignore_unavailable=True)
        backend.close()


def _script(command: str, heap: str) -> None:
    env = {**os.environ, "CONCEJO_ES_PORT": str(BENCH_ES_PORT), "CONCEJO_ES_HEAP": heap}
    subprocess.run([str(ROOT / "scripts" / "elasticsearch"), command], env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200_000, help="synthetic pages to index (default 200000)")
    parser.add_argument("--queries", type=int, default=240, help="queries in the mix (default 240)")
    parser.add_argument("--es-url", default=os.environ.get("CONCEJO_ELASTICSEARCH_URL"),
                        help=f"a running node; default: start one on port {BENCH_ES_PORT} and stop it after")
    parser.add_argument("--es-heap", default="1g", help="heap of the node this script starts (default 1g)")
    parser.add_argument("--skip-elasticsearch", action="store_true", help="benchmark the embedded engine only")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    documents = CorpusGenerator().documents(args.pages)
    print(f"corpus: {args.pages:,} pages in {len(documents):,} documents, generated in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    mix = query_mix(args.queries)

    workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        bench_embedded(documents, args.pages, mix, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.skip_elasticsearch:
        return 0
    url = args.es_url
    if url is None:
        _script("start", args.es_heap)
        url = f"http://127.0.0.1:{BENCH_ES_PORT}"
    try:
        bench_elasticsearch(documents, args.pages, mix, url)
    finally:
        if args.es_url is None:
            _script("stop", args.es_heap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
