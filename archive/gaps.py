"""Gaps in what a council published, read from the catalogue: numbers missing from a numbered series of
sessions, and sessions whose agenda is archived but whose minutes never came.

Only reads. A series is one council's sessions of one body (a commission, or the plenary) in one year,
all session types together (Quito and La Rioja number ordinary, extraordinary and special sessions in one
sequence); `by_type=True` splits it by session type for councils that number each type apart. A gap is
only ever looked for between two numbers the archive holds (nothing is guessed before the first or after the last). Sessions without a date or a number
take no part in the number check. A session left empty because every document listed under it was found
by its text to belong to another session (archive.reconcile) is not a session the council held.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from itertools import pairwise

from archive.database import Database, Record

# A longer run of missing numbers is reported as one range, not number by number.
MAX_NUMBERS_LISTED = 20
PLENARY = "pleno"


def find_gaps(db: Database, council_slug: str, *, minutes_after_days: int = 30,
              today: date | str | None = None, by_type: bool = False) -> list[dict]:
    """The council's gaps, numbers first (by series, type, year, number), then missing minutes (by date).

    {"kind": "missing_number", "series", "series_name", "session_type", "year", "number", "message"}: a
    number between two numbers of the same series is missing. {"kind": "missing_range", ..., "first",
    "last"}: more than MAX_NUMBERS_LISTED consecutive numbers are. {"kind": "minutes_missing",
    "session_key", "date", "series", "series_name", "session_type", "message"}: the session's agenda
    (orden_del_dia) is archived and no acta is, more than `minutes_after_days` days after its date.
    `series` is the commission's slug, or "pleno"; messages are in Spanish, for the coverage page.
    """
    council = db.execute("SELECT id FROM councils WHERE slug = ?", (council_slug,)).fetchone()
    if council is None:
        return []
    sessions = db.execute(
        "SELECT s.id, s.key, s.session_type, s.number, s.date, c.slug AS commission_slug, "
        "c.name AS commission_name, "
        "EXISTS (SELECT 1 FROM documents d WHERE d.session_id = s.id AND d.kind = 'orden_del_dia' "
        "AND d.current_sha256 IS NOT NULL) AS has_agenda, "
        "EXISTS (SELECT 1 FROM documents d WHERE d.session_id = s.id AND d.kind = 'acta' "
        "AND d.current_sha256 IS NOT NULL) AS has_minutes "
        "FROM sessions s LEFT JOIN commissions c ON c.id = s.commission_id WHERE s.council_id = ? "
        "AND NOT (NOT EXISTS (SELECT 1 FROM documents d WHERE d.session_id = s.id) "
        "AND EXISTS (SELECT 1 FROM documents d WHERE d.council_id = s.council_id AND d.listed_session_key = s.key)) "
        "ORDER BY s.date, s.id",
        (council[0],),
    ).fetchall()
    return _missing_numbers(sessions, by_type) + _missing_minutes(sessions, minutes_after_days, _as_date(today))


def _missing_numbers(sessions: list[Record], by_type: bool) -> list[dict]:
    series: dict[tuple, set[int]] = defaultdict(set)
    names: dict[tuple, str] = {}
    for row in sessions:
        if row["number"] is None or not row["date"]:
            continue
        key = (row["commission_slug"] or PLENARY, (row["session_type"] or "") if by_type else "", row["date"][:4])
        series[key].add(int(row["number"]))
        names[key] = _series_name(row)
    gaps = []
    for key in sorted(series):
        slug, session_type, year = key
        numbers = sorted(series[key])
        for before, after in pairwise(numbers):
            if after - before <= 1:
                continue
            common = {"series": slug, "series_name": names[key], "session_type": session_type or None,
                      "year": int(year)}
            held = f"el archivo tiene la No. {before} y la No. {after}"
            what = _session_words(session_type)
            if after - before - 1 > MAX_NUMBERS_LISTED:
                gaps.append({"kind": "missing_range", **common, "first": before + 1, "last": after - 1,
                             "message": f"Faltan las {what.replace('sesión', 'sesiones')} No. {before + 1} a "
                                        f"No. {after - 1} de {year} ({names[key]}): {held}"})
                continue
            gaps.extend(
                {"kind": "missing_number", **common, "number": number,
                 "message": f"Falta la {what} No. {number} de {year} ({names[key]}): {held}"}
                for number in range(before + 1, after)
            )
    return gaps


def _missing_minutes(sessions: list[Record], after_days: int, today: date) -> list[dict]:
    gaps = []
    for row in sessions:
        if not (row["has_agenda"] and not row["has_minutes"] and row["date"]):
            continue
        try:
            held = date.fromisoformat(row["date"][:10])
        except ValueError:
            continue
        waited = (today - held).days
        if waited <= after_days:
            continue
        gaps.append({
            "kind": "minutes_missing", "session_key": row["key"], "date": row["date"],
            "series": row["commission_slug"] or PLENARY, "series_name": _series_name(row),
            "session_type": row["session_type"],
            "message": f"La {_session_words(row['session_type'] or '')} del {row['date']} ({_series_name(row)}) "
                       f"tiene su orden del día archivada y ninguna acta {waited} días después",
        })
    return gaps


def _series_name(row: Record) -> str:
    return row["commission_name"] or ("Pleno" if not row["commission_slug"] else row["commission_slug"])


def _session_words(session_type: str) -> str:
    return f"sesión {session_type}" if session_type else "sesión"


def _as_date(today: date | str | None) -> date:
    if today is None:
        return datetime.now(UTC).date()
    if isinstance(today, str):
        return date.fromisoformat(today[:10])
    return today

