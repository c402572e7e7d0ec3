"""Invented people for the replica: councillors of each council period, mayor and secretaries.

All names are made up by combining common Ecuadorian first names and surnames with a seeded
random generator; they must never be taken from real documents.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

_WOMEN = (
    "Ana", "María José", "Gabriela", "Verónica", "Lucía", "Daniela", "Paola", "Carolina", "Mónica",
    "Andrea", "Sofía", "Fernanda", "Rocío", "Elena", "Patricia", "Jimena", "Valeria", "Isabel",
)
_MEN = (
    "Andrés", "Carlos", "Diego", "Esteban", "Fabián", "Jorge", "Luis", "Marco", "Pablo", "Raúl",
    "Santiago", "Tomás", "Iván", "Héctor", "Julián", "Mauricio", "Xavier", "René",
)
_SURNAMES = (
    "Torres", "Andrade", "Benítez", "Cevallos", "Chiriboga", "Espinosa", "Guerrero", "Jaramillo",
    "Larrea", "Mejía", "Montalvo", "Naranjo", "Ordóñez", "Paredes", "Quishpe", "Romero", "Salazar",
    "Tapia", "Urresta", "Vásconez", "Villacís", "Yépez", "Zambrano", "Almeida", "Bustamante", "Cárdenas",
    "Dávila", "Egas", "Flores", "Gallegos", "Herrera", "Ibarra", "León", "Maldonado", "Núñez", "Pozo",
)

COUNCIL_SIZE = 21
# A new council takes office mid-May of this year (the inaugural session opens the period).
NEW_PERIOD_START = dt.date(2023, 5, 14)


@dataclass(frozen=True)
class Person:
    """An invented person; `female` picks Concejala/Concejal, Presidenta/Presidente."""

    name: str
    female: bool

    @property
    def councillor_title(self) -> str:
        return f"{'Concejala' if self.female else 'Concejal'} {self.name}"

    def role(self, masculine: str, feminine: str) -> str:
        return feminine if self.female else masculine


@dataclass(frozen=True)
class Period:
    """One council period: who sits, who presides, who keeps the minutes."""

    start: dt.date
    councillors: tuple[Person, ...]
    mayor: Person
    secretary: Person


def _invent(rng: random.Random, taken: set[str]) -> Person:
    while True:
        female = rng.random() < 0.5
        first = rng.choice(_WOMEN if female else _MEN)
        name = f"{first} {rng.choice(_SURNAMES)} {rng.choice(_SURNAMES)}"
        if name not in taken and name.split()[-1] != name.split()[-2]:
            taken.add(name)
            return Person(name, female)


def invent_periods(rng: random.Random, first_year: int) -> list[Period]:
    """Two council periods (before and after NEW_PERIOD_START); some councillors are re-elected."""
    taken: set[str] = set()
    first = tuple(_invent(rng, taken) for _ in range(COUNCIL_SIZE))
    reelected = rng.sample(first, 6)
    second = tuple(sorted([*reelected, *(_invent(rng, taken) for _ in range(COUNCIL_SIZE - 6))],
                          key=lambda p: p.name.split()[-2:]))
    first = tuple(sorted(first, key=lambda p: p.name.split()[-2:]))
    return [
        Period(dt.date(min(first_year, 2019), 5, 14), first, _invent(rng, taken), _invent(rng, taken)),
        Period(NEW_PERIOD_START, second, _invent(rng, taken), _invent(rng, taken)),
    ]


def period_on(periods: list[Period], day: dt.date) -> Period:
    """The council period in office on `day`."""
    current = periods[0]
    for period in periods:
        if period.start <= day:
            current = period
    return current
