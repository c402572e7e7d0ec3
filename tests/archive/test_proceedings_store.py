"""Proceedings in the catalogue: saving extraction's Proceedings, people per council with stable ids,
the read methods of the proceedings contract, and an older catalogue gaining the tables on open."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from archive import Catalogue, open_catalogue
from archive.migrations.legacy import SCHEMA
from extract.proceedings.model import Entry, ItemMention, Movement, Proceedings, RollCall, Vote

MEMBERS = ["Marta Quishpe Andrade", "Sandra Pilco", "Sandra Pérez", "Diego Tapia", "Elena Tapia"]


def roll_call(page: int, absent: set[str], names=MEMBERS, moment="inicio") -> RollCall:
    entries = [Entry(name, "ausente" if name in absent else "presente",
                     "AUSENTE" if name in absent else "PRESENTE", page, number=i)
               for i, name in enumerate(names, start=1)]
    present = sum(e.choice == "presente" for e in entries)
    return RollCall(page, moment, "VERIFICACIÓN CUÓRUM", entries, stated_count=present,
                    stated_text=f"{present} integrantes presentes", stated_page=page)


def table_vote(page: int, motion: str, choices: dict[str, str], identifiers=(), result="aprobada",
               printed: dict[str, int] | None = None) -> Vote:
    entries = [Entry(name, choice, choice.upper().replace("_", " "), page) for name, choice in choices.items()]
    counted: dict[str, int] = {}
    for e in entries:
        counted[e.choice] = counted.get(e.choice, 0) + 1
    printed = printed if printed is not None else dict(counted)
    return Vote(page, "tabla", motion, agenda_point="II", identifiers=list(identifiers), entries=entries,
                printed_totals=printed, counted_totals=counted, totals_match=printed == counted, result=result,
                result_text=f"Ha sido {result} la moción", result_page=page)


def add_document(catalogue: Catalogue, council: str, key: str, date: str | None, number: int = 1) -> int:
    council_id = catalogue.ensure_council(council, f"Concejo de {council}")
    session = catalogue.upsert_session(council_id, f"s-{key}", session_type="ordinaria", date=date,
                                       title=f"Sesión {key}", number=number) if date else None
    return catalogue.list_document(council_id, key, session_id=session, kind="acta", title=f"Acta {key}",
                                   url=f"http://portal.example/{council}/{key}.pdf")


def first_session(catalogue: Catalogue, council="quito") -> tuple[int, int]:
    document = add_document(catalogue, council, "acta-1", "2024-03-05", 1)
    proceedings = Proceedings(
        roll_calls=[roll_call(1, {"Elena Tapia"}),
                    roll_call(4, {"Elena Tapia", "Sandra Pérez"}, moment="reinstalacion")],
        votes=[
            table_vote(2, "Ordenanza de movilidad en segundo debate", {
                "Concejala Marta Quishpe Andrade": "a_favor", "Sandra Pilco": "en_contra",
                "Sandra Pérez": "abstencion", "Diego Tapia": "a_favor", "Elena Tapia": "ausente"},
                identifiers=["IC-ORD-SCCPEYCUS-2024-002"]),
            Vote(3, "unanimidad", "Acta de la sesión anterior", result="aprobada",
                 result_text="Se aprueba por unanimidad", result_page=3),
        ],
        movements=[Movement(3, "entra", ["la concejala Elena Tapia"], time="10:50", count_after=5,
                            text="Ingresa a la sala la concejala Elena Tapia, a las 10:50")],
        items=[ItemMention("IC-ORD-SCCPEYCUS-2024-002", 2, "segundo_debate")],
    )
    catalogue.save_proceedings(document, proceedings.to_dict())
    return document, catalogue.document(document)["session_id"]


def second_session(catalogue: Catalogue) -> int:
    document = add_document(catalogue, "quito", "acta-2", "2024-04-09", 2)
    proceedings = Proceedings(
        roll_calls=[roll_call(1, {"Sandra Pilco"}, names=["MARTA QUISHPE ANDRADE", *MEMBERS[1:]])],
        votes=[
            table_vote(2, "Resolución sobre el presupuesto participativo", {
                "Sra. Marta Quishpe": "en_contra", "Sandra Pilco": "ausente", "Sandra Pérez": "a_favor",
                "Diego Tapia": "a_favor", "Elena Tapia": "a_favor"},
                identifiers=["Resolución No. CDMQ-022-2024"], printed={"a_favor": 4, "en_contra": 1, "ausente": 1}),
            table_vote(3, "Reconsideración de la ordenanza de movilidad", {
                "Marta Quishpe": "en_contra", "Sandra Pilco": "ausente", "Sandra Pérez": "en_contra",
                "Diego Tapia": "en_contra", "Elena Tapia": "a_favor"}, result="rechazada",
                identifiers=["ic-ord-sccpeycus-2024-002"]),
        ],
        items=[ItemMention("ic-ord-sccpeycus-2024-002", 3, "aprobacion")],
    )
    catalogue.save_proceedings(document, proceedings.to_dict())
    return document


def ids_by_name(catalogue: Catalogue, council: str | None = "quito") -> dict[str, int]:
    return {p["name"]: p["id"] for p in catalogue.people(council)}


def test_each_member_is_one_person_across_sessions_and_printed_forms(archive):
    first_session(archive)
    second_session(archive)
    people = archive.people("quito")
    assert [p["name"] for p in people] == sorted(MEMBERS)
    marta = next(p for p in people if p["name"] == "Marta Quishpe Andrade")
    assert set(marta["aliases"]) == {"Marta Quishpe Andrade", "Concejala Marta Quishpe Andrade",
                                    "MARTA QUISHPE ANDRADE", "Sra. Marta Quishpe", "Marta Quishpe"}
    elena = next(p for p in people if p["name"] == "Elena Tapia")
    assert "la concejala Elena Tapia" in elena["aliases"]  # the movement's name, same person


def test_attendance_rate_counts_a_session_present_in_any_of_its_roll_calls(archive):
    first_session(archive)
    second_session(archive)
    people = {p["name"]: p for p in archive.people("quito")}
    assert (people["Sandra Pérez"]["sessions_recorded"], people["Sandra Pérez"]["sessions_present"]) == (2, 2)
    assert people["Elena Tapia"]["attendance_rate"] == 0.5
    assert (people["Diego Tapia"]["sessions_recorded"], people["Diego Tapia"]["sessions_present"]) == (2, 2)
    assert people["Sandra Pilco"]["attendance_rate"] == 0.5
    assert people["Marta Quishpe Andrade"]["votes_cast"] == 3
    assert people["Sandra Pilco"]["votes_cast"] == 1  # absent twice: no vote cast


def test_people_are_per_council(archive):
    first_session(archive)
    other = add_document(archive, "cuenca", "acta-c", "2024-03-06")
    archive.save_proceedings(other, Proceedings(roll_calls=[roll_call(1, set(), names=["Sandra Pilco"])]).to_dict())
    quito, cuenca = ids_by_name(archive, "quito"), ids_by_name(archive, "cuenca")
    assert list(cuenca) == ["Sandra Pilco"]
    assert cuenca["Sandra Pilco"] != quito["Sandra Pilco"]
    assert sorted(p["council"] for p in archive.people() if p["name"] == "Sandra Pilco") == ["cuenca", "quito"]
    assert archive.person(cuenca["Sandra Pilco"])["attendance_rate"] == 1.0
    assert archive.person(quito["Sandra Pilco"])["votes_cast"] == 1


def test_person_lists_attendance_votes_and_review(archive):
    first_session(archive)
    second_session(archive)
    document = add_document(archive, "quito", "acta-3", "2024-05-01", 3)
    archive.save_proceedings(document, Proceedings(roll_calls=[roll_call(1, set(), names=["Sandra Pilco Ruiz",
                                                                                          "Diego Tapias"])]).to_dict())
    ids = ids_by_name(archive)
    diego = archive.person(ids["Diego Tapia"])
    assert [(a["date"], a["moment"], a["choice"]) for a in diego["attendance"]] == [
        ("2024-04-09", "inicio", "presente"), ("2024-03-05", "inicio", "presente"),
        ("2024-03-05", "reinstalacion", "presente")]
    assert [(v["date"], v["choice"]) for v in diego["votes"]] == [
        ("2024-04-09", "a_favor"), ("2024-04-09", "en_contra"), ("2024-03-05", "a_favor")]
    assert diego["votes"][2]["identifiers"] == ["IC-ORD-SCCPEYCUS-2024-002"]
    assert [(r["person_id"], r["code"]) for r in diego["review"]] == [(ids["Diego Tapias"], "near_miss")]
    # "Sandra Pilco Ruiz" is Sandra Pilco, and never Sandra Pérez.
    assert "Sandra Pilco Ruiz" in ids and ids["Sandra Pilco Ruiz"] not in (ids["Sandra Pérez"],)
    assert "Sandra Pilco" not in ids


def test_people_to_review_lists_a_short_name_fitting_two_people(archive):
    document = add_document(archive, "quito", "acta-b", "2024-03-05")
    archive.save_proceedings(document, Proceedings(roll_calls=[roll_call(
        1, set(), names=["Juan Tipán Cuenca", "Juan Tipán Pérez", "Juan Tipán", "Emilio Vásquez Jiménez",
                         "Emilio Vázquez"])]).to_dict())
    ids = ids_by_name(archive)
    assert len(ids) == 5
    review = archive.people_to_review("quito")
    assert [(r["person_id"], sorted(c["person_id"] for c in r["candidates"]), r["code"]) for r in review] == [
        (ids["Juan Tipán"], sorted([ids["Juan Tipán Cuenca"], ids["Juan Tipán Pérez"]]), "several_matches"),
        (ids["Emilio Vázquez"], [ids["Emilio Vásquez Jiménez"]], "near_miss"),
    ]
    assert archive.people_to_review("cuenca") == []
    bulla = archive.person(ids["Juan Tipán Cuenca"])
    assert [r["person_id"] for r in bulla["review"]] == [ids["Juan Tipán"]]


def test_votes_filters_and_paging(archive):
    first_session(archive)
    second_session(archive)
    other = add_document(archive, "cuenca", "acta-c", "2024-03-06")
    archive.save_proceedings(other, Proceedings(votes=[Vote(1, "mayoria", "Ordenanza de movilidad de Cuenca",
                                                            result="aprobada")]).to_dict())
    ids = ids_by_name(archive)
    total, rows = archive.votes()
    assert total == 5 and [r["session_date"] for r in rows] == ["2024-04-09", "2024-04-09", "2024-03-06",
                                                                 "2024-03-05", "2024-03-05"]
    total, rows = archive.votes(council="quito")
    assert total == 4
    assert [r["motion"][:11] for r in rows] == ["Resolución ", "Reconsidera", "Ordenanza d", "Acta de la "]
    assert archive.votes(council="quito", q="MOVILIDAD ordenanza")[0] == 2
    assert archive.votes(q="movilidad")[0] == 3
    assert archive.votes(q="cdmq-022")[0] == 1
    assert archive.votes(q="resolucion presupuesto")[0] == 1  # accents folded
    assert archive.votes(q="movilidad presupuesto")[0] == 0  # all words
    assert archive.votes(q="2024_002")[0] == 0  # LIKE wildcards are literal ("_" is not "-")
    assert archive.votes(q="movilidad%cuenca")[0] == 0
    assert archive.votes(q="unanimidad")[0] == 1  # the result's sentence
    assert archive.votes(date_from="2024-04-01")[0] == 2
    assert archive.votes(date_to="2024-03-05")[0] == 2
    assert archive.votes(date_from="2024-03-06", date_to="2024-03-06")[0] == 1
    assert archive.votes(result="rechazada")[0] == 1
    total, rows = archive.votes(member=ids["Sandra Pérez"])
    assert total == 3 and [r["member_choice"] for r in rows] == ["a_favor", "en_contra", "abstencion"]
    assert "member_choice" not in archive.votes()[1][0]
    total, page = archive.votes(council="quito", limit=2, offset=2)
    assert total == 4 and [r["motion"][:11] for r in page] == ["Ordenanza d", "Acta de la "]
    assert archive.votes(council="quito", limit=2, offset=4) == (4, [])


def test_a_vote_whose_totals_disagree_is_kept_and_flagged(archive):
    first_session(archive)
    second_session(archive)
    rows = {r["motion"]: r for r in archive.votes(council="quito")[1]}
    wrong = rows["Resolución sobre el presupuesto participativo"]
    assert wrong["totals_match"] is False
    assert wrong["printed_totals"] == {"a_favor": 4, "en_contra": 1, "ausente": 1}
    assert wrong["counted_totals"] == {"en_contra": 1, "ausente": 1, "a_favor": 3}
    assert len(wrong["ballots"]) == 5
    assert rows["Reconsideración de la ordenanza de movilidad"]["totals_match"] is True
    prose = rows["Acta de la sesión anterior"]
    assert prose["totals_match"] is None and prose["ballots"] == [] and prose["method"] == "unanimidad"


def test_session_proceedings(archive):
    _, session = first_session(archive)
    result = archive.session_proceedings(session)
    assert [(r["moment"], r["stated_count"], r["counted_present"]) for r in result["roll_calls"]] == [
        ("inicio", 4, 4), ("reinstalacion", 3, 3)]
    entry = result["roll_calls"][0]["entries"][0]
    assert entry["name"] == "Marta Quishpe Andrade" and entry["number"] == 1 and entry["column"] == "PRESENTE"
    assert [v["method"] for v in result["votes"]] == ["tabla", "unanimidad"]
    ballot = result["votes"][0]["ballots"][0]
    assert (ballot["name"], ballot["printed_name"], ballot["choice"]) == (
        "Marta Quishpe Andrade", "Concejala Marta Quishpe Andrade", "a_favor")
    (movement,) = result["movements"]
    assert movement["names"][0]["name"] == "Elena Tapia" and movement["time"] == "10:50"
    assert archive.session_proceedings(session + 100) == {"roll_calls": [], "votes": [], "movements": []}


def test_items_follow_an_identifier_across_sessions(archive):
    first_session(archive)
    second_session(archive)
    (item,) = archive.items("quito")
    assert item == {"identifier": "IC-ORD-SCCPEYCUS-2024-002", "council": "quito", "mentions": 2,
                    "first_date": "2024-03-05", "last_date": "2024-04-09",
                    "stages": ["segundo_debate", "aprobacion"]}
    mentions = archive.item("Ic-Ord-Sccpeycus-2024-002 ")
    assert [(m["session_date"], m["stage"], m["page"], m["title"]) for m in mentions] == [
        ("2024-03-05", "segundo_debate", 2, "Acta acta-1"), ("2024-04-09", "aprobacion", 3, "Acta acta-2")]
    assert archive.item("IC-ORD-SCCPEYCUS-2024-002", "cuenca") == []


def test_resaving_replaces_rows_and_keeps_person_ids(archive):
    document, session = first_session(archive)
    second_session(archive)
    before_ids = ids_by_name(archive)
    before = archive.session_proceedings(session)
    tables = ("roll_calls", "roll_call_entries", "votes", "ballots", "movements", "movement_names",
              "item_mentions", "persons", "person_names")
    counts = {t: archive.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    # The same extraction saved again (a re-extraction of the same file).
    archive.save_proceedings(document, archive_proceedings_of(archive, session))
    assert {t: archive.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables} == counts
    assert ids_by_name(archive) == before_ids
    after = archive.session_proceedings(session)
    assert strip_ids(after) == strip_ids(before)
    # A re-extraction that finds less replaces what was there.
    archive.save_proceedings(document, Proceedings(votes=[Vote(5, "mayoria", "Otra moción")]).to_dict())
    result = archive.session_proceedings(session)
    assert result["roll_calls"] == [] and [v["motion"] for v in result["votes"]] == ["Otra moción"]
    assert ids_by_name(archive) == before_ids  # people are never renumbered nor dropped from their records
    assert archive.items("quito")[0]["mentions"] == 1


def archive_proceedings_of(archive: Catalogue, session: int) -> dict:
    """The first session's Proceedings as they were saved (rebuilt from the catalogue)."""
    held = archive.session_proceedings(session)
    return Proceedings(
        roll_calls=[RollCall(r["page"], r["moment"], r["heading"],
                             [Entry(e["printed_name"], e["choice"], e["column"], e["page"], e["number"], e["role"])
                              for e in r["entries"]], r["stated_count"], r["stated_text"], r["stated_page"])
                    for r in held["roll_calls"]],
        votes=[Vote(v["page"], v["method"], v["motion"], v["agenda_point"], v["identifiers"],
                    [Entry(b["printed_name"], b["choice"], b["column"], b["page"]) for b in v["ballots"]],
                    v["printed_totals"], v["stated_counts"], v["counted_totals"], v["totals_match"], v["result"],
                    v["result_text"], v["result_page"], v["body"]) for v in held["votes"]],
        movements=[Movement(m["page"], m["direction"], [n["printed_name"] for n in m["names"]], m["time"],
                            m["count_after"], m["text"]) for m in held["movements"]],
        items=[ItemMention("IC-ORD-SCCPEYCUS-2024-002", 2, "segundo_debate")],
    ).to_dict()


