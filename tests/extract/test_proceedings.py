"""Proceedings read from small made-up texts, one rule each (extract/proceedings/), and from the actas
the portal replica writes (a different vote table: CONCEJAL / CONCEJALA | VOTO). Names here are
invented."""

from __future__ import annotations

import pytest

from extract import extract_document
from extract.proceedings import read_proceedings
from extract.proceedings.names import split_name

ROLL_CALL = """\
SEÑORA SECRETARIA. Tres integrantes del Pleno presentes señor Alcalde, sí tenemos cuórum. -------
VERIFICACIÓN CUÓRUM – INICIO SESIÓN
NOMBRES PRESENTE AUSENTE
1. Ana Pérez Ruiz ✓ PRESENTE
2. Luis Mora Vega ✓ AUSENTE
3. Eva Soto Lara ✓ PRESENTE
4. Juan Gil Paz, Alcalde
Metropolitano
✓ PRESENTE
SEÑOR ALCALDE. Queda instalada la sesión, pasemos al primer punto del orden del día por favor."""

VOTE_HEADER = "NOMBRES A\nFAVOR\nEN\nCONTRA\nABSTENCIÓN BLANCO AUSENTE"
VOTE_CALL = ("SEÑORA SECRETARIA. Señor operador, sírvase activar las curules, con la finalidad de tomar votación del "
             "Proyecto de Ordenanza de parques (IC-ORD-CTF-2024-001). Señor operador presente los resultados.")  # fmt: skip


def _vote_pages(total: str, after: str) -> list[tuple[int, str]]:
    first = f"{VOTE_CALL}\n{VOTE_HEADER}\n1. Ana Pérez ✓ A FAVOR\n2. Luis Mora ✓ EN CONTRA"
    second = f"3. Eva Soto ✓ A FAVOR\n4.Juan Gil Paz,\nAlcalde Metropolitano\n✓ AUSENTE\n{total}\n{after}"
    return [(7, first), (8, second)]


def test_split_name_takes_number_and_role_off():
    assert split_name("22. Ana Pérez Ruiz, Alcalde Metropolitano") == (22, "Ana Pérez Ruiz", "Alcalde Metropolitano")
    assert split_name("10.Luis Mora") == (10, "Luis Mora", None)
    assert split_name("Juan Gil Paz (Alcalde)") == (None, "Juan Gil Paz", "Alcalde")


def test_roll_call_table_with_its_stated_count_and_a_wrapped_mayor_row():
    (roll_call,) = read_proceedings([(5, ROLL_CALL)]).roll_calls
    assert (roll_call.page, roll_call.moment, roll_call.heading) == (5, "inicio", "VERIFICACIÓN CUÓRUM – INICIO SESIÓN")
    assert [(e.number, e.name, e.role, e.choice, e.column) for e in roll_call.entries] == [
        (1, "Ana Pérez Ruiz", None, "presente", "PRESENTE"),
        (2, "Luis Mora Vega", None, "ausente", "AUSENTE"),
        (3, "Eva Soto Lara", None, "presente", "PRESENTE"),
        (4, "Juan Gil Paz", "Alcalde Metropolitano", "presente", "PRESENTE"),
    ]
    assert roll_call.stated_count == 3
    assert roll_call.stated_text.startswith("Tres integrantes del Pleno presentes")


@pytest.mark.parametrize(("heading", "moment"), [("VERIFICACIÓN CUÓRUM – REINSTALACIÓN SESIÓN", "reinstalacion"),
                                                 ("REGISTRO ASISTENCIA – FINALIZACIÓN SESIÓN", "finalizacion"),
                                                 ("REGISTRO ASISTENCIA – CLAUSURA", "finalizacion")])  # fmt: skip
def test_roll_call_moment_comes_from_its_heading(heading, moment):
    text = f"{heading}\nNOMBRES PRESENTE AUSENTE\n1. Ana Pérez ✓ PRESENTE\n2. Luis Mora ✓ PRESENTE"
    assert [r.moment for r in read_proceedings([(1, text)]).roll_calls] == [moment]


