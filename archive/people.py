"""Who is who in a council's records: printed names reduced to comparable tokens, and the rule that
decides whether two printed names are the same person.

Minutes, vote tables, e-signature stamps and portal pages print one person many ways ("Marta Quishpe",
"Concejala Marta Quishpe Andrade", "MARTA QUISHPE ANDRADE", "Sra. Marta Quishpe"). The rule here is
conservative on purpose: a wrong merge would put one councillor's votes under another's name, while a
missed merge only leaves two entries a person can review. So names are only merged when one is the
other with tokens left out (in order, two tokens at least, one of them in a surname slot of the longer
name, the longer name's first given name kept, the same generational suffix), and everything merely close
(one letter off, a short name fitting several people, a given name left out) is kept apart and reported
with a reason. A printed name of fewer than two name words (a lone surname, "Concejala Suplente") is no
person at all.

PEOPLE_RULES_VERSION names these rules: the catalogue re-resolves a council's people when the version it
resolved them under differs (archive/proceedings_store.py, reresolve_people).

Pure functions, no SQL: archive/proceedings_store.py applies them to the catalogue's people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

# Bump when the rules below change what a name resolves to: catalogues re-resolve their people then.
PEOPLE_RULES_VERSION = "2"

# Abbreviated honorifics and academic titles: never a name word, dropped wherever they are printed.
ABBREVIATED_TITLES = frozenset({
    "sr", "sra", "srta", "lic", "licdo", "licda", "dr", "dra", "ing", "arq", "abg", "ab", "abog", "mgs", "mg",
    "msc", "mba", "phd", "econ", "tlgo", "tlga", "prof", "profa",
})
# Honorifics and offices written out. Alcalde, Don or Concejal can be surnames, so these are dropped only
# before the first name word, or after a comma or an opening parenthesis ("Luis Díaz, Presidente de ...").
TITLE_WORDS = frozenset({
    "senor", "senora", "senorita", "don", "dona",
    "concejal", "concejala", "concejales", "alcalde", "alcaldesa", "vicealcalde", "vicealcaldesa",
    "presidente", "presidenta", "vicepresidente", "vicepresidenta", "secretario", "secretaria",
    "prosecretario", "prosecretaria",
})
TITLES = ABBREVIATED_TITLES | TITLE_WORDS
# Words that qualify a title ("Alcalde Metropolitano", "Secretaria General"): dropped after a title only.
TITLE_QUALIFIERS = frozenset({
    "metropolitano", "metropolitana", "general", "subrogante", "encargado", "encargada", "alterno", "alterna",
    "municipal", "del", "de", "la", "concejo", "a", "o",  # "a"/"o": "Concejal/a", "Presidente/a"
})
# Words of a role or a state printed with a name, never a name word: dropped wherever they are
# ("Concejal Suplente", "Secretario Ad-Hoc", "Ana López Vda. de Pérez", "Presidente Comisión").
ROLE_WORDS = frozenset({
    "suplente", "suplentes", "principal", "alterno", "alterna", "subrogante", "encargado", "encargada",
    "ad", "hoc", "adhoc", "interino", "interina", "vda", "viuda", "comision", "comisiones",
})
# Generational suffixes: two names that differ in one are two people ("Juan Pérez" / "Juan Pérez Hijo").
SUFFIXES = frozenset({"jr", "junior", "hijo", "ii", "iii", "iv"})
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
    "cristina", "christian", "cristian", "david", "emilio", "mario", "marta", "sandra", "camila", "natalia", "laura", "diana", "paula", "rosa", "carmen", "teresa", "silvia", "gloria",
    "martha", "lourdes", "guadalupe", "eugenia", "alexandra", "wilson", "edison", "fausto", "galo", "hugo",
    "oswaldo", "patricio", "rodrigo", "sebastian", "gustavo", "mercedes", "beatriz", "soledad", "cecilia",
})

_TOKEN = re.compile(r"[a-z0-9]+")
ATTACHED = "~"  # marks a token bound by a particle to the one before it: one surname slot for both


def fold(text: str | None) -> str:
    """Lowercase without accents, ñ as n (e-signature stamps print "NUNEZ" for "Núñez")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _raw_tokens(printed: str) -> list[tuple[str, str]]:
    """(folded token, printed token) pairs, punctuation dropped, titles, their qualifiers and role words
    removed. Abbreviated titles and role words go wherever they are; a written-out title only before the
    first name word or after a comma or "(", where it drops the rest of that part ("Luis Díaz, Presidente
    de la Comisión de Movilidad" -> Luis Díaz)."""
    pairs: list[tuple[str, str]] = []
    after_title = False
    title_allowed = True  # no name word yet, or just after a comma or an opening parenthesis
    dropping = False  # a title after a comma: the rest of that part is the office, not the name
    for raw in re.sub(r"[/\-–]", " ", printed).split():
        parts = _TOKEN.findall(fold(raw))
        opens = raw.startswith("(")
        if opens:
            title_allowed, dropping = True, False
        closes = raw.endswith((",", ")", ";"))
        if parts and not dropping:
            folded = "".join(parts)  # "Sr." -> "sr", "MSc." -> "msc", "Andrade," -> "andrade"
            if folded in ABBREVIATED_TITLES or folded in ROLE_WORDS or (
                    len(parts) > 1 and all(p in ABBREVIATED_TITLES for p in parts)):
                after_title = after_title or (title_allowed and folded not in ROLE_WORDS)
            elif title_allowed and not pairs and folded in ARTICLES:  # "la concejala ..."
                pass
            elif title_allowed and (folded in TITLE_WORDS or (len(parts) > 1 and all(p in TITLES for p in parts))):
                after_title = True
                dropping = bool(pairs)  # after a name and a comma: an office follows
            elif after_title and folded in TITLE_QUALIFIERS:
                pass
            else:
                after_title = title_allowed = False
                cleaned = re.sub(r"^[^\w]+|[^\w]+$", "", raw)
                pairs.append((folded, cleaned or raw))
        if closes:
            title_allowed, dropping, after_title = True, False, False
    while pairs and pairs[-1][0] in PARTICLES:  # "... y" left by "Pérez y" at a line end
        pairs.pop()
    while pairs and pairs[0][0] in ARTICLES:  # "la concejala Rosa Ortiz"
        pairs.pop(0)
    return pairs


