"""The Spanish analysis as Python functions: the terms both engines index, and a query word's forms.

Both engines index one term per word: the word as Elasticsearch's `standard` tokenizer cuts it (Unicode's
UAX #29 word boundaries), lowercased and ASCII-folded (Lucene's ASCIIFoldingFilter; tantivy's
`ascii_fold` is a port of it). `TOKEN_PATTERN` is that tokenizer written as a regular expression for
tantivy's regex tokenizer (Rust syntax, no look-around), and `terms()` runs the very analyzer the
embedded engine indexes with, so a query's terms are the index's terms on both engines.

Nothing is stemmed in the index. A query word stands for its *stem class*: every folded form with the
same `stem()` ("secretaria" -> secretaria, secretarias, secretario, secretarios...). `stem()` is Lucene's
SpanishLightStemmer (plural and gender endings only, on folded text) with one extension for short
words, and `stem_class()` enumerates the inverse of `stem()` from the stem alone: a handful of forms.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import tantivy

# UAX #29 word boundaries as Elasticsearch's standard tokenizer applies them to Latin text: letters (with
# their combining marks) and decimal digits run together, `_` joins anything; . : ' ’ · join two letters
# ("a.m.", "d'Artagnan", "l·l"); . , ; ' ’ join two digits ("4.153,50"); everything else separates
# ("IC-O-CUS-2024-009" -> ic o cus 2024 009, "No.030" -> no 030, "x²" -> x). Without look-around, a
# joiner is consumed together with the letter or digit on each side of it.
_CHAR = r"[\p{L}\p{M}\p{Nl}\p{Nd}_]"
_LETTER = r"[\p{L}\p{M}\p{Nl}]"
_DIGIT = r"\p{Nd}"
TOKEN_PATTERN = (
    rf"(?:{_CHAR}*(?:{_LETTER}(?:[.:'’·]{_LETTER})+|{_DIGIT}(?:[.,;'’]{_DIGIT})+))+{_CHAR}*"
    rf"|{_CHAR}*[\p{{L}}\p{{M}}\p{{Nl}}\p{{Nd}}]{_CHAR}*"
)
# Every form a query word may stand for (see stem_class): the bound on how far one typed word expands.
MAX_FORMS_PER_WORD = 12
# Consonants a Spanish singular ends in, whose plural adds -es (red/redes, ley/leyes, mes/meses).
_WORD_FINAL_CONSONANTS = frozenset("djlnrsxyz")


def analyzer(*, folded: bool = True) -> tantivy.TextAnalyzer:
    """The standard tokenizer's words, lowercased and ASCII-folded (folded=False: as written)."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TOKEN_PATTERN))
    if folded:
        builder = builder.filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
    return builder.build()


