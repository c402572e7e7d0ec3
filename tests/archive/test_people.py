"""Who is who: the reconciliation rule of archive/people.py, case by case, and resolution against people
already known, through the catalogue's own CouncilPeople (stable ids whatever order the printed forms
arrive in). Every name here is invented."""

from __future__ import annotations

import pytest

from archive import open_catalogue
from archive.people import best_display, clean_name, given_name_left_out, name_tokens, near_miss, same_person
from archive.proceedings_store import CouncilPeople

SAME = [
    ("Marta Quishpe", "Marta Quishpe Andrade"),
    ("Marta Quishpe", "Concejala Marta Quishpe Andrade"),
    ("Marta Quishpe Andrade", "MARTA QUISHPE ANDRADE"),  # an e-signature stamp
    ("Marta Quishpe", "Sra. Marta Quishpe"),
    ("Luis Vásconez Mejía", "LUIS ALFREDO VASCONEZ MEJIA"),  # a second given name left out
    ("Dra. Rosa de la Vega", "Rosa Vega"),
    ("Señora Concejala Sandra Pilco,", "sandra pilco"),
    ("Secretaria General del Concejo Ana Torres", "Lic. Ana Torres"),
    ("Concejal Suplente Juan Pérez", "Juan Pérez"),  # role words are not name words
    ("Juan Pérez Suplente", "Juan Pérez"),
    ("Secretario General Ad-Hoc Luis Mora", "Luis Mora"),
    ("Ing. Luis Díaz, Presidente de la Comisión de Movilidad", "Luis Díaz"),  # an office after a comma
    ("Ing. Luis Díaz (Presidente)", "Luis Díaz"),
    ("Juan Pérez López Hijo", "Juan Pérez Hijo"),  # the same suffix on both
]

