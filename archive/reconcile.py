"""Session identity from a document's own text, when the portal's listing says otherwise.

Directory listings name files inconsistently (no year, a wrong year, a wrong number), so the session a
file was listed under can be wrong; the minutes and the agenda state the session they belong to. This
module moves such a document to the session its text names, found or created under the same council and
body (commission or plenary), and keeps what the listing said in `documents.listed_session_key`. It never
deletes a session, never moves a document of no single session, and never moves a document whose kind does
not state its own session (a convocatoria is dated before its session).
"""

from __future__ import annotations

import re

from archive.database import Database, Record

SESSION_RECORD_KINDS = ("acta", "orden_del_dia")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def reconcile_session(db: Database, document_id: int, metadata: dict, *, now: str) -> bool:
    """Attach the document to the session its text names when that disagrees with its listed session.

    `metadata` is extraction's (extract.model.Metadata.to_dict(): `date`, `session_type`, `session_number`,
    `document_type`). The text and the listing disagree when both state a date, a session type or a
    number and they differ, or when the listed session has no date and the text has one. The document then
    moves to the session with the text's date and type (and number, the listed one when the text has
    none), created if the council has none such. When they agree, a number only the text states is given
    to the listed session. Returns True when the document moved; raises LookupError for an unknown id.
    """
    doc = db.execute(
        "SELECT d.id, d.council_id, d.kind, d.session_id, s.key AS session_key, s.session_type, s.number, "
        "s.date, s.commission_id, c.slug AS commission_slug FROM documents d "
        "LEFT JOIN sessions s ON s.id = d.session_id LEFT JOIN commissions c ON c.id = s.commission_id "
        "WHERE d.id = ?",
        (document_id,),
    ).fetchone()
    if doc is None:
        raise LookupError(f"document {document_id} is not in the catalogue")
    kind = metadata.get("document_type") or doc["kind"]
    if doc["session_id"] is None or kind not in SESSION_RECORD_KINDS:
        return False
    text = _stated(metadata)
    listed = {"date": doc["date"], "session_type": doc["session_type"], "number": doc["number"]}
    differs = any(text[f] is not None and listed[f] is not None and text[f] != listed[f] for f in text)
    if not differs and not (listed["date"] is None and text["date"] is not None):
        if text["number"] is not None:
            db.execute("UPDATE sessions SET number = ? WHERE id = ? AND number IS NULL",
                       (text["number"], doc["session_id"]))
        return False
    target = {f: text[f] if text[f] is not None else listed[f] for f in text}
    session_id = _find_session(db, doc, target) or _create_session(db, doc, target, now)
    if session_id == doc["session_id"]:
        return False
    db.execute(
        "UPDATE documents SET session_id = ?, listed_session_key = COALESCE(listed_session_key, ?) WHERE id = ?",
        (session_id, doc["session_key"], document_id),
    )
    db.execute(
        "UPDATE sessions SET number = COALESCE(number, ?), date = COALESCE(date, ?), "
        "session_type = COALESCE(session_type, ?) WHERE id = ?",
        (target["number"], target["date"], target["session_type"], session_id),
    )
    return True


def _stated(metadata: dict) -> dict:
    """What the text states about its session: date (ISO), session_type (lowercase), number (int), or None."""
    day = metadata.get("date")
    kind = metadata.get("session_type")
    number = str(metadata.get("session_number") or "").strip()
    return {
        "date": day if isinstance(day, str) and _ISO_DATE.match(day) else None,
        "session_type": kind.strip().lower() if isinstance(kind, str) and kind.strip() else None,
        "number": int(number) if number.isdigit() else None,
    }


def _find_session(db: Database, doc: Record, target: dict) -> int | None:
    """A session of the same council and body with the target's date and type (and no other number)."""
    same_body = "s.council_id = ? AND s.commission_id IS NOT DISTINCT FROM ?"
    params: list = [doc["council_id"], doc["commission_id"]]
    if target["date"] is not None:
        row = db.execute(
            f"SELECT s.id FROM sessions s WHERE {same_body} AND s.date = ? AND s.session_type IS NOT DISTINCT FROM ? "
            "AND (s.number IS NULL OR ? IS NULL OR s.number = ?) ORDER BY (s.number IS NULL), s.id LIMIT 1",
            (*params, target["date"], target["session_type"], target["number"], target["number"]),
        ).fetchone()
    elif target["number"] is not None:
        row = db.execute(
            f"SELECT s.id FROM sessions s WHERE {same_body} AND s.date IS NULL AND s.session_type IS ? "
            "AND s.number = ? ORDER BY s.id LIMIT 1",
            (*params, target["session_type"], target["number"]),
        ).fetchone()
    else:
        return None
    return row[0] if row else None


def _create_session(db: Database, doc: Record, target: dict, now: str) -> int:
    """A new session named like the listings' keys: body-date-type (body-type-number with no date)."""
    body = doc["commission_slug"] or "pleno"
    kind = target["session_type"] or "sesion"
    key = f"{body}-{target['date']}-{kind}" if target["date"] else f"{body}-{kind}-{target['number']}"
    taken = {row[0] for row in db.execute(
        "SELECT key FROM sessions WHERE council_id = ? AND (key = ? OR key LIKE ?)",
        (doc["council_id"], key, f"{key}-%"),
    )}
    # Another session of the same day and type is told apart by its number, else by a counter (one of
    # len(taken) + 1 counters is always free).
    numbered = [f"{key}-{target['number']}"] if target["number"] is not None else []
    key = next(k for k in [key, *numbered, *(f"{key}-{n}" for n in range(2, len(taken) + 3))] if k not in taken)
    number = f" No. {target['number']}" if target["number"] is not None else ""
    title = " ".join(f"Sesión {target['session_type'] or ''}{number} {target['date'] or ''}".split())
    return db.execute(
        "INSERT INTO sessions (council_id, key, commission_id, session_type, number, date, title, first_seen, "
        "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (doc["council_id"], key, doc["commission_id"], target["session_type"], target["number"], target["date"],
         title, now, now),
    ).fetchone()[0]
