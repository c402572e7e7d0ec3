"""The Spanish analysis, declared once for both engines.

Why it is built this way:
- Council text is Spanish with accents that citizens often omit when typing ("sesion", "resolucion"),
  so every term is ASCII-folded: `sesion` finds `sesión`.
- Citizens type singulars and find plurals ("ordenanza" -> "ordenanzas"), so terms are stemmed with
  the Snowball Spanish stemmer. The stemmer is applied *before* folding, because its suffix rules are
  written with accents ("-ación", "-ución"): folding first would leave "participacion" unstemmed while
  "participaciones" stems to "particip". Text typed without the accent of a "-ción/-sión" ending is
  given it back (`restore_spanish_endings`) before analysis, on documents and queries alike, so the
  stemmer sees the form it knows.
- Spanish stop words are dropped from the stemmed field; the exact field keeps every word (lowercased
  and folded, not stemmed) for quoted phrases, prefixes and identifiers.
The same chain is declared for Elasticsearch (standard tokenizer, lowercase, spanish stop,
spanish stemmer, asciifolding); a node without the analysis-common module gets a degraded profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STEMMED = "es_stemmed"
EXACT = "es_exact"

_ENDINGS = re.compile(r"(?<=[a-zñ])([cs])ion\b")


def restore_spanish_endings(text: str) -> str:
    """'participacion' -> 'participación', 'sesion' -> 'sesión' (lowercase words only)."""
    return _ENDINGS.sub(r"\1ión", text)


@dataclass(frozen=True)
class Analyzer:
    name: str
    filters: tuple[str, ...]  # applied in order after a word tokenizer


ANALYZERS = {
    STEMMED: Analyzer(STEMMED, ("lowercase", "spanish_stop", "spanish_stemmer", "asciifolding")),
    EXACT: Analyzer(EXACT, ("lowercase", "asciifolding")),
}
