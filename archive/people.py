"""Who is who in a council's records: printed names reduced to comparable tokens, and the rule that
decides whether two printed names are the same person.

Minutes, vote tables, e-signature stamps and portal pages print one person many ways ("Bernardo Abad",
"Concejal Bernardo Abad Merchán", "BERNARDO ABAD MERCHAN", "Sr. Bernardo Abad"). The rule here is
conservative on purpose: a wrong merge would put one councillor's votes under another's name, while a
missed merge only leaves two entries a person can review. So names are only merged when one is the
other with tokens left out (in order, two tokens at least, one of them in a surname slot of the longer
name), and everything merely close (one letter off, a short name fitting several people, a lone name) is
kept apart and reported with a reason.

Pure functions, no SQL: archive/proceedings_store.py applies them to the catalogue's people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

# Honorifics, academic titles and offices printed before (or around) a name, folded and without dots.
TITLES = frozenset({
    "sr", "sra", "srta", "senor", "senora", "senorita", "don", "dona",
    "lic", "licdo", "licda", "dr", "dra", "ing", "arq", "abg", "ab", "abog", "mgs", "mg", "msc", "mba", "phd",
    "econ", "tlgo", "tlga", "prof", "profa",
    "concejal", "concejala", "concejales", "alcalde", "alcaldesa", "vicealcalde", "vicealcaldesa",
    "presidente", "presidenta", "vicepresidente", "vicepresidenta", "secretario", "secretaria",
    "prosecretario", "prosecretaria",
})
# Words that qualify a title ("Alcalde Metropolitano", "Secretaria General"): dropped after a title only.
TITLE_QUALIFIERS = frozenset({
    "metropolitano", "metropolitana", "general", "subrogante", "encargado", "encargada", "alterno", "alterna",
    "municipal", "del", "de", "la", "concejo", "a", "o",  # "a"/"o": "Concejal/a", "Presidente/a"
})
# Joiners and particles: "y" between surnames, "de", "del", "de la" in names. Not evidence of identity.
PARTICLES = frozenset({"y", "de", "del", "la", "las", "los", "el"})
ARTICLES = frozenset({"el", "la", "los", "las"})  # before a name, never part of it ("la concejala ...")
# Given names common enough that a name made only of them ("Juan Carlos", "María José") says nothing about
# the surname: such a short form never merges with a longer one. Erring towards keeping people apart.
GIVEN_NAMES = frozenset({
    "ana", "maria", "jose", "juan", "carlos", "luis", "jorge", "pablo", "diego", "andres", "fernando",
    "fernanda", "gabriela", "daniela", "daniel", "carolina", "paola", "andrea", "monica", "veronica", "lucia",
    "sofia", "elena", "patricia", "isabel", "valeria", "jimena", "rocio", "marco", "raul", "santiago", "tomas",
    "ivan", "hector", "julian", "mauricio", "xavier", "rene", "esteban", "fabian", "miguel", "angel", "antonio",
    "francisco", "manuel", "pedro", "ricardo", "roberto", "eduardo", "alberto", "alejandro", "alejandra",
    "cristina", "christian", "cristian", "david", "emilio", "mario", "marta", "sandra", "libia", "bernardo",
    "pabel", "camila", "natalia", "laura", "diana", "paula", "rosa", "carmen", "teresa", "silvia", "gloria",
    "martha", "lourdes", "guadalupe", "eugenia", "alexandra", "wilson", "edison", "fausto", "galo", "hugo",
    "oswaldo", "patricio", "rodrigo", "sebastian", "gustavo", "mercedes", "beatriz", "soledad", "cecilia",
})

_TOKEN = re.compile(r"[a-z0-9]+")
ATTACHED = "~"  # marks a token bound by a particle to the one before it: one surname slot for both


def fold(text: str | None) -> str:
    """Lowercase without accents, ñ as n (e-signature stamps print "MUNOZ" for "Muñoz")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _raw_tokens(printed: str) -> list[tuple[str, str]]:
    """(folded token, printed token) pairs, punctuation dropped, titles and their qualifiers removed."""
    pairs: list[tuple[str, str]] = []
    after_title = False
    for raw in re.sub(r"[/\-–]", " ", printed).split():
        parts = _TOKEN.findall(fold(raw))
        if not parts:
            continue
        folded = "".join(parts)  # "Sr." -> "sr", "MSc." -> "msc", "Merchán," -> "merchan"
        if folded in TITLES or (len(parts) > 1 and all(p in TITLES for p in parts)):
            after_title = True
            continue
        if after_title and folded in TITLE_QUALIFIERS:
            continue
        after_title = False
        cleaned = re.sub(r"^[^\w]+|[^\w]+$", "", raw)
        pairs.append((folded, cleaned or raw))
    while pairs and pairs[-1][0] in PARTICLES:  # "... y" left by "Pérez y" at a line end
        pairs.pop()
    while pairs and pairs[0][0] in ARTICLES:  # "la concejala Marta Garrido"
        pairs.pop(0)
    return pairs


