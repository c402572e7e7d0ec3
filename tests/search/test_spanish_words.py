"""Spanish words as people type them, on both engines (issue 9, "Done means").

- Accents: every distinct accented word of 5 letters or more in the real corpus, typed without its
  accents, finds at least the documents the accented form finds. The words come from the extracted text
  itself (several hundred), so there is no list to keep and no exceptions list.
- Number: singular and plural of council vocabulary find the same documents, first in a small index
  where each form is alone in its own document (so the pair is the only thing that can match), then in
  the real corpus for the pairs whose words occur there.
Sets are compared through `iterate` (every match, never capped), so ranking plays no part here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from index_config.entries import IndexableDocument
from search_app.backends.base import SearchBackend
from search_app.query import build_query

from .conftest import ENGINES, EngineFactory
from .real_corpus import accented_words, unaccented

SHOWN = 30  # failures listed in a message
MIN_WORDS = 300  # the corpus holds several hundred accented words; fewer means extraction went wrong
MIN_FOUND_SHARE = 0.9  # accented forms that find something: below it, the word test would prove nothing
PARALLEL = 4  # queries in flight: a few thousand round trips to Elasticsearch take a minute one by one


def matching(backend: SearchBackend, q: str) -> set[int]:
    return {hit.document_id for hit in backend.iterate(build_query(q))}


def matching_each(backend: SearchBackend, queries: Iterable[str]) -> dict[str, set[int]]:
    queries = sorted(set(queries))
    with ThreadPoolExecutor(PARALLEL) as pool:
        return dict(zip(queries, pool.map(lambda q: matching(backend, q), queries), strict=True))


# -- accents --------------------------------------------------------------------------------------------


def test_every_accented_word_is_found_without_its_accents(corpus_backend, search_corpus):
    words = accented_words(search_corpus)
    assert len(words) >= MIN_WORDS, f"only {len(words)} accented words in the extracted corpus"
    found = matching_each(corpus_backend, words + [unaccented(w) for w in words])
    failures, found_any = [], 0
    for word in words:
        accented = found[word]
        found_any += bool(accented)
        missed = accented - found[unaccented(word)]
        if missed:
            failures.append(f"{unaccented(word)} (misses {len(missed)} of the {len(accented)} found by {word})")
    assert not failures, (
        f"{corpus_backend.name}: {len(failures)}/{len(words)} accented words find fewer documents typed without "
        f"accents; the first {SHOWN}: " + "; ".join(failures[:SHOWN]))
    assert found_any >= MIN_FOUND_SHARE * len(words), (
        f"{corpus_backend.name}: only {found_any}/{len(words)} accented words find any document as written")


# -- singular and plural --------------------------------------------------------------------------------

# (singular, plural) of council vocabulary, regular by the rules of Spanish (accents added or dropped by
# the stress rules included: orden/órdenes, razón/razones). Grouped by ending.
PAIRS: tuple[tuple[str, str], ...] = (
    # -ía / -ías
    ("secretaría", "secretarías"), ("alcaldía", "alcaldías"), ("procuraduría", "procuradurías"),
    ("policía", "policías"), ("categoría", "categorías"), ("economía", "economías"), ("mayoría", "mayorías"),
    ("minoría", "minorías"), ("auditoría", "auditorías"), ("contraloría", "contralorías"),
    ("consejería", "consejerías"), ("tesorería", "tesorerías"), ("concejalía", "concejalías"),
    ("garantía", "garantías"), ("asesoría", "asesorías"), ("defensoría", "defensorías"),
    ("fiscalía", "fiscalías"), ("veeduría", "veedurías"), ("comisaría", "comisarías"),
    ("tecnología", "tecnologías"), ("compañía", "compañías"), ("día", "días"), ("vía", "vías"),
    # -ión / -iones
    ("resolución", "resoluciones"), ("sesión", "sesiones"), ("comisión", "comisiones"), ("moción", "mociones"),
    ("votación", "votaciones"), ("reunión", "reuniones"), ("dirección", "direcciones"), ("gestión", "gestiones"),
    ("opinión", "opiniones"), ("región", "regiones"), ("institución", "instituciones"),
    ("administración", "administraciones"), ("organización", "organizaciones"), ("obligación", "obligaciones"),
    ("declaración", "declaraciones"), ("concesión", "concesiones"), ("licitación", "licitaciones"),
    ("observación", "observaciones"), ("excepción", "excepciones"), ("sanción", "sanciones"),
    ("intervención", "intervenciones"), ("disposición", "disposiciones"), ("función", "funciones"),
    ("inversión", "inversiones"), ("adjudicación", "adjudicaciones"), ("camión", "camiones"),
    # -z / -ces
    ("vez", "veces"), ("juez", "jueces"), ("luz", "luces"), ("voz", "voces"), ("cruz", "cruces"),
    ("matriz", "matrices"), ("raíz", "raíces"), ("lápiz", "lápices"), ("capaz", "capaces"),
    ("eficaz", "eficaces"),
    # -l / -les
    ("concejal", "concejales"), ("municipal", "municipales"), ("general", "generales"), ("fiscal", "fiscales"),
    ("legal", "legales"), ("local", "locales"), ("nacional", "nacionales"), ("provincial", "provinciales"),
    ("social", "sociales"), ("oficial", "oficiales"), ("capital", "capitales"), ("judicial", "judiciales"),
    ("cultural", "culturales"), ("ambiental", "ambientales"), ("tribunal", "tribunales"),
    ("hospital", "hospitales"), ("canal", "canales"), ("papel", "papeles"), ("nivel", "niveles"),
    ("control", "controles"), ("anual", "anuales"), ("especial", "especiales"), ("rural", "rurales"),
    ("árbol", "árboles"),
    # -n / -nes
    ("plan", "planes"), ("bien", "bienes"), ("tren", "trenes"), ("fin", "fines"), ("razón", "razones"),
    ("padrón", "padrones"), ("salón", "salones"), ("millón", "millones"), ("peatón", "peatones"),
    ("renglón", "renglones"), ("jardín", "jardines"), ("boletín", "boletines"), ("orden", "órdenes"),
    ("examen", "exámenes"), ("joven", "jóvenes"), ("dictamen", "dictámenes"), ("volumen", "volúmenes"),
    ("imagen", "imágenes"), ("resumen", "resúmenes"), ("margen", "márgenes"), ("origen", "orígenes"),
    # -r, -d, -y, -s
    ("mujer", "mujeres"), ("lugar", "lugares"), ("sector", "sectores"), ("director", "directores"),
    ("señor", "señores"), ("valor", "valores"), ("ciudad", "ciudades"), ("autoridad", "autoridades"),
    ("comunidad", "comunidades"), ("necesidad", "necesidades"), ("entidad", "entidades"), ("red", "redes"),
    ("ley", "leyes"), ("mes", "meses"), ("interés", "intereses"), ("país", "países"),
    # -a, -o, -e
    ("ordenanza", "ordenanzas"), ("propuesta", "propuestas"), ("partida", "partidas"), ("obra", "obras"),
    ("tasa", "tasas"), ("licencia", "licencias"), ("vivienda", "viviendas"), ("quebrada", "quebradas"),
    ("barrio", "barrios"), ("presupuesto", "presupuestos"), ("proyecto", "proyectos"), ("acuerdo", "acuerdos"),
    ("decreto", "decretos"), ("contrato", "contratos"), ("predio", "predios"), ("informe", "informes"),
    ("expediente", "expedientes"), ("presidente", "presidentes"), ("alcalde", "alcaldes"),
    ("debate", "debates"), ("parque", "parques"),
)
PAIR_ID_BASE = 50_000


def _pair_documents() -> Iterator[IndexableDocument]:
    """Two documents per pair, one holding the singular and one the plural, each in a plain sentence."""
    for number, pair in enumerate(PAIRS):
        for offset, form in enumerate(pair):
            document_id = PAIR_ID_BASE + 2 * number + offset
            yield IndexableDocument(
                document_id=document_id, title="Registro", date="2024-01-01", session_type="ordinaria",
                session_number=None, commission=None, commission_name=None, document_type="acta",
                council="prueba", identifiers=(), url=f"/documentos/{document_id}.pdf",
                pages=(f"Consta en el registro: {form}.",),
            )


def _pair_ids(number: int) -> set[int]:
    return {PAIR_ID_BASE + 2 * number, PAIR_ID_BASE + 2 * number + 1}


@pytest.fixture(scope="module", params=ENGINES)
def pair_backend(request: pytest.FixtureRequest, engines: EngineFactory) -> Iterator[SearchBackend]:
    with engines.holding(request.param, _pair_documents()) as backend:
        yield backend


def test_there_are_enough_pairs_of_every_ending():
    assert len(PAIRS) >= 100 and len(set(PAIRS)) == len(PAIRS)
    endings = {"ía": 0, "ión": 0, "z": 0, "l": 0, "n": 0}
    for singular, _plural in PAIRS:
        ending = next((e for e in endings if singular.endswith(e)), None)
        if ending:
            endings[ending] += 1
    assert min(endings.values()) >= 5, endings


def test_singular_and_plural_find_each_other(pair_backend):
    failures = []
    for number, (singular, plural) in enumerate(PAIRS):
        pair = _pair_ids(number)
        by_singular = matching(pair_backend, singular)  # each form is alone in its document: exactly the pair
        by_plural = matching(pair_backend, plural)
        if by_singular != pair or by_plural != pair:
            failures.append(f"{singular} finds {_forms(by_singular, number)}, {plural} finds {_forms(by_plural, number)}")
    assert not failures, (
        f"{pair_backend.name}: {len(failures)}/{len(PAIRS)} singular/plural pairs do not find each other; "
        f"the first {SHOWN}: " + "; ".join(failures[:SHOWN]))


def _forms(found: set[int], number: int) -> str:
    names = [form for offset, form in enumerate(PAIRS[number]) if PAIR_ID_BASE + 2 * number + offset in found]
    others = len(found - _pair_ids(number))
    return "[" + ", ".join(names) + (f" and {others} other documents" if others else "") + "]"


def test_singular_and_plural_find_the_same_corpus_documents(corpus_backend, search_corpus):
    words = search_corpus.real_words()
    present = [(s, p) for s, p in PAIRS if s in words or p in words]
    assert len(present) >= 50, f"only {len(present)} pairs have a form in the corpus"
    found = matching_each(corpus_backend, [form for pair in present for form in pair])
    failures = []
    for singular, plural in present:
        by_singular, by_plural = found[singular], found[plural]
        if by_singular != by_plural:
            failures.append(f"{singular} {len(by_singular)} vs {plural} {len(by_plural)} documents "
                            f"({len(by_singular - by_plural)} only by the singular, "
                            f"{len(by_plural - by_singular)} only by the plural)")
    assert not failures, (
        f"{corpus_backend.name}: {len(failures)}/{len(present)} pairs present in the corpus find different "
        f"documents in singular and plural; the first {SHOWN}: " + "; ".join(failures[:SHOWN]))
