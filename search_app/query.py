"""The one query model shared by the UI, the API, exports and feeds, whatever the engine.

Syntax: words (all must match); "exact phrases"; -exclusion; a OR b; prefix*; field filters
(tipo:extraordinaria, comision:"uso de suelo", documento:acta, año:2024, numero:61, concejo:quito: the
names and values each field declares in index_config/fields.py); identifiers such
as CDMQ-022-2024 matched exactly. What cannot be understood is searched as plain words and a warning
says so. What would cost the engines too much (see the bounds below) is refused with QueryTooComplex,
whose message, in Spanish, tells the user what to shorten.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from index_config.analysis import spellings
from index_config.fields import FIELDS_BY_NAME, FILTERS, PARAMETER_FILTERS
from index_config.spanish import tokenize

# Bounds on what one search may ask of an engine: every one is cheap to check and caps an engine's work.
MAX_QUERY_CHARS = 500
MAX_PARAM_CHARS = 200  # any other parameter (filters, dates, sort, page)
MAX_TERMS = 32  # words, counting each word of a phrase, each prefix and each filter value
MAX_PREFIX_TERMS = 4
MIN_PREFIX_CHARS = 3
MAX_PHRASE_WORDS = 12
MAX_FILTER_NUMBER = 999_999_999  # year and session number: nine digits fit every engine's integer field

IDENTIFIER = re.compile(r"^[A-Za-z]{1,6}(?:-[A-Za-z0-9]{1,8}){1,5}$")
SORTS = ("relevance", "date_desc", "date_asc")
# A field filter with a quoted value (comision:"uso de suelo") is one token, before quoted phrases and words.
_TOKEN = re.compile(r'-?[A-Za-zÁÉÍÓÚáéíóúñÑ_]+:"[^"]*"|-?"[^"]*"|-?[^\s"]+|"')


class QueryTooComplex(ValueError):
    """A search over one of the bounds; the message (Spanish) says which and what to do."""


@dataclass(frozen=True)
class Term:
    """One searchable unit: a word, a prefix, a phrase or an identifier."""

    text: str
    kind: str = "word"  # "word" | "prefix" | "phrase" | "identifier"


@dataclass
class SearchQuery:
    """A parsed query plus the filters that came from the form or the API."""

    raw: str = ""
    clauses: list[list[Term]] = field(default_factory=list)  # AND of ORs
    excluded: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # field -> accepted values (OR)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    warnings: list[str] = field(default_factory=list)
    # "all": every clause must match. "most": at least one clause must match and more matches rank higher
    # (exclusions and filters unchanged); the service falls back to it when no document has every word.
    match: str = "all"

    @property
    def has_text(self) -> bool:
        return bool(self.clauses)

    def highlight_terms(self) -> list[Term]:
        return [t for clause in self.clauses for t in clause]

    def terms(self) -> list[Term]:
        return [*self.highlight_terms(), *self.excluded]

    def plain_words(self) -> list[str]:
        """The words typed on their own (no OR, phrase, prefix or identifier), in order: for proximity."""
        return [clause[0].text for clause in self.clauses if len(clause) == 1 and clause[0].kind == "word"]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# The query syntax's filter names, folded (año, ano and anio alike), from the field declaration.
FIELD_ALIASES = {fold(alias): f.name for f in FILTERS for alias in f.filter.aliases}


def _strip_operators(token: str) -> str:
    return token.strip("\"()[]{}+-*:!^~\\/|&")


def parse_query(raw: str) -> SearchQuery:
    """Parse the words of a search; raises QueryTooComplex when the search is over a bound."""
    if len(raw or "") > MAX_QUERY_CHARS:
        raise QueryTooComplex(
            f"La búsqueda es demasiado larga ({len(raw)} caracteres; el máximo es {MAX_QUERY_CHARS}): "
            "acórtela o use menos palabras.")
    query = SearchQuery(raw=raw or "")
    tokens = _TOKEN.findall(raw or "")
    if (raw or "").count('"') % 2:
        query.warnings.append("Las comillas no estaban cerradas: se buscaron las palabras sueltas.")
    pending_or = False
    for token in tokens:
        if token == "OR":
            pending_or = bool(query.clauses)
            continue
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        filter_match = re.match(r'^([A-Za-zÁÉÍÓÚáéíóúñÑ_]+):(.+)$', body)
        if filter_match and fold(filter_match[1]) in FIELD_ALIASES and not negative:
            name = FIELD_ALIASES[fold(filter_match[1])]
            value = filter_match[2].strip('"').strip()
            if value:
                _add_filter(query, name, value)
            continue
        term = _term(body)
        if term is None:
            if body.strip() and body != '"':
                query.warnings.append(f"Se ignoró «{body}»: no contiene palabras.")
            continue
        if negative:
            query.excluded.append(term)
        elif pending_or:
            query.clauses[-1].append(term)
        else:
            query.clauses.append([term])
        pending_or = False
    _merge_duplicates(query)
    return query


def _merge_duplicates(query: SearchQuery) -> None:
    """A repeated word, alternative or exclusion adds nothing but work for the engine: keep one."""
    def key(term: Term) -> tuple[str, str]:
        return fold(term.text), term.kind

    clauses, seen_clauses = [], set()
    for clause in query.clauses:
        unique = list({key(t): t for t in clause}.values())
        clause_key = frozenset(key(t) for t in unique)
        if clause_key not in seen_clauses:
            seen_clauses.add(clause_key)
            clauses.append(unique)
    query.clauses = clauses
    query.excluded = list({key(t): t for t in query.excluded}.values())


def check_bounds(query: SearchQuery) -> None:
    """Refuse, with a Spanish message, a search that would cost the engines more than any real search needs."""
    terms = query.terms()
    prefixes = [t for t in terms if t.kind == "prefix"]
    for term in prefixes:  # the prefix each engine will expand, as its own index cuts the word
        if min((len(terms[-1]) if terms else 0) for terms in spellings(term.text)) < MIN_PREFIX_CHARS:
            raise QueryTooComplex(
                f"«{term.text}*» es demasiado corto: un prefijo necesita al menos {MIN_PREFIX_CHARS} letras "
                "antes del asterisco.")
    if len(prefixes) > MAX_PREFIX_TERMS:
        raise QueryTooComplex(
            f"La búsqueda tiene {len(prefixes)} prefijos con asterisco; el máximo es {MAX_PREFIX_TERMS}.")
    for term in terms:
        if len(tokenize(term.text)) > MAX_PHRASE_WORDS:
            raise QueryTooComplex(
                f"La frase «{term.text[:60]}…» es demasiado larga: el máximo es {MAX_PHRASE_WORDS} palabras.")
    count = sum(len(tokenize(t.text)) for t in terms) + sum(len(v) for v in query.filters.values())
    if count > MAX_TERMS:
        raise QueryTooComplex(
            f"La búsqueda tiene demasiadas palabras o filtros ({count}; el máximo es {MAX_TERMS}): "
            "use menos palabras o menos alternativas con OR.")


def _term(token: str) -> Term | None:
    if token.startswith('"') and token.endswith('"') and len(token) >= 2:
        words = tokenize(token[1:-1])  # the words the index holds: "a|b|c" is three, "²²²" none
        if not words:
            return None
        return Term(" ".join(words), "phrase" if len(words) > 1 else "word")
    if IDENTIFIER.match(token) and any(c.isdigit() for c in token):
        return Term(token.upper(), "identifier")
    if token.endswith("*") and re.search(r"\w", _strip_operators(token)):
        words = tokenize(_strip_operators(token))
        return Term(" ".join(words), "prefix") if words else None
    cleaned = _strip_operators(token)
    if not re.search(r"\w", cleaned):
        return None
    # Leftover punctuation inside a word splits it into a phrase of its words where the index splits it
    # (x|y, IC-O-CUS; but "4.153,50", "a.m." and "d'Artagnan" are one word there and here). A colon left
    # in a query is taken for a field separator (uso:de:suelo), though the index joins letters across it.
    words = tokenize(cleaned.replace(":", " "))
    if not words:
        return None
    if len(words) > 1:
        return Term(" ".join(words), "phrase")
    return Term(words[0], "word")


def _add_filter(query: SearchQuery, name: str, value: str) -> None:
    declared = FIELDS_BY_NAME[name]
    if declared.kind == "integer" and not _is_number(value):
        label = declared.filter.aliases[0]
        query.warnings.append(
            f"El filtro {label} necesita un número entero (p. ej. {label}:2024): se ignoró «{value[:40]}».")
        return
    indexed = _filter_value(declared.filter.values, value)
    if not indexed:  # "comision:!!!" would otherwise select the empty value, i.e. plenary sessions
        query.warnings.append(f"El filtro {declared.filter.aliases[0]}:«{value[:40]}» no contiene palabras: se ignoró.")
        return
    query.filters.setdefault(name, []).append(indexed)


def _is_number(value: str) -> bool:
    """ASCII digits within every engine's integer range (str.isdigit also accepts ², which int() refuses)."""
    return re.fullmatch(r"[0-9]{1,9}", value) is not None and int(value) <= MAX_FILTER_NUMBER


