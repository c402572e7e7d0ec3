"""The Spanish analysis, declared once for both engines: what is indexed, and what a query word becomes.

Why it is built this way:
- One field per text, folded and not stemmed. Every word is indexed as Elasticsearch's `standard`
  tokenizer cuts it, lowercased and ASCII-folded (`EXACT`: "Secretaría" -> secretaria). Citizens type
  without accents, so the index holds no accents at all: `sesion` and `sesión` are one term. Nothing is
  dropped (no stop words), so quoted phrases, prefixes and identifiers use the same field.
- Stemming happens at query time, in Python, the same for both engines (index_config/spanish.py): a
  query word stands for its stem class, the few folded forms with the same light stem ("ordenanza" ->
  ordenanza, ordenanzas; "luz" -> luz, luces; "año" -> ano, anos). The light stemmer only undoes plural
  and gender endings, so "participativo" never meets "participación". Each form is a term query; the
  form typed weighs EXACT_FORM_BOOST times its variants, so exact forms rank first.
- Terms close together rank higher: a query of several words adds an optional sloppy phrase of the words
  as typed (PROXIMITY_SLOP positions apart at most), weighing PROXIMITY_BOOST.
- Both engines score the same way: the same terms in the same field, BM25, summed `should` clauses.
  Stemming at index time would need the same stemmer inside both engines (tantivy has no light Spanish
  stemmer, and Snowball before folding, as before, missed every accented ending but -ción); stemming at
  query time needs only terms, which every engine has.
- Both engines compute BM25 from the same statistics: every entry carries every text field (NO_TEXT
  where it has none, because Elasticsearch counts only entries with the field and tantivy counts all), and
  constant-score prefix clauses are scaled by BM25_K1_PLUS_1 in tantivy, whose term scores keep that factor.
- Cost: a word expands to at most spanish.MAX_FORMS_PER_WORD forms, most of them absent from the index
  (a dictionary lookup each); the query bounds (search_app/query.py) count the words typed.
The index analysis is declared for Elasticsearch as standard tokenizer, lowercase, asciifolding; the
embedded engine runs tantivy's simple tokenizer, lowercase, ascii_fold, which splits the few words the
standard tokenizer joins across . , ; : ' ("4.153,50", "a.m."): queries ask for both spellings. A node
with neither analysis-common nor our plugin gets a degraded profile: lowercase only, no folding.
ANALYSIS_VERSION is recorded in every index: an index built with another analysis is refused with a
message to rebuild it.
"""

from __future__ import annotations

from dataclasses import dataclass

from index_config import spanish

EXACT = "es_exact"
# 1: Snowball-stemmed fields plus `_exact` sub-fields; 2: one folded field, query-time stems;
# 3: every entry also carries its document id as a keyword (document_ref), looked up through the term dictionary.
ANALYSIS_VERSION = 3

EXACT_FORM_BOOST = 2.0
PROXIMITY_SLOP = 3
PROXIMITY_BOOST = 1.0
MAX_PROXIMITY_TERMS = 12  # as many words as a quoted phrase may have (search_app/query.py)
TITLE_BOOST = 2.0
MOST_MATCH_WEIGHT = 10_000.0  # match="most": a matched clause outweighs any sum of relevance scores
# tantivy's BM25 keeps the (k1 + 1) factor Lucene 8 dropped: its term scores are 2.2 times Elasticsearch's.
# Constant-score clauses (prefixes) are scaled by it in the embedded engine, so both rank alike.
BM25_K1_PLUS_1 = 2.2
# The text of an entry without one (page entries' `text`, document entries' `page_text`, an empty text):
# BM25 takes its document count and average length from the entries that have the field in Elasticsearch,
# from all entries in tantivy; with every field present in every entry, both count the same.
# One token for both tokenizers (tantivy's simple tokenizer would split "__sin_texto__" into two words a
# citizen might search for), and no Spanish word.
NO_TEXT = "zzsintextozz"


@dataclass(frozen=True)
class Analyzer:
    name: str
    filters: tuple[str, ...]  # applied in order after the standard (UAX #29) word tokenizer


ANALYZERS = {EXACT: Analyzer(EXACT, ("lowercase", "asciifolding"))}


def normalize(text: str) -> str:
    """What every text goes through before an engine sees it, indexed or queried (NFC)."""
    return spanish.normalize(text)


def query_terms(text: str) -> list[str]:
    """The indexed terms of a phrase, prefix or identifier, as typed (folded, not stemmed)."""
    return spanish.terms(text)


def spellings(text: str) -> list[list[str]]:
    """The terms of a query text in each engine's index: one list, or two where a word has joiners.

    Elasticsearch keeps "4.153,50" or "d'Artagnan" whole and the embedded engine splits them (see
    spanish.index_analyzer); a query asks for both, each engine finding the one it has.
    """
    standard, split = spanish.terms(text), spanish.index_terms(text)
    return [standard] if split == standard or not split else [standard, split]


def word_forms(word: str) -> list[tuple[str, float]]:
    """The terms a query word stands for, with their boosts: the form typed first and heaviest."""
    forms = spanish.stem_class(word)
    return [(form, EXACT_FORM_BOOST if i == 0 else 1.0) for i, form in enumerate(forms)]


def proximity_terms(words: list[str]) -> list[str]:
    """The words typed, as the index terms of a sloppy phrase (at most MAX_PROXIMITY_TERMS of them).

    None when a word is spelt differently in the two indexes (spellings): no engine gets a boost the
    other cannot give.
    """
    if any(len(spellings(word)) > 1 for word in words):
        return []
    return [term for word in words for term in spanish.terms(word)][:MAX_PROXIMITY_TERMS]


def highlight_terms(terms) -> list[str]:
    """The index terms to mark in snippets for query terms (each with `.text` and `.kind`): every form."""
    marked: list[str] = []
    for term in terms:
        for tokens in spellings(term.text):
            if term.kind == "word" and len(tokens) == 1:
                marked += spanish.stem_class(tokens[0])
            elif term.kind == "prefix":
                marked += tokens[:-1]  # the prefix itself is marked where the engine can expand it
            else:
                marked += tokens
    return list(dict.fromkeys(marked))
