"""A configured but unreachable Elasticsearch is reported, never shown as an empty result."""

from __future__ import annotations

import socket

import pytest

from concejo.config import load_settings
from search_app import create_app


@pytest.fixture()
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def client(tmp_path, closed_port):
    settings = load_settings(environ={}, data_dir=tmp_path, elasticsearch_url=f"http://127.0.0.1:{closed_port}")
    return create_app({"TESTING": True}, settings=settings).test_client()


def test_api_answers_503_naming_the_url(client, closed_port):
    response = client.get("/api/v1/search", query_string={"q": "presupuesto"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "search_unavailable"
    assert f"127.0.0.1:{closed_port}" in error["message"]


def test_search_page_says_the_search_is_unavailable(client):
    response = client.get("/", query_string={"q": "presupuesto"})
    assert response.status_code == 503
    assert "no está disponible" in response.get_data(as_text=True)


def test_an_empty_index_is_explained_not_shown_as_no_results(tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path)
    client = create_app({"TESTING": True}, settings=settings).test_client()
    result = client.get("/api/v1/search", query_string={"q": "presupuesto"}).get_json()
    assert result["total"] == 0
    assert any("vacío" in warning for warning in result["warnings"])
