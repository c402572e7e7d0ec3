"""The JSON API of what the council did (members, votes, sessions with attendance and votes, items) and
its complete exports, CSV and JSON Lines, one row per ballot or per roll-call entry.

Same error shape as the rest of /api/v1 (search_app/errors.py); a bad filter is a 400 before anything is
sent. An export that fails after its 200 was sent ends with a line saying it is incomplete.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from itertools import chain, islice

from flask import Blueprint, Response, abort, current_app, jsonify, request, stream_with_context, url_for

from archive import open_catalogue
from search_app import resources
from search_app.headers import paging_links
from search_app.links import public_link
from search_app.views.api import csv_cell
from search_app.views.proceedings import (
    MAX_PAGE,
    VoteFilters,
    acta_page_url,
    acta_pdf_url,
    council_filter,
    vote_filters,
)

bp = Blueprint("proceedings_api", __name__)

PER_PAGE = 50
VOTE_EXPORT_FIELDS = ("vote_id", "council", "session_date", "session_type", "session_number", "document_id", "page",
                      "motion", "identifiers", "result", "totals_match", "person_id", "member", "printed_name",
                      "choice")
ATTENDANCE_EXPORT_FIELDS = ("roll_call_id", "council", "session_date", "session_type", "session_number",
                            "document_id", "page", "moment", "person_id", "member", "printed_name", "choice")
INCOMPLETE_EXPORT = ("EXPORTACIÓN INCOMPLETA: la lectura del archivo se interrumpió a mitad de la descarga; "
                     "las filas anteriores son correctas. Vuelva a pedirla.")


def _public(path: str) -> str:
    return public_link(path, resources.settings().public_url)


def _links(row: dict) -> dict:
    """A record's links: the acta page it was read from and the PDF at that page."""
    return {"page_url": _public(acta_page_url(row["document_id"], row["page"])),
            "pdf_url": _public(acta_pdf_url(row["document_id"], row["page"]))}


def _vote_json(row: dict) -> dict:
    """A vote with its links; `session_url` is None for a vote read from a document of no session."""
    session = row["session_id"]
    return {**row, "session_url": _public(url_for("browse.session", session_id=session)) if session else None,
            **_links(row)}


def _member_json(person: dict) -> dict:
    return {**person, "url": _public(url_for("members.member", person_id=person["id"])),
            "api_url": _public(url_for("proceedings_api.member", person_id=person["id"]))}


@bp.get("/api/v1/members")
def members():
    return jsonify({"members": [_member_json(p) for p in resources.catalogue().people(council_filter(request.args))]})


@bp.get("/api/v1/members/<id:person_id>")
def member(person_id: int):
    person = resources.catalogue().person(person_id)
    if person is None:
        abort(404, description=f"No existe el miembro {person_id}.")
    data = _member_json(person)
    data["attendance"] = [{**a, **_links(a)} for a in person["attendance"]]
    data["votes"] = [{**v, **_links(v)} for v in person["votes"]]
    return jsonify(data)


