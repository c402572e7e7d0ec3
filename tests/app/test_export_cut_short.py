"""An export the engine stops answering after its download started says, in the file, that it is incomplete."""

from __future__ import annotations

import csv
import io
import json

import pytest

from search_app.backends.base import SearchTooSlow


@pytest.fixture()
def failing_midway(archive, monkeypatch):
    """An app whose engine answers the first rows of an export, then runs over its time budget."""
    app = archive.app()
    client = app.test_client()
    assert client.get("/api/v1/search", query_string={"q": "presupuesto"}).status_code == 200  # opens the engine
    engine = app.extensions["concejo_backend"]
    whole = engine.iterate

    def iterate(query, *args, **kwargs):  # stands in for an engine slowing down: the stream is under test
        for count, hit in enumerate(whole(query, *args, **kwargs)):
            if count == 2:
                raise SearchTooSlow(5.0)
            yield hit

    monkeypatch.setattr(engine, "iterate", iterate)
    return client


def test_a_csv_export_cut_short_ends_with_a_row_saying_so(failing_midway):
    response = failing_midway.get("/api/v1/export.csv", query_string={"q": "presupuesto"})
    assert response.status_code == 200  # sent before the engine failed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 + 2 + 1  # header, the rows answered, the notice
    assert rows[-1][0].startswith("EXPORTACIÓN INCOMPLETA")


def test_a_jsonl_export_cut_short_ends_with_an_error_object(failing_midway):
    response = failing_midway.get("/api/v1/export.jsonl", query_string={"q": "presupuesto"})
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(lines) == 3
    assert lines[-1]["error"]["code"] == "export_incomplete"
    assert all("document_id" in line for line in lines[:-1])


def test_a_whole_export_has_every_row_and_no_notice(archive):
    client = archive.client()
    total = client.get("/api/v1/search", query_string={"q": "presupuesto"}).get_json()["total"]
    response = client.get("/api/v1/export.csv", query_string={"q": "presupuesto"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 + total > 3
    assert not any(row[0].startswith("EXPORTACIÓN INCOMPLETA") for row in rows)