def strip_ids(held: dict) -> dict:
    return {**held, "roll_calls": [{**r, "id": None} for r in held["roll_calls"]],
            "votes": [{**v, "id": None} for v in held["votes"]]}


def test_withdrawn_documents_keep_their_proceedings(archive):
    document, session = first_session(archive)
    archive.db.execute("UPDATE documents SET status = 'withdrawn' WHERE id = ?", (document,))
    assert archive.votes(council="quito")[0] == 2
    assert len(archive.session_proceedings(session)["roll_calls"]) == 2


def test_export_rows_stream_one_row_per_ballot_and_entry(archive):
    first_session(archive)
    second_session(archive)
    rows = archive.vote_export_rows("quito")
    assert iter(rows) is rows  # a generator, not a list
    rows = list(rows)
    assert len(rows) == 5 + 1 + 5 + 5  # a prose vote is one row
    prose = next(r for r in rows if r["motion"] == "Acta de la sesión anterior")
    assert (prose["person_id"], prose["member"], prose["printed_name"], prose["choice"]) == (None, None, None, None)
    first = rows[0]
    assert first == {
        "vote_id": first["vote_id"], "council": "quito", "session_date": "2024-03-05", "session_type": "ordinaria",
        "session_number": 1, "document_id": first["document_id"], "page": 2,
        "motion": "Ordenanza de movilidad en segundo debate", "identifiers": "IC-ORD-SCCPEYCUS-2024-002",
        "result": "aprobada", "totals_match": True, "person_id": ids_by_name(archive)["Marta Quishpe Andrade"],
        "member": "Marta Quishpe Andrade", "printed_name": "Concejala Marta Quishpe Andrade", "choice": "a_favor"}
    assert list(archive.vote_export_rows("cuenca")) == []
    attendance = list(archive.attendance_export_rows())
    assert len(attendance) == 5 * 3
    assert attendance[-1]["session_date"] == "2024-04-09" and attendance[0]["moment"] == "inicio"
    assert set(attendance[0]) == {"roll_call_id", "council", "session_date", "session_type", "session_number",
                                  "document_id", "page", "moment", "person_id", "member", "printed_name", "choice"}


