"""Issue 8 item 5: a commission named like a formula (=HYPERLINK(...)) is text in the CSV export, not a formula."""

from __future__ import annotations

import csv
import io

from search_app.views.api import csv_cell

from .conftest import FORMULA_COMMISSION


def test_a_formula_commission_name_is_neutralised_in_the_csv_export(client):
    response = client.get("/api/v1/export.csv", query_string={"q": "hostil"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows
    (row,) = [r for r in rows if r["title"] == "Acta hostil"]
    assert row["commission_name"] == "'" + FORMULA_COMMISSION
    for cells in rows:
        assert not any(str(value).startswith(("=", "+", "-", "@", "\t", "\r")) for value in cells.values())


def test_every_formula_start_is_neutralised_and_plain_values_kept():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_cell("Uso de Suelo") == "Uso de Suelo"
    assert csv_cell(61) == 61
    assert csv_cell(None) == ""
