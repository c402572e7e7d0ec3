"""The Spanish analysis as Python functions: the same terms Elasticsearch makes with the declared chain.

Elasticsearch analyses with `standard` tokenizer -> lowercase -> asciifolding -> stop (STOPWORDS) ->
stemmer (light_spanish). The embedded engine has no light Spanish stemmer, so it indexes the terms this
module makes; queries go through the same functions on both engines' behalf. Folding comes before
stemming so that a word and its unaccented spelling get one term ("secretaría"/"secretaria"), and the
light stemmer, written for folded text, joins singular and plural ("participación"/"participaciones",
"luz"/"luces") without the aggressive suffix stripping that confuses "participativo" and "participación".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Function words only, folded: none is a content word a citizen would search for alone. Verb forms such
# as "estado", "sea" or "fue" are kept: "Estado" is a content word in council text.
STOPWORDS = frozenset("""
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella
ellas ellos en entre esa esas ese eso esos esta estas este esto estos la las le les lo los me mi mis mucho
muchos muy nos nosotras nosotros o os otra otras otro otros para pero poco por porque que quien quienes
se sin sobre su sus tambien te ti tu tus u un una unas uno unos vosotras vosotros y ya yo
""".split())

# Word boundaries of Unicode's UAX #29, as Elasticsearch's standard tokenizer applies them to Spanish
# text: letters and digits run together; ' . : join letters; ' . , ; join digits; _ joins anything.
_TOKEN = re.compile(
    r"[^\W_]+(?:(?:(?<=[^\W\d_])[.:'’](?=[^\W\d_])|(?<=\d)[.,;'’](?=\d)|_+)[^\W_]*)*|_+[^\W_]+"
)
MAX_TOKEN_CHARS = 255  # the standard tokenizer splits longer runs


def tokenize(text: str) -> list[str]:
    return [t[:MAX_TOKEN_CHARS] for t in _TOKEN.findall(text)]


def fold(text: str) -> str:
    """Lowercase without diacritics: 'Participación' -> 'participacion', 'Ñandú' -> 'nandu'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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


@lru_cache(maxsize=200_000)
def stemmed_term(token: str) -> str | None:
    """The stemmed-field term of one token (None for a stop word)."""
    folded = fold(token)
    return None if folded in STOPWORDS else light_stem(folded)


@lru_cache(maxsize=200_000)
def exact_term(token: str) -> str:
    """The exact-field term of one token: folded, not stemmed, no word dropped."""
    return fold(token)


def stemmed_terms(text: str) -> list[str]:
    return [term for term in map(stemmed_term, tokenize(text)) if term is not None]


def exact_terms(text: str) -> list[str]:
    return [exact_term(token) for token in tokenize(text)]