def test_portal_members_and_commissions_resolve_to_the_same_people(archive):
    council = archive.ensure_council("quito", "Concejo de quito")
    archive.upsert_member(council, "Concejala Marta Quishpe Andrade", role="Vicealcalde", body="Concejo",
                          source_url=None)
    archive.upsert_member(council, "Lucía Naranjo", role=None, body=None, source_url=None)
    archive.upsert_commission(council, "movilidad", "Comisión de Movilidad",
                              [{"name": "Sandra Pilco", "role": "Presidenta"}, "Marta Quishpe"], None, None)
    first_session(archive)
    ids = ids_by_name(archive)
    people = {p["name"]: p for p in archive.people("quito")}
    assert set(ids) == {*MEMBERS, "Lucía Naranjo"}  # a member on the portal only is a person too
    marta = people["Marta Quishpe Andrade"]
    assert marta["commissions"] == [{"slug": "movilidad", "name": "Comisión de Movilidad", "role": None}]
    assert [(r["role"], r["source"]) for r in marta["roles"]] == [("Vicealcalde", "members_page")]
    pilco = people["Sandra Pilco"]
    assert [(r["role"], r["body"], r["source"]) for r in pilco["roles"]] == [
        ("Presidenta", "Comisión de Movilidad", "commission")]
    assert pilco["roles"][0]["from"] == pilco["roles"][0]["from"][:10]