def name_tokens(printed: str | None) -> tuple[str, ...]:
    """The tokens that identify a printed name, folded and in order, without titles and particles:
    "Concejal Bernardo Abad Merchán" -> ("bernardo", "abad", "merchan").

    A word a particle binds to the word before it ("Gómez de la Torre", "Carlos de la Cuesta") is marked
    with a leading "~": it fills the same surname slot as that word (see _contained).
    """
    tokens: list[str] = []
    bound = False
    for token, _ in _raw_tokens(printed or ""):
        if token in PARTICLES:
            bound = bool(tokens) and token != "y"
            continue
        tokens.append(f"{ATTACHED}{token}" if bound else token)
        bound = False
    return tuple(tokens)


def folded_name(printed: str | None) -> str:
    """The key an alias is stored and looked up under: name_tokens joined by spaces ("" for no name)."""
    return " ".join(name_tokens(printed))


def clean_name(printed: str | None) -> str:
    """The printed name without titles and punctuation around words, keeping its accents and case; an
    all-capitals form (an e-signature stamp) in title case: "Sr. Bernardo Abad," -> "Bernardo Abad"."""
    words = [raw for _, raw in _raw_tokens(printed or "")]
    text = " ".join(words)
    if text.isupper():
        text = " ".join(w.capitalize() if w.lower() not in PARTICLES else w.lower() for w in words)
    return text


def display_rank(printed: str) -> tuple:
    """How complete a printed form is, for choosing a person's display name: most tokens, then not all
    capitals, then most accented letters (a stamp drops them), then longest."""
    tokens = name_tokens(printed)
    cleaned = clean_name(printed)
    raw = " ".join(w for _, w in _raw_tokens(printed))
    accents = sum(1 for c in cleaned if unicodedata.normalize("NFKD", c) != c)
    return (len(tokens), not raw.isupper(), accents, len(cleaned))


def best_display(printed_forms: Iterable[str]) -> str:
    """The most complete printed form, cleaned (ties: the first given)."""
    best = None
    for form in printed_forms:
        if best is None or display_rank(form) > display_rank(best):
            best = form
    return clean_name(best) if best is not None else ""


def _subsequence(short: Sequence[str], long: Sequence[str], fuzzy: bool = False) -> list[int] | None:
    """Positions in `long` of each token of `short`, in order (None if `short` is not a subsequence).
    With `fuzzy`, exactly one token pair may differ by one letter (the positions are then returned)."""

    short, long = [_bare(t) for t in short], [_bare(t) for t in long]

    def walk(i: int, j: int, spent: bool) -> list[int] | None:
        if i == len(short):
            return [] if (spent or not fuzzy) else None
        for k in range(j, len(long)):
            if short[i] == long[k]:
                rest = walk(i + 1, k + 1, spent)
            elif fuzzy and not spent and _one_letter_apart(short[i], long[k]):
                rest = walk(i + 1, k + 1, True)
            else:
                continue
            if rest is not None:
                return [k, *rest]
        return None

    return walk(0, 0, False)


def _one_letter_apart(a: str, b: str) -> bool:
    """One substitution, insertion or deletion between two words of four letters or more."""
    if a == b or min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _contained(short: tuple[str, ...], long: tuple[str, ...], fuzzy: bool = False) -> bool:
    """`short` is `long` with tokens left out (in order), names at least two tokens and, among them, a
    surname of `long`: it ends in one of the last two tokens of `long` (where Spanish names put the two
    surnames) and is not made only of common given names ("María Fernanda", "Juan Carlos")."""
    if len(short) < 2 or len(short) > len(long):
        return False
    positions = _subsequence(short, long, fuzzy)
    if positions is None:
        return False
    slots = list(accumulate(0 if token.startswith(ATTACHED) else 1 for token in long))
    if slots[positions[-1]] < slots[-1] - 1:
        return False
    return not all(t in GIVEN_NAMES for t in short)


