"""Write the content of every replica document as a stream of layout blocks.

Plenary órdenes del día and actas, commission convocatorias, actas and informes. Each writer
returns a `Draft` (title, running header, blocks, identifiers); pagination and rendering happen
elsewhere. All wording is invented (see replica.wording) and driven by the given random generator.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from replica.layout import Block, Heading, PageBreak, Paragraph, Table, paginate
from replica.model import Session
from replica.people import Period, Person
from replica.schedule import CommissionSpec
from replica.spanish import MONTHS, date_in_words, date_long, number_in_words, roman
from replica.wording import (
    BARRIOS,
    MAYOR_PROMPTS,
    ORDINANCE_TOPICS,
    PARISHES,
    PLANTED_SENTENCE,
    RESOLUTION_TOPICS,
    SPEECH_SENTENCES,
)

COUNCIL = "CONCEJO METROPOLITANO DE QUITO"
RUNNING_HEADER = "Concejo Metropolitano de Quito · Secretaría General del Concejo"
VOTE_WIDTHS = (0.72, 0.28)


@dataclass
class Draft:
    """A document before pagination."""

    title: str
    header: str
    blocks: list[Block]
    identifiers: list[str] = field(default_factory=list)


@dataclass
class AgendaPoint:
    """One point of an agenda; `vote` says whether the acta records a vote on it."""

    title: str
    vote: str | None = None  # None, "resolucion", "ordenanza", "primer_debate"
    topic: str = ""
    speeches: bool = False  # ceremonial points (anthems, installation) take no debate

    @property
    def debated(self) -> bool:
        return self.speeches or self.vote is not None


@dataclass
class Numbering:
    """Per-year counters for resolutions, ordinances and commission reports."""

    resolutions: dict[int, int] = field(default_factory=dict)
    ordinances: dict[int, int] = field(default_factory=dict)
    reports: dict[tuple[str, int], int] = field(default_factory=dict)

    def next_resolution(self, year: int) -> str:
        self.resolutions[year] = self.resolutions.get(year, 0) + 1
        return f"CDMQ-{self.resolutions[year]:03d}-{year}"

    def next_ordinance(self, year: int) -> str:
        self.ordinances[year] = self.ordinances.get(year, 40) + 1
        return f"{self.ordinances[year]:03d}-{year}"

    def next_report(self, code: str, year: int) -> str:
        self.reports[(code, year)] = self.reports.get((code, year), 0) + 1
        return f"IC-{code}-{year}-{self.reports[(code, year)]:03d}"


def _fill(rng: random.Random, template: str, day: dt.date) -> str:
    return template.format(barrio=rng.choice(BARRIOS), parish=rng.choice(PARISHES), year=day.year,
                           previous_year=day.year - 1)


def session_label(session: Session) -> str:
    """'Sesión Ordinaria No. 120'."""
    return f"Sesión {session.session_type.capitalize()} No. {session.number:03d}"


def session_label_upper(session: Session) -> str:
    """'SESIÓN ORDINARIA No. 120' (the abbreviation keeps its case, as in real headings)."""
    return f"SESIÓN {session.session_type.upper()} No. {session.number:03d}"


# --- plenary agendas -------------------------------------------------------------------------


def plenary_agenda(rng: random.Random, session: Session, previous: Session | None,
                   period: Period) -> list[AgendaPoint]:
    """The points of a plenary session, by session type."""
    kind, day = session.session_type, session.date
    speaker = rng.choice(period.councillors)
    if kind == "solemne":
        return [
            AgendaPoint("Himno Nacional de la República del Ecuador."),
            AgendaPoint("Instalación de la sesión solemne por la fundación de San Francisco de Quito."),
            AgendaPoint(f"Discurso de orden a cargo de la {speaker.councillor_title}."
                        if speaker.female else f"Discurso de orden a cargo del {speaker.councillor_title}.",
                        speeches=True),
            AgendaPoint("Entrega de condecoraciones y reconocimientos a ciudadanas y ciudadanos ilustres.",
                        vote="resolucion", topic="la entrega de las condecoraciones de la ciudad"),
            AgendaPoint("Intervención del Alcalde Metropolitano.", speeches=True),
            AgendaPoint("Himno a San Francisco de Quito y clausura de la sesión."),
        ]
    if kind == "conmemorativa":
        event = "la Batalla de Pichincha" if day.month == 5 else "el Primer Grito de la Independencia"
        return [
            AgendaPoint("Verificación del cuórum e instalación de la sesión."),
            AgendaPoint("Himno Nacional de la República del Ecuador."),
            AgendaPoint(f"Discurso de orden en conmemoración de {event}, a cargo de la "
                        f"{speaker.councillor_title}." if speaker.female else
                        f"Discurso de orden en conmemoración de {event}, a cargo del {speaker.councillor_title}.",
                        speeches=True),
            AgendaPoint("Intervención del Alcalde Metropolitano.", speeches=True),
            AgendaPoint("Himno a San Francisco de Quito y clausura de la sesión."),
        ]
    if kind == "inaugural":
        return [
            AgendaPoint("Verificación del cuórum e instalación de la sesión inaugural."),
            AgendaPoint("Posesión de las concejalas y los concejales electos para el período 2023-2027.",
                        speeches=True),
            AgendaPoint("Elección de la Vicealcaldesa o del Vicealcalde del Distrito Metropolitano.",
                        vote="resolucion", topic="la elección de la Vicealcaldía del Distrito Metropolitano"),
            AgendaPoint("Conformación de las comisiones permanentes del Concejo Metropolitano.",
                        vote="resolucion", topic="la conformación de las comisiones permanentes"),
        ]
    points = []
    if kind == "ordinaria" and previous is not None:
        points.append(AgendaPoint(f"Aprobación del acta de la {session_label(previous)}, de "
                                  f"{previous.date.day} de {_month(previous.date)} de {previous.date.year}.",
                                  vote="resolucion", topic=f"el acta de la {session_label(previous)}"))
    count = rng.randint(2, 3) if kind == "ordinaria" else rng.randint(1, 2)
    for _ in range(count):
        roll = rng.random()
        if roll < 0.35:
            topic = _fill(rng, rng.choice(ORDINANCE_TOPICS), day)
            points.append(AgendaPoint(f"Primer debate del proyecto de Ordenanza Metropolitana {topic}.",
                                      vote="primer_debate", topic=topic))
        elif roll < 0.7:
            topic = _fill(rng, rng.choice(ORDINANCE_TOPICS), day)
            points.append(AgendaPoint(f"Segundo debate del proyecto de Ordenanza Metropolitana {topic}.",
                                      vote="ordenanza", topic=topic))
        else:
            topic = _fill(rng, rng.choice(RESOLUTION_TOPICS), day)
            points.append(AgendaPoint(f"Conocimiento y resolución sobre {topic}.", vote="resolucion", topic=topic))
    return points


def _month(day: dt.date) -> str:
    return MONTHS[day.month - 1]


def _article(person: Person) -> str:
    return "la" if person.female else "el"


def _secretary_title(period: Period) -> str:
    return period.secretary.role("SEÑOR SECRETARIO GENERAL", "SEÑORA SECRETARIA GENERAL")


def _mayor_title(period: Period) -> str:
    return period.mayor.role("SEÑOR ALCALDE", "SEÑORA ALCALDESA")


def _speech(rng: random.Random, day: dt.date, sentences: int) -> str:
    chosen = rng.sample(SPEECH_SENTENCES, sentences)
    return " ".join(_fill(rng, s, day) for s in chosen)


def planted_speech(rng: random.Random) -> str:
    """The one sentence carrying the planted phrase."""
    amount = f"{rng.randint(3, 48) * 25_000:,}".replace(",", ".")
    return PLANTED_SENTENCE.format(parish=rng.choice(PARISHES), amount=amount)


# --- plenary documents -------------------------------------------------------------------------


def orden_del_dia(rng: random.Random, session: Session, agenda: list[AgendaPoint], period: Period) -> Draft:
    """The ORDEN DEL DÍA (convocation with the numbered agenda), 1–2 pages."""
    hour = "10h00" if session.session_type == "ordinaria" else rng.choice(("09h30", "11h00", "16h00"))
    blocks: list[Block] = [
        Heading(COUNCIL, 14),
        Heading("SECRETARÍA GENERAL DEL CONCEJO", 10),
        Heading(f"ORDEN DEL DÍA — {session_label_upper(session)}", 12),
        Paragraph(
            f"Por disposición {'de la señora Alcaldesa' if period.mayor.female else 'del señor Alcalde'} "
            f"Metropolitano, {period.mayor.name}, y de conformidad con el Código Orgánico de Organización "
            f"Territorial, Autonomía y Descentralización, se convoca a las señoras y señores concejales a la "
            f"{session_label(session)}, que se realizará el {date_long(session.date)}, a las {hour}, en la "
            "Sala de Sesiones del Concejo Metropolitano, para tratar el siguiente orden del día:"
        ),
    ]
    blocks += [Paragraph(f"{roman(i)}. {point.title}") for i, point in enumerate(agenda, start=1)]
    if any(point.vote for point in agenda):
        blocks.append(Paragraph("Documentación habilitante: los informes de las comisiones, los criterios "
                                "de la Procuraduría Metropolitana y los textos de los proyectos se encuentran "
                                "a disposición de las señoras y señores concejales en la Secretaría General."))
    blocks += [
        Paragraph("Atentamente,"),
        Heading(period.secretary.name, 10.5),
        Heading(f"{period.secretary.role('Secretario General', 'Secretaria General')} del Concejo "
                "Metropolitano de Quito", 9),
    ]
    voted = [(i, p) for i, p in enumerate(agenda, start=1) if p.topic]
    if voted and rng.random() < 0.4:
        # Some agendas carry an annex page summarising the reports behind each point.
        blocks += [PageBreak(), Heading("ANEXO: RESUMEN DE LOS EXPEDIENTES", 11)]
        for i, point in voted:
            blocks.append(Paragraph(f"Punto {roman(i)}: expediente sobre {point.topic}. "
                                    f"{_speech(rng, session.date, 2)}"))
    return Draft(f"Orden del Día de la {session_label(session)}", RUNNING_HEADER, blocks)


def _vote_table(rng: random.Random, period: Period, absent: set[str]) -> tuple[Table, dict[str, int]]:
    totals = {"A FAVOR": 0, "EN CONTRA": 0, "ABSTENCIÓN": 0, "AUSENTE": 0}
    rows = []
    for person in (*period.councillors, period.mayor):
        if person.name in absent:
            vote = "AUSENTE"
        else:
            roll = rng.random()
            vote = "EN CONTRA" if roll < 0.1 else "ABSTENCIÓN" if roll < 0.17 else "A FAVOR"
        totals[vote] += 1
        label = f"{person.name} (Alcalde)" if person is period.mayor else person.name
        rows.append((label, vote))
    rows += [(f"TOTAL {vote}", str(n)) for vote, n in totals.items()]
    return Table(("CONCEJAL / CONCEJALA", "VOTO"), tuple(rows), VOTE_WIDTHS), totals


def _intervention(rng: random.Random, speaker: Person, day: dt.date, planted: bool = False) -> Paragraph:
    text = _speech(rng, day, rng.randint(2, 4))
    if planted:
        text = f"{text} {planted_speech(rng)}"
    return Paragraph(f"{speaker.councillor_title}: {text}")


def acta(rng: random.Random, session: Session, agenda: list[AgendaPoint], period: Period,
         numbering: Numbering, target_pages: int, plant: bool) -> Draft:
    """The ACTA of a plenary session: heading, quorum, agenda, debates, vote tables, closing."""
    day, label = session.date, session_label(session)
    absent = {p.name for p in rng.sample(period.councillors, rng.randint(0, 4))}
    present = len(period.councillors) + 1 - len(absent)
    secretary, mayor = _secretary_title(period), _mayor_title(period)
    head: list[Block] = [
        Heading(COUNCIL, 14),
        Heading(f"ACTA DE LA {session_label_upper(session)}", 12),
        Heading(f"Quito, {date_in_words(day)}", 10.5),
        Paragraph(
            f"En la Sala de Sesiones del Concejo Metropolitano de Quito, a las "
            f"{number_in_words(rng.choice((9, 10, 11, 15)))} horas del {date_in_words(day)}, se instala la "
            f"sesión {session.session_type} No. {session.number:03d} del Concejo Metropolitano de Quito, presidida por "
            f"{_article(period.mayor)} {period.mayor.role('Alcalde Metropolitano', 'Alcaldesa Metropolitana')} "
            f"{period.mayor.name}. Actúa como {period.secretary.role('Secretario', 'Secretaria')} "
            f"{period.secretary.name}."
        ),
        Paragraph(
            f"{secretary}: {mayor.title()}, se encuentran presentes {number_in_words(present)} integrantes "
            "del Pleno del Concejo Metropolitano; existe el cuórum reglamentario para instalar la sesión."
        ),
        Heading("ORDEN DEL DÍA", 11),
        *(Paragraph(f"{roman(i)}. {p.title}") for i, p in enumerate(agenda, start=1)),
    ]
    speakers = [p for p in period.councillors if p.name not in absent]
    point_blocks: list[list[Block]] = []
    identifiers: list[str] = []
    for i, point in enumerate(agenda, start=1):
        blocks: list[Block] = [Heading(f"{roman(i)}. {point.title}", 10.5, centered=False)]
        if point.vote in ("ordenanza", "primer_debate", "resolucion") and point.topic:
            blocks.append(Paragraph(f"{secretary}: Con su autorización, {mayor.lower()}, "
                                    f"se da lectura al punto relativo a {point.topic}."))
            blocks.append(_intervention(rng, rng.choice(speakers), day))
        if point.vote is not None:
            table, totals = _vote_table(rng, period, absent)
            addressee = period.secretary.role("Señor Secretario", "Señora Secretaria")
            blocks.append(Paragraph(f"{mayor}: {addressee}, proceda a tomar votación."))
            blocks.append(table)
            blocks.append(_outcome(point, totals, day, numbering, identifiers))
        point_blocks.append(blocks)
    closing: list[Block] = [
        Paragraph(f"{mayor}: Agotado el orden del día, y siendo las "
                  f"{number_in_words(rng.choice((12, 13, 14, 18)))} horas con "
                  f"{number_in_words(rng.randint(5, 55))} minutos, se clausura la sesión {session.session_type} No. {session.number:03d}."),
        Paragraph("Para constancia firman:"),
        Heading(f"{period.mayor.name} — {period.mayor.role('ALCALDE METROPOLITANO', 'ALCALDESA METROPOLITANA')}",
                10),
        Heading(f"{period.secretary.name} — "
                f"{period.secretary.role('SECRETARIO', 'SECRETARIA')} GENERAL DEL CONCEJO", 10),
    ]
    debated = [blocks for point, blocks in zip(agenda, point_blocks, strict=True) if point.debated]
    debated = debated or point_blocks
    _grow_to(rng, target_pages, head, point_blocks, debated, closing, speakers, day, mayor)
    if plant:
        debated[-1].insert(1, _intervention(rng, rng.choice(speakers), day, planted=True))
    blocks = [*head, *(b for pb in point_blocks for b in pb), *closing]
    return Draft(f"Acta de la {label}", RUNNING_HEADER, blocks, identifiers)


def _outcome(point: AgendaPoint, totals: dict[str, int], day: dt.date, numbering: Numbering,
             identifiers: list[str]) -> Paragraph:
    votes = (f"Con {number_in_words(totals['A FAVOR'])} votos a favor, {number_in_words(totals['EN CONTRA'])} "
             f"en contra y {number_in_words(totals['ABSTENCIÓN'])} abstenciones")
    resolution = numbering.next_resolution(day.year)
    identifiers.append(resolution)
    if point.vote == "ordenanza":
        ordinance = numbering.next_ordinance(day.year)
        return Paragraph(f"{votes}, el Concejo Metropolitano aprueba en segundo debate la Ordenanza "
                         f"Metropolitana No. {ordinance} {point.topic}, mediante RESOLUCIÓN No. {resolution}.")
    if point.vote == "primer_debate":
        return Paragraph(f"{votes}, el Concejo Metropolitano da por conocido en primer debate el proyecto y "
                         f"dispone a la comisión incorporar las observaciones (RESOLUCIÓN No. {resolution}).")
    return Paragraph(f"{votes}, el Concejo Metropolitano expide la RESOLUCIÓN No. {resolution} sobre "
                     f"{point.topic or 'el punto tratado'}.")


def _grow_to(rng: random.Random, target_pages: int, head: list[Block], point_blocks: list[list[Block]],
             debated: list[list[Block]], closing: list[Block], speakers: list[Person], day: dt.date,
             mayor: str) -> None:
    """Add debate interventions round-robin until the acta fills `target_pages` pages."""
    turn = 0
    while len(paginate([*head, *(b for pb in point_blocks for b in pb), *closing])) < target_pages:
        blocks = debated[turn % len(debated)]
        speaker = rng.choice(speakers)
        prompt = rng.choice(MAYOR_PROMPTS).format(next_speaker=f"{_article(speaker)} {speaker.councillor_title}")
        blocks.insert(1, Paragraph(f"{mayor}: {prompt}"))
        blocks.insert(2, _intervention(rng, speaker, day))
        turn += 1
        if turn > 60:
            break


# --- commission documents ------------------------------------------------------------------------


def commission_agenda(rng: random.Random, session: Session, spec: CommissionSpec) -> list[AgendaPoint]:
    """Points of a commission session: approval of minutes plus one or two topics of the commission."""
    points = [AgendaPoint(f"Aprobación del acta de la sesión No. {session.number - 1:03d} de la comisión.")]
    for template in rng.sample(spec.topics, rng.randint(1, 2)):
        topic = _fill(rng, template, session.date)
        points.append(AgendaPoint(f"Conocimiento y emisión de dictamen sobre {topic}.", "resolucion", topic))
    return points


def commission_label(session: Session, spec: CommissionSpec) -> str:
    return f"{session_label(session)} de la Comisión de {spec.name}"


def convocatoria(session: Session, spec: CommissionSpec, agenda: list[AgendaPoint],
                 chair: Person, secretary: Person) -> Draft:
    """A commission CONVOCATORIA (one page)."""
    label = commission_label(session, spec)
    blocks: list[Block] = [
        Heading(COUNCIL, 14),
        Heading(f"COMISIÓN DE {spec.name.upper()}", 11),
        Heading(f"CONVOCATORIA — {session_label_upper(session)}", 12),
        Paragraph(f"Por disposición de {_article(chair)} {chair.role('Presidente', 'Presidenta')} de la "
                  f"Comisión, {chair.councillor_title}, se convoca a sus integrantes a la {label}, que se "
                  f"realizará el {date_long(session.date)}, a las {spec.schedule.split(', ')[-1]}, en la Sala "
                  "de Comisiones del Palacio Municipal, con el siguiente orden del día:"),
        *(Paragraph(f"{roman(i)}. {p.title}") for i, p in enumerate(agenda, start=1)),
        Paragraph("Atentamente,"),
        Heading(secretary.name, 10.5),
        Heading(f"{secretary.role('Secretario', 'Secretaria')} de la Comisión", 9),
    ]
    return Draft(f"Convocatoria a la {label}", RUNNING_HEADER, blocks)


def commission_acta(rng: random.Random, session: Session, spec: CommissionSpec, agenda: list[AgendaPoint],
                    members: list[Person], secretary: Person, numbering: Numbering, plant: bool) -> Draft:
    """A commission ACTA (2–3 pages) with members' votes on each dictamen."""
    label = commission_label(session, spec)
    chair = members[0]
    chair_title = f"{chair.role('PRESIDENTE', 'PRESIDENTA')} DE LA COMISIÓN"
    blocks: list[Block] = [
        Heading(COUNCIL, 14),
        Heading(f"COMISIÓN DE {spec.name.upper()}", 11),
        Heading(f"ACTA DE LA {session_label_upper(session)}", 12),
        Heading(f"Quito, {date_in_words(session.date)}", 10.5),
        Paragraph(f"Siendo las {number_in_words(rng.choice((9, 10, 11, 15)))} horas, en la Sala de Comisiones, "
                  f"se instala la {label}, con la asistencia de: "
                  + ", ".join(m.councillor_title for m in members)
                  + f". Actúa como {secretary.role('secretario', 'secretaria')} {secretary.name}."),
        Paragraph(f"{secretary.role('SECRETARIO', 'SECRETARIA')}: Existe el cuórum reglamentario "
                  f"con {number_in_words(len(members))} integrantes presentes."),
    ]
    identifiers: list[str] = []
    for i, point in enumerate(agenda, start=1):
        blocks.append(Heading(f"{roman(i)}. {point.title}", 10.5, centered=False))
        for speaker in rng.sample(members, min(len(members), rng.randint(2, 3))):
            blocks.append(_intervention(rng, speaker, session.date))
        if plant and i == len(agenda):
            blocks.append(_intervention(rng, members[-1], session.date, planted=True))
        rows = tuple((m.name, "A FAVOR" if rng.random() > 0.15 else "ABSTENCIÓN") for m in members)
        blocks.append(Table(("INTEGRANTE", "VOTO"), rows, VOTE_WIDTHS))
        blocks.append(Paragraph(f"La Comisión aprueba por mayoría el punto {roman(i)} del orden del día."))
    blocks += [
        Paragraph(f"{chair_title}: Agotado el orden del día, se clausura la sesión."),
        Heading(f"{chair.name} — {chair_title}", 10),
        Heading(f"{secretary.name} — {secretary.role('SECRETARIO', 'SECRETARIA')} DE LA COMISIÓN", 10),
    ]
    return Draft(f"Acta de la {label}", RUNNING_HEADER, blocks, identifiers)


