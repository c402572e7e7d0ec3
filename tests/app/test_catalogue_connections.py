"""A process keeps its catalogue connections between requests (opening one costs more than most pages'
reads), and still shows every change committed meanwhile, including lists it keeps (commissions)."""

from __future__ import annotations

import pytest

from archive import open_catalogue
from concejo.config import load_settings
from search_app import create_app, resources


@pytest.fixture()
def setup(tmp_path, monkeypatch):
    settings = load_settings(environ={}, data_dir=tmp_path)
    writer = open_catalogue(settings.catalogue_url)  # another process's connection: the pipeline's
    council = writer.ensure_council("quito", "Concejo Metropolitano de Quito")
    writer.upsert_commission(council, "movilidad", "Comisión de Movilidad", [], None, None)
    opened = []
    monkeypatch.setattr(resources, "open_catalogue", lambda url: opened.append(url) or open_catalogue(url))
    yield writer, council, create_app({"TESTING": True}, settings=settings).test_client(), opened
    writer.close()


def test_requests_reuse_the_connection_an_earlier_one_opened(setup):
    _, _, client, opened = setup
    for _ in range(5):
        assert client.get("/sesiones/").status_code == 200
    assert len(opened) == 1


def test_a_commission_added_meanwhile_is_on_the_next_search_page(setup):
    writer, council, client, _ = setup
    assert "Comisión de Movilidad" in client.get("/").get_data(as_text=True)
    writer.upsert_commission(council, "ambiente", "Comisión de Ambiente", [], None, None)
    page = client.get("/").get_data(as_text=True)
    assert "Comisión de Ambiente" in page and "Comisión de Movilidad" in page


def test_a_session_added_meanwhile_is_listed_on_the_next_request(setup):
    writer, council, client, _ = setup
    assert "Sesión solemne" not in client.get("/sesiones/").get_data(as_text=True)
    writer.upsert_session(council, "s-9", session_type="solemne", date="2024-05-24", title="Sesión solemne")
    assert "Sesión solemne" in client.get("/sesiones/").get_data(as_text=True)
