"""The query-time Spanish analysis (index_config/spanish.py, index_config/analysis.py), no engine needed.

- stem_class is the complete inverse of stem: for every word of a large vocabulary (every term of the
  shared real corpus, plus each with a plural or gender ending added), every other word with the same
  stem is in its class, and its class holds nothing with another stem.
- The words the query side cuts are the standard tokenizer's, and the embedded index's split spelling
  differs from them only where the standard tokenizer joins across punctuation.
- A word expands to a bounded handful of forms, the form typed first and heaviest.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from index_config import spanish
from index_config.analysis import EXACT_FORM_BOOST, highlight_terms, proximity_terms, spellings, word_forms
from search_app.query import Term, build_query

from .real_corpus import REAL

ENDINGS = ("s", "es", "a", "o", "e", "as", "os", "eses", "ces")


@pytest.fixture(scope="module")
def vocabulary() -> set[str]:
    pdfs = sorted(REAL.glob("*.pdf"))
    if not pdfs:
        pytest.skip(f"the shared real corpus is absent ({REAL})")
    import pypdfium2 as pdfium

    words: set[str] = set()
    for path in pdfs:
        document = pdfium.PdfDocument(path)
        try:
            for index in range(len(document)):
                words.update(spanish.terms(document[index].get_textpage().get_text_bounded()))
        finally:
            document.close()
    assert len(words) > 5000, f"only {len(words)} distinct terms extracted from {REAL}"
    return words | {word + ending for word in words if word.isalpha() for ending in ENDINGS}


def test_stem_class_is_the_complete_inverse_of_stem(vocabulary):
    by_stem: dict[str, set[str]] = defaultdict(set)
    for word in vocabulary:
        by_stem[spanish.stem(word)].add(word)
    incomplete, foreign = [], []
    for word in vocabulary:
        forms = spanish.stem_class(word)
        missing = by_stem[spanish.stem(word)] - set(forms)
        if missing:
            incomplete.append(f"{word}: {sorted(missing)[:5]}")
        if any(spanish.stem(form) != spanish.stem(word) for form in forms):
            foreign.append(word)
        assert len(forms) <= spanish.MAX_FORMS_PER_WORD, (word, forms)
    assert not incomplete, f"{len(incomplete)} classes miss words with their stem: {incomplete[:20]}"
    assert not foreign, f"classes with words of another stem: {foreign[:20]}"


@pytest.mark.parametrize(("singular", "plural"), [
    ("acta", "actas"), ("año", "años"), ("día", "días"), ("sede", "sedes"), ("base", "bases"), ("jefe", "jefes"),
    ("red", "redes"), ("ley", "leyes"), ("mes", "meses"), ("interés", "intereses"), ("luz", "luces"),
    ("vez", "veces"), ("país", "países"), ("orden", "órdenes"), ("concejal", "concejales"),
    ("sesión", "sesiones"), ("policía", "policías"), ("régimen", "regímenes"), ("uso", "usos"),
])
def test_singular_and_plural_share_a_class(singular, plural):
    assert spanish.fold(plural) in spanish.stem_class(singular)
    assert spanish.fold(singular) in spanish.stem_class(plural)


@pytest.mark.parametrize(("word", "other"), [
    ("participativo", "participación"), ("ley", "leyó"), ("para", "paro"), ("día", "dio"), ("casa", "caso"),
])
def test_different_words_stay_apart(word, other):
    assert spanish.fold(other) not in spanish.stem_class(word)


def test_the_form_typed_comes_first_and_weighs_most():
    forms = word_forms("Ordenanzas")
    assert forms[0] == ("ordenanzas", EXACT_FORM_BOOST)
    assert ("ordenanza", 1.0) in forms


@pytest.mark.parametrize(("text", "words"), [
    ("4.153,50", ["4.153,50"]), ("a.m.", ["a.m"]), ("d'Artagnan", ["d'artagnan"]), ("d’Artagnan", ["d'artagnan"]),
    ("IC-O-CUS-2024-009", ["ic", "o", "cus", "2024", "009"]), ("No.030", ["no", "030"]),
    ("Sesio\u0301n", ["sesion"]), ("x² ½", ["x"]), ("foo_bar", ["foo_bar"]), ("1a.b a1.b", ["1a.b", "a1", "b"]),
    ("¿Quién? ¡Sí!", ["quien", "si"]), ("ÆØßœ", ["aeossoe"]),
])
def test_query_words_are_cut_as_the_standard_tokenizer_cuts_them(text, words):
    assert spanish.terms(text) == words  # checked against Elasticsearch's _analyze on the test node


def test_the_embedded_spelling_differs_only_where_the_standard_tokenizer_joins(vocabulary):
    differ = {word for word in vocabulary if len(spellings(word)) > 1}
    assert all(set(word) & set(".,;:'’·_") for word in differ), sorted(differ)[:20]
    assert spellings("4.153,50") == [["4.153,50"], ["4", "153", "50"]]
    assert spellings("Secretaría") == [["secretaria"]]


def test_proximity_uses_the_words_typed_alone():
    query = build_query('presupuesto participativo "uso de suelo" agua OR luz')
    assert query.plain_words() == ["presupuesto", "participativo"]
    assert proximity_terms(query.plain_words()) == ["presupuesto", "participativo"]
    assert proximity_terms(["pago", "4.153,50"]) == []


def test_highlighting_marks_every_form():
    marked = highlight_terms([Term("ordenanza"), Term("uso de suelo", "phrase"), Term("presup", "prefix")])
    assert {"ordenanza", "ordenanzas", "uso", "de", "suelo"} <= set(marked)
    assert "presup" not in marked
