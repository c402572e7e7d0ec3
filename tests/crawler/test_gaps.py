"""Issue 10, the coverage ledger's gaps: numbers missing from a numbered series of sessions, agendas whose
minutes never came; and session identity read from the document text when the listing's name is wrong."""

from __future__ import annotations

import hashlib

import pytest

from archive import open_catalogue
from extract.metadata import read_metadata


@pytest.fixture()
def catalogue(catalogue_url):  # SQLite and PostgreSQL (tests/conftest.py)
    catalogue = open_catalogue(catalogue_url)
    yield catalogue
    catalogue.close()


def session_with(catalogue, council: int, key: str, *, date: str, number: int | None, kinds: tuple[str, ...],
                 session_type: str = "ordinaria", commission: int | None = None) -> int:
    """A session with one archived document of each kind."""
    session = catalogue.upsert_session(council, key, session_type=session_type, date=date, title=key,
                                       number=number, commission_id=commission)
    for kind in kinds:
        url = f"https://concejo.example/{key}/{kind}.pdf"
        catalogue.list_document(council, f"{key}/{kind}", session_id=session, kind=kind, title=kind, url=url)
        catalogue.record_fetch(url, hashlib.sha256(url.encode()).hexdigest(), 10)
    return session


def test_actas_47_and_49_report_48_missing_in_that_series_only(catalogue):
    quito = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    movilidad = catalogue.upsert_commission(quito, "movilidad", "Comisión de Movilidad", [], None, None)
    session_with(catalogue, quito, "pleno-47", date="2024-03-05", number=47, kinds=("acta",))
    session_with(catalogue, quito, "pleno-49", date="2024-03-19", number=49, kinds=("acta",))
    # No. 48 of another series fills no gap of the plenary's: a commission's, one of another year, or another
    # council's.
    session_with(catalogue, quito, "movilidad-48", date="2024-03-12", number=48, kinds=("acta",),
                 commission=movilidad)
    session_with(catalogue, quito, "pleno-2023-48", date="2023-03-12", number=48, kinds=("acta",))
    other = catalogue.ensure_council("cuenca", "Concejo Cantonal de Cuenca")
    session_with(catalogue, other, "pleno-48", date="2024-03-12", number=48, kinds=("acta",))

    gaps = catalogue.gaps("quito")

    assert [(g["kind"], g["series"], g["year"], g["number"]) for g in gaps] == [("missing_number", "pleno", 2024, 48)]
    assert gaps[0]["message"] == "Falta la sesión No. 48 de 2024 (Pleno): el archivo tiene la No. 47 y la No. 49"
    assert catalogue.gaps("cuenca") == []


def test_one_sequence_across_session_types_unless_the_council_numbers_each_type_apart(catalogue):
    """Quito and La Rioja number ordinary and extraordinary sessions in one sequence: an extraordinary No. 48
    between ordinary 47 and 49 is no gap; a council numbering each type apart says so with by_type."""
    quito = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    session_with(catalogue, quito, "pleno-47", date="2024-03-05", number=47, kinds=("acta",))
    session_with(catalogue, quito, "pleno-ex-48", date="2024-03-12", number=48, kinds=("acta",),
                 session_type="extraordinaria")
    session_with(catalogue, quito, "pleno-49", date="2024-03-19", number=49, kinds=("acta",))

    assert catalogue.gaps("quito") == []
    assert [(g["session_type"], g["number"]) for g in catalogue.gaps("quito", by_type=True)] == [("ordinaria", 48)]


def test_a_long_run_of_missing_numbers_is_one_range(catalogue):
    quito = catalogue.ensure_council("quito", "Quito")
    session_with(catalogue, quito, "a", date="2024-01-09", number=1, kinds=("acta",))
    session_with(catalogue, quito, "b", date="2024-12-10", number=40, kinds=("acta",))

    [gap] = catalogue.gaps("quito")

    assert (gap["kind"], gap["first"], gap["last"]) == ("missing_range", 2, 39)


def test_an_agenda_without_minutes_is_a_gap_only_after_the_delay(catalogue):
    quito = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    session_with(catalogue, quito, "pleno-2024-03-05-ordinaria", date="2024-03-05", number=None,
                 kinds=("orden_del_dia",))
    session_with(catalogue, quito, "pleno-2024-03-01-ordinaria", date="2024-03-01", number=None,
                 kinds=("orden_del_dia", "acta"))  # older, with its minutes: no gap

    assert catalogue.gaps("quito", minutes_after_days=30, today="2024-04-04") == []
    gaps = catalogue.gaps("quito", minutes_after_days=30, today="2024-04-05")

    assert [(g["kind"], g["session_key"], g["date"]) for g in gaps] == [
        ("minutes_missing", "pleno-2024-03-05-ordinaria", "2024-03-05")]
    assert "orden del día" in gaps[0]["message"] and "31 días" in gaps[0]["message"]
    assert catalogue.gaps("quito", minutes_after_days=60, today="2024-04-05") == []