def test_stated_count_after_the_table_when_none_precedes_it():
    text = ("VERIFICACIÓN CUÓRUM – REINSTALACIÓN SESIÓN\nNOMBRES PRESENTE AUSENTE\n1. Ana Pérez ✓ PRESENTE\n"
            "2. Luis Mora ✓ PRESENTE\nSEÑOR ALCALDE. Constate el cuórum.\n"
            "SEÑORA SECRETARIA. Dos integrantes del Pleno presentes señor Alcalde.")  # fmt: skip
    (roll_call,) = read_proceedings([(1, text)]).roll_calls
    assert roll_call.stated_count == 2


def test_attendance_list():
    text = "ACTA 12\nASISTENTES: Ana Pérez Ruiz\nLuis de la Mora Vega\nEva Soto Lara\nEl secretario informó que había cuórum."
    (roll_call,) = read_proceedings([(3, text)]).roll_calls
    assert roll_call.moment == "asistentes"
    assert [(e.name, e.choice, e.column, e.number) for e in roll_call.entries] == [
        ("Ana Pérez Ruiz", "presente", "ASISTENTES", None),
        ("Luis de la Mora Vega", "presente", "ASISTENTES", None),
        ("Eva Soto Lara", "presente", "ASISTENTES", None),
    ]


def test_tick_vote_table_over_a_page_break_with_wrapped_header_totals_and_result():
    after = ("Dos votos afirmativos, uno en contra, cero abstenciones. Ha sido aprobada la Ordenanza de parques. "
             "---------")  # fmt: skip
    (vote,) = read_proceedings(_vote_pages("VOTACIÓN TOTAL 02 01 0 0 01", after)).votes
    assert (vote.page, vote.method) == (7, "tabla")
    assert vote.motion == "Proyecto de Ordenanza de parques (IC-ORD-CTF-2024-001)"
    assert vote.identifiers == ["IC-ORD-CTF-2024-001"]
    assert [(e.number, e.name, e.choice, e.page) for e in vote.entries] == [
        (1, "Ana Pérez", "a_favor", 7), (2, "Luis Mora", "en_contra", 7), (3, "Eva Soto", "a_favor", 8),
        (4, "Juan Gil Paz", "ausente", 8),
    ]  # fmt: skip
    assert vote.entries[-1].role == "Alcalde Metropolitano"
    assert vote.printed_totals == {"a_favor": 2, "en_contra": 1, "abstencion": 0, "blanco": 0, "ausente": 1}
    assert vote.counted_totals == {"a_favor": 2, "en_contra": 1, "ausente": 1}
    assert vote.totals_match is True
    assert vote.stated_counts == {"a_favor": 2, "en_contra": 1, "abstencion": 0}
    assert (vote.result, vote.result_page) == ("aprobada", 8)
    assert vote.result_text.startswith("Ha sido aprobada la Ordenanza de parques")


def test_printed_totals_that_do_not_add_up_are_kept_and_flagged():
    (vote,) = read_proceedings(_vote_pages("VOTACIÓN TOTAL 03 0 0 0 01", "Ha sido aprobada.")).votes
    assert vote.printed_totals["a_favor"] == 3
    assert vote.counted_totals["a_favor"] == 2
    assert vote.totals_match is False


def test_a_reconsideration_voted_down_is_rejected():
    after = "Un voto afirmativo, tres votos en contra. No ha sido reconsiderado lo resuelto, señor Alcalde."
    (vote,) = read_proceedings(_vote_pages("VOTACIÓN TOTAL 01 03 0 0 0", after)).votes
    assert vote.result == "rechazada"
    assert vote.stated_counts == {"a_favor": 1, "en_contra": 3}


