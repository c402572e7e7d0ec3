"""What a council did, as the text of its minutes records it: roll calls, votes, entries and exits,
and the ordinances or resolutions it dealt with. The contract between extract/ and archive/.

Everything here is read from the text, never inferred: a field the text does not state is None or
empty. Names are kept as printed (honorifics and trailing roles split off); telling who is who across
documents is archive/people.py's job, not extraction's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

# A member's state in a roll call or their choice in a vote, normalised from the column header or
# the prose ("PRESENTE" -> presente, "A FAVOR" -> a_favor, "ABSTENCIÓN" -> abstencion).
Choice = Literal["presente", "ausente", "a_favor", "en_contra", "abstencion", "blanco", "excusado", "otro"]
# Which roll call of the session: at the start, on resuming after a suspension, at a suspension or
# the close, or a plain list of those attending ("ASISTENTES:").
Moment = Literal["inicio", "reinstalacion", "finalizacion", "asistentes", "otro"]
Result = Literal["aprobada", "rechazada"]
# How a vote is recorded: a table of members ("tabla"), or prose: unanimously, by majority, an
# ordinary (show of hands) vote with only its result, or with counts stated.
Method = Literal["tabla", "unanimidad", "mayoria", "ordinaria", "conteo"]
Stage = Literal["primer_debate", "segundo_debate", "aprobacion", "mencion"]


@dataclass
class Entry:
    """One member's line in a roll call or a vote table."""

    name: str  # as printed, without its list number and trailing role ("Marta Quishpe Andrade")
    choice: Choice
    column: str  # the header as printed ("A FAVOR"); for prose lists the word that gave the choice
    page: int
    number: int | None = None  # the list number as printed ("10.Luis Vásconez" -> 10)
    role: str | None = None  # a role printed with the name ("Alcalde Metropolitano"), else None


@dataclass
class RollCall:
    page: int  # page of its heading (or of the list's first name)
    moment: Moment
    heading: str  # as printed ("VERIFICACIÓN CUÓRUM – INICIO SESIÓN"), "" when there is none
    entries: list[Entry] = field(default_factory=list)
    stated_count: int | None = None  # the count the text states for it ("Diecisiete integrantes ... presentes")
    stated_text: str | None = None  # that sentence as printed
    stated_page: int | None = None


@dataclass
class Vote:
    page: int  # page where the vote's record starts (its table, or its prose sentence)
    method: Method
    motion: str  # what was voted, as the text words it (the secretary's call or the agenda point heading)
    agenda_point: str | None = None  # the numbering of the agenda point being dealt with ("II", "3"), if known
    identifiers: list[str] = field(default_factory=list)  # ordinance/resolution/report ids the motion names
    entries: list[Entry] = field(default_factory=list)  # per member; empty for prose votes
    printed_totals: dict[str, int] | None = None  # the table's total row, by Choice ("VOTACIÓN TOTAL 19 0 01 0 02")
    stated_counts: dict[str, int] | None = None  # counts in prose ("Diecinueve votos afirmativos", "15 votos a favor")
    counted_totals: dict[str, int] = field(default_factory=dict)  # entries counted by choice
    totals_match: bool | None = None  # counted == printed; None without a printed total. Never "fixed".
    result: Result | None = None  # as stated; None when the text states no result
    result_text: str | None = None  # the sentence stating the result, as printed
    result_page: int | None = None
    body: str | None = None  # who voted when it is not the plenary ("Comisión de Asuntos Generales")


@dataclass
class Movement:
    """A member entering or leaving the chamber, as logged in the text."""

    page: int
    direction: Literal["entra", "sale"]
    names: list[str]
    time: str | None = None  # "10:50"
    count_after: int | None = None  # "(17 concejales)"
    text: str = ""  # the sentence as printed


@dataclass
class ItemMention:
    """An ordinance, resolution or report identifier named on a page, with the stage the page puts it in."""

    identifier: str
    page: int
    stage: Stage = "mencion"


@dataclass
class Proceedings:
    roll_calls: list[RollCall] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    items: list[ItemMention] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Proceedings:
        def entries(items: list[dict]) -> list[Entry]:
            return [Entry(**e) for e in items]

        return cls(
            roll_calls=[RollCall(**{**r, "entries": entries(r.get("entries", []))}) for r in data.get("roll_calls", [])],
            votes=[Vote(**{**v, "entries": entries(v.get("entries", []))}) for v in data.get("votes", [])],
            movements=[Movement(**m) for m in data.get("movements", [])],
            items=[ItemMention(**i) for i in data.get("items", [])],
        )