def name_tokens(printed: str | None) -> tuple[str, ...]:
    """The tokens that identify a printed name, folded and in order, without titles and particles:
    "Concejala Marta Quishpe Andrade" -> ("marta", "quishpe", "andrade").

    A word a particle binds to the word before it ("Ortiz de la Vega", "Carlos de la Vega") is marked
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
    all-capitals form (an e-signature stamp) in title case: "Sra. Marta Quishpe," -> "Marta Quishpe"."""
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


def _contained(short: tuple[str, ...], long: tuple[str, ...], fuzzy: bool = False, *,
               first_name_kept: bool = True) -> bool:
    """`short` is `long` with tokens left out (in order), names at least two tokens and, among them, a
    surname of `long`: it ends in one of the last two tokens of `long` (where Spanish names put the two
    surnames) and is not made only of common given names ("María Fernanda", "Juan Carlos").

    With `first_name_kept`, the first token of `long`, when it is a common given name, is not left out:
    "José Pérez" is not "María José Pérez", nor "Luis Pérez" "José Luis Pérez" (compound given names are
    often a second person's whole given name). Generational suffixes ("Hijo", "Jr.", "II") are not slots
    here: same_person requires them equal.
    """
    short, long = _without_suffix(short), _without_suffix(long)
    if len(short) < 2 or len(short) > len(long):
        return False
    positions = _subsequence(short, long, fuzzy)
    if positions is None:
        return False
    if first_name_kept and positions[0] > 0 and _bare(long[0]) in GIVEN_NAMES:
        return False
    slots = list(accumulate(0 if token.startswith(ATTACHED) else 1 for token in long))
    if slots[positions[-1]] < slots[-1] - 1:
        return False
    return not all(t in GIVEN_NAMES for t in short)