@pytest.mark.parametrize(("text", "method", "result", "counts"), [
    ("Se sometió a consideración en votación ordinaria. No se presentaron intervenciones. Fue aprobado.",
     "ordinaria", "aprobada", None),
    ("Puesto a consideración, el acta se aprueba por unanimidad.", "unanimidad", "aprobada", None),
    ("El proyecto fue aprobado con 15 votos a favor y 2 en contra.", "conteo", "aprobada",
     {"a_favor": 15, "en_contra": 2}),
    ("La moción fue rechazada por mayoría.", "mayoria", "rechazada", None),
])  # fmt: skip
def test_prose_votes(text, method, result, counts):
    (vote,) = read_proceedings([(2, f"3. Proyecto de ordenanza de tránsito\n{text}")]).votes
    assert (vote.page, vote.method, vote.result, vote.stated_counts) == (2, method, result, counts)
    assert vote.motion == "3. Proyecto de ordenanza de tránsito"


def test_dictamen_by_unanimity_names_its_commission():
    text = ("4º)- DICTÁMENES:\n4.1º)- DICTAMEN POR UNANIMIDAD DE LA COMISIÓN DE CULTURA Y DEPORTES\n"
            "Nº07/2.031, sobre: RENOMBRAR la plaza del barrio norte.\n4.2º)- Dictamen por unanimidad DE LOS MIEMBROS "
            "PRESENTES DE LA COMISIÓN DE AGUA, ALUMBRADO Y CAMINOS RURALES Nº 19/2.031, sobre: REPARAR.")  # fmt: skip
    votes = read_proceedings([(1, text)]).votes
    assert [(v.method, v.result, v.body) for v in votes] == [
        ("unanimidad", "aprobada", "COMISIÓN DE CULTURA Y DEPORTES"),
        ("unanimidad", "aprobada", "COMISIÓN DE AGUA, ALUMBRADO Y CAMINOS RURALES"),
    ]


@pytest.mark.parametrize("text", [
    "Artículo 31º): Los pedidos de archivo, para ser aprobados, precisarán de dos tercios por mayoría calificada.",
    "El proyecto será aprobado por mayoría de los miembros presentes.",
    "Por Secretaría se dará lectura al acta, la que si no recibiera observación se tendrá por aprobada.",
    "La junta vecinal adoptará sus acuerdos por simple mayoría de los asistentes.",
    "Toda modificación deberá ser aprobada por unanimidad de los miembros del Cuerpo.",
    "1º)- LECTURA Y APROBACIÓN DEL ORDEN DEL DÍA.-",
])  # fmt: skip
def test_normative_text_is_no_vote(text):
    assert read_proceedings([(1, text)]).votes == []


def test_movements_with_one_and_several_names():
    text = ("Ingresa a la sala de sesiones la concejala Ana Pérez, a las 10:50. (17 concejales).\n"
            "Ingresan a la sala de sesiones los concejales Luis Mora, Eva Soto; y, Juan Gil, a las\n15:04. (20\n"
            "concejales).\nSale de la sala de sesiones el concejal Luis Mora, a las 16:10. (19 concejales).\n"
            "“Dejamos la constancia de la presencia de los concejales Rosa Díaz, Pablo Ríos y la concejala Inés Vera”.\n"
            "Dejo constancia de la presencia de la secretaria de Salud.")  # fmt: skip
    movements = read_proceedings([(4, text)]).movements
    assert [(m.direction, m.names, m.time, m.count_after) for m in movements] == [
        ("entra", ["Ana Pérez"], "10:50", 17),
        ("entra", ["Luis Mora", "Eva Soto", "Juan Gil"], "15:04", 20),
        ("sale", ["Luis Mora"], "16:10", 19),
        ("entra", ["Rosa Díaz", "Pablo Ríos", "Inés Vera"], None, None),
    ]


