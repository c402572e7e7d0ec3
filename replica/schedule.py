"""Plan the replica's calendar: which plenary and commission sessions exist, when, and their numbers.

Only dates, types and numbering are decided here; documents are written elsewhere.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from replica.model import Commission, Session
from replica.people import NEW_PERIOD_START, Period, Person
from replica.spanish import slugify


@dataclass(frozen=True)
class CommissionSpec:
    """A commission as the portal names it, the code used in its report numbers, its topics."""

    name: str
    code: str
    schedule: str
    topics: tuple[str, ...]

    @property
    def slug(self) -> str:
        return slugify(self.name)


COMMISSIONS: tuple[CommissionSpec, ...] = (
    CommissionSpec("Uso de Suelo", "CUS", "Lunes y miércoles, 09:00", (
        "la regularización de los asentamientos humanos de hecho en la parroquia de {parish}",
        "el plan parcial de ordenamiento del sector de {barrio}",
        "la actualización de las normas de edificabilidad en los corredores del Metro",
    )),
    CommissionSpec("Presupuesto, Finanzas y Tributación", "CPF", "Martes, 15:00", (
        "la reforma del presupuesto general del Municipio para el ejercicio {year}",
        "la exoneración del impuesto predial para las personas adultas mayores",
        "la proforma presupuestaria de las empresas públicas metropolitanas",
    )),
    CommissionSpec("Movilidad", "CMO", "Jueves, 10:00", (
        "la reorganización de las rutas de transporte público en {barrio}",
        "la ampliación de la red de ciclovías del hipercentro",
        "las tarifas del sistema integrado de transporte",
    )),
    CommissionSpec("Ambiente", "CAM", "Miércoles, 11:00", (
        "la protección de las quebradas y la reforestación de las laderas del Pichincha",
        "la gestión integral de los residuos sólidos en {parish}",
        "la calidad del aire y el control de emisiones vehiculares",
    )),
    CommissionSpec("Seguridad, Prevención y Gestión de Riesgos", "CSG", "Lunes, 14:00", (
        "el plan de prevención de incendios forestales de la temporada seca",
        "la recuperación de los espacios públicos inseguros de {barrio}",
        "la coordinación del Cuerpo de Bomberos con las juntas parroquiales",
    )),
    CommissionSpec("Educación y Cultura", "CEC", "Martes y jueves, 09:30", (
        "la declaratoria de patrimonio cultural del barrio {barrio}",
        "el programa de bibliotecas barriales y centros culturales",
        "la agenda cultural de las fiestas de fundación de Quito",
    )),
    CommissionSpec("Salud", "CSA", "Viernes, 09:00", (
        "la red de centros de salud municipales de {parish}",
        "el control sanitario de los mercados municipales",
        "la protección y el bienestar de la fauna urbana",
    )),
    CommissionSpec("Desarrollo Económico", "CDE", "Miércoles, 15:00", (
        "el fomento de los emprendimientos de la economía popular y solidaria",
        "la regulación del comercio autónomo en el Centro Histórico",
        "la promoción turística de las parroquias rurales",
    )),
    CommissionSpec("Inclusión Social", "CIS", "Jueves, 15:00", (
        "el sistema metropolitano de cuidado para las personas adultas mayores",
        "la prevención del acoso en el transporte público",
        "la atención a las personas en situación de calle",
    )),
    CommissionSpec("Participación Ciudadana y Gobierno Abierto", "CPC", "Lunes, 11:00", (
        "el reglamento de la silla vacía en las sesiones del Concejo",
        "la rendición de cuentas de las administraciones zonales",
        "las asambleas barriales de {parish}",
    )),
)

# Commissions 0 and 3 (Uso de Suelo, Ambiente) hold one joint session; its report is
# published by both, which is how one document ends up under two URLs.
JOINT_COMMISSIONS = (0, 3)
MAX_DAY_DRAWS = 10_000  # draws for a free session day; a year has ~100 candidates, a plan uses < 20


def _free_weekday(rng: random.Random, year: int, months: range, taken: set[dt.date],
                  weekdays: tuple[int, ...] = (1, 3)) -> dt.date:
    for _ in range(MAX_DAY_DRAWS):
        day = dt.date(year, rng.choice(list(months)), rng.randint(1, 28))
        if day.weekday() in weekdays and day not in taken:
            taken.add(day)
            return day
    raise ValueError(f"no free weekday {weekdays} left in {year}, months {months}: plan fewer sessions a year")


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the Monday after if it falls on a weekend (commissions meet on weekdays)."""
    return day + dt.timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def plan_plenary(rng: random.Random, years: range, per_year: int) -> list[Session]:
    """Plenary sessions of every type, in date order, numbered in one series across types."""
    planned: list[tuple[dt.date, str]] = []
    inaugural_year = NEW_PERIOD_START.year if NEW_PERIOD_START.year in years else years[0]
    for year in years:
        taken: set[dt.date] = set()
        fixed = [(dt.date(year, 12, 6), "solemne")]
        fixed.append((dt.date(year, 5, 24) if year % 2 else dt.date(year, 8, 10), "conmemorativa"))
        if year == inaugural_year:
            fixed.append((dt.date(year, 5, 14), "inaugural"))
        taken.update(day for day, _ in fixed)
        extraordinary = [(_free_weekday(rng, year, range(1, 12), taken, (0, 4)), "extraordinaria")
                         for _ in range(rng.randint(1, 2))]
        remaining = max(per_year - len(fixed) - len(extraordinary), 1)
        ordinary = [(_free_weekday(rng, year, range(1, 13), taken), "ordinaria") for _ in range(remaining)]
        planned.extend([*fixed, *extraordinary, *ordinary])
    planned.sort()
    first_number = rng.randint(95, 130)
    return [
        Session(key=f"pleno-{day.isoformat()}-{kind}", session_type=kind, number=first_number + i, date=day)
        for i, (day, kind) in enumerate(planned)
    ]


