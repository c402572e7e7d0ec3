"""One backend suite, run against every engine (embedded and Elasticsearch).

It asserts ranking-insensitive facts only: what is found and on which page, what each filter does, facet
counts, sort order, pagination, export completeness and highlight safety. An engine that cannot do
something skips that test with the reason stated.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index_config.entries import IndexableDocument
from search_app.backends.base import SearchBackend, SearchResult, read_facets
from search_app.query import build_query

from .conftest import ENGINES, EngineFactory

DEGRADED_REASON = "Elasticsearch node lacks analysis-common (integ-test-zip): no asciifolding/Spanish stemmer"


def _document(document_id: int, title: str, date: str, session_type: str, pages: tuple[str, ...], *,
              number: int | None = None, commission: tuple[str, str] | None = None, document_type: str = "acta",
              identifiers: tuple[str, ...] = ()) -> IndexableDocument:
    return IndexableDocument(
        document_id=document_id, title=title, date=date, session_type=session_type, session_number=number,
        commission=commission[0] if commission else None, commission_name=commission[1] if commission else None,
        document_type=document_type, council="quito", identifiers=identifiers,
        url=f"https://concejo.example/documentos/{document_id}", pages=pages,
    )


CORPUS = (
    _document(101, "Acta de la sesión ordinaria 61", "2024-03-05", "ordinaria", (
        ("Orden del día de la sesión ordinaria del Concejo Metropolitano. Aprobación de las ordenanzas "
         "metropolitanas sobre movilidad."),
        "Presupuesto participativo para el año 2024: se aprueba la resolución CDMQ-022-2024 con veinte votos.",
        "Informe de transporte público y tránsito en el centro histórico.",
        "Cierre de la sesión.",
    ), number=61, identifiers=("CDMQ-022-2024",)),
    _document(102, "Acta de la sesión extraordinaria 12", "2024-06-20", "extraordinaria", (
        "Comisión de uso de suelo: informe sobre el plan de uso y gestión del suelo.",
        "Agua potable y alcantarillado para los barrios del sur.",
        "Votación: la moción es aprobada por unanimidad.",
    ), number=12, commission=("uso-de-suelo", "Uso de Suelo"), identifiers=("CDMQ-045-2024",)),
    _document(103, "Resolución sobre presupuesto", "2023-11-10", "ordinaria", (
        "Reforma al presupuesto general del municipio.",
        "Uso del espacio público y suelo urbano.",
    ), number=58, commission=("presupuesto", "Presupuesto y Finanzas"), document_type="resolucion",
        identifiers=("CDMQ-022-2023",)),
    _document(104, "Orden del día, sesión ordinaria 70", "2025-01-15", "ordinaria", (
        "Puntos: ordenanza de movilidad; transporte; agua.",
        "Texto con <script>alert(1)</script> copiado de la web del municipio.",
    ), number=70, document_type="orden_del_dia"),
    _document(105, "Acta de la comisión de movilidad", "2022-08-01", "ordinaria", (
        "La comisión de movilidad revisa el transporte público.",
        "Se trató la tasa de agua.",
        "Transporte en bicicleta.",
        "Transporte escolar.",
        "Transporte nocturno.",
    ), commission=("movilidad", "Movilidad y Tránsito")),
    _document(106, "Sesión extraordinaria sobre el agua", "2023-04-04", "extraordinaria", (
        "Declaratoria de emergencia por el agua.",
        "Participación ciudadana en la sesión.",
    ), number=5),
)
ALL_IDS = {d.document_id for d in CORPUS}
BY_DATE_DESC = [104, 102, 101, 103, 106, 105]


@pytest.fixture(scope="module", params=ENGINES)
def backend(request: pytest.FixtureRequest, engines: EngineFactory) -> Iterator[SearchBackend]:
    """A backend of each engine holding CORPUS; tests here only read it."""
    with engines.holding(request.param, CORPUS) as backend:
        yield backend


def search(backend: SearchBackend, q: str = "", **options) -> SearchResult:
    return backend.search(build_query(q, **options))


def found(backend: SearchBackend, q: str = "", **options) -> set[int]:
    result = search(backend, q, per_page=100, **options)
    assert result.total == len(result.hits)
    return {hit.document_id for hit in result.hits}


def snippet_pages(result: SearchResult, document_id: int) -> list[int]:
    hit = next(h for h in result.hits if h.document_id == document_id)
    return [s.page for s in hit.snippets]


def require_full_analysis(backend: SearchBackend) -> None:
    if getattr(backend, "analysis_profile", "full") != "full":
        pytest.skip(DEGRADED_REASON)


# -- what is found, and on which page -----------------------------------------------------------------


def test_count_is_the_number_of_documents(backend):
    assert backend.count() == len(CORPUS)


def test_a_word_finds_its_documents_with_the_page_it_is_on(backend):
    result = search(backend, "presupuesto")
    assert {h.document_id for h in result.hits} == {101, 103}
    assert snippet_pages(result, 101) == [2]
    assert snippet_pages(result, 103) == [1]
    for hit in result.hits:
        assert all("<mark>" in s.html.lower() for s in hit.snippets)


def test_at_most_three_snippets_in_page_order(backend):
    result = search(backend, "transporte")
    assert {h.document_id for h in result.hits} == {101, 104, 105}
    pages = snippet_pages(result, 105)
    assert len(pages) == 3 and pages == sorted(pages) and set(pages) <= {1, 3, 4, 5}


def test_hits_carry_the_document_metadata(backend):
    (hit,) = search(backend, "alcantarillado").hits
    assert (hit.document_id, hit.date, hit.session_type, hit.session_number) == (102, "2024-06-20", "extraordinaria", 12)
    assert (hit.commission, hit.commission_name, hit.document_type) == ("uso-de-suelo", "Uso de Suelo", "acta")
    assert hit.title == "Acta de la sesión extraordinaria 12"
    assert hit.url == "https://concejo.example/documentos/102"


def test_all_words_must_match(backend):
    assert found(backend, "agua movilidad") == {104, 105}


def test_exclusion(backend):
    assert found(backend, "agua") == {102, 104, 105, 106}
    assert found(backend, "agua -transporte") == {102, 106}


def test_or(backend):
    assert found(backend, "presupuesto OR movilidad") == {101, 103, 104, 105}


def test_prefix(backend):
    assert found(backend, "presup*") == {101, 103}
    assert found(backend, "transp*") == {101, 104, 105}


def test_phrase_needs_adjacent_words(backend):
    assert found(backend, "uso suelo") == {102, 103}
    assert found(backend, '"uso de suelo"') == {102}


def test_identifier_is_matched_exactly(backend):
    result = search(backend, "CDMQ-022-2024")
    assert [h.document_id for h in result.hits] == [101]
    assert snippet_pages(result, 101) == [2]
    assert found(backend, "CDMQ-022-2023") == {103}


def test_title_words_are_found(backend):
    assert found(backend, "declaratoria") == {106}
    assert 106 in found(backend, "extraordinaria")


def test_a_word_without_its_accent_finds_the_accented_form(backend):
    assert found(backend, "sesion") == found(backend, "sesión") == {101, 102, 104, 106}
    assert 106 in found(backend, "participacion")


def test_accents_are_folded(backend):
    require_full_analysis(backend)
    assert found(backend, "publico") == found(backend, "público") == {101, 103, 105}
    assert found(backend, "dia") == {101, 104}


def test_singular_finds_plural(backend):
    require_full_analysis(backend)
    assert found(backend, "ordenanza") == {101, 104}
    assert found(backend, "barrio") == {102}


def test_nothing_found(backend):
    result = search(backend, "inexistentepalabra")
    assert (result.total, result.hits) == (0, [])


# -- filters --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("q", "options", "expected"), [
    ("tipo:extraordinaria", {}, {102, 106}),
    ('comision:"uso de suelo"', {}, {102}),
    ("comision:movilidad", {}, {105}),
    ("documento:resolucion", {}, {103}),
    ("documento:acta", {}, {101, 102, 105, 106}),
    ("año:2024", {}, {101, 102}),
    ("numero:61", {}, {101}),
    ("agua tipo:extraordinaria", {}, {102, 106}),
    ("tipo:ordinaria tipo:extraordinaria", {}, ALL_IDS),
    ("", {"session_type": "ordinaria"}, {101, 103, 104, 105}),
    ("", {"commission": "Uso de Suelo"}, {102}),
    ("", {"document_type": "orden del día"}, {104}),
    ("", {"date_from": "2023-01-01", "date_to": "2023-12-31"}, {103, 106}),
    ("", {"date_from": "2024-06-20"}, {102, 104}),
    ("", {"date_to": "2022-08-01"}, {105}),
    ("agua", {"date_from": "2023-01-01", "session_type": "ordinaria"}, {104}),
])
def test_filters(backend, q, options, expected):
    assert found(backend, q, **options) == expected


def test_a_non_numeric_number_filter_is_ignored_with_a_warning(backend):
    result = search(backend, "año:abc", per_page=100)
    assert {h.document_id for h in result.hits} == ALL_IDS
    assert result.warnings


# -- facets ---------------------------------------------------------------------------------------------


def test_facet_counts_over_everything(backend):
    facets = search(backend).facets
    assert dict(facets["session_type"]) == {"ordinaria": 4, "extraordinaria": 2}
    assert dict(facets["commission"]) == {"uso-de-suelo": 1, "presupuesto": 1, "movilidad": 1}
    assert dict(facets["document_type"]) == {"acta": 4, "resolucion": 1, "orden_del_dia": 1}
    assert dict(facets["year"]) == {"2022": 1, "2023": 2, "2024": 2, "2025": 1}


def test_facet_counts_follow_the_query(backend):
    facets = search(backend, "agua").facets
    assert dict(facets["session_type"]) == {"extraordinaria": 2, "ordinaria": 2}
    assert dict(facets["year"]) == {"2022": 1, "2023": 1, "2024": 1, "2025": 1}
    assert dict(search(backend, "agua tipo:extraordinaria").facets["session_type"]) == {"extraordinaria": 2}


def test_facets_and_date_sorts_of_several_words_count_documents_with_every_word(backend):
    """The words' closeness only ranks: facets count, and a date sort lists, the documents holding all words."""
    result = search(backend, "transporte público")
    assert result.total == 2
    assert dict(result.facets["year"]) == {"2022": 1, "2024": 1}
    assert dict(result.facets["commission"]) == {"movilidad": 1}
    assert [h.document_id for h in search(backend, "transporte público", sort="date_asc").hits] == [105, 101]


