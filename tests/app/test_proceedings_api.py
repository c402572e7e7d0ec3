"""Issue 11 in the API: members, votes, a session's attendance and votes, items, and the complete exports of
votes and attendance, over a real catalogue (tests/app/proceedings_archive.py)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from archive import Catalogue, open_catalogue
from concejo.config import load_settings
from search_app import create_app

from .proceedings_archive import (
    ANA,
    ANA_STAMP,
    ATTENDANCE_ENTRIES,
    BALLOTS,
    CUENCA,
    FORMULA_MOTION,
    HOSTILE_MOTION,
    JUAN,
    LOOSE_ITEM,
    LOOSE_MOTION,
    MOTION_CUENCA,
    MOTION_FIRST,
    MOTION_SECOND,
    ORDINANCE,
    QUITO,
    add_edge_cases,
    build,
    built_with_settings,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    archive = built_with_settings(tmp_path_factory.mktemp("proceedings-api"))
    yield archive
    archive.catalogue.close()


@pytest.fixture(scope="module")
def client(built):
    return create_app({"TESTING": True}, settings=built.settings).test_client()


def get_json(client, url: str, status: int = 200, **query) -> dict:
    response = client.get(url, query_string=query)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    return response.get_json()


def motions(data: dict) -> list[str]:
    return [vote["motion"] for vote in data["votes"]]


# -- votes -------------------------------------------------------------------------------------------------

def test_votes_of_a_member_on_a_subject_are_exactly_those(client, built):
    data = get_json(client, "/api/v1/votes", member=built.person(ANA), q="ordenanza presupuesto")
    assert data["total"] == 2 and data["page"] == 1 and data["per_page"] == 50
    assert motions(data) == [MOTION_SECOND, MOTION_FIRST]
    assert [vote["member_choice"] for vote in data["votes"]] == ["a_favor", "a_favor"]
    first = data["votes"][1]
    assert first["identifiers"] == [ORDINANCE] and first["result"] == "aprobada"
    assert first["page_url"] == f"/documentos/{built.documents['q1']}#pagina-2"
    assert first["pdf_url"] == f"/documentos/{built.documents['q1']}.pdf#page=2"
    assert first["session_url"] == f"/sesiones/{built.sessions['q1']}"
    assert {b["printed_name"]: b["choice"] for b in first["ballots"]}[ANA_STAMP] == "a_favor"


def test_votes_narrow_by_words_result_dates_and_council(client):
    assert motions(get_json(client, "/api/v1/votes", q="participativo", council=CUENCA)) == [MOTION_CUENCA]
    assert motions(get_json(client, "/api/v1/votes", result="rechazada")) == [MOTION_CUENCA, HOSTILE_MOTION]
    january = get_json(client, "/api/v1/votes", **{"from": "2024-01-01", "to": "2024-01-31"})
    assert motions(january) == [MOTION_FIRST, HOSTILE_MOTION]  # in the order of the acta
    assert get_json(client, "/api/v1/votes", q="tránsito")["total"] == 1  # accents either way
    assert get_json(client, "/api/v1/votes", q="TRANSITO")["total"] == 1
    assert get_json(client, "/api/v1/votes", q="nada parecido")["total"] == 0


def test_a_vote_keeps_totals_that_do_not_add_up_and_says_so(client):
    vote = get_json(client, "/api/v1/votes", q="reconsiderar")["votes"][0]
    assert vote["totals_match"] is False
    assert vote["printed_totals"] == {"a_favor": 2, "abstencion": 1, "blanco": 1}
    assert vote["counted_totals"] == {"a_favor": 1, "abstencion": 1, "blanco": 1}


def test_votes_are_paged_with_the_page_size_clamped(client):
    whole = get_json(client, "/api/v1/votes")
    assert whole["total"] == 5
    pages = [motions(get_json(client, "/api/v1/votes", per_page=2, page=n)) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1] and [m for page in pages for m in page] == motions(whole)
    assert get_json(client, "/api/v1/votes", per_page=100000)["per_page"] == 100
    assert get_json(client, "/api/v1/votes", per_page=0)["per_page"] == 1


@pytest.mark.parametrize(("query", "message"), [
    ({"from": "2024-13-45"}, "La fecha «2024-13-45» (desde) no es válida"),
    ({"to": "²"}, "no es válida"),
    ({"member": "ana"}, "El miembro (su número en /miembros) debe ser un número entero positivo"),
    ({"member": "999999"}, "No existe el miembro 999999"),
    ({"member": str(2**63)}, "El miembro (su número en /miembros) debe ser un número entero positivo"),
    ({"result": "x"}, "El resultado «x» no existe"),
    ({"council": "nada"}, "El archivo no tiene ningún concejo «nada»"),
    ({"page": "0"}, "La página debe ser un número entero entre 1 y 1000"),
    ({"page": "100000"}, "La página debe ser un número entero entre 1 y 1000"),
    ({"q": "x" * 600}, "demasiado larga"),
])
def test_a_bad_parameter_is_a_400_in_the_apis_error_shape(client, query, message):
    data = get_json(client, "/api/v1/votes", 400, **query)
    assert list(data) == ["error"] and list(data["error"]) == ["code", "message"]
    assert data["error"]["code"] == "bad_request"
    assert message in data["error"]["message"]


# -- members -----------------------------------------------------------------------------------------------

def test_members_of_one_council(client, built):
    quito = get_json(client, "/api/v1/members", council=QUITO)["members"]
    assert ANA in [m["name"] for m in quito] and "Rosa Vega Paz" not in [m["name"] for m in quito]
    ana = next(m for m in quito if m["name"] == ANA)
    assert ana["council"] == QUITO and ANA_STAMP in ana["aliases"]
    assert (ana["sessions_present"], ana["sessions_recorded"], ana["votes_cast"]) == (2, 2, 3)
    assert ana["url"] == f"/miembros/{ana['id']}"
    cuenca = get_json(client, "/api/v1/members", council=CUENCA)["members"]
    assert [m["name"] for m in cuenca] == [ANA, "Rosa Vega Paz"]
    assert get_json(client, "/api/v1/members", 400, council="nada")["error"]["code"] == "bad_request"


def test_one_member_with_attendance_and_votes(client, built):
    juan = get_json(client, f"/api/v1/members/{built.person(JUAN)}")
    assert [a["choice"] for a in juan["attendance"]] in (["presente", "excusado"], ["excusado", "presente"])
    assert sorted((v["motion"], v["choice"]) for v in juan["votes"]) == sorted(
        [(MOTION_FIRST, "en_contra"), (HOSTILE_MOTION, "a_favor")])
    assert all(v["page_url"].startswith(f"/documentos/{built.documents['q1']}#pagina-") for v in juan["votes"])
    assert {c["slug"] for c in juan["commissions"]} == {"presupuesto"}


def test_an_unknown_member_or_session_is_a_404_in_the_apis_error_shape(client):
    for url in ["/api/v1/members/999999", "/api/v1/sessions/999999", "/api/v1/items/IC-NADA-1"]:
        data = get_json(client, url, 404)
        assert data["error"]["code"] == "not_found" and data["error"]["message"].startswith("No ")


# -- a session, items --------------------------------------------------------------------------------------

def test_a_session_with_its_documents_attendance_and_votes(client, built):
    data = get_json(client, f"/api/v1/sessions/{built.sessions['q1']}")
    assert (data["council"], data["date"], data["number"]) == (QUITO, "2024-01-15", 1)
    assert [d["document_id"] for d in data["documents"]] == [built.documents["q1"]]
    [roll_call] = data["attendance"]
    assert roll_call["moment"] == "inicio" and roll_call["stated_count"] == 3 and roll_call["counted_present"] == 3
    assert [e["choice"] for e in roll_call["entries"]] == ["presente", "presente", "ausente", "presente"]
    assert [v["motion"] for v in data["votes"]] == [MOTION_FIRST, HOSTILE_MOTION]
    assert [v["totals_match"] for v in data["votes"]] == [True, False]


def test_an_item_across_sessions(client, built):
    items = {i["identifier"]: i for i in get_json(client, "/api/v1/items")["items"]}
    assert items[ORDINANCE]["mentions"] == 2
    assert (items[ORDINANCE]["first_date"], items[ORDINANCE]["last_date"]) == ("2024-01-15", "2024-02-12")
    mentions = get_json(client, f"/api/v1/items/{ORDINANCE}")["mentions"]
    assert [(m["stage"], m["session_id"]) for m in mentions] == [
        ("primer_debate", built.sessions["q1"]), ("segundo_debate", built.sessions["q2"])]


# -- exports -----------------------------------------------------------------------------------------------

def csv_rows(client, url: str, **query) -> list[list[str]]:
    response = client.get(url, query_string=query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def jsonl_rows(client, url: str, **query) -> list[dict]:
    response = client.get(url, query_string=query)
    assert response.status_code == 200
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_the_votes_export_has_one_row_per_ballot(client, built):
    rows = csv_rows(client, "/api/v1/export/votes.csv")
    assert rows[0][:2] == ["vote_id", "council"] and len(rows) == 1 + sum(BALLOTS.values())
    assert len(csv_rows(client, "/api/v1/export/votes.csv", council=QUITO)) == 1 + BALLOTS["q1"] + BALLOTS["q2"]
    lines = jsonl_rows(client, "/api/v1/export/votes.jsonl", concejo=CUENCA)
    assert len(lines) == BALLOTS["c1"] and {line["member"] for line in lines} == {ANA, "Rosa Vega Paz"}
    prose = [row for row in rows if row[7].startswith("'=")]
    assert len(prose) == 1 and prose[0][rows[0].index("person_id")] == ""


def test_the_votes_export_runs_no_formula_in_a_spreadsheet(client):
    rows = csv_rows(client, "/api/v1/export/votes.csv")
    motion = rows[0].index("motion")
    assert "'" + FORMULA_MOTION in [row[motion] for row in rows]
    assert FORMULA_MOTION not in [row[motion] for row in rows]


def test_the_attendance_export_has_one_row_per_roll_call_entry(client):
    rows = csv_rows(client, "/api/v1/export/attendance.csv")
    assert len(rows) == 1 + sum(ATTENDANCE_ENTRIES.values())
    assert len(jsonl_rows(client, "/api/v1/export/attendance.jsonl", council=CUENCA)) == ATTENDANCE_ENTRIES["c1"]


def test_an_export_of_an_unknown_council_is_a_400_before_any_row(client):
    for url in ["/api/v1/export/votes.csv", "/api/v1/export/attendance.jsonl"]:
        assert get_json(client, url, 400, council="nada")["error"]["code"] == "bad_request"


@pytest.fixture()
def failing_midway(client, monkeypatch):
    """The catalogue answers the first rows of an export, then its database fails (a disk error, say)."""
    whole = Catalogue.vote_export_rows

    def vote_export_rows(self, *args, **kwargs):  # stands in for a failing disk: the stream is under test
        for count, row in enumerate(whole(self, *args, **kwargs)):
            if count == 2:
                raise sqlite3.OperationalError("disk I/O error")
            yield row

    monkeypatch.setattr(Catalogue, "vote_export_rows", vote_export_rows)
    return client


def test_a_csv_export_cut_short_ends_with_a_row_saying_so(failing_midway):
    rows = csv_rows(failing_midway, "/api/v1/export/votes.csv")
    assert len(rows) == 1 + 2 + 1
    assert rows[-1][0].startswith("EXPORTACIÓN INCOMPLETA")


def test_a_jsonl_export_cut_short_ends_with_an_error_object(failing_midway):
    lines = jsonl_rows(failing_midway, "/api/v1/export/votes.jsonl")
    assert len(lines) == 3 and lines[-1]["error"]["code"] == "export_incomplete"
    assert all("vote_id" in line for line in lines[:-1])


def test_a_whole_export_says_nothing_of_being_incomplete(client):
    assert not any("INCOMPLETA" in cell for row in csv_rows(client, "/api/v1/export/votes.csv") for cell in row)


def test_the_votes_page_links_to_the_exports_of_its_council(client):
    page = client.get("/votaciones/", query_string={"concejo": CUENCA}).get_data(as_text=True)
    for export in ["votes.csv", "votes.jsonl", "attendance.csv", "attendance.jsonl"]:
        assert f'href="/api/v1/export/{export}?concejo={CUENCA}"' in page


# -- a document of no session ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def edges(tmp_path_factory):
    """The archive with an acta of no session and session 3 (add_edge_cases): (archive, client)."""
    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("proceedings-edges"), ocr=False)
    catalogue = open_catalogue(settings.catalogue_url)
    archive = build(catalogue)
    add_edge_cases(archive)
    yield archive, create_app({"TESTING": True}, settings=settings).test_client()
    catalogue.close()


def test_a_vote_of_a_document_of_no_session_is_served_without_a_session_link(edges):
    archive, client = edges
    document = archive.documents["suelta"]
    data = get_json(client, "/api/v1/votes", q="acta suelta")
    (vote,) = data["votes"]
    assert vote["motion"] == LOOSE_MOTION and vote["session_id"] is None and vote["session_url"] is None
    assert vote["page_url"] == f"/documentos/{document}#pagina-1"
    assert get_json(client, "/api/v1/votes")["total"] == 7
    member = get_json(client, f"/api/v1/members/{archive.person(JUAN)}")
    assert [(v["motion"], v["session_id"]) for v in member["votes"] if v["document_id"] == document] == [
        (LOOSE_MOTION, None)]
    assert [a["session_id"] for a in member["attendance"] if a["document_id"] == document] == [None]
    assert get_json(client, f"/api/v1/items/{LOOSE_ITEM}")["mentions"][0]["session_id"] is None
    assert get_json(client, "/api/v1/members", council=QUITO)["members"]


def test_votes_say_how_many_pages_there_are(client):
    assert get_json(client, "/api/v1/votes")["pages"] == 1
    data = get_json(client, "/api/v1/votes", per_page="2")
    assert (data["total"], data["per_page"], data["pages"]) == (5, 2, 3)
    assert get_json(client, "/api/v1/votes", q="nada parecido")["pages"] == 1