@dataclass
class CommissionPlan:
    """Commissions with their sessions, the members as people (by slug), and the joint session's day."""

    commissions: list[Commission]
    people: dict[str, list[Person]]
    joint_day: dt.date


def plan_commissions(rng: random.Random, years: range, period: Period) -> CommissionPlan:
    """Commissions with members from `period`, each with 2–4 sessions within the years."""
    start = max(dt.date(years[0], 1, 1), period.start + dt.timedelta(days=20))
    if start.year > years[-1]:
        start = dt.date(years[0], 1, 1)
    end = dt.date(years[-1], 12, 20)
    span = (end - start).days
    commissions = []
    people_by_slug: dict[str, list[Person]] = {}
    for spec in COMMISSIONS:
        people = rng.sample(period.councillors, rng.randint(3, 5))
        people_by_slug[spec.slug] = people
        roles = [people[0].role("Presidente", "Presidenta"), people[1].role("Vicepresidente", "Vicepresidenta")]
        roles += ["Miembro"] * (len(people) - 2)
        members = [f"{p.councillor_title} — {role}" for p, role in zip(people, roles, strict=True)]
        days = sorted({_weekday(start + dt.timedelta(days=rng.randrange(span)))
                       for _ in range(rng.randint(2, 4))})
        number = rng.randint(3, 25)
        sessions = []
        for i, day in enumerate(days):
            kind = "extraordinaria" if rng.random() < 0.2 else "ordinaria"
            sessions.append(Session(f"{spec.slug}-{day.isoformat()}", kind, number + i, day, spec.slug))
        commissions.append(Commission(spec.slug, f"Comisión de {spec.name}", members, spec.schedule, sessions))
    joint_day = _add_joint_session(rng, commissions, start, span)
    return CommissionPlan(commissions, people_by_slug, joint_day)


def _add_joint_session(rng: random.Random, commissions: list[Commission], start: dt.date,
                       span: int) -> dt.date:
    first, second = (commissions[i] for i in JOINT_COMMISSIONS)
    used = {s.date for s in first.sessions} | {s.date for s in second.sessions}
    day = _weekday(start + dt.timedelta(days=rng.randrange(span)))
    while day in used:
        day = _weekday(day + dt.timedelta(days=1))
    for commission in (first, second):
        sessions = commission.sessions
        sessions.append(Session(f"{commission.slug}-{day.isoformat()}", "ordinaria", 0, day, commission.slug))
        sessions.sort(key=lambda s: s.date)
        base = min(s.number for s in sessions if s.number) if any(s.number for s in sessions) else 1
        for i, session in enumerate(sessions):
            session.number = base + i
    return day


def commission_spec(slug: str) -> CommissionSpec:
    """The spec behind a commission slug."""
    return next(spec for spec in COMMISSIONS if spec.slug == slug)
