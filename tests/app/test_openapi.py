"""The API's contract (issue 12): /api/v1/openapi.json is a valid OpenAPI 3.1 description of every route under
/api/v1 and the feed, derived from index_config/fields.py where the fields are declared; one error shape for
every status; CORS for reads only; RFC 8288 paging links. Every other API response of tests/app is checked
against the description by tests/app/openapi_check.py; here, that the checker itself is live."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from archive import open_catalogue
from concejo.config import load_settings
from index_config.fields import EXPORT_FIELDS, FACETS, HIT_FIELDS, PARAMETER_FILTERS
from search_app import create_app, openapi
from search_app.backends import SearchEngineUnavailable
from search_app.service import SearchBusy
from search_app.views import api

from .openapi_check import openapi_path
from .proceedings_archive import build

PUBLIC = "https://concejo.example/archivo"
READ_ONLY = {"HEAD", "OPTIONS"}


def described(app) -> tuple[list[str], list[str]]:
    """(routes under /api/v1 and the feed the description lacks, described operations the app lacks)."""
    spec = openapi.describe()
    routes, missing = set(), []
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/v1/") or rule.rule == "/feed.atom"):
            continue
        path = openapi_path(rule)
        for method in sorted(rule.methods - READ_ONLY):
            routes.add((path, method.lower()))
            operation = spec["paths"].get(path, {}).get(method.lower())
            if operation is None or operation["operationId"] != rule.endpoint:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    extra = [f"{method.upper()} {path}" for path, operations in spec["paths"].items() for method in operations
             if (path, method) not in routes]
    return missing, extra


def test_the_served_description_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(document).validate()
    assert document == openapi.describe()  # no public URL: no servers, paths relative to the site


def test_the_description_names_the_public_url_as_its_server(archive):
    document = archive.client(public_url=PUBLIC + "/").get("/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": PUBLIC}]


def test_every_api_route_is_described_and_every_description_is_a_route(archive):
    app = archive.app()
    assert described(app) == ([], [])
    assert "/api/v1/health" in openapi.describe()["paths"]


def test_a_new_undescribed_route_fails(archive):
    app = archive.app()
    app.add_url_rule("/api/v1/new/<int:number>", "api.new", lambda number: {"number": number})
    assert described(app)[0] == ["GET /api/v1/new/<int:number> (api.new)"]


def test_the_search_parameters_and_hits_are_the_declared_fields():
    spec = openapi.describe()
    search = spec["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert {name for f in PARAMETER_FILTERS for name in f.filter.parameters} <= names
    assert {"q", "from", "to", "sort", "page", "per_page"} <= names
    schemas = spec["components"]["schemas"]
    assert list(schemas["Hit"]["properties"]) == [f.name for f in HIT_FIELDS] + ["score", "snippets", "page_url"]
    assert list(schemas["SearchResult"]["properties"]["facets"]["properties"]) == list(FACETS)
    assert list(schemas["SearchExportRow"]["properties"]) == list(EXPORT_FIELDS)
    csv = spec["paths"]["/api/v1/export.csv"]["get"]["responses"]["200"]["content"]["text/csv"]
    assert csv["x-columns"] == list(EXPORT_FIELDS)


def test_a_document_known_only_by_its_listing_matches_the_description(tmp_path):
    """Everything the portal may leave out (kind, title, session, file) is null, as described."""
    settings = load_settings(environ={}, data_dir=tmp_path, ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    council = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    bare = catalogue.list_document(council, "bare", session_id=None, kind=None, title=None,
                                   url="http://127.0.0.1:8800/actas/sin-datos.pdf")
    catalogue.close()
    client = create_app({"TESTING": True}, settings=settings).test_client()
    document = client.get(f"/api/v1/documents/{bare}").get_json()  # checked against the description
    assert document["kind"] is None and document["title"] is None and document["sha256"] is None
    assert client.get(f"/api/v1/documents/{bare}/tables").get_json() == []


# -- the checker is live: a response that breaks the contract fails the test that made it ---------------------

def test_a_field_no_description_names_fails_the_request(archive, monkeypatch):
    described_json = api.result_json
    monkeypatch.setattr(api, "result_json", lambda result: {**described_json(result), "undescribed": 1})
    with pytest.raises(AssertionError, match=r"OpenAPI contract: GET /api/v1/search\?q=agua -> 200.*undescribed"):
        archive.client().get("/api/v1/search", query_string={"q": "agua"})


def test_an_undocumented_status_fails_the_request(archive, monkeypatch):
    def refuse(*args, **kwargs):
        raise SearchBusy("ocupado")

    monkeypatch.setattr(archive.catalogue.__class__, "councils", refuse)
    with pytest.raises(AssertionError, match="status 429 is not documented for /api/v1/councils"):
        archive.client().get("/api/v1/councils")


# -- one error shape, whatever the status --------------------------------------------------------------------

def error_of(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return body["error"]


def test_an_unknown_api_path_is_a_404_in_the_error_shape(client):
    assert error_of(client.get("/api/v1/nada"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/v1/documents/0"), 404)["code"] == "not_found"


def test_the_apis_404s_say_what_is_missing_in_spanish(client):
    assert error_of(client.get("/api/v1/documents/99999999"), 404)["message"] == "No existe el documento 99999999."
    for url in ["/api/v1/nada", "/api/v1/documents/99999999/tables", "/api/v1/documents/99999999/tables/1.csv",
                "/api/v1/members/99999999", "/api/v1/sessions/99999999", "/api/v1/items/IC-NADA-1"]:
        message = error_of(client.get(url), 404)["message"]
        assert message.startswith(("No ", "El documento ")), (url, message)


def test_a_method_that_writes_is_a_405_in_the_error_shape_naming_what_is_allowed(client):
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)("/api/v1/search")
        assert error_of(response, 405)["code"] == "method_not_allowed"
        assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
        assert "Access-Control-Allow-Origin" not in response.headers  # nothing that writes is shared


def test_a_bad_parameter_is_a_400_in_the_error_shape(client):
    assert error_of(client.get("/api/v1/votes", query_string={"page": "x"}), 400)["code"] == "bad_request"


def test_a_busy_search_is_a_429_in_the_error_shape_saying_when_to_retry(archive, monkeypatch):
    monkeypatch.setattr("search_app.service.SearchService.search", _raising(SearchBusy("El buscador está ocupado.")))
    response = archive.client().get("/api/v1/search", query_string={"q": "agua"})
    assert error_of(response, 429)["code"] == "search_busy"
    assert int(response.headers["Retry-After"]) > 0


def test_an_unreachable_engine_is_a_503_in_the_error_shape(archive, monkeypatch):
    monkeypatch.setattr("search_app.service.SearchService.search",
                        _raising(SearchEngineUnavailable("Elasticsearch at http://127.0.0.1:1 is unreachable")))
    assert error_of(archive.client().get("/api/v1/search"), 503)["code"] == "search_unavailable"


def test_an_unexpected_failure_is_a_500_in_the_error_shape_without_its_details(archive, monkeypatch):
    monkeypatch.setattr("search_app.service.SearchService.search", _raising(RuntimeError("/srv/secret/path")))
    error = error_of(archive.client().get("/api/v1/search"), 500)
    assert error["code"] == "internal_error" and "/srv" not in error["message"]


def _raising(exc: Exception):
    def fail(*args, **kwargs):
        raise exc

    return fail


# -- CORS: reads only ---------------------------------------------------------------------------------------

def test_reads_of_the_api_exports_and_feed_are_open_to_any_origin(client):
    for url in ["/api/v1/councils", "/api/v1/search?q=agua", "/api/v1/export.csv?q=agua", "/feed.atom?q=agua",
                "/api/v1/documents/999999"]:
        for response in (client.get(url, headers={"Origin": "https://other.example"}), client.head(url)):
            assert response.headers["Access-Control-Allow-Origin"] == "*", url
            assert "Link" in response.headers["Access-Control-Expose-Headers"]


def test_a_preflight_to_read_is_answered_and_one_to_write_is_not(client):
    read = client.options("/api/v1/search", headers={"Origin": "https://other.example",
                                                      "Access-Control-Request-Method": "GET",
                                                      "Access-Control-Request-Headers": "accept"})
    assert read.status_code == 200
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    assert set(read.headers["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    write = client.options("/api/v1/search", headers={"Origin": "https://other.example",
                                                       "Access-Control-Request-Method": "POST"})
    assert not any(name.startswith("Access-Control-") for name, _value in write.headers.items())


def test_the_pages_are_not_shared_with_other_origins(client):
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


# -- paging links ---------------------------------------------------------------------------------------------

def links(response) -> dict[str, str]:
    """rel -> URL, from an RFC 8288 Link header."""
    found = re.findall(r'<([^>]*)>; rel="([a-z]+)"', response.headers["Link"])
    assert ", ".join(f'<{url}>; rel="{rel}"' for url, rel in found) == response.headers["Link"]
    return {rel: url for url, rel in found}


def test_search_pages_link_first_prev_next_and_last_under_the_public_url(archive):
    client = archive.client(public_url=PUBLIC + "/")
    first = client.get("/api/v1/search", query_string={"q": "presupuesto", "per_page": 3})
    pages = first.get_json()["pages"]
    assert pages >= 3
    rels = links(first)
    assert set(rels) == {"first", "next", "last"}
    assert rels["next"] == f"{PUBLIC}/api/v1/search?q=presupuesto&per_page=3&page=2"
    assert rels["last"].endswith(f"&page={pages}")
    seen, url = [], rels["first"]
    while url:  # following next from the first page visits every page once
        response = client.get(url.removeprefix(PUBLIC))
        seen += [hit["document_id"] for hit in response.get_json()["hits"]]
        url = links(response).get("next")
    assert len(seen) == len(set(seen)) == first.get_json()["total"]
    middle = links(client.get("/api/v1/search", query_string={"q": "presupuesto", "per_page": 3, "pagina": 2}))
    assert middle["prev"] == middle["first"] == f"{PUBLIC}/api/v1/search?q=presupuesto&per_page=3&page=1"


def test_a_search_with_one_page_links_only_to_it(client):
    rels = links(client.get("/api/v1/search", query_string={"q": "hostil"}))
    assert set(rels) == {"first", "last"} and rels["first"] == rels["last"] == "/api/v1/search?q=hostil&page=1"


@pytest.fixture(scope="module")
def proceedings(tmp_path_factory):
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("openapi-proceedings"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    build(catalogue)
    yield create_app({"TESTING": True}, settings=settings).test_client()
    catalogue.close()


def test_vote_pages_link_through_every_vote_keeping_the_filters(proceedings):
    response = proceedings.get("/api/v1/votes", query_string={"per_page": 2, "desde": "2024-01-01"})
    total = response.get_json()["total"]
    assert total == 5
    rels = links(response)
    assert rels["next"] == "/api/v1/votes?from=2024-01-01&per_page=2&page=2"
    assert rels["last"] == "/api/v1/votes?from=2024-01-01&per_page=2&page=3"
    ids, url = [], rels["first"]
    while url:
        page = proceedings.get(url)
        ids += [vote["id"] for vote in page.get_json()["votes"]]
        url = links(page).get("next")
    assert len(ids) == len(set(ids)) == total
    past = links(proceedings.get("/api/v1/votes", query_string={"per_page": 2, "page": 9}))
    assert "next" not in past and past["prev"] == past["last"] == "/api/v1/votes?per_page=2&page=3"