def test_a_document_whose_text_names_another_session_moves_there_and_the_listing_is_kept(catalogue):
    """A directory listing named the file 'Acta Sesión Ordinaria No. 030 2023-11-07' (wrong year)."""
    quito = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    listed = catalogue.upsert_session(quito, "pleno-2023-11-07-ordinaria", session_type="ordinaria",
                                      date="2023-11-07", title="Sesión Ordinaria No. 030", number=30)
    url = "https://concejo.example/Acta Sesión Ordinaria No. 030 2023-11-07.pdf"
    document_id = catalogue.list_document(quito, "acta-030", session_id=listed, kind="acta", title="Acta", url=url)
    metadata = read_metadata(
        ["ACTA DE LA SESIÓN ORDINARIA No. 030\nQuito, 7 de noviembre de 2024\nCONCEJO METROPOLITANO DE QUITO"],
        {"session_type": "ordinaria", "date": "2023-11-07"},
    ).to_dict()

    assert catalogue.reconcile_session(document_id, metadata) is True

    row = catalogue.document(document_id)
    assert (row["session_key"], row["session_date"], row["session_number"]) == (
        "pleno-2024-11-07-ordinaria", "2024-11-07", 30)
    assert row["listed_session_key"] == "pleno-2023-11-07-ordinaria"
    assert catalogue.session(listed) is not None  # the listed session is never deleted
    assert catalogue.reconcile_session(document_id, metadata) is False  # already where its text says
    # A better extractor reads another date: the document moves again, and what the listing said stays.
    assert catalogue.reconcile_session(document_id, {**metadata, "date": "2024-11-14"}) is True
    row = catalogue.document(document_id)
    assert (row["session_key"], row["listed_session_key"]) == ("pleno-2024-11-14-ordinaria",
                                                              "pleno-2023-11-07-ordinaria")


def test_a_document_joins_the_existing_session_its_text_names_and_agreement_moves_nothing(catalogue):
    quito = catalogue.ensure_council("quito", "Quito")
    right = catalogue.upsert_session(quito, "pleno-2024-11-07-ordinaria", session_type="ordinaria",
                                     date="2024-11-07", title="Sesión", number=None)
    undated = catalogue.upsert_session(quito, "pleno-sin-fecha", session_type="ordinaria", date=None, title="S")
    moved = catalogue.list_document(quito, "orden", session_id=undated, kind="orden_del_dia", title="Orden",
                                    url="https://concejo.example/orden.pdf")
    stays = catalogue.list_document(quito, "acta", session_id=right, kind="acta", title="Acta",
                                    url="https://concejo.example/acta.pdf")
    convocatoria = catalogue.list_document(quito, "conv", session_id=right, kind="convocatoria", title="C",
                                           url="https://concejo.example/conv.pdf")
    text = {"document_type": None, "session_type": "ordinaria", "session_number": "31", "date": "2024-11-07"}

    assert catalogue.reconcile_session(moved, {**text, "document_type": "orden_del_dia"}) is True
    assert catalogue.reconcile_session(stays, {**text, "document_type": "acta"}) is False
    assert catalogue.reconcile_session(convocatoria, {**text, "date": "2024-11-01"}) is False

    assert catalogue.document(moved)["session_id"] == right
    assert catalogue.session(right)["number"] == 31  # the number only the text gave
    assert catalogue.document(convocatoria)["session_id"] == right  # dated before its session: never moved
    assert catalogue.session_count("quito") == 2
    with pytest.raises(LookupError, match="document 999"):
        catalogue.reconcile_session(999, text)


def test_a_session_left_empty_by_its_text_is_no_gap(catalogue):
    """The wrongly named No. 48 of 2023 moved to 2024: 2023 has no series 47..49 to report a gap in."""
    quito = catalogue.ensure_council("quito", "Quito")
    session_with(catalogue, quito, "pleno-2023-03-05", date="2023-03-05", number=47, kinds=("acta",))
    wrong = catalogue.upsert_session(quito, "pleno-2023-03-19", session_type="ordinaria", date="2023-03-19",
                                     title="S", number=49)
    acta = catalogue.list_document(quito, "acta-49", session_id=wrong, kind="acta", title="Acta",
                                   url="https://concejo.example/acta-49.pdf")
    assert catalogue.gaps("quito")[0]["number"] == 48
    catalogue.reconcile_session(acta, {"document_type": "acta", "session_type": "ordinaria",
                                       "session_number": "49", "date": "2024-03-19"})

    assert catalogue.gaps("quito") == []