def test_facet_values_carry_their_indexed_names_with_accents(backend):
    """Commission facets are slugs; each carries its name as indexed (commission_name), accents kept."""
    assert search(backend).facet_names == {"commission": {
        "uso-de-suelo": "Uso de Suelo", "presupuesto": "Presupuesto y Finanzas", "movilidad": "Movilidad y Tránsito"}}
    assert search(backend, "agua").facet_names == {"commission": {
        "uso-de-suelo": "Uso de Suelo", "movilidad": "Movilidad y Tránsito"}}


def test_a_renamed_commission_counts_once_under_the_name_of_most_of_the_documents_found(fresh_backend):
    renamed = (
        _document(201, "Acta 1", "2020-01-10", "ordinaria", ("Semáforos en el norte.",), commission=("movilidad", "Movilidad")),
        _document(202, "Acta 2", "2020-02-10", "ordinaria", ("Semáforos en el sur.",), commission=("movilidad", "Movilidad")),
        _document(203, "Acta 3", "2024-02-10", "ordinaria", ("Semáforos y ciclovías.",),
                  commission=("movilidad", "Movilidad y Tránsito")),
    )
    fresh_backend.index(renamed)
    everything = search(fresh_backend, "semáforos")
    assert dict(everything.facets["commission"]) == {"movilidad": 3}
    assert everything.facet_names == {"commission": {"movilidad": "Movilidad"}}
    assert search(fresh_backend, "ciclovías").facet_names == {"commission": {"movilidad": "Movilidad y Tránsito"}}


