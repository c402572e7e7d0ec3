"""The real actas' people, as the catalogue reconciles them, against the hand-labelled truth
(tests/extract/proceedings_truth.json, names as keys): no two people merged, and every name the truth
calls one person (without doubt) resolved to one person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive import open_catalogue
from extract import extract_document
from tests.extract.name_key import name_key

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REAL = PROJECT_ROOT.parent / "shared" / "corpus" / "real"
TRUTH = json.loads((PROJECT_ROOT / "tests" / "extract" / "proceedings_truth.json").read_text(encoding="utf-8"))
ACTAS = {
    "quito": ["quitoRAG__Acta de la Sesión Extraordinaria No. 061 2024-05-10.pdf",
              "quitoRAG__Acta Sesión Conmemorativa No. 064 2024-05-24.pdf"],
    "medellin": ["medellin__acta_257_cero_hambre.pdf"],
}


def _printed_names(proceedings: dict) -> list[str]:
    names = [e["name"] for r in proceedings["roll_calls"] for e in r["entries"]]
    names += [e["name"] for v in proceedings["votes"] for e in v["entries"]]
    return names + [n for m in proceedings["movements"] for n in m["names"]]


@pytest.fixture(scope="module")
def person_of_key(tmp_path_factory) -> dict[str, dict[str, int]]:
    """Per council, the person id the catalogue gave each printed name (by its key)."""
    if not REAL.is_dir():
        pytest.skip(f"real corpus not found at {REAL}: clone the shared/ folder beside the project")
    catalogue = open_catalogue(f"sqlite:///{tmp_path_factory.mktemp('people') / 'catalogue.sqlite3'}")
    found: dict[str, dict[str, int]] = {}
    for council, files in ACTAS.items():
        council_id = catalogue.ensure_council(council, council)
        for number, name in enumerate(files, start=1):
            session = catalogue.upsert_session(council_id, f"{council}-{number}", session_type="ordinaria",
                                               date=f"2024-05-{number:02d}", title=name, number=number)
            document = catalogue.list_document(council_id, f"{council}-{number}", session_id=session, kind="acta",
                                               title=name, url=f"http://portal.example/{council}/{number}.pdf")
            proceedings = extract_document(REAL / name, ocr=False).proceedings.to_dict()
            catalogue.save_proceedings(document, proceedings)
        aliases = {alias: person["id"] for person in catalogue.people(council) for alias in person["aliases"]}
        for document_names in (_printed_names(extract_document(REAL / f, ocr=False).proceedings.to_dict())
                               for f in files):
            for printed in document_names:
                person = _person(catalogue, council, printed, aliases)
                found.setdefault(council, {})[name_key(printed)] = person
    catalogue.close()
    return found


def _person(catalogue, council: str, printed: str, aliases: dict[str, int]) -> int:
    from archive.people import clean_name, folded_name

    for alias, person_id in aliases.items():
        if folded_name(alias) == folded_name(printed) or clean_name(alias) == clean_name(printed):
            return person_id
    raise AssertionError(f"{council}: no person holds the printed name {printed!r}")


@pytest.mark.parametrize("council", sorted(ACTAS))
def test_no_two_people_of_the_truth_are_merged(person_of_key, council):
    group_of = {key: i for i, group in enumerate(TRUTH["people"][council]) for key in group}
    groups_of_person: dict[int, set[int]] = {}
    for key, person in person_of_key[council].items():
        groups_of_person.setdefault(person, set()).add(group_of[key])
    merged = {person: groups for person, groups in groups_of_person.items() if len(groups) > 1}
    assert not merged, f"{council}: people merged that the truth keeps apart: {merged}"


@pytest.mark.parametrize("council", sorted(ACTAS))
def test_every_printed_form_of_one_person_resolves_to_one_person(person_of_key, council):
    uncertain = set(TRUTH["uncertain"][council])
    split = []
    for group in TRUTH["people"][council]:
        people = {person_of_key[council][key] for key in group if key in person_of_key[council] and key not in uncertain}
        if len(people) > 1:
            split.append(sorted(group))
    assert not split, f"{council}: {len(split)} people split into several (name keys): {split}"
    assert len(person_of_key[council]) >= 20  # the roll calls' members were all read