def _filter_value(form: str, value: str) -> str:
    """A typed value as the index holds it (index_config.fields.ValueForm)."""
    if form == "code":
        return slug(value).replace("-", "_")
    if form == "slug":
        return slug(value)
    if form == "folded":
        return fold(value)
    return value


def build_query(
    q: str = "", *, date_from: str | None = None, date_to: str | None = None, sort: str | None = None,
    page: int | str | None = 1, per_page: int | str | None = 10, **filters: str | None,
) -> SearchQuery:
    """Parse the words and merge the form/API filters (by field name: session_type=...); bad values become
    warnings.

    Raises QueryTooComplex when the search is over a bound (a 400 for the user, with the message).
    """
    unknown = set(filters) - {f.name for f in PARAMETER_FILTERS}
    if unknown:
        raise TypeError(f"build_query() has no filter parameter {', '.join(sorted(unknown))}")
    for value in (date_from, date_to, *filters.values(), sort, page, per_page):
        if isinstance(value, str) and len(value) > MAX_PARAM_CHARS:
            raise QueryTooComplex(
                f"Un parámetro de la búsqueda es demasiado largo (máximo {MAX_PARAM_CHARS} caracteres).")
    query = parse_query(q)
    for declared in PARAMETER_FILTERS:
        if filters.get(declared.name):
            _add_filter(query, declared.name, filters[declared.name])
    check_bounds(query)
    query.date_from = _parse_date(date_from, "desde", query.warnings)
    query.date_to = _parse_date(date_to, "hasta", query.warnings)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        query.warnings.append("La fecha «desde» era posterior a «hasta»: se intercambiaron.")
        query.date_from, query.date_to = query.date_to, query.date_from
    query.sort = sort if sort in SORTS else ("relevance" if query.has_text else "date_desc")
    query.page = max(1, min(_int(page, 1), 1000))
    query.per_page = max(1, min(_int(per_page, 10), 100))
    return query


def _parse_date(value: str | None, label: str, warnings: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        warnings.append(f"La fecha «{label}» ({value}) no es válida (use AAAA-MM-DD): se ignoró.")
        return None


def _int(value: int | str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default
