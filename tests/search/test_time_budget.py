"""Issue 8 item 2: the per-search time budget in both engines. Elasticsearch gets it as `timeout` and a
`timed_out: true` answer is the budget hit (a 400 for the user), never partial results shown as complete."""

from __future__ import annotations

import pytest

from search_app.backends.base import SearchTooSlow
from search_app.backends.elasticsearch import ElasticsearchBackend
from search_app.query import build_query

from .conftest import ENGINES, EngineFactory
from .test_backends import CORPUS


class TimedOutNode:
    """A client whose node answers every search with partial results, as a node past `timeout` does."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    def options(self, **_):
        return self

    def search(self, **request):
        self.requests.append(request)
        return {"timed_out": True, "hits": {"total": {"value": 1}, "hits": []}, "aggregations": {}}


def test_elasticsearch_timed_out_is_the_budget_hit_not_a_partial_result():
    node = TimedOutNode()
    backend = ElasticsearchBackend("http://127.0.0.1:9", client=node, search_timeout_s=2.5)
    backend._alias_ready = True
    with pytest.raises(SearchTooSlow, match="tardó demasiado"):
        backend.search(build_query("agua"))
    assert node.requests[0]["timeout"] == "2500ms"
    with pytest.raises(SearchTooSlow):
        backend._search(index="x", query={"match_all": {}})


@pytest.mark.parametrize("engine", ENGINES)
def test_ordinary_searches_answer_within_the_budget(engines: EngineFactory, engine):
    with engines.holding(engine, CORPUS, search_timeout_s=5.0) as backend:
        result = backend.search(build_query("agua", per_page=100))
        assert {h.document_id for h in result.hits} == {102, 104, 105, 106}
        assert any(h.snippets for h in result.hits)
        assert len(list(backend.iterate(build_query("agua")))) == 4


def test_an_embedded_search_over_the_budget_stops_with_search_too_slow(engines: EngineFactory):
    # A real Elasticsearch node does not time out on an index this small: the timed_out answer it gives past
    # its `timeout` is covered above by TimedOutNode.
    with engines.holding("embedded", CORPUS, search_timeout_s=1e-9) as backend:
        with pytest.raises(SearchTooSlow):
            backend.search(build_query("agua"))
        with pytest.raises(SearchTooSlow):
            list(backend.iterate(build_query("agua")))