def test_items_carry_the_stage_their_sentence_gives():
    pages = [(1, "V. Primer Debate del Proyecto de Ordenanza (IC-ORD-CTF-2024-001)."),
             (2, "VI. Segundo Debate del Proyecto de Ordenanza (IC-ORD-SCC-2024-002)."),
             (3, "El Concejo aprueba la Ordenanza Metropolitana No. 075-2024 mediante RESOLUCIÓN No. CDMQ-022-2024."),
             (4, "Se recibe el informe IC-O-CUS-2024-009 de la comisión.")]  # fmt: skip
    assert [(i.identifier, i.page, i.stage) for i in read_proceedings(pages).items] == [
        ("IC-ORD-CTF-2024-001", 1, "primer_debate"),
        ("IC-ORD-SCC-2024-002", 2, "segundo_debate"),
        ("Ordenanza Metropolitana No. 075-2024", 3, "aprobacion"),
        ("CDMQ-022-2024", 3, "aprobacion"),
        ("IC-O-CUS-2024-009", 4, "mencion"),
    ]


def test_bounded_on_a_pathological_page():
    page = ("1. Ana ✓ A FAVOR\n" * 3000) + ("Ingresa a la sala de sesiones " * 2000) + ("por mayoría " * 3000)
    proceedings = read_proceedings([(1, "NOMBRES A FAVOR EN CONTRA\n" + page)])
    assert len(proceedings.votes[0].entries) <= 400


@pytest.fixture(scope="module")
def replica_actas(tmp_path_factory):
    from replica import build_portal

    portal = build_portal(years=range(2024, 2025), plenary_sessions_per_year=8, defects=False)
    folder = tmp_path_factory.mktemp("replica-actas")
    actas = []
    for document in portal.documents:
        if document.kind == "acta" and not document.scanned:
            path = folder / f"{document.key}.pdf"
            path.write_bytes(portal.resources[document.url].body)
            actas.append((document, path))
    return actas


def test_replica_vote_tables(replica_actas):
    """Each replica vote: every member's row (the mayor's "(Alcalde)" row too), TOTAL rows that add up, the
    counts and result of "Con n votos a favor, ... el Concejo ... aprueba/expide ...", and the resolution."""
    checked = 0
    for document, path in replica_actas:
        votes = extract_document(path, ocr=False, read_tables=False).proceedings.votes
        plenary = document.key.startswith("pleno-")
        for vote in votes:
            assert vote.method == "tabla" and vote.motion and vote.result == "aprobada", (document.key, vote)
            if plenary:
                assert len(vote.entries) == 22 and vote.entries[-1].role == "Alcalde"
                assert vote.totals_match is True
                assert {k: n for k, n in vote.printed_totals.items() if n} == vote.counted_totals
                assert {k: vote.printed_totals[k] for k in vote.stated_counts} == vote.stated_counts
                assert set(vote.identifiers) & set(document.identifiers), (document.key, vote.identifiers)
            else:  # "La Comisión aprueba por mayoría el punto I": the commission the acta's title names
                assert vote.body.startswith("Comisión de ") and vote.result_text.startswith("La Comisión aprueba")
            checked += 1
        if plenary:  # every resolution the acta records is named by the vote that passed it
            assert set(document.identifiers) <= {ident for vote in votes for ident in vote.identifiers}
    assert checked >= 10


def test_replica_quorum_paragraph_is_a_roll_call_count(replica_actas):
    path = next(p for d, p in replica_actas if d.key.startswith("pleno-"))
    proceedings = extract_document(path, ocr=False, read_tables=False).proceedings
    (roll_call,) = proceedings.roll_calls
    assert roll_call.moment == "inicio" and roll_call.entries == []
    present = sum(e.choice != "ausente" for e in proceedings.votes[0].entries) if proceedings.votes else None
    assert roll_call.stated_count == present


def test_a_negated_approval_after_a_table_is_a_rejection():
    for after in ("La moción no fue aprobada.", "En consecuencia, la moción no queda aprobada."):
        (vote,) = read_proceedings(_vote_pages("VOTACIÓN TOTAL 02 01 0 0 01", after)).votes
        assert (vote.result, vote.result_text) == ("rechazada", after), after