def test_roles_printed_in_the_minutes_have_periods(archive):
    for key, date in (("a", "2024-01-10"), ("b", "2024-06-10"), ("c", "2023-02-01")):
        document = add_document(archive, "quito", key, date)
        entries = [Entry("Luis Vásconez Mejía", "presente", "PRESENTE", 1,
                         role="Alcalde Metropolitano" if key != "c" else None)]
        archive.save_proceedings(document, Proceedings(roll_calls=[RollCall(1, "inicio", "", entries)]).to_dict())
    (person,) = archive.people("quito")
    assert person["roles"] == [{"role": "Alcalde Metropolitano", "from": "2024-01-10", "to": "2024-06-10",
                                "body": None, "source": "acta"}]


ISSUE_11_TABLES = ("persons", "person_names", "person_reviews", "people_rules", "roll_calls", "roll_call_entries",
                   "votes", "ballots", "movements", "movement_names", "item_mentions")


def test_an_older_catalogue_opens_and_gains_the_tables(tmp_path):
    """A catalogue made with the SCHEMA as it was before issue 11 (today's without its tables) gains them."""
    statements = [s for s in SCHEMA.split(";") if s.strip()]
    old = [s for s in statements if not any(f" {table}" in s.split("(")[0] for table in ISSUE_11_TABLES)]
    assert len(statements) - len(old) == len(ISSUE_11_TABLES) + 13  # its tables and their indexes
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(";".join(old) + ";")
        db.execute("INSERT INTO councils (slug, name) VALUES ('quito', 'Quito')")
        db.commit()
        assert not {t for (t,) in db.execute("SELECT name FROM sqlite_master")} & set(ISSUE_11_TABLES)
    catalogue = open_catalogue(f"sqlite:///{path}")
    try:
        document = add_document(catalogue, "quito", "acta-1", "2024-03-05")
        catalogue.save_proceedings(document, Proceedings(roll_calls=[roll_call(1, set())]).to_dict())
        assert len(catalogue.people("quito")) == len(MEMBERS)
        assert catalogue.votes() == (0, [])
    finally:
        catalogue.close()


