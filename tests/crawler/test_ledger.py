"""Issue 10, the coverage ledger: what each run saw of each source is kept and read back per council; the
catalogue lists its councils; and a catalogue written before councils, roles and withdrawals still opens
and reads."""

from __future__ import annotations

import json
import sqlite3

from archive import open_catalogue
from tests.catalogue_files import as_before_alembic


def test_each_council_keeps_its_ledgers_and_the_latest_is_per_council(tmp_path):
    catalogue = open_catalogue(f"sqlite:///{tmp_path / 'catalogue.sqlite3'}")
    first = {"new": 3, "changed": 0, "unchanged": 0, "withdrawn": 0, "failed": [], "pdfs_downloaded": 3}
    second = {"new": 0, "changed": 1, "unchanged": 2, "withdrawn": 1,
              "failed": [{"url": "https://concejo.example/roto.pdf", "reason": "HTTP 500 from the portal"}]}
    cuenca = {"new": 5, "changed": 0, "unchanged": 0, "failed": []}
    catalogue.record_ledger(1, "quito", first)
    catalogue.record_ledger(2, "cuenca", cuenca)
    catalogue.record_ledger(3, "quito", second)

    latest = catalogue.latest_ledgers()

    assert {slug: (entry["run_id"], entry["ledger"]) for slug, entry in latest.items()} == {
        "quito": (3, second), "cuenca": (2, cuenca)}
    assert latest["quito"]["at"]
    assert [entry["ledger"] for entry in catalogue.ledgers("quito")] == [second, first]
    assert [entry["run_id"] for entry in catalogue.ledgers("quito", limit=1)] == [3]
    assert catalogue.ledgers("guayaquil") == []
    catalogue.close()


def test_councils_are_listed_with_what_the_archive_holds_of_each(tmp_path):
    catalogue = open_catalogue(f"sqlite:///{tmp_path / 'catalogue.sqlite3'}")
    quito = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito", "https://quito.example/")
    cuenca = catalogue.ensure_council("cuenca", "Concejo Cantonal de Cuenca", "https://cuenca.example/")
    for council, count in ((quito, 2), (cuenca, 1)):
        for n in range(count):
            session = catalogue.upsert_session(council, f"s-{n}", session_type="ordinaria", date=f"2024-03-0{n + 1}",
                                               title="S")
            catalogue.list_document(council, f"d-{n}", session_id=session, kind="acta", title="A",
                                    url=f"https://{council}.example/{n}.pdf")

    rows = {row["slug"]: (row["name"], row["portal_url"], row["session_count"], row["document_count"])
            for row in catalogue.councils()}

    assert rows == {"quito": ("Concejo Metropolitano de Quito", "https://quito.example/", 2, 2),
                    "cuenca": ("Concejo Cantonal de Cuenca", "https://cuenca.example/", 1, 1)}
    assert (catalogue.session_count("quito"), catalogue.session_count("cuenca")) == (2, 1)
    assert catalogue.session_count("nadie") == 0
    assert [row["key"] for row in catalogue.sessions(council_slug="cuenca")] == ["s-0"]
    catalogue.close()


def test_a_catalogue_from_before_councils_roles_and_withdrawals_opens_and_reads(tmp_path):
    """Today's catalogues: no members, links or ledger tables, no new columns, members as plain names."""
    path = tmp_path / "catalogue.sqlite3"
    catalogue = open_catalogue(f"sqlite:///{path}")
    council = catalogue.ensure_council("quito", "Concejo Metropolitano de Quito")
    catalogue.list_document(council, "acta", session_id=None, kind="acta", title="Acta", url="https://q.example/a.pdf")
    catalogue.close()
    db = sqlite3.connect(path)
    as_before_alembic(db)
    for table in ("members", "session_links", "crawl_ledgers"):
        db.execute(f"DROP TABLE {table}")
    for table, column in (("commissions", "mission"), ("documents", "status_before_withdrawn"),
                          ("documents", "withdrawn_at"), ("documents", "listed_session_key"),
                          ("documents", "listing_date")):
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    db.execute("INSERT INTO commissions (council_id, slug, name, members_json, first_seen, last_seen) "
               "VALUES (?, 'movilidad', 'Comisión de Movilidad', ?, 'x', 'x')",
               (council, json.dumps(["Concejala Ana Torres — Presidenta"])))
    db.commit()
    db.close()

    catalogue = open_catalogue(f"sqlite:///{path}")

    row = catalogue.commission("movilidad", "quito")
    assert catalogue.commission_members(row) == [{"name": "Concejala Ana Torres — Presidenta", "role": None}]
    assert row["mission"] is None
    assert catalogue.mark_withdrawn("quito", seen_before="2000-01-01T00:00:00+00:00") == []
    catalogue.record_ledger(1, "quito", {"new": 1})
    assert catalogue.latest_ledgers()["quito"]["ledger"] == {"new": 1}
    assert catalogue.members("quito") == []
    assert catalogue.counts()["documents"] == 1
    catalogue.close()
