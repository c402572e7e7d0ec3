"""Who is who: the reconciliation rule of archive/people.py, case by case, and resolution against people
already known (stable ids whatever order the printed forms arrive in)."""

from __future__ import annotations

import pytest

from archive.people import KnownPerson, best_display, clean_name, name_tokens, near_miss, resolve, same_person

SAME = [
    ("Bernardo Abad", "Bernardo Abad Merchán"),
    ("Bernardo Abad", "Concejal Bernardo Abad Merchán"),
    ("Bernardo Abad Merchán", "BERNARDO ABAD MERCHAN"),  # an e-signature stamp
    ("Bernardo Abad", "Sr. Bernardo Abad"),
    ("Pabel Muñoz López", "CHRISTIAN PABEL MUNOZ LOPEZ"),
    ("Fernanda Racines", "María Fernanda Racines Corredores"),
    ("Dra. Ana de la Torre", "Ana Torre"),
    ("Señora Concejala Sandra Hidalgo,", "sandra hidalgo"),
    ("Secretaria General del Concejo Ana Torres", "Lic. Ana Torres"),
]

NEVER = [
    ("Sandra Hidalgo", "Sandra Pérez"),  # same first name
    ("Diego Garrido", "Marta Garrido"),  # same surname
    ("Libia Fernanda Rivas", "Fernanda Racines"),  # one shared token
    ("Abad", "Bernardo Abad"),  # a single token
    ("Abad", "Abad"),
    ("María Fernanda", "María Fernanda Racines Corredores"),  # given names only
    ("Juan Carlos", "Juan Carlos Pérez"),  # given names only, though in the longer name's second slot
    ("Juan Báez Bulla", "Juan Báez Pérez"),
    ("Bernardo Abad", "Bernardo Abad Merchán Ortiz"),  # no surname slot of the longer (Abad: a given name)
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_person(a, b):
    assert same_person(a, b) and same_person(b, a)


@pytest.mark.parametrize(("a", "b"), NEVER)
def test_never_the_same_person(a, b):
    assert not same_person(a, b) and not same_person(b, a)


def test_titles_punctuation_accents_and_joiners_are_dropped_in_order():
    assert name_tokens("Abg. Concejala Metropolitana MARÍA-JOSÉ Pérez y Gómez,") == ("maria", "jose", "perez", "gomez")
    assert name_tokens("Presidente/a") == ()
    assert name_tokens("Ing. Msc. Econ. Luis Arq Vela") == ("luis", "vela")


def test_display_is_the_most_complete_form_with_its_accents():
    assert best_display(["BERNARDO ABAD MERCHAN", "Sr. Bernardo Abad", "Concejal Bernardo Abad Merchán"]) == \
        "Bernardo Abad Merchán"
    assert clean_name("BERNARDO ABAD MERCHAN") == "Bernardo Abad Merchan"


def test_one_letter_off_is_a_near_miss_not_a_match():
    assert not same_person("Emilio Uzcátigui", "Emilio Uzcátegui Jiménez")
    assert near_miss("Emilio Uzcátigui", "Emilio Uzcátegui Jiménez")
    assert not near_miss("Sandra Hidalgo", "Sandra Pérez")
    assert not near_miss("Bernardo Abad", "Bernardo Abad Merchán")  # that one is certain


class People:
    """A council's people as resolve() sees them, growing as the catalogue would."""

    def __init__(self):
        self.known: list[KnownPerson] = []

    def add(self, printed: str):
        resolution = resolve(printed, self.known)
        tokens = name_tokens(printed)
        if resolution.person_id is None:
            self.known.append(KnownPerson(len(self.known) + 1, tokens, (tokens,)))
            return len(self.known), resolution.reviews
        i = resolution.person_id - 1
        old = self.known[i]
        display = tokens if len(tokens) > len(old.display) else old.display
        self.known[i] = KnownPerson(old.id, display, (*old.aliases, tokens))
        return old.id, resolution.reviews


@pytest.mark.parametrize("order", [
    ["Bernardo Abad", "Bernardo Abad Merchán", "BERNARDO ABAD MERCHAN", "Sr. Bernardo Abad"],
    ["BERNARDO ABAD MERCHAN", "Sr. Bernardo Abad", "Concejal Bernardo Abad Merchán", "Bernardo Abad"],
])
def test_every_form_joins_one_person_in_any_order(order):
    people = People()
    assert {people.add(name)[0] for name in order} == {1}


def test_a_short_name_fitting_two_people_is_a_new_person_to_review():
    people = People()
    assert people.add("Juan Báez Bulla")[0] == 1
    assert people.add("Juan Báez Pérez")[0] == 2
    person, reviews = people.add("Juan Báez")
    assert person == 3
    assert {(r.candidate_id, r.code) for r in reviews} == {(1, "several_matches"), (2, "several_matches")}


def test_a_second_person_fitting_a_merged_short_form_is_reviewed():
    people = People()
    people.add("Juan Báez")
    assert people.add("Juan Báez Bulla")[0] == 1
    person, reviews = people.add("Juan Báez Pérez")
    assert person == 2
    assert [(r.candidate_id, r.code) for r in reviews] == [(1, "fits_an_alias")]


def test_near_misses_and_lone_names_stay_apart_for_review():
    people = People()
    people.add("Emilio Uzcátegui Jiménez")
    person, reviews = people.add("Emilio Uzcátigui")
    assert person == 2 and [(r.candidate_id, r.code) for r in reviews] == [(1, "near_miss")]
    person, reviews = people.add("Uzcátegui")
    assert person == 3 and [(r.candidate_id, r.code) for r in reviews] == [(1, "lone_name")]
    assert people.add("Uzcátegui")[0] == 3  # the same printed form is the same alias


def test_different_people_sharing_name_parts_stay_apart_without_review():
    people = People()
    ids = [people.add(name) for name in ("Sandra Hidalgo", "Sandra Pérez", "Diego Garrido", "Marta Garrido",
                                          "Libia Fernanda Rivas", "Fernanda Racines")]
    assert [i for i, _ in ids] == [1, 2, 3, 4, 5, 6]
    assert all(not reviews for _, reviews in ids)
    assert people.add("María Fernanda Racines Corredores")[0] == 6


def test_a_compound_surname_is_one_slot_so_a_first_surname_short_form_joins_its_person():
    assert same_person("Cristina López", "Cristina López Gómez de la Torre")
    assert same_person("Ana Torre", "Dra. Ana de la Torre")
    assert not same_person("Juan Carlos", "Juan Carlos de la Cuesta Galvis")  # given names only