def _person_rows(catalogue: Catalogue) -> set[tuple]:
    return {tuple(r) for r in catalogue.db.execute("SELECT id, name FROM persons ORDER BY id")}


def test_a_merge_made_under_older_rules_is_split_when_the_rules_change(archive, monkeypatch):
    from archive import people

    # Saved under a rule that let "José Pérez López" join "María José Pérez López" (people.py before
    # rules version 2), with the version it was saved under recorded as "1".
    today = people.same_person

    def older_rule(a, b):
        ta, tb = people.name_tokens(a) if isinstance(a, str) else a, people.name_tokens(b) if isinstance(b, str) else b
        short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
        return today(a, b) or people._contained(tuple(short), tuple(long), first_name_kept=False)

    monkeypatch.setattr(people, "same_person", older_rule)
    document = add_document(archive, "quito", "acta-1", "2024-03-05")
    archive.save_proceedings(document, Proceedings(
        roll_calls=[roll_call(1, set(), names=["María José Pérez López", "José Pérez López", "Sandra Pilco"])],
        votes=[table_vote(2, "Moción", {"María José Pérez López": "a_favor", "José Pérez López": "en_contra",
                                         "Sandra Pilco": "a_favor"})],
    ).to_dict())
    monkeypatch.undo()
    archive.db.execute("UPDATE people_rules SET version = '1'")
    merged = ids_by_name(archive)
    assert list(merged) == ["María José Pérez López", "Sandra Pilco"]  # the wrong merge
    # The next save of any document of the council re-resolves its people under today's rules.
    other = add_document(archive, "quito", "acta-2", "2024-04-09", 2)
    archive.save_proceedings(other, Proceedings(roll_calls=[roll_call(1, set(), names=["Sandra Pilco"])]).to_dict())
    ids = ids_by_name(archive)
    assert set(ids) == {"María José Pérez López", "José Pérez López", "Sandra Pilco"}
    assert ids["María José Pérez López"] == merged["María José Pérez López"]  # the id of the earliest form
    assert ids["Sandra Pilco"] == merged["Sandra Pilco"]  # unchanged: the same id
    (vote,) = archive.votes(council="quito")[1]
    assert [(b["name"], b["person_id"], b["choice"]) for b in vote["ballots"]] == [
        ("María José Pérez López", ids["María José Pérez López"], "a_favor"),
        ("José Pérez López", ids["José Pérez López"], "en_contra"), ("Sandra Pilco", ids["Sandra Pilco"], "a_favor")]
    jose = archive.person(ids["José Pérez López"])
    assert jose["aliases"] == ["José Pérez López"] and jose["votes_cast"] == 1
    assert [(r["person_id"], r["code"]) for r in jose["review"]] == [(ids["María José Pérez López"],
                                                                      "given_name_left_out")]
    assert archive.person(ids["María José Pérez López"])["aliases"] == ["María José Pérez López"]
    # No record names a person that is gone; saving again under the same rules changes nothing.
    for table in ("ballots", "roll_call_entries", "movement_names"):
        assert archive.db.execute(f"SELECT COUNT(*) FROM {table} WHERE person_id IS NOT NULL AND person_id NOT IN "
                                  "(SELECT id FROM persons)").fetchone()[0] == 0
    before = _person_rows(archive)
    archive.save_proceedings(other, Proceedings(roll_calls=[roll_call(1, set(), names=["Sandra Pilco"])]).to_dict())
    assert _person_rows(archive) == before


