"""Issue 8 item 6: no input a visitor can send is a server error: each is a 400 or a 404 with a message,
or a search that ignores what it cannot use and says so."""

from __future__ import annotations

import pytest

BIG = str(2**63)  # one past SQLite's largest integer
HUGE = "18446744073709551616"
ID_ROUTES = ["/documentos/{}", "/documentos/{}.pdf", "/sesiones/{}", "/api/v1/documents/{}"]


@pytest.mark.parametrize("route", ID_ROUTES)
@pytest.mark.parametrize("number", [BIG, HUGE, "9" * 40, "0"])
def test_ids_beyond_the_catalogue_are_a_404(client, route, number):
    response = client.get(route.format(number))
    assert response.status_code == 404
    if route.startswith("/api/"):
        assert response.get_json()["error"]["message"]
    else:
        assert "No encontramos" in response.get_data(as_text=True)


@pytest.mark.parametrize("q", ["año:²", "numero:²", "numero:" + HUGE, "año:٢٠٢٤", "numero:-1", "año:1e9",
                               "numero:99999999999"])
@pytest.mark.parametrize("surface", ["/api/v1/search", "/", "/feed.atom", "/api/v1/export.csv"])
def test_numbers_that_are_not_plain_integers_are_ignored_with_a_warning(client, q, surface):
    response = client.get(surface, query_string={"q": f"presupuesto {q}"})
    assert response.status_code == 200
    if surface == "/api/v1/search":
        assert any("necesita un número" in w for w in response.get_json()["warnings"])


@pytest.mark.parametrize("params", [
    {"endpoint": "1"}, {"_method": "DELETE"}, {"_external": "1"}, {"_scheme": "javascript"}, {"_anchor": "x"},
    {"values": "1"}, {"page": "2", "endpoint": "x", "_external": "1"},
])
@pytest.mark.parametrize("surface", ["/", "/feed.atom", "/api/v1/search"])
def test_unknown_parameters_never_reach_url_for(client, params, surface):
    response = client.get(surface, query_string={"q": "acta", **params})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "javascript:" not in body and "http://localhost" not in body
    for name in params:
        if name != "page":
            assert f"{name}=" not in body


@pytest.mark.parametrize("params", [{"page": BIG}, {"per_page": HUGE}, {"page": "²"}, {"from": "2024-13-45"},
                                    {"to": "²"}, {"sort": "x" * 100}, {"anio": HUGE}])
def test_odd_paging_dates_and_sorts_are_not_errors(client, params):
    for surface in ["/api/v1/search", "/", "/sesiones/"]:
        assert client.get(surface, query_string={"q": "acta", **params}).status_code == 200