def _suffixes(tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple(_bare(t) for t in tokens if _bare(t) in SUFFIXES)


def _without_suffix(tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple(t for t in tokens if _bare(t) not in SUFFIXES)


def same_person(a: str | Sequence[str], b: str | Sequence[str]) -> bool:
    """Whether two printed names (or their name_tokens) certainly name the same person.

    Equal tokens, or the shorter one is the longer with tokens left out ("Marta Quishpe" / "Marta Quishpe
    Andrade", "Luis Vásconez Mejía" / "LUIS ALFREDO VASCONEZ MEJIA", "Rosa Ortiz" / "Rosa Ortiz de la
    Vega"), keeping the longer one's first given name and the same generational suffix. Never for a name of
    a single token, nor for names that only share a first name or a surname ("Marta Quishpe" / "Marta
    Pilco", "Diego Vásconez" / "Luis Vásconez"), nor "José Pérez" / "María José Pérez", nor "Juan Pérez" /
    "Juan Pérez Hijo".
    """
    ta, tb = _tokens(a), _tokens(b)
    if len(ta) < 2 or len(tb) < 2 or _suffixes(ta) != _suffixes(tb):
        return False
    if [_bare(t) for t in ta] == [_bare(t) for t in tb]:
        return True
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return _contained(short, long)


def near_miss(a: str | Sequence[str], b: str | Sequence[str]) -> bool:
    """The names would be the same person but for one letter in one word ("Luis Vásconez" / "Luis Vázconez
    Mejía"): a likely misspelling, never merged, listed for review."""
    return _almost_same_person(a, b, fuzzy=True)


def given_name_left_out(a: str | Sequence[str], b: str | Sequence[str]) -> bool:
    """The names would be the same person but that the shorter leaves out the longer's first given name
    ("José Pérez" / "María José Pérez"): maybe one person known by a second given name, maybe two people;
    never merged, listed for review."""
    return _almost_same_person(a, b, first_name_kept=False)


def _almost_same_person(a: str | Sequence[str], b: str | Sequence[str], **loosened: bool) -> bool:
    """Two names of two words or more, not the same person, with the same generational suffixes, that
    _contained accepts once `loosened` relaxes one of its conditions."""
    ta, tb = _tokens(a), _tokens(b)
    if len(ta) < 2 or len(tb) < 2 or same_person(ta, tb) or _suffixes(ta) != _suffixes(tb):
        return False
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return _contained(short, long, **loosened)


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
    code: str  # several_matches | near_miss | given_name_left_out | fits_an_alias
    reason: str


@dataclass(frozen=True)
class Resolution:
    """What a printed name resolves to: an existing person's id (None: a new person, or no person at all
    when `is_person` is false) and review notes."""

    person_id: int | None
    reviews: tuple[Review, ...] = ()
    is_person: bool = True


def is_person_name(tokens: Sequence[str]) -> bool:
    """Whether a name's tokens can name a person: two name words at least. A lone surname, or what is left
    of "Concejala Suplente", names nobody for certain; the record keeps the printed words."""
    return len(tokens) >= 2


def resolve(printed: str, people: Sequence[KnownPerson]) -> Resolution:
    """The person a printed name belongs to among a council's `people`.

    0. A name of fewer than two name words is no person (is_person false).
    1. An alias equal to the name (same tokens): that person.
    2. Else the people whose most complete name `same_person` matches: exactly one -> that person; none
       -> a new person; several -> a new person, with each of them to review ("Luis Vásconez" when "Luis
       Vásconez Mejía" and "Luis Vásconez Pérez" exist).
    A new person is also reviewed against people one letter off (near_miss), people whose first given
    name this name leaves out (given_name_left_out), and people who were once printed with a shorter
    form that fits this name too (they absorbed "Luis Vásconez" before "Luis Vásconez Pérez" appeared).
    Matching against the display name, not every alias, keeps a merged short alias from pulling in a
    second person; the order names arrive in can decide who got a short alias, which is why that case is
    reviewed.
    """
    tokens = name_tokens(printed)
    if not is_person_name(tokens):
        return Resolution(None, (), is_person=False)
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
            elif given_name_left_out(tokens, p.display):
                reviews.append(Review(p.id, "given_name_left_out",
                                      "one name leaves out the other's first given name"))
            elif any(same_person(tokens, alias) for alias in p.aliases):
                reviews.append(Review(p.id, "fits_an_alias", "a shorter form printed for them fits this name too"))
    return Resolution(None, tuple(reviews))


class Roster:
    """A council's people as resolution grows them, in memory: each person's printed forms, their display
    (the most complete form, display_rank) and aliases. The catalogue's CouncilPeople persists one; a
    re-resolution builds a fresh one from every printed name."""

    def __init__(self) -> None:
        self.known: dict[int, KnownPerson] = {}
        self.printed: dict[int, list[str]] = {}

    def load(self, person_id: int, printed_forms: Sequence[str]) -> None:
        """A person as stored: their printed forms in arrival order."""
        self.printed[person_id] = []
        self.known[person_id] = KnownPerson(person_id, (), ())
        for printed in printed_forms:
            self.add(person_id, printed)

    def resolve(self, printed: str) -> Resolution:
        return resolve(printed, list(self.known.values()))

    def add(self, person_id: int, printed: str) -> str:
        """Give the person (new or known) this printed form; their best printed form after it."""
        forms = self.printed.setdefault(person_id, [])
        if printed not in forms:
            forms.append(printed)
        best = max(forms, key=display_rank)
        old = self.known.get(person_id, KnownPerson(person_id, (), ()))
        tokens = name_tokens(printed)
        aliases = old.aliases if tokens in old.aliases else (*old.aliases, tokens)
        self.known[person_id] = KnownPerson(person_id, name_tokens(best), aliases)
        return best