NEVER = [
    ("Sandra Pilco", "Sandra Pérez"),  # same first name
    ("Diego Tapia", "Elena Tapia"),  # same surname
    ("Gloria Fernanda Rivas", "Fernanda Yépez"),  # one shared token
    ("Quishpe", "Marta Quishpe"),  # a single token
    ("Quishpe", "Quishpe"),
    ("María Fernanda", "María Fernanda Yépez Cordero"),  # given names only
    ("Juan Carlos", "Juan Carlos Pérez"),  # given names only, though in the longer name's second slot
    ("Juan Tipán Cuenca", "Juan Tipán Pérez"),
    ("Marta Quishpe", "Marta Quishpe Andrade Ortiz"),  # no surname slot of the longer (Quishpe: a given name)
    # The longer name's first given name left out: maybe a second person's whole given name.
    ("José Pérez", "María José Pérez"),
    ("José Pérez López", "María José Pérez López"),
    ("Fernanda Yépez", "María Fernanda Yépez Cordero"),
    ("Carlos Pérez", "Juan Carlos Pérez López"),
    ("Luis Pérez", "José Luis Pérez"),
    ("Pérez López", "Juan Pérez López"),  # surnames only
    # A written-out title in the middle of a name is a name word (Alcalde, Don, Concejal are surnames too).
    ("Luis Alcalde Ruiz", "Luis Ruiz Mora"),
    ("Luis Don Ruiz", "Luis Ruiz Mora"),
    # Generational suffixes must match.
    ("Juan Pérez", "Juan Pérez Jr."),
    ("Juan Pérez López", "Juan Pérez López Hijo"),
    ("Juan Pérez López II", "Juan Pérez López"),
    ("Juan Pérez Hijo", "Juan Pérez Jr."),
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
    assert name_tokens("Ing. Msc. Econ. Luis Arq Vela") == ("luis", "vela")  # an abbreviation is never a name


def test_a_written_out_title_is_dropped_only_before_the_name_or_after_a_comma():
    assert name_tokens("Luis Alcalde Ruiz") == ("luis", "alcalde", "ruiz")
    assert name_tokens("Don Luis Ruiz") == ("luis", "ruiz")
    assert name_tokens("Luis Concejal Mora") == ("luis", "concejal", "mora")
    assert name_tokens("Luis Díaz, Presidente de la Comisión de Movilidad") == ("luis", "diaz")
    assert name_tokens("Mora, Luis") == ("mora", "luis")  # a name after a comma stays
    assert name_tokens("la concejala Rosa Ortiz") == ("rosa", "ortiz")


def test_role_words_are_never_name_words_and_leave_no_person():
    assert name_tokens("Concejala Suplente") == ()
    assert name_tokens("Secretaria General Ad-Hoc") == ()
    assert name_tokens("Ana López Vda. de Pérez") == ("ana", "lopez", "~perez")
    assert name_tokens("Luis Díaz Presidente Comisión") == ("luis", "diaz", "presidente")


def test_display_is_the_most_complete_form_with_its_accents():
    assert best_display(["MARTA QUISHPE ANDRADE", "Sra. Marta Quishpe", "Concejala Marta Quishpe Andrade"]) == \
        "Marta Quishpe Andrade"
    assert clean_name("MARTA QUISHPE ANDRADE") == "Marta Quishpe Andrade"


def test_one_letter_off_is_a_near_miss_not_a_match():
    assert not same_person("Emilio Vázquez", "Emilio Vásquez Jiménez")
    assert near_miss("Emilio Vázquez", "Emilio Vásquez Jiménez")
    assert not near_miss("Sandra Pilco", "Sandra Pérez")
    assert not near_miss("Marta Quishpe", "Marta Quishpe Andrade")  # that one is certain


def test_a_first_given_name_left_out_is_for_review_not_a_match():
    assert given_name_left_out("José Pérez", "María José Pérez")
    assert not given_name_left_out("Marta Quishpe", "Marta Quishpe Andrade")  # that one is certain
    assert not given_name_left_out("José Pérez", "María José Pérez Hijo")  # another suffix: another person


class People:
    """A council's people as the catalogue's CouncilPeople resolves them, growing as a save would."""

    def __init__(self, tmp_path):
        self.catalogue = open_catalogue(f"sqlite:///{tmp_path / 'people.sqlite3'}")
        self.council = self.catalogue.ensure_council("quito", "Quito")
        self.people = CouncilPeople(self.catalogue.db, self.council, now="2024-01-01T00:00:00+00:00", create=True)
        self.ids: list[int] = []

    def add(self, printed: str) -> tuple[int | None, list[tuple[int, str]]]:
        """(the person's number, in order of appearance from 1; [(candidate's number, review code)])."""
        person_id = self.people.person_id(printed)
        if person_id is None:
            return None, []
        if person_id not in self.ids:
            self.ids.append(person_id)
        reviews = self.catalogue.db.execute(
            "SELECT candidate_id, code FROM person_reviews WHERE person_id = ? AND printed = ? ORDER BY id",
            (person_id, " ".join(printed.split()))).fetchall()
        return self.number(person_id), [(self.number(r[0]), r[1]) for r in reviews]

    def number(self, person_id: int) -> int:
        return self.ids.index(person_id) + 1

    def display(self, printed: str) -> str:
        return self.catalogue.db.execute("SELECT name FROM persons WHERE id = ?",
                                         (self.people.person_id(printed),)).fetchone()[0]


@pytest.fixture()
def people(tmp_path):
    made = People(tmp_path)
    yield made
    made.catalogue.close()


@pytest.mark.parametrize("order", [
    ["Marta Quishpe", "Marta Quishpe Andrade", "MARTA QUISHPE ANDRADE", "Sra. Marta Quishpe"],
    ["MARTA QUISHPE ANDRADE", "Sra. Marta Quishpe", "Concejala Marta Quishpe Andrade", "Marta Quishpe"],
])
def test_every_form_joins_one_person_in_any_order(people, order):
    assert {people.add(name)[0] for name in order} == {1}
    assert people.display(order[0]) == "Marta Quishpe Andrade"  # the most complete form, accents and all


def test_a_short_name_fitting_two_people_is_a_new_person_to_review(people):
    assert people.add("Juan Tipán Cuenca")[0] == 1
    assert people.add("Juan Tipán Pérez")[0] == 2
    person, reviews = people.add("Juan Tipán")
    assert person == 3
    assert set(reviews) == {(1, "several_matches"), (2, "several_matches")}


def test_a_second_person_fitting_a_merged_short_form_is_reviewed(people):
    people.add("Juan Tipán")
    assert people.add("Juan Tipán Cuenca")[0] == 1
    person, reviews = people.add("Juan Tipán Pérez")
    assert person == 2
    assert reviews == [(1, "fits_an_alias")]


def test_near_misses_stay_apart_for_review_and_a_lone_word_is_no_person(people):
    people.add("Emilio Vásquez Jiménez")
    person, reviews = people.add("Emilio Vázquez")
    assert person == 2 and reviews == [(1, "near_miss")]
    assert people.add("Vásquez") == (None, [])  # one name word: nobody for certain
    assert people.add("Concejala Suplente") == (None, [])


def test_a_first_given_name_left_out_is_another_person_to_review(people):
    assert people.add("María José Pérez López")[0] == 1
    person, reviews = people.add("José Pérez López")
    assert person == 2 and reviews == [(1, "given_name_left_out")]
    assert people.add("Juan Pérez López Hijo")[0] == 3
    assert people.add("Juan Pérez López")[0] == 4  # not his son


def test_different_people_sharing_name_parts_stay_apart_without_review(people):
    ids = [people.add(name) for name in ("Sandra Pilco", "Sandra Pérez", "Diego Tapia", "Elena Tapia",
                                          "Gloria Fernanda Rivas", "Fernanda Yépez Cordero")]
    assert [i for i, _ in ids] == [1, 2, 3, 4, 5, 6]
    assert all(not reviews for _, reviews in ids)
    assert people.add("Fernanda Yépez")[0] == 6


def test_a_compound_surname_is_one_slot_so_a_first_surname_short_form_joins_its_person():
    assert same_person("Cristina López", "Cristina López Ortiz de la Vega")
    assert same_person("Rosa Vega", "Dra. Rosa de la Vega")
    assert not same_person("Juan Carlos", "Juan Carlos de la Vega Rueda")  # given names only
