"""Whether an approval or rejection word ("se aprueba", "fue aprobada", "rechazado") records a decision
taken in this session, or only talks about one: negated ("no fue aprobada", "No se aprueba por
unanimidad; ..."), a rule ("deberá ser aprobada", "Las mociones se aprueban por mayoría simple", "En
caso de empate, el proyecto se entiende rechazado"), quoted or reported speech ("«... fue aprobado por
unanimidad ...»", "Recordó que ...", "La prensa señaló que ..."), another time ("en 2019", "el mes
pasado", "en la sesión anterior"), or a bare participle that qualifies a noun ("la ordenanza aprobada
por unanimidad ..."). prose_votes.py, table_votes.py and items.py share these tests.

Every pattern is linear and runs on a bounded slice of text around the word.
"""

from __future__ import annotations

import re

LOOKBACK = 80  # characters before the word where a modal or a negation is looked for
QUOTE_LOOKBACK = 600  # and where an unclosed quotation mark is
CONTEXT = 250  # characters either side of the word where a rule, a report or another time is looked for

_NEGATED = re.compile(
    r"\b(?:no|ni|sin)\s+(?:(?:se|lo|la|los|las|le|ha|han|hab[íi]a|hab[íi]an|haber|hubo|sido|ser|fue|fueron|es|son"
    r"|queda|quedan|qued[óo]|resulta|result[óo]|resultan)\s+){0,3}$",
    re.IGNORECASE,
)
_MODAL = re.compile(
    r"\b(?:ser[áa]n?|podr[áa]n?|deber[áa]n?|debe|deben|tendr[áa]n?|requerir[áa]n?|precisar[áa]n?|necesitar[áa]n?"
    r"|decidir[áa]n?|requiere|requieren|quedar[áa]n?|resultar[áa]n?|fuer[ae]n?|sea|sean|para\s+ser"
    r"|para\s+su\s+aprobaci[óo]n)\b",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"\bArt[íi]culo\s+\d|\bArt\.\s*\d", re.IGNORECASE)
_RULE = re.compile(
    r"\ben\s+caso\s+de\b|\bse\s+entender[áa]n?\b|\bse\s+entienden?\b|\bse\s+tendr[áa]n?\b|\bse\s+considerar[áa]n?\b"
    r"|\bsiempre\s+que\b|\bde\s+no\b",
    re.IGNORECASE,
)
# Someone's words reported: "Recordó que", "La prensa señaló que", "Según informó el Alcalde, ...".
_REPORTED = re.compile(
    r"\b(?:record[óo]|señal[óo]|dijo|indic[óo]|coment[óo]|mencion[óo]|manifest[óo]|expres[óo]|explic[óo]"
    r"|asegur[óo]|afirm[óo]|sostuvo|relat[óo]|record[óo])\s+(?:\w+\s+){0,3}?que\b|\bseg[úu]n\b|\bla\s+prensa\b",
    re.IGNORECASE,
)
# When the decision was taken, if not now: "en 2019", "el mes pasado", "en la sesión anterior". A year
# inside an identifier ("No. 075-2024") or after "de" ("el informe de 2019") is not a time of the vote.
_OTHER_TIME = re.compile(
    r"\b(?:en|durante)\s+(?:el\s+)?(?:a[ñn]o\s+)?(?:19|20)\d{2}\b(?![-/.]?\d)"
    r"|(?<![Dd]e\s)\b(?:el|la)\s+(?:mes|semana|a[ñn]o|legislatura|administraci[óo]n)\s+(?:pasad[oa]|anterior)\b"
    r"|\ben\s+(?:la|una)\s+sesi[óo]n\s+(?:anterior|pasada|previa|del\s+\d)"
    r"|\ben\s+su\s+momento\b|\banteriormente\b|\boportunamente\b|\bayer\b",
    re.IGNORECASE,
)
# What may stand right before a participle that records a vote: nothing (it heads its sentence), an
# auxiliary ("fue", "queda", "es", "ha sido"), a label ("RESOLUCIÓN:", "Resultado:") or the call
# ("Sometido a votación, aprobado ...").
_BEFORE_PARTICIPLE = re.compile(
    r"(?:[:;–—-]|\b(?:fue|fueron|es|son|queda|quedan|qued[óo]|quedaron|resulta|result[óo]|resultaron|est[áa]n?"
    r"|ha\s+sido|han\s+sido|hab[íi]a\s+sido)|\b(?:votaci[óo]n|consideraci[óo]n)\s*,)\s*$",
    re.IGNORECASE,
)
_ITEM_LABEL = re.compile(r"\s\d{1,2}(?:[.,]\d{1,2})?\S{0,2}\)\s*-|\s(?:[IVX]{1,5}|\d{1,2})\.-?\s")  # "3.4)-", "4.- "
_PARTICIPLE = re.compile(r"^(?:aprobad|rechazad|negad)[oa]s?$", re.IGNORECASE)
# "Las mociones se aprueban por mayoría simple": a rule about a kind of motion, in the present; "Los
# dictámenes 3, 4 y 5 se aprueban ..." names the ones voted, with numbers.
_PLURAL_RULE = re.compile(r"^\W*(?:Las|Los)\s+[a-záéíóúñ]+s\b[^\d]{0,120}$")
_PLURAL_VERB = re.compile(r"^(?:se\s+)?(?:aprueban|rechazan|niegan)$", re.IGNORECASE)