def test_reresolving_keeps_the_ids_of_people_whose_names_did_not_change_and_removes_a_merged_away_id(archive):
    first_session(archive)
    second_session(archive)
    before = ids_by_name(archive)
    assert archive.reresolve_people("quito") == {"kept": 5, "reused": 0, "added": 0, "removed": 0}
    assert ids_by_name(archive) == before
    # Two ids for one person (a rule once too strict): re-resolution joins them under the first id.
    marta = before["Marta Quishpe Andrade"]
    forms = [r[0] for r in archive.db.execute("SELECT id FROM person_names WHERE person_id = ? ORDER BY id", (marta,))]
    extra = archive.db.execute("INSERT INTO persons (council_id, name, folded, first_seen) SELECT council_id, "
                               "'Marta Quishpe', 'marta quishpe', first_seen FROM persons WHERE id = ? RETURNING id",
                               (marta,)).fetchone()[0]
    archive.db.execute("UPDATE person_names SET person_id = ? WHERE id = ?", (extra, forms[-1]))
    archive.db.execute("UPDATE ballots SET person_id = ? WHERE printed_name = 'Marta Quishpe'", (extra,))
    assert archive.reresolve_people("quito") == {"kept": 4, "reused": 1, "added": 0, "removed": 1}
    assert ids_by_name(archive) == before
    assert archive.db.execute("SELECT COUNT(*) FROM persons WHERE id = ?", (extra,)).fetchone()[0] == 0
    assert archive.person(marta)["votes_cast"] == 3
    with pytest.raises(LookupError):
        archive.reresolve_people("nowhere")


