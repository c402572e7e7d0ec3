"""The hand-labelled proceedings truth (proceedings_truth.json) is sound in itself: every corpus file is
labelled, table votes add up to their printed totals, and every name key belongs to exactly one person.
No extractor is run here."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

TRUTH = Path(__file__).with_name("proceedings_truth.json")
KEY = re.compile(r"^[0-9a-f]{12}$")
CHOICES = {"presente", "ausente", "a_favor", "en_contra", "abstencion", "blanco", "excusado", "otro"}
MOMENTS = {"inicio", "reinstalacion", "finalizacion", "asistentes", "otro"}
METHODS = {"tabla", "unanimidad", "mayoria", "ordinaria", "conteo"}


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(TRUTH.read_text(encoding="utf-8"))


def _keys_used(labels: dict) -> list[str]:
    keys = []
    for roll_call in labels["roll_calls"]:
        keys += [key for _, key, _ in roll_call["entries"]]
    for vote in labels["votes"]:
        keys += [key for _, key, _ in vote["entries"]]
    for movement in labels["movements"]:
        keys += movement["names"]
    return keys


def test_every_corpus_file_is_labelled(truth, real_corpus):
    corpus = {path.name for path in real_corpus.glob("*.pdf")}
    assert corpus, f"no PDF in {real_corpus}"
    assert set(truth["files"]) == corpus


def test_every_file_has_the_three_lists(truth):
    for name, labels in truth["files"].items():
        assert set(labels) >= {"roll_calls", "votes", "movements"}, name
        assert all(isinstance(labels[kind], list) for kind in ("roll_calls", "votes", "movements")), name


def test_labels_use_the_vocabulary(truth):
    for name, labels in truth["files"].items():
        for roll_call in labels["roll_calls"]:
            assert roll_call["moment"] in MOMENTS, (name, roll_call["page"])
            assert roll_call["entries"], (name, roll_call["page"])
            assert {choice for _, _, choice in roll_call["entries"]} <= CHOICES, (name, roll_call["page"])
        for vote in labels["votes"]:
            assert vote["method"] in METHODS, (name, vote["page"])
            assert vote["result"] in {"aprobada", "rechazada", None}, (name, vote["page"])
            assert len(vote["hint"].split()) <= 8, (name, vote["hint"])
            assert bool(vote["entries"]) == (vote["method"] == "tabla"), (name, vote["page"])
            assert {choice for _, _, choice in vote["entries"]} <= CHOICES, (name, vote["page"])
        for movement in labels["movements"]:
            assert movement["direction"] in {"entra", "sale"}, (name, movement["page"])
            assert movement["names"], (name, movement["page"])


def test_table_votes_add_up_to_their_printed_totals(truth):
    checked = 0
    for name, labels in truth["files"].items():
        for vote in labels["votes"]:
            printed = vote.get("printed_totals")
            if vote["method"] != "tabla" or printed is None:
                continue
            counted = Counter(choice for _, _, choice in vote["entries"])
            agrees = all(counted.get(choice, 0) == count for choice, count in printed.items())
            agrees = agrees and set(counted) <= set(printed)
            # A PDF whose own total row disagrees with its ticks is kept as printed and flagged, never fixed.
            assert agrees != bool(vote.get("totals_disagree")), (name, vote["page"], dict(counted), printed)
            checked += 1
    assert checked, "no table vote with printed totals"


def test_keys_are_twelve_lowercase_hex(truth):
    keys = [key for labels in truth["files"].values() for key in _keys_used(labels)]
    keys += [key for groups in truth["people"].values() for group in groups for key in group]
    keys += [key for listed in truth.get("uncertain", {}).values() for key in listed]
    keys += [key for pair in truth["different_people"] for key in pair]
    bad = sorted({key for key in keys if not (isinstance(key, str) and KEY.match(key))})
    assert not bad


def test_no_key_is_in_two_groups(truth):
    counts = Counter(key for groups in truth["people"].values() for group in groups for key in set(group))
    assert not [key for key, count in counts.items() if count > 1]


def test_every_key_used_is_in_one_group(truth):
    grouped = {key for groups in truth["people"].values() for group in groups for key in group}
    missing = {
        (name, key)
        for name, labels in truth["files"].items()
        for key in _keys_used(labels)
        if key not in grouped
    }
    assert not missing


def test_uncertain_and_different_people_refer_to_grouped_keys(truth):
    group_of = {
        key: (council, index)
        for council, groups in truth["people"].items()
        for index, group in enumerate(groups)
        for key in group
    }
    for council, listed in truth.get("uncertain", {}).items():
        for key in listed:
            assert group_of.get(key, (None,))[0] == council, key
            # an uncertain form is grouped with another printed form of the person
            assert len(truth["people"][council][group_of[key][1]]) > 1, key
    for first, second in truth["different_people"]:
        assert first in group_of and second in group_of, (first, second)
        assert group_of[first][0] == group_of[second][0], (first, second)  # pairs are within one council
        assert group_of[first] != group_of[second], (first, second)  # and never the same person