@pytest.mark.parametrize(("text", "expected"), [
    ("La moción no fue aprobada por mayoría.", []),
    ("La moción no es aprobada por unanimidad, pues hubo votos en contra.", []),
    ("No se aprueba por unanimidad; se aprueba por mayoría.", [("mayoria", "aprobada")]),
    ("Se sometió a consideración en votación ordinaria. No fue aprobado.", [("ordinaria", "rechazada")]),
])  # fmt: skip
def test_a_negated_approval_in_prose_is_no_approval(text, expected):
    assert [(v.method, v.result) for v in read_proceedings([(1, text)]).votes] == expected


@pytest.mark.parametrize("text", [
    "Las mociones se aprueban por mayoría simple de los presentes.",
    "Las resoluciones se aprueban por mayoría de votos de los concejales presentes.",
    "En caso de empate, el proyecto se entiende rechazado por mayoría.",
    "El concejal dijo: «en la sesión anterior este mismo proyecto fue aprobado por unanimidad y hoy lo vuelven a traer».",
    "El concejal dijo: “el proyecto fue aprobado por unanimidad”, y pidió la palabra.",
    "Recordó que la ordenanza aprobada por unanimidad en 2019 no se cumple.",
    "Según informó el Alcalde, el proyecto fue aprobado por mayoría en la Comisión de Presupuesto el mes pasado.",
    "La prensa señaló que la propuesta quedó aprobada por unanimidad en Guayaquil.",
    "La ordenanza aprobada por mayoría tiene tres artículos.",
    "Como es de conocimiento, la Asamblea Nacional aprobó por unanimidad la Ley Orgánica.",
])  # fmt: skip
def test_rules_quotes_and_reports_of_other_votes_are_no_vote(text):
    assert read_proceedings([(1, text)]).votes == []


@pytest.mark.parametrize(("text", "method", "result", "counts"), [
    ("Fue aprobado.", None, None, None),  # alone it records nothing: see the ordinary vote below
    ("Se sometió a consideración en votación ordinaria. No hubo intervenciones. Fue aprobada.", "ordinaria",
     "aprobada", None),
    ("El acta se aprueba por unanimidad.", "unanimidad", "aprobada", None),
    ("RESOLUCIÓN: APROBADO POR UNANIMIDAD.", "unanimidad", "aprobada", None),
    ("El punto es aprobado por mayoría absoluta.", "mayoria", "aprobada", None),
    ("Sometido a votación, aprobado por unanimidad.", "unanimidad", "aprobada", None),
    ("Los dictámenes 3, 4 y 5 se aprueban por unanimidad.", "unanimidad", "aprobada", None),
    ("Se aprueba por unanimidad el acta de la sesión anterior.", "unanimidad", "aprobada", None),
    ("Se aprueba por unanimidad la Ordenanza No. 075-2024.", "unanimidad", "aprobada", None),
])  # fmt: skip
def test_votes_of_this_session_are_kept(text, method, result, counts):
    votes = read_proceedings([(1, text)]).votes
    assert [(v.method, v.result, v.stated_counts) for v in votes] == ([(method, result, counts)] if method else [])


@pytest.mark.parametrize(("text", "method", "counts"), [
    ("Sometido a votación, se aprobó por unanimidad.", "unanimidad", None),
    ("Sometido a votación, se aprobó con 12 votos a favor.", "conteo", {"a_favor": 12}),
    ("El Concejo aprobó con doce votos a favor la moción.", "conteo", {"a_favor": 12}),
    ("La moción fue aprobada unánimemente.", "unanimidad", None),
    ("Aprobado con un voto a favor.", "conteo", {"a_favor": 1}),
    ("Se aprueba por unanimidad el informe para que sea remitido al Alcalde.", "unanimidad", None),
    ("Se aprueba por unanimidad el informe, que será remitido al Alcalde.", "unanimidad", None),
    ("Se aprueba por mayoría con 12 votos a favor, 2 en contra y 1 abstención.", "mayoria",
     {"a_favor": 12, "en_contra": 2, "abstencion": 1}),
])  # fmt: skip
def test_prose_vote_variants(text, method, counts):
    assert [(v.method, v.result, v.stated_counts) for v in read_proceedings([(1, text)]).votes] == [
        (method, "aprobada", counts)
    ]


