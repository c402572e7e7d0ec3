"""The replica's actas, crawled, extracted and stored: each vote table of a plenary acta becomes a vote
whose per-member choices and totals are what the replica printed, and each councillor is one person of the
council across every session (issue 11)."""

from __future__ import annotations

import re

import pytest

# How the replica prints a plenary vote table (replica/drafting.py _vote_table): a header, one line per
# member ("Name CHOICE", the mayor as "Name (Alcalde)"), then one total line per choice.
HEADER = "CONCEJAL / CONCEJALA VOTO"
CHOICES = {"A FAVOR": "a_favor", "EN CONTRA": "en_contra", "ABSTENCIÓN": "abstencion", "AUSENTE": "ausente"}
_CHOICE = "|".join(CHOICES)
ROW = re.compile(rf"^(?P<name>.+?)(?: \((?P<role>Alcalde|Alcaldesa)\))? (?P<choice>{_CHOICE})$")
TOTAL = re.compile(rf"^TOTAL (?P<choice>{_CHOICE}) (?P<count>\d+)$")


def printed_tables(document) -> list[dict]:
    """The vote tables a replica document prints: page, [(name, choice)], totals by choice."""
    tables = []
    for number, text in enumerate(document.pages, start=1):
        lines = [line.strip() for line in text.splitlines()]
        for start, line in enumerate(lines):
            if line != HEADER:
                continue
            rows, totals = [], {}
            for row in lines[start + 1:]:
                if match := ROW.match(row):
                    rows.append((match["name"], CHOICES[match["choice"]]))
                elif match := TOTAL.match(row):
                    totals[CHOICES[match["choice"]]] = int(match["count"])
                else:
                    break
            assert rows and totals, f"{document.key} page {number}: a vote table the test cannot read"
            tables.append({"page": number, "rows": rows, "totals": totals})
    return tables


def nonzero(totals: dict | None) -> dict:
    return {k: v for k, v in (totals or {}).items() if v}


@pytest.fixture(scope="module")
def plenary_actas(pipeline):
    actas = [d for d in pipeline.portal.documents
             if d.kind == "acta" and not d.scanned and d.defect is None
             and pipeline.session_of(d).commission_slug is None and printed_tables(d)]
    assert len(actas) >= 10, "the replica should publish plenary actas with vote tables"
    return actas


def test_the_extract_step_counts_the_votes_it_stored(pipeline):
    counts = pipeline.reports["extract"].counts
    stored = pipeline.catalogue.db.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
    assert counts["votes"] == stored > 0
    assert counts["roll_calls"] == pipeline.catalogue.db.execute("SELECT COUNT(*) FROM roll_calls").fetchone()[0]


def test_each_vote_table_is_a_vote_with_every_members_choice_and_the_printed_totals(pipeline, plenary_actas):
    catalogue = pipeline.catalogue
    for document in plenary_actas:
        document_id = pipeline.document_id(document)
        session_id = catalogue.document(document_id)["session_id"]
        stored = [v for v in catalogue.session_proceedings(session_id)["votes"]
                  if v["document_id"] == document_id and v["method"] == "tabla"]
        expected = printed_tables(document)
        assert len(stored) == len(expected), document.key
        for vote, table in zip(stored, expected, strict=True):
            where = f"{document.key}, vote on page {table['page']}"
            assert vote["page"] == table["page"], where
            assert [(b["printed_name"], b["choice"]) for b in vote["ballots"]] == table["rows"], where
            assert nonzero(vote["printed_totals"]) == nonzero(table["totals"]), where
            assert nonzero(vote["counted_totals"]) == nonzero(table["totals"]), where
            assert vote["totals_match"] is True, where
            assert all(b["person_id"] is not None for b in vote["ballots"]), where


def test_each_councillor_is_one_person_across_sessions(pipeline, plenary_actas):
    catalogue = pipeline.catalogue
    people = catalogue.people(pipeline.portal.council.slug)
    person_of: dict[str, set[int]] = {}
    for person in people:
        for alias in person["aliases"]:
            person_of.setdefault(alias, set()).add(person["id"])
    names = {name for document in plenary_actas for table in printed_tables(document) for name, _ in table["rows"]}
    assert len(names) > 21  # two council periods
    ids = {}
    for name in sorted(names):
        assert len(person_of.get(name, ())) == 1, f"{name} resolves to {person_of.get(name)}"
        ids[name] = next(iter(person_of[name]))
    assert len(set(ids.values())) == len(names), "two councillors were merged into one person"
    # Each of their ballots in the plenary's vote tables is under that one person, session after session.
    tables_of: dict[str, int] = {}
    sessions_of: dict[str, set[str]] = {}
    plenary_ids = {pipeline.document_id(document) for document in plenary_actas}
    for document in plenary_actas:
        for table in printed_tables(document):
            for name, _ in table["rows"]:
                tables_of[name] = tables_of.get(name, 0) + 1
                sessions_of.setdefault(name, set()).add(document.session_key)
    assert max(len(keys) for keys in sessions_of.values()) > 1
    for name, count in tables_of.items():
        person = catalogue.person(ids[name])
        assert sum(v["document_id"] in plenary_ids for v in person["votes"]) == count, name