# -- order, pages and export ----------------------------------------------------------------------------


def test_sort_by_date_both_ways(backend):
    newest = search(backend, sort="date_desc", per_page=100)
    assert [h.document_id for h in newest.hits] == BY_DATE_DESC
    oldest = search(backend, sort="date_asc", per_page=100)
    assert [h.document_id for h in oldest.hits] == BY_DATE_DESC[::-1]
    words = search(backend, "agua", sort="date_asc")
    assert [h.document_id for h in words.hits] == [105, 106, 102, 104]


def test_relevance_without_words_sorts_newest_first(backend):
    assert [h.document_id for h in search(backend, per_page=100).hits] == BY_DATE_DESC


def test_pagination(backend):
    pages = [search(backend, sort="date_desc", per_page=4, page=n) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [6, 6, 6]
    assert pages[0].pages == 2
    assert [h.document_id for p in pages for h in p.hits] == BY_DATE_DESC
    assert pages[2].hits == []


def test_iterate_is_complete_and_in_order(backend):
    exported = [h.document_id for h in backend.iterate(build_query("", sort="date_asc", per_page=2))]
    assert exported == BY_DATE_DESC[::-1]
    assert {h.document_id for h in backend.iterate(build_query("agua -transporte", per_page=1))} == {102, 106}
    assert all(h.snippets == [] for h in backend.iterate(build_query("agua")))


# -- safety and robustness ------------------------------------------------------------------------------


def test_highlight_is_html_safe(backend):
    result = search(backend, "alert")
    assert [h.document_id for h in result.hits] == [104]
    (snippet,) = result.hits[0].snippets
    assert snippet.page == 2
    assert "<script" not in snippet.html.lower()
    assert "&lt;script&gt;" in snippet.html
    assert "<mark>alert</mark>" in snippet.html


def test_snippets_escape_markup_around_other_matches(backend):
    result = search(backend, "municipio")
    pages = {s.page: s.html for h in result.hits if h.document_id == 104 for s in h.snippets}
    assert "<script" not in pages[2].lower()


def ids(result: SearchResult) -> set[int]:
    return {h.document_id for h in result.hits}


# Malformed queries answer exactly as the well-formed query a reader would take them for.
@pytest.mark.parametrize(("malformed", "meant"), [
    ("OR - agua", "agua"), ("(( agua", "agua"), ("agua ))) OR", "agua"), ("- agua", "agua"),
    ('" agua', "agua"), ("* agua", "agua"), ("OR OR agua", "agua"), ('"" agua', "agua"), ("\\ agua", "agua"),
    ("CDMQ-022-2024-", "CDMQ-022-2024"), ("uso:de:suelo", '"uso de suelo"'), ("agua -", "agua"),
])
def test_malformed_queries_answer_as_the_query_they_resemble(backend, malformed, meant):
    result, expected = search(backend, malformed, per_page=50), search(backend, meant, per_page=50)
    assert expected.total > 0
    assert (result.total, ids(result)) == (expected.total, ids(expected))


@pytest.mark.parametrize("q", ["((", "-", '"', "*", '""', "\\", "))) OR"])
def test_a_query_with_nothing_to_search_lists_everything_and_says_so(backend, q):
    result = search(backend, q, per_page=50)
    assert ids(result) == ALL_IDS
    assert result.warnings


def test_unbalanced_quotes_search_the_words_and_say_so(backend):
    result = search(backend, '"suelo uso')  # as a phrase it would find nothing
    assert {h.document_id for h in result.hits} == {102, 103}
    assert result.warnings


# -- writing --------------------------------------------------------------------------------------------


def test_indexing_twice_changes_nothing(fresh_backend):
    fresh_backend.index(CORPUS)
    before = found(fresh_backend, "transporte")
    assert fresh_backend.index(CORPUS) == len(CORPUS)
    assert fresh_backend.count() == len(CORPUS)
    assert found(fresh_backend, "transporte") == before
    assert len(list(fresh_backend.iterate(build_query("")))) == len(CORPUS)


def test_reindexing_a_shorter_document_drops_its_old_pages(fresh_backend):
    fresh_backend.index(CORPUS)
    shorter = IndexableDocument(**{**CORPUS[4].__dict__, "pages": ("Transporte público.", "Se trató la tasa.")})
    fresh_backend.index([shorter])
    assert fresh_backend.count() == len(CORPUS)
    assert found(fresh_backend, "nocturno") == set()
    assert snippet_pages(search(fresh_backend, "transporte"), 105) == [1]


def test_rebuild_keeps_answering(fresh_backend):
    fresh_backend.index(CORPUS)
    seen_during_rebuild = []

    def documents() -> Iterator[IndexableDocument]:
        for number, document in enumerate(CORPUS):
            if number == 3:
                seen_during_rebuild.append(found(fresh_backend, "agua"))
            yield document

    assert fresh_backend.rebuild(documents()) == len(CORPUS)
    assert seen_during_rebuild == [{102, 104, 105, 106}]
    assert fresh_backend.count() == len(CORPUS)
    assert found(fresh_backend, "agua") == {102, 104, 105, 106}
    assert fresh_backend.rebuild(CORPUS[:2]) == 2
    assert fresh_backend.count() == 2
    assert found(fresh_backend, "agua") == {102}


def test_an_empty_index_answers_with_nothing(fresh_backend):
    assert fresh_backend.count() == 0
    result = search(fresh_backend, "agua")
    assert (result.total, result.hits) == (0, [])
    assert list(fresh_backend.iterate(build_query(""))) == []


def test_facet_values_with_as_many_documents_come_in_value_order_whatever_order_the_engine_gave():
    # tantivy gives tied buckets in its segments' order, which changes when the index is rebuilt
    buckets = [{"key": key, "doc_count": count} for key, count in (("2023", 4), ("2021", 2), ("2024", 4), ("2022", 2))]
    facets, _ = read_facets({"year": {"buckets": buckets}})
    assert facets["year"] == [("2023", 4), ("2024", 4), ("2021", 2), ("2022", 2)]