def test_a_dictamen_past_the_window_of_an_earlier_keyword_is_read_whole():
    """The second "unanimidad" is within the first one's window, and its dictamen's commission runs past it."""
    text = ("El acta se aprueba por unanimidad. " + "Se da lectura a la correspondencia recibida. " * 3
            + "3.2º)- Dictamen por unanimidad DE LOS MIEMBROS PRESENTES DE LA COMISIÓN DE PARQUES, PLAZAS, "
            "ARBOLADO PÚBLICO Y ESPACIOS VERDES DEL MUNICIPIO Nº 41/2.031, sobre: PLANTAR.")  # fmt: skip
    votes = read_proceedings([(1, text)]).votes
    assert [(v.method, v.body) for v in votes] == [
        ("unanimidad", None),
        ("unanimidad", "COMISIÓN DE PARQUES, PLAZAS, ARBOLADO PÚBLICO Y ESPACIOS VERDES DEL MUNICIPIO"),
    ]


@pytest.mark.parametrize("text", [
    "VOTACIÓN NOMINAL\nNOMBRES SI NO\nAna Pérez ✓ SI\nLuis Mora ✓ NO\nEva Soto ✓ SI",
    "NOMBRES AFIRMATIVO NEGATIVO\nAna Pérez ✓ AFIRMATIVO\nLuis Mora ✓ NEGATIVO\nEva Soto ✓ AFIRMATIVO",
])  # fmt: skip
def test_a_yes_no_tick_table_is_a_vote(text):
    proceedings = read_proceedings([(1, text)])
    assert proceedings.roll_calls == []
    ((vote),) = proceedings.votes
    assert [(e.name, e.choice) for e in vote.entries] == [
        ("Ana Pérez", "a_favor"), ("Luis Mora", "en_contra"), ("Eva Soto", "a_favor")
    ]  # fmt: skip


@pytest.mark.parametrize("text", [
    "NOMBRE DEL PROGRAMA\nEducación ✓\nSalud ✓\nTOTAL 100 200",
    "Se revisaron:\n✓ Informe de tesorería\n✓ Plan de obras\n✓ Presupuesto participativo",
])  # fmt: skip
def test_a_checklist_of_ticks_is_neither_a_vote_nor_a_roll_call(text):
    proceedings = read_proceedings([(1, text)])
    assert (proceedings.votes, proceedings.roll_calls) == ([], [])


@pytest.mark.parametrize("text", [
    "CONCEJAL VOTO\nAna Pérez A favor\nLuis Mora En contra\nEva Soto Abstención",
    "Concejal | Voto\nAna Pérez A FAVOR\nLuis Mora EN CONTRA\nEva Soto ABSTENCIÓN",
    "Concejal Voto\nAna Pérez A favor\nLuis Mora En contra\nEva Soto Abstención",
    "CONCEJAL VOTO\nAna Pérez VOTO A FAVOR\nLuis Mora VOTO EN CONTRA\nEva Soto VOTO ABSTENCIÓN",
])  # fmt: skip
def test_word_vote_tables_in_mixed_case_and_with_voto_before_the_choice(text):
    (vote,) = read_proceedings([(1, text)]).votes
    assert [(e.name, e.choice) for e in vote.entries] == [
        ("Ana Pérez", "a_favor"), ("Luis Mora", "en_contra"), ("Eva Soto", "abstencion")
    ]  # fmt: skip