def attendee_list(page: int, names: list[str]) -> RollCall:
    """A roll call that only lists who attended ("Asistentes: ..."), as smaller councils print it."""
    return RollCall(page, "inicio", "ASISTENTES", [Entry(name, "presente", None, page) for name in names])


def test_attendance_counts_the_councils_roll_calls_within_each_members_period(archive):
    # Four sessions whose actas only list attendees. Diego Tapia sits from the first to the third (he
    # misses the second); Elena Tapia first appears in the third, in a vote, and attends the fourth.
    listed = {"a1": ["Sandra Pérez", "Diego Tapia"], "a2": ["Sandra Pérez"], "a3": ["Sandra Pérez", "Diego Tapia"],
              "a4": ["Sandra Pérez", "Elena Tapia"]}
    for number, (key, names) in enumerate(listed.items(), start=1):
        document = add_document(archive, "charata", key, f"2024-0{number}-10", number)
        votes = [table_vote(2, "Moción", {"Elena Tapia": "a_favor"})] if key == "a3" else []
        archive.save_proceedings(document, Proceedings(roll_calls=[attendee_list(1, names)], votes=votes).to_dict())
    # A session whose acta only states its quorum, without a list, within everyone's period: it says nothing.
    document = add_document(archive, "charata", "a2b", "2024-02-20", 5)
    archive.save_proceedings(document, Proceedings(roll_calls=[RollCall(1, "inicio", "", [], stated_count=9)]).to_dict())
    people = {p["name"]: p for p in archive.people("charata")}
    assert (people["Sandra Pérez"]["sessions_present"], people["Sandra Pérez"]["sessions_recorded"]) == (4, 4)
    assert (people["Diego Tapia"]["sessions_present"], people["Diego Tapia"]["sessions_recorded"]) == (2, 3)
    assert people["Diego Tapia"]["attendance_rate"] == 2 / 3  # absent from the second, never from the fourth
    assert (people["Elena Tapia"]["sessions_present"], people["Elena Tapia"]["sessions_recorded"]) == (1, 2)
    assert {p["attendance_basis"] for p in people.values()} == {"attendee_lists"}
    # A council whose roll calls mark absences says so.
    first_session(archive)
    assert {p["attendance_basis"] for p in archive.people("quito")} == {"roll_calls"}


