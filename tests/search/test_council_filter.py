"""Two councils in one archive, on every engine: the app answers the council filter (parameter and query
syntax), its facet and an unknown council the same way whichever engine holds the index.

The archive is built through the catalogue (tests/app/two_councils.py) and written into each engine by the
indexer, as `concejo index` does; the questions go to the Flask app over it.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

import pytest

from archive import open_catalogue
from concejo.config import load_settings
from indexer import write_index
from search_app import create_app
from search_app.backends import open_backend
from tests.app.two_councils import CUENCA, PRESUPUESTO, QUITO, SEARCHABLE, build

from .conftest import ENGINES

# (parameters of /api/v1/search): together, apart, in the query syntax, with words, and an unknown council.
QUESTIONS = (
    {}, {"concejo": QUITO}, {"concejo": CUENCA}, {"council": CUENCA}, {"q": f"concejo:{QUITO}"},
    {"q": "presupuesto"}, {"q": "presupuesto", "concejo": QUITO}, {"q": f"presupuesto concejo:{CUENCA}"},
    {"q": "agua potable", "concejo": CUENCA}, {"q": f"concejo:{QUITO} concejo:{CUENCA}"},
    {"concejo": "lima"}, {"q": "presupuesto concejo:lima"},
)


@dataclass
class Answers:
    """One engine's app over the two-council archive, and what it answered to each question."""

    client: object
    by_question: dict[int, dict]


def _engine_settings(engine: str, data_dir, request: pytest.FixtureRequest):
    if engine == "embedded":
        return load_settings(environ={}, data_dir=data_dir, ocr=False)
    url = request.getfixturevalue("elasticsearch_url")
    prefix = f"{request.getfixturevalue('engines').session_prefix}-councils"
    return load_settings(environ={}, data_dir=data_dir, ocr=False, elasticsearch_url=url,
                         elasticsearch_index_prefix=prefix)


@pytest.fixture(scope="module")
def answers_of(request: pytest.FixtureRequest, tmp_path_factory):
    """engine -> Answers, each engine's archive built and indexed the first time a test asks for it."""
    opened: dict[str, Answers] = {}
    cleanups = []

    def answers(engine: str) -> Answers:
        if engine not in opened:
            settings = _engine_settings(engine, tmp_path_factory.mktemp(f"councils-{engine}"), request)
            catalogue = open_catalogue(settings.catalogue_url)
            build(catalogue)
            backend = open_backend(settings)
            cleanups.append((catalogue, backend))
            assert write_index(backend, catalogue)["documents"] == sum(SEARCHABLE.values())
            client = create_app({"TESTING": True}, settings=settings).test_client()
            by_question = {}
            for number, question in enumerate(QUESTIONS):
                answer = client.get("/api/v1/search", query_string={"per_page": 100, **question})
                assert answer.status_code == 200, answer.get_data(as_text=True)
                by_question[number] = answer.get_json()
            opened[engine] = Answers(client, by_question)
        return opened[engine]

    yield answers
    for catalogue, backend in cleanups:
        if backend.name == "elasticsearch":
            with suppress(Exception):
                backend.client.indices.delete(index=f"{backend.alias}-v*", ignore_unavailable=True)
        backend.close()
        catalogue.close()


def _answer(answers_of, engine: str, question: dict) -> dict:
    return answers_of(engine).by_question[QUESTIONS.index(question)]


def _councils(answer: dict) -> set[str]:
    return {hit["council"] for hit in answer["hits"]}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_councils_are_found_together_and_apart(answers_of, engine):
    assert _answer(answers_of, engine, {})["total"] == sum(SEARCHABLE.values())
    assert _councils(_answer(answers_of, engine, {})) == {QUITO, CUENCA}
    for question, council in (({"concejo": QUITO}, QUITO), ({"concejo": CUENCA}, CUENCA),
                              ({"council": CUENCA}, CUENCA), ({"q": f"concejo:{QUITO}"}, QUITO)):
        answer = _answer(answers_of, engine, question)
        assert answer["total"] == SEARCHABLE[council], question
        assert _councils(answer) == {council}, question
    assert _answer(answers_of, engine, {"q": "presupuesto", "concejo": QUITO})["total"] == PRESUPUESTO[QUITO]
    assert _answer(answers_of, engine, {"q": f"presupuesto concejo:{CUENCA}"})["total"] == PRESUPUESTO[CUENCA]
    both = _answer(answers_of, engine, {"q": f"concejo:{QUITO} concejo:{CUENCA}"})
    assert both["total"] == sum(SEARCHABLE.values())  # values of one filter are alternatives


@pytest.mark.parametrize("engine", ENGINES)
def test_the_council_facet_counts_each_council(answers_of, engine):
    assert _answer(answers_of, engine, {})["facets"]["council"] == [
        {"value": QUITO, "count": SEARCHABLE[QUITO]}, {"value": CUENCA, "count": SEARCHABLE[CUENCA]}]
    assert _answer(answers_of, engine, {"q": "presupuesto"})["facets"]["council"] == [
        {"value": QUITO, "count": PRESUPUESTO[QUITO]}, {"value": CUENCA, "count": PRESUPUESTO[CUENCA]}]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unknown_council_answers_nothing_with_a_warning(answers_of, engine):
    for question in ({"concejo": "lima"}, {"q": "presupuesto concejo:lima"}):
        answer = _answer(answers_of, engine, question)
        assert (answer["total"], answer["hits"], answer["suggestion"]) == (0, [], None)
        assert len(answer["warnings"]) == 1 and "ningún concejo «lima»" in answer["warnings"][0]


@pytest.mark.elasticsearch
def test_both_engines_give_the_same_answers(answers_of):
    """Totals, facets, warnings and the documents found, question by question (order aside: ties)."""
    for number, question in enumerate(QUESTIONS):
        embedded, elasticsearch = (answers_of(engine).by_question[number] for engine in ("embedded", "elasticsearch"))
        for key in ("total", "facets", "warnings", "mode"):
            assert embedded[key] == elasticsearch[key], (question, key)
        assert ({h["document_id"] for h in embedded["hits"]}
                == {h["document_id"] for h in elasticsearch["hits"]}), question