def test_attendance_list_with_those_absent_and_excused_ends_before_guests_and_agenda():
    text = ("ASISTENTES:\nAna Pérez Ruiz\nSecretaria General\nLuis de la Mora Vega\nNo asistieron:\nEva Soto Lara\n"
            "Excusados: Juan Gil Paz\nInvitados Especiales\nPedro Ríos Mena\nOrden Del Día")  # fmt: skip
    (roll_call,) = read_proceedings([(3, text)]).roll_calls
    assert [(e.name, e.choice) for e in roll_call.entries] == [
        ("Ana Pérez Ruiz", "presente"), ("Luis de la Mora Vega", "presente"), ("Eva Soto Lara", "ausente"),
        ("Juan Gil Paz", "excusado"),
    ]  # fmt: skip
    text = "ASISTENTES:\nAna Pérez Ruiz\nLuis Mora Vega\nOrden Del Día\nLectura Del Acta"
    (roll_call,) = read_proceedings([(3, text)]).roll_calls
    assert [e.name for e in roll_call.entries] == ["Ana Pérez Ruiz", "Luis Mora Vega"]


@pytest.mark.parametrize(("text", "count"), [
    ("El quórum es la mitad más uno de los integrantes presentes: once integrantes presentes.", None),
    ("Para que haya quórum se requieren once integrantes presentes.", None),
    ("Hay quórum: se encuentran presentes veinte integrantes del Concejo.", 20),
])  # fmt: skip
def test_a_quorum_rule_is_no_count(text, count):
    assert [r.stated_count for r in read_proceedings([(1, text)]).roll_calls] == ([count] if count else [])


def test_movements_of_people_who_are_not_members_are_not_logged():
    text = ("Ingresa a la sala de sesiones el público asistente y la prensa, a las 09:00.\n"
            "Ingresa a la sala de sesiones la concejala Ana Gómez y Pérez, a las 10:50. (17 concejales).\n"
            "Sale de la sala de sesiones Luis Mora Vega, a las 11:05.")  # fmt: skip
    assert [(m.direction, m.names) for m in read_proceedings([(1, text)]).movements] == [
        ("entra", ["Ana Gómez y Pérez"]), ("sale", ["Luis Mora Vega"])
    ]  # fmt: skip


@pytest.mark.parametrize(("text", "stage"), [
    ("La Ordenanza No. 12 no fue aprobada por el Concejo.", "mencion"),
    ("Se pide que la Ordenanza No. 12 sea aprobada en la próxima sesión.", "mencion"),
    ("La Ordenanza No. 12 aprobada en 2019 sigue vigente.", "mencion"),
    ("Se aprueba la Ordenanza No. 12.", "aprobacion"),
])  # fmt: skip
def test_an_item_is_approved_only_where_this_session_approves_it(text, stage):
    assert [(i.identifier, i.stage) for i in read_proceedings([(1, text)]).items] == [("Ordenanza No. 12", stage)]


def test_the_heading_before_each_table_is_found_without_rereading_every_earlier_page(monkeypatch):
    """Each page's last agenda heading is read once for all the tables of a document: the cost stays
    linear in the pages however many votes there are (it was votes × pages)."""
    from extract import proceedings
    from extract.proceedings import text

    calls = []
    real = text.last_heading

    def counted(page_text, end=None):
        calls.append(len(page_text))
        return real(page_text, end)

    monkeypatch.setattr(text, "last_heading", counted)
    monkeypatch.setattr(proceedings, "last_heading", counted)
    tables = "\n".join("CONCEJAL VOTO\nAna Pérez A FAVOR\nTOTAL A FAVOR 1\nTexto sin encabezado." for _ in range(20))
    pages = [(1, "3. Proyecto de ordenanza de parques")] + [(n, "Intervino un concejal.\n" * 50) for n in range(2, 62)]
    pages += [(62, tables), (63, tables)]
    votes = read_proceedings(pages).votes
    assert len(votes) == 40 and {v.motion for v in votes} == {"3. Proyecto de ordenanza de parques"}
    assert len(calls) <= len(pages) + 2 * len(votes)