@bp.get("/api/v1/votes")
def votes():
    filters = vote_filters(request.args, per_page=PER_PAGE)
    total, rows = resources.catalogue().votes(**filters.catalogue_args())
    last = min(max(1, -(-total // filters.per_page)), MAX_PAGE)
    response = jsonify({"total": total, "page": filters.page, "per_page": filters.per_page, "pages": last,
                        "votes": [_vote_json(row) for row in rows]})
    response.headers["Link"] = paging_links("proceedings_api.votes", _vote_link_args(filters), page=filters.page,
                                            last=last, public_url=resources.settings().public_url)
    return response


def _vote_link_args(filters: VoteFilters) -> dict:
    """The vote search as this API's parameters, without the page: for its paging links."""
    values = {"q": filters.q, "member": filters.member, "from": filters.date_from, "to": filters.date_to,
              "result": filters.result, "council": filters.council,
              "per_page": filters.per_page if filters.per_page != PER_PAGE else None}
    return {name: value for name, value in values.items() if value is not None}


@bp.get("/api/v1/sessions/<id:session_id>")
def session(session_id: int):
    catalogue = resources.catalogue()
    row = catalogue.session(session_id)
    if row is None:
        abort(404, description=f"No existe la sesión {session_id}.")
    council = next(c for c in catalogue.councils() if c["id"] == row["council_id"])
    proceedings = catalogue.session_proceedings(session_id)
    return jsonify({
        "session_id": row["id"], "council": council["slug"], "title": row["title"], "date": row["date"],
        "session_type": row["session_type"], "number": row["number"], "commission": row["commission_slug"],
        "url": _public(url_for("browse.session", session_id=session_id)),
        "documents": [{"document_id": d["id"], "title": d["title"], "kind": d["kind"], "status": d["status"],
                       "url": _public(url_for("documents.show", document_id=d["id"])),
                       "api_url": _public(url_for("api.document", document_id=d["id"]))}
                      for d in catalogue.session_documents(session_id)],
        "attendance": [{**r, **_links(r)} for r in proceedings["roll_calls"]],
        "votes": [_vote_json(v) for v in proceedings["votes"]],
        "movements": [{**m, **_links(m)} for m in proceedings["movements"]],
    })


@bp.get("/api/v1/items")
def items():
    return jsonify({"items": [{**item, "url": _public(url_for("votes.item", identifier=item["identifier"]))}
                              for item in resources.catalogue().items(council_filter(request.args))]})


@bp.get("/api/v1/items/<path:identifier>")
def item(identifier: str):
    mentions = resources.catalogue().item(identifier, council_filter(request.args))
    if not mentions:
        abort(404, description=f"No hay menciones del expediente «{identifier[:80]}».")
    return jsonify({"identifier": identifier, "url": _public(url_for("votes.item", identifier=identifier)),
                    "mentions": [{**m, **_links(m)} for m in mentions]})


def _export(rows_of: str) -> tuple[Iterator[dict], Callable[[], None]]:
    """The rows of a catalogue export (its method's name) and how to close what reads them.

    The stream reads its own catalogue: the request's is closed when the view returns, before the download
    ends. The first row is read here, so a failure before anything is sent is an error response, not a file.
    """
    council = council_filter(request.args)
    catalogue = open_catalogue(resources.settings().catalogue_url)
    try:
        rows = getattr(catalogue, rows_of)(council)
        first = list(islice(rows, 1))
    except BaseException:
        catalogue.close()
        raise

    def stream() -> Iterator[dict]:
        try:
            yield from chain(first, rows)
        finally:
            catalogue.close()

    return stream(), catalogue.close  # closed at the stream's end, or with the response if it never starts


def _until_failure(rows: Iterator[dict], failures: list[Exception]) -> Iterator[dict]:
    """The rows, until reading them fails after the 200 was sent: the failure is kept so the file can say it
    is incomplete, never passing for a whole export (as search_app/views/api.py does for the engine)."""
    try:
        yield from rows
    except Exception as exc:  # whatever stops the rows, the file must say so
        current_app.logger.exception("proceedings export cut short")
        failures.append(exc)


def _csv(rows_of: str, fields: tuple[str, ...], filename: str) -> Response:
    rows, close = _export(rows_of)

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(fields)
        failures: list[Exception] = []
        for row in _until_failure(rows, failures):
            writer.writerow([csv_cell(row.get(f)) for f in fields])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if failures:
            writer.writerow([INCOMPLETE_EXPORT] + [""] * (len(fields) - 1))
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={filename}"})
    response.call_on_close(close)
    return response


def _jsonl(rows_of: str, fields: tuple[str, ...], filename: str) -> Response:
    rows, close = _export(rows_of)

    def generate():
        failures: list[Exception] = []
        for row in _until_failure(rows, failures):
            yield json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False) + "\n"
        if failures:
            yield json.dumps({"error": {"code": "export_incomplete", "message": INCOMPLETE_EXPORT}},
                             ensure_ascii=False) + "\n"

    response = Response(stream_with_context(generate()), mimetype="application/x-ndjson; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={filename}"})
    response.call_on_close(close)
    return response


@bp.get("/api/v1/export/votes.csv")
def export_votes_csv():
    return _csv("vote_export_rows", VOTE_EXPORT_FIELDS, "concejo-votaciones.csv")


@bp.get("/api/v1/export/votes.jsonl")
def export_votes_jsonl():
    return _jsonl("vote_export_rows", VOTE_EXPORT_FIELDS, "concejo-votaciones.jsonl")


@bp.get("/api/v1/export/attendance.csv")
def export_attendance_csv():
    return _csv("attendance_export_rows", ATTENDANCE_EXPORT_FIELDS, "concejo-asistencia.csv")


@bp.get("/api/v1/export/attendance.jsonl")
def export_attendance_jsonl():
    return _jsonl("attendance_export_rows", ATTENDANCE_EXPORT_FIELDS, "concejo-asistencia.jsonl")