def negated(text: str, start: int, sentence_begin: int = 0) -> bool:
    """A "no", "ni" or "sin" right before the word at ``start`` ("no fue aprobada", "No se aprueba")."""
    return _NEGATED.search(text, max(sentence_begin, start - LOOKBACK), start) is not None


def quoted(text: str, start: int, begin: int, end: int) -> bool:
    """The word at ``start``, in the sentence text[begin:end], is inside a quotation («...», “...”,
    "..."): opened in the sentence before it and not closed, or opened in an earlier sentence and closed
    in this one after it (an unclosed mark further back, as OCR leaves them, is no quotation)."""
    if text.count('"', begin, start) % 2 == 1:
        return True
    low = max(0, start - QUOTE_LOOKBACK)
    opened = max(text.rfind("«", low, start), text.rfind("“", low, start))
    closed = max(text.rfind("»", low, start), text.rfind("”", low, start))
    if opened <= closed or _ITEM_LABEL.search(text, opened, start):
        return False  # closed, or an agenda item's label came after it: a title left unclosed ("sobre: “...")
    return opened >= begin or text.find("»", start, end) != -1 or text.find("”", start, end) != -1


def decided_here(text: str, begin: int, end: int, word_start: int, word_end: int, *, verb: str | None = None,
                 participle_rule: bool = True) -> bool:
    """Whether text[word_start:word_end], in the sentence text[begin:end], records a decision of this
    session: not negated, not a rule, not quoted or reported, not at another time. ``verb``: the
    approval verb as matched ("se aprueban", "aprobada"), for the tests that depend on its form. The
    cheapest tests come first, and none reads more than ``CONTEXT`` characters either side of the word
    (a page of run-on text is one long "sentence")."""
    low, high = max(begin, word_start - CONTEXT), min(end, word_end + CONTEXT)
    if negated(text, word_start, begin):
        return False
    if verb is not None:
        verb = " ".join(verb.split())
        if participle_rule and _PARTICIPLE.match(verb) and not (
            not text[begin:word_start].strip() or _BEFORE_PARTICIPLE.search(text, max(begin, word_start - 40), word_start)
        ):
            return False  # "la ordenanza aprobada por unanimidad ...": the participle qualifies a noun
        if _PLURAL_VERB.match(verb) and word_start - begin <= 130 and _PLURAL_RULE.match(text[begin:word_start]):
            return False
    if quoted(text, word_start, begin, end):
        return False
    if _MODAL.search(text, max(begin, word_start - LOOKBACK), word_end) or _ARTICLE.search(text, low, word_start):
        return False
    if _RULE.search(text, low, word_start) or _REPORTED.search(text, low, word_start):
        return False
    return _OTHER_TIME.search(text, low, high) is None