def index_analyzer() -> tantivy.TextAnalyzer:
    """What the embedded engine indexes with: tantivy's `simple` tokenizer, lowercase, ASCII folding.

    TOKEN_PATTERN through tantivy's regex tokenizer indexes at a third of the speed (2,000 pages/s here,
    where 5,000 are needed), so the index splits words at every character that is not a letter or digit.
    It differs from the standard tokenizer only where that one joins (0.4% of the real corpus's words:
    "2.024", "4.153,50", "a.m.", "d'Artagnan", "foo_bar"): those are split here and whole in
    Elasticsearch, and a query asks for both spellings (see `index_terms`).
    """
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(
        tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build()


_TERMS = analyzer()
_INDEX_TERMS = index_analyzer()
_TOKENS = analyzer(folded=False)
_FOLD = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(
    tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build()


def normalize(text: str) -> str:
    """NFC, applied to every text before indexing and to every query: 'Sesio\u0301n' -> 'Sesión'."""
    return unicodedata.normalize("NFC", text)


def tokenize(text: str) -> list[str]:
    """The words of a text as the index cuts them, unchanged: 'Acta No.030' -> ['Acta', 'No', '030']."""
    return _TOKENS.analyze(normalize(text))


def terms(text: str) -> list[str]:
    """The terms of a text as Elasticsearch indexes it, in order: standard tokenizer, lowercased, folded."""
    return _TERMS.analyze(normalize(text))


def index_terms(text: str) -> list[str]:
    """The terms of a text as the embedded engine indexes it (index_analyzer)."""
    return _INDEX_TERMS.analyze(normalize(text))


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Lowercase and ASCII-folded as the index folds: 'Participación' -> 'participacion', 'Ñandú' -> 'nandu'."""
    folded = _FOLD.analyze(normalize(word))
    return folded[0] if folded else ""


def light_stem(word: str) -> str:
    """Lucene's SpanishLightStemmer on a folded word: plural and gender endings only."""
    n = len(word)
    if n < 5:
        return word
    last = word[-1]
    if last in "aeo":
        return word[:-1]
    if last == "s":
        if word[-2] == "e" and word[-3] == "s" and word[-4] == "e":
            return word[:-2]
        if word[-2] == "e" and word[-3] == "c":
            return word[:-3] + "z"
        if word[-2] in "oae":
            return word[:-2]
    return word


def stem(word: str, *, again: bool = True) -> str:
    """The light stem of a folded word: Lucene's, with the number of four- and five-letter words fixed.

    Lucene stems words of five letters or more only, so it gives "actas" -> "act" but leaves "acta", and
    "años"/"año", "días"/"día", "sedes"/"sede" never meet. Here a five-letter plural becomes its singular
    ("actas" -> "acta", "redes" -> "red", "jefes" -> "jefe"), a four-letter plural of a three-letter word
    loses its -s ("dias" -> "dia"), and a four-letter word ending in -e after a consonant that ends
    Spanish words loses the -e, as its plural does ("sede", "sedes" -> "sed"; "base", "bases" -> "bas").
    A plural in -eses is stemmed as its singular ("intereses" -> "interes" -> "inter", like "interes").
    Words with digits or joiners ("2024", "a.m", "d'artagnan") are their own stem.
    """
    if not word.isalpha():
        return word
    n = len(word)
    if n >= 5 and word.endswith("eses") and again:  # Lucene: "intereses" -> "interes", then stemmed -> "inter"
        return stem(word[:-2], again=False)
    if n == 4:
        if word[-1] == "e" and word[-2] in _WORD_FINAL_CONSONANTS:
            return word[:-1]
        if word[-1] == "s" and word[-2] in "aeo":
            return word[:-1]
        return word
    if n == 5 and word[-1] == "s" and not word.endswith(("eses", "ces")):
        if word[-2] in "ao":
            return word[:-1]
        if word[-2] == "e":
            return word[:-2] if word[-3] in _WORD_FINAL_CONSONANTS else word[:-1]
    return light_stem(word)


def _candidates(stem_: str) -> list[str]:
    """Every word whose stem() may be `stem_`: the stem itself and each ending stem() removes."""
    forms = [stem_, stem_ + "a", stem_ + "e", stem_ + "o", stem_ + "s", stem_ + "as", stem_ + "es", stem_ + "os"]
    if stem_.endswith("z"):
        forms.append(stem_[:-1] + "ces")
    return forms + [form + "es" for form in forms if form.endswith("es")]  # -eses: "interes", "intereses"


@lru_cache(maxsize=100_000)
def stem_class(word: str) -> tuple[str, ...]:
    """The folded forms a query word stands for, the word itself first: every f with stem(f) == stem(word).

    Complete by construction: stem() only ever removes one of the endings `_candidates` adds back (or turns
    -ces into -z, or removes -es before stemming again), so any word with the same stem is among the
    candidates; those whose stem differs are dropped. At most MAX_FORMS_PER_WORD forms, most of them absent from any index.
    """
    folded = fold(word)
    if not folded:
        return ()
    stem_ = stem(folded)
    forms = [folded] + [f for f in _candidates(stem_) if f != folded and stem(f) == stem_]
    return tuple(forms)
