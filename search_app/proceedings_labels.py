"""Spanish words for what the minutes record (extract/proceedings/model.py): a member's choice in a roll
call or a vote, a vote's result and method, a roll call's moment, an item's stage. The catalogue and the API
keep the values; only the pages say them in words. A value this module does not know is shown as stored.
"""

from __future__ import annotations

CHOICES = {
    "presente": "Presente", "ausente": "Ausente", "excusado": "Excusado",
    "a_favor": "A favor", "en_contra": "En contra", "abstencion": "Abstención", "blanco": "En blanco",
    "otro": "Otro",
}
# The order choices are listed in (totals tables, counts): votes first, then attendance.
CHOICE_ORDER = ("a_favor", "en_contra", "abstencion", "blanco", "ausente", "excusado", "presente", "otro")
RESULTS = {"aprobada": "Aprobada", "rechazada": "Rechazada"}
NO_RESULT = "Sin resultado en el acta"
MOMENTS = {
    "inicio": "Al iniciar", "reinstalacion": "Al reinstalar", "finalizacion": "Al finalizar",
    "asistentes": "Asistentes", "otro": "Otro momento",
}
METHODS = {
    "tabla": "Votación nominal", "unanimidad": "Por unanimidad", "mayoria": "Por mayoría",
    "ordinaria": "Votación ordinaria", "conteo": "Con conteo de votos",
}
STAGES = {
    "primer_debate": "Primer debate", "segundo_debate": "Segundo debate", "aprobacion": "Aprobación",
    "mencion": "Mencionado",
}

# Why reconciliation kept two printed names apart (archive/people.py's review codes), said to a citizen.
REVIEW_REASONS = {
    "near_miss": "los nombres difieren en una letra",
    "several_matches": "el nombre, así escrito, podría ser de varias personas",
    "fits_an_alias": "una forma más corta del nombre también coincide con esta persona",
    "given_name_left_out": "al nombre le falta el primer nombre de pila de la otra persona",
}


def choice_label(value: str | None) -> str:
    return CHOICES.get(value, value) if value else "—"


def result_label(value: str | None) -> str:
    return RESULTS.get(value, value) if value else NO_RESULT


def moment_label(value: str | None) -> str:
    return MOMENTS.get(value, value) if value else "—"


def method_label(value: str | None) -> str:
    return METHODS.get(value, value) if value else "—"


def stage_label(value: str | None) -> str:
    return STAGES.get(value, value) if value else "—"


def review_reason(review: dict) -> str:
    """Why a possible match was kept apart, in Spanish; the reason as recorded for a code not known here."""
    return REVIEW_REASONS.get(review.get("code") or "", review.get("reason") or "")


def ordered_choices(*counts: dict[str, int] | None) -> list[str]:
    """The choices any of these counts name, in CHOICE_ORDER (unknown ones last, as stored)."""
    named = {choice for count in counts if count for choice in count}
    return [c for c in CHOICE_ORDER if c in named] + sorted(named - set(CHOICE_ORDER))


def attendance_in_words(present: int, recorded: int) -> str:
    """'Presente en 12 de 14 sesiones con registro' (or that no session recorded them)."""
    if not recorded:
        return "Sin registro de asistencia"
    noun = "sesión" if recorded == 1 else "sesiones"
    return f"Presente en {present} de {recorded} {noun} con registro"


def register(app) -> None:
    """The labels as Jinja filters: {{ v.result | resultado }}, {{ e.choice | eleccion }}."""
    app.jinja_env.filters.update(eleccion=choice_label, resultado=result_label, momento=moment_label,
                                 metodo=method_label, etapa=stage_label,
                                 motivo_revision=review_reason)
    app.jinja_env.globals.update(asistencia_en_palabras=attendance_in_words, choices_of=ordered_choices)