def test_two_copies_of_one_acta_in_a_session_are_counted_once(archive):
    """A withdrawn acta and its re-published copy, both kept: the current copy is the one read."""
    document, session = first_session(archive)
    council = archive.ensure_council("quito", "Concejo de quito")
    copy = archive.list_document(council, "acta-1-bis", session_id=session, kind="acta", title="Acta acta-1 (bis)",
                                 url="http://portal.example/quito/acta-1-bis.pdf")
    held = archive_proceedings_of(archive, session)
    archive.save_proceedings(copy, held)
    archive.db.execute("UPDATE documents SET status = 'withdrawn' WHERE id = ?", (document,))
    ids = ids_by_name(archive)
    total, rows = archive.votes(council="quito")
    assert total == 2 and {r["document_id"] for r in rows} == {copy}
    result = archive.session_proceedings(session)
    assert len(result["roll_calls"]) == 2 and {r["document_id"] for r in result["roll_calls"]} == {copy}
    assert len(result["votes"]) == 2 and len(result["movements"]) == 1
    diego = archive.person(ids["Diego Tapia"])
    assert diego["votes_cast"] == 1 and len(diego["votes"]) == 1
    assert len(diego["attendance"]) == 2 and {a["document_id"] for a in diego["attendance"]} == {copy}
    assert (diego["sessions_recorded"], diego["sessions_present"]) == (1, 1)
    # Another document of the session with other proceedings is shown beside it.
    other = archive.list_document(council, "acta-1-anexo", session_id=session, kind="acta", title="Anexo",
                                  url="http://portal.example/quito/acta-1-anexo.pdf")
    archive.save_proceedings(other, Proceedings(votes=[Vote(1, "mayoria", "Otra moción", result="aprobada")]).to_dict())
    assert archive.votes(council="quito")[0] == 3