def same_person(a: str | Sequence[str], b: str | Sequence[str]) -> bool:
    """Whether two printed names (or their name_tokens) certainly name the same person.

    Equal tokens, or the shorter one is the longer with tokens left out ("Bernardo Abad" / "Bernardo Abad
    Merchán", "Pabel Muñoz López" / "CHRISTIAN PABEL MUNOZ LOPEZ", "Fernanda Racines" / "María Fernanda
    Racines Corredores"). Never for a name of a single token, nor for names that only share a first name
    or a surname ("Sandra Hidalgo" / "Sandra Pérez", "Diego Garrido" / "Marta Garrido").
    """
    ta, tb = _tokens(a), _tokens(b)
    if len(ta) < 2 or len(tb) < 2:
        return False
    if [_bare(t) for t in ta] == [_bare(t) for t in tb]:
        return True
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return _contained(short, long)


def near_miss(a: str | Sequence[str], b: str | Sequence[str]) -> bool:
    """The names would be the same person but for one letter in one word ("Emilio Uzcátigui" / "Emilio
    Uzcátegui Jiménez"): a likely misspelling, never merged, listed for review."""
    ta, tb = _tokens(a), _tokens(b)
    if len(ta) < 2 or len(tb) < 2 or same_person(ta, tb):
        return False
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return _contained(short, long, fuzzy=True)


def lone_name_of(a: str | Sequence[str], b: str | Sequence[str]) -> bool:
    """One name is a single word found in the other ("Abad" / "Bernardo Abad"): never merged, for review."""
    ta, tb = _tokens(a), _tokens(b)
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    bare_long = [_bare(t) for t in long]
    return len(short) == 1 and len(long) >= 2 and _bare(short[0]) in bare_long and short[0] not in GIVEN_NAMES


def _bare(token: str) -> str:
    return token.removeprefix(ATTACHED)


def _tokens(name: str | Sequence[str]) -> tuple[str, ...]:
    return name_tokens(name) if isinstance(name, str) else tuple(name)


# -- resolution against a council's people ------------------------------------------------------------

@dataclass(frozen=True)
class KnownPerson:
    """A person already in the catalogue: id, display tokens (their most complete name), every alias."""

    id: int
    display: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Review:
    """A person this name may be, left separate: candidate id, reason code and the reason in words."""

    candidate_id: int
    code: str  # several_matches | near_miss | lone_name | fits_an_alias
    reason: str


@dataclass(frozen=True)
class Resolution:
    """What a printed name resolves to: an existing person's id (None: a new person) and review notes."""

    person_id: int | None
    reviews: tuple[Review, ...] = ()


def resolve(printed: str, people: Sequence[KnownPerson]) -> Resolution:
    """The person a printed name belongs to among a council's `people`.

    1. An alias equal to the name (same tokens): that person.
    2. Else the people whose most complete name `same_person` matches: exactly one -> that person; none
       -> a new person; several -> a new person, with each of them to review ("Juan Báez" when "Juan Báez
       Bulla" and "Juan Báez Pérez" exist).
    A new person is also reviewed against people one letter off (near_miss), people sharing the lone word
    of a one-word name, and people who were once printed with a shorter form that fits this name too
    (they absorbed "Juan Báez" before "Juan Báez Pérez" appeared).
    Matching against the display name, not every alias, keeps a merged short alias from pulling in a
    second person; ids never change once given, so the order names arrive in can decide who got a short
    alias, which is why that case is reviewed.
    """
    tokens = name_tokens(printed)
    if not tokens:
        return Resolution(None)
    for person in people:
        if tokens in person.aliases:
            return Resolution(person.id)
    matches = [p for p in people if same_person(tokens, p.display)]
    if len(matches) == 1:
        return Resolution(matches[0].id)
    reviews: list[Review] = []
    if len(matches) > 1:
        reviews += [Review(p.id, "several_matches", f"'{' '.join(tokens)}' fits {len(matches)} people")
                    for p in matches]
    else:
        for p in people:
            if near_miss(tokens, p.display):
                reviews.append(Review(p.id, "near_miss", "the names differ by one letter"))
            elif lone_name_of(tokens, p.display):
                reviews.append(Review(p.id, "lone_name", "only one word of the name is printed"))
            elif any(same_person(tokens, alias) for alias in p.aliases):
                reviews.append(Review(p.id, "fits_an_alias", "a shorter form printed for them fits this name too"))
    return Resolution(None, tuple(reviews))
