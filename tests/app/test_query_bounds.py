"""Issue 8 item 2: one search cannot occupy the server. Searches over a bound, or over the time budget, are
refused with a 400 and a Spanish message on every surface; ordinary searches are unaffected."""

from __future__ import annotations

import pytest

from search_app.query import MAX_PREFIX_TERMS, MAX_QUERY_CHARS, MAX_TERMS, MIN_PREFIX_CHARS, build_query

SURFACES = ["/api/v1/search", "/", "/feed.atom", "/api/v1/export.csv", "/api/v1/export.jsonl"]
PATHOLOGICAL = {
    "10 KB of pr*": "pr* " * 2500,
    "too long": "presupuesto " * (MAX_QUERY_CHARS // 12 + 1),
    "huge OR chain": " OR ".join(f"palabra{n}" for n in range(MAX_TERMS + 1)),
    "too many prefixes": " ".join(f"{w}*" for w in ["pre", "con", "par", "tra", "agu", "sue"][:MAX_PREFIX_TERMS + 1]),
    "short prefix": "a" * (MIN_PREFIX_CHARS - 1) + "*",
    "long phrase": '"' + " ".join(["uso de suelo"] * 5) + '"',
    "many filters": " ".join(f"numero:{n}" for n in range(MAX_TERMS + 1)),
    # Bounds count what each engine's index cuts a word into, not what Python's \w sees.
    "prefix shortened by underscores": "e___*",
    "prefix shortened by superscripts": "ab²*",
    "long phrase in one quoted word": '"' + "|".join(f"w{n}" for n in range(MAX_TERMS + 5)) + '"',
}


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_search_over_a_bound_is_a_400_with_a_spanish_message(client, surface, name):
    response = client.get(surface, query_string={"q": PATHOLOGICAL[name]})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    if surface.startswith("/api/"):
        error = response.get_json()["error"]
        assert error["code"] == "query_too_complex"
        assert "máximo" in error["message"] or "al menos" in error["message"]
    else:
        assert "máximo" in response.get_data(as_text=True) or "al menos" in response.get_data(as_text=True)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("q", ["²²²*", "___*", '"²²²"', '"___"', '-"²²²" agua', 'agua OR "___"', '"¹ ²"'])
def test_a_term_without_a_word_the_index_holds_is_ignored_with_a_notice(client, surface, q):
    response = client.get(surface, query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if surface == "/api/v1/search":
        assert any("no contiene palabras" in warning for warning in response.get_json()["warnings"])


def test_a_filter_value_without_words_is_ignored_not_taken_for_plenary_sessions(client):
    plain = client.get("/api/v1/search", query_string={"q": "presupuesto"}).get_json()
    odd = client.get("/api/v1/search", query_string={"q": 'presupuesto comision:"!!!"'}).get_json()
    assert odd["total"] == plain["total"]
    assert any("no contiene palabras" in warning for warning in odd["warnings"])


def test_a_long_filter_parameter_is_refused(client):
    response = client.get("/api/v1/search", query_string={"q": "agua", "commission": "x" * 5000})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "query_too_complex"


def test_repeated_terms_are_merged_not_refused(client):
    many = "presupuesto* " * 30  # 30 prefixes, one once merged
    response = client.get("/api/v1/search", query_string={"q": many + "agua OR agua"})
    assert response.status_code == 200
    query = build_query(many + "agua OR agua")
    assert [[t.text for t in clause] for clause in query.clauses] == [["presupuesto"], ["agua"]]


def test_ordinary_searches_are_unaffected(client):
    for q in ["presupuesto participativo", '"uso y gestión del suelo"', "agua OR movilidad -tránsito", "presu*",
              "CDMQ-101-2024", "tipo:ordinaria año:2024", "concej* transp* particip* ambient*"]:
        response = client.get("/api/v1/search", query_string={"q": q})
        assert response.status_code == 200, (q, response.get_json())


def test_a_search_over_the_time_budget_is_a_400_not_a_partial_result(archive):
    client = archive.client(search_timeout_s=1e-9)  # every search is over this budget
    api = client.get("/api/v1/search", query_string={"q": "presupuesto"})
    assert api.status_code == 400
    assert api.get_json()["error"]["code"] == "search_too_slow"
    assert "tardó demasiado" in api.get_json()["error"]["message"]
    page = client.get("/", query_string={"q": "presupuesto"})
    assert page.status_code == 400
    assert "tardó demasiado" in page.get_data(as_text=True)
    assert client.get("/feed.atom", query_string={"q": "presupuesto"}).status_code == 400
    assert client.get("/api/v1/export.csv", query_string={"q": "presupuesto"}).status_code == 400


def test_the_default_budget_leaves_ordinary_searches_alone(archive):
    client = archive.client()
    assert archive.settings.search_timeout_s == 5.0
    assert client.get("/api/v1/search", query_string={"q": "presupuesto"}).get_json()["total"] > 0


def test_a_costly_search_while_another_runs_is_refused_at_once_ordinary_ones_are_not(archive):
    app = archive.app()
    client = app.test_client()
    assert client.get("/api/v1/search", query_string={"q": "agua"}).status_code == 200  # creates the gate
    gate = app.extensions["concejo_costly_gate"]
    assert gate.acquire(blocking=False)  # another costly search is running
    try:
        busy = client.get("/api/v1/search", query_string={"q": "presu* parti* barri*"})
        assert busy.status_code == 429
        assert busy.get_json()["error"]["code"] == "search_busy"
        assert client.get("/", query_string={"q": '"uso de suelo" "agua potable" "plan de uso"'}).status_code == 429
        assert client.get("/api/v1/search", query_string={"q": "presu* agua"}).status_code == 200
        export = client.get("/api/v1/export.csv", query_string={"q": "presu* parti* barri*"})
        assert export.status_code == 429  # exports take the same turn as searches
    finally:
        gate.release()
    assert client.get("/api/v1/search", query_string={"q": "presu* parti* barri*"}).status_code == 200
    assert client.get("/api/v1/export.csv", query_string={"q": "presu* parti* barri*"}).status_code == 200