def informe(rng: random.Random, session: Session, spec: CommissionSpec, agenda: list[AgendaPoint],
            members: list[Person], numbering: Numbering, plant: bool, joint_with: str | None = None) -> Draft:
    """A commission INFORME (report with dictamen), 1–2 pages, numbered IC-<code>-<year>-<n>."""
    number = numbering.next_report(spec.code, session.date.year)
    topic = next((p.topic for p in agenda if p.topic), "el proyecto remitido por el Pleno")
    who = f"las Comisiones de {spec.name} y de {joint_with}" if joint_with else f"la Comisión de {spec.name}"
    analysis = _speech(rng, session.date, 3)
    if plant:
        analysis = f"{analysis} {planted_speech(rng)}"
    blocks: list[Block] = [
        Heading(COUNCIL, 14),
        Heading(f"INFORME No. {number}", 12),
        Paragraph(f"Para: Concejo Metropolitano de Quito. De: {who}. Fecha: {date_long(session.date)}."),
        Heading("1. OBJETO", 10.5, centered=False),
        Paragraph(f"El presente informe tiene por objeto poner en conocimiento del Pleno el dictamen de {who} "
                  f"sobre {topic}, tratado en la {session_label(session)}."),
        Heading("2. ANTECEDENTES", 10.5, centered=False),
        Paragraph(_speech(rng, session.date, 3)),
        Heading("3. ANÁLISIS Y RAZONAMIENTO", 10.5, centered=False),
        Paragraph(analysis),
        Heading("4. DICTAMEN", 10.5, centered=False),
        Paragraph(f"Con fundamento en lo expuesto, {who} emite DICTAMEN FAVORABLE para que el Concejo "
                  f"Metropolitano conozca y resuelva sobre {topic}."),
        Table(("INTEGRANTE", "VOTO"), tuple((m.name, "A FAVOR") for m in members), VOTE_WIDTHS),
        Heading(f"{members[0].name} — {members[0].role('PRESIDENTE', 'PRESIDENTA')} DE LA COMISIÓN", 10),
    ]
    return Draft(f"Informe No. {number} de la Comisión de {spec.name}", RUNNING_HEADER, blocks, [number])
