"""The API's contract: an OpenAPI 3.1 description of every endpoint under /api/v1, the exports and the feed,
served at /api/v1/openapi.json (search_app/views/api_description.py).

Derived where the project already declares things, restated nowhere: the search's parameters and their
aliases, the query syntax's filters, each hit's fields, the facets and the search export's columns come from
index_config/fields.py; the sort orders from search_app/query.py; the proceedings exports' columns from
search_app/views/proceedings_api.py; the vote result filter's values from search_app/proceedings_labels.py;
the crawl ledger's counts from search_app/coverage.py. What only the views know (the shape of a document,
a session, a vote) is described here, every field of every object (`additionalProperties: false`): a field
a view adds without its line here fails tests/app, whose every /api/v1 response is validated against this
description (tests/app/openapi_check.py).

This module only describes; it reads no request and no setting but the public URL it is given.
"""

from __future__ import annotations

import copy
from functools import cache

from index_config.fields import EXPORT_FIELDS, FACETS, FIELDS, HIT_FIELDS, PARAMETER_FILTERS, Field
from search_app.coverage import LEDGER_COUNTS
from search_app.proceedings_labels import CHOICES, METHODS, MOMENTS, RESULTS, STAGES
from search_app.query import MAX_PARAM_CHARS, MAX_QUERY_CHARS, SORTS
from search_app.views.api import MAX_SEARCH_PAGE, MAX_SEARCH_PER_PAGE
from search_app.views.proceedings import MAX_PAGE as MAX_VOTE_PAGE
from search_app.views.proceedings import MAX_PER_PAGE as MAX_VOTES_PER_PAGE
from search_app.views.proceedings_api import ATTENDANCE_EXPORT_FIELDS, VOTE_EXPORT_FIELDS
from search_app.views.proceedings_api import PER_PAGE as VOTES_PER_PAGE

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"

# -- schema helpers ---------------------------------------------------------------------------------------

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "description": "absolute under the site's public URL when it is set, else a path"}


def nullable(schema: dict) -> dict:
    """The schema, also allowing null."""
    out = dict(schema)
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    elif kind is None:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


N_STRING, N_INTEGER, N_NUMBER, N_BOOLEAN = nullable(STRING), nullable(INTEGER), nullable(NUMBER), nullable(BOOLEAN)
N_DATE = {"type": ["string", "null"], "format": "date"}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def record(properties: dict[str, dict], optional: dict[str, dict] | None = None, description: str = "") -> dict:
    """An object with exactly these fields: `properties` always present, `optional` sometimes."""
    schema = {"type": "object", "properties": {**properties, **(optional or {})}, "required": list(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def known_values(values: dict[str, str]) -> str:
    return ", ".join(f"`{value}` ({label})" for value, label in values.items())


# -- what index_config/fields.py declares -------------------------------------------------------------------

def field_schema(field: Field) -> dict:
    """A hit field's JSON as search_app/backends/base.py hit_fields() gives it: text never null."""
    schema = {"text": STRING, "integer": N_INTEGER, "keyword": N_STRING, "date": N_DATE}[field.kind]
    schema = dict(schema)
    if field.label:
        schema["description"] = field.label
    if field.value_labels:
        schema["description"] = f"{field.label}: {known_values(field.value_labels)}"
    return schema


def hit_schema() -> dict:
    fields = {f.name: field_schema(f) for f in HIT_FIELDS}
    fields["url"] = {**nullable(URL), "description": "the archived file (PDF)"}
    return record({**fields, "score": NUMBER, "snippets": array(ref("Snippet")), "page_url": URL},
                  description="One matching document: the fields index_config/fields.py declares `hit=True`, "
                              "in declaration order, then its score, snippets and page.")


def search_export_row_schema() -> dict:
    hit = hit_schema()["properties"]
    return record({name: hit[name] for name in EXPORT_FIELDS},
                  description="One row of the search exports: the fields declared `export=True`.")


def query_syntax() -> str:
    """The filters a query may carry (año:2024), as index_config/fields.py names them."""
    return "; ".join(f"{f.label or f.name}: " + ", ".join(f"`{alias}:`" for alias in f.filter.aliases)
                     for f in FIELDS if f.filter)


def search_parameters() -> list[dict]:
    """The search's parameters (the form's and the API's, search_app/service.py QUERY_PARAMETERS)."""
    parameters = [
        query_parameter("q", {"type": "string", "maxLength": MAX_QUERY_CHARS},
                        "Words (all of them must appear), \"phrases\", prefix*, -excluded, a OR b, and filters "
                        f"written into the query: {query_syntax()}."),
        *query_parameter_aliases(("from", "desde"), {"type": "string", "format": "date"},
                                 "Session date on or after (YYYY-MM-DD)."),
        *query_parameter_aliases(("to", "hasta"), {"type": "string", "format": "date"},
                                 "Session date on or before (YYYY-MM-DD)."),
    ]
    for field in PARAMETER_FILTERS:
        what = field.label or field.name
        values = f"; values {known_values(field.value_labels)}" if field.value_labels else ""
        if field.catalogue_names == "councils":
            values = "; a council's slug (GET /api/v1/councils)"
        parameters += query_parameter_aliases(
            field.filter.parameters, {"type": "string", "maxLength": MAX_PARAM_CHARS},
            f"Filter on {what} (`{field.name}`){values}. Written as shown or as its label; accents and case "
            "aside.")
    parameters += [
        *query_parameter_aliases(("sort", "orden"), {"type": "string", "enum": list(SORTS)},
                                 "Order: by relevance (the default with words), newest or oldest first."),
        *query_parameter_aliases(("page", "pagina"), {"type": "integer", "minimum": 1},
                                 f"Page of results, 1 to {MAX_SEARCH_PAGE} (clamped)."),
        query_parameter("per_page", {"type": "integer", "minimum": 1},
                        f"Results per page, 1 to {MAX_SEARCH_PER_PAGE} (clamped); default 10."),
    ]
    return parameters


def query_parameter(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def query_parameter_aliases(names: tuple[str, ...], schema: dict, description: str) -> list[dict]:
    """A parameter and its other names (Spanish or English): the first given wins."""
    first, *others = names
    return [query_parameter(first, schema, description),
            *(query_parameter(other, schema, f"Same as `{first}`.") for other in others)]


# -- the proceedings: members, votes, sessions, items --------------------------------------------------------

ACTA_LINKS = {"page_url": {**URL, "description": "the document page, at the page the record was read from"},
              "pdf_url": {**URL, "description": "the archived PDF, opened at that page"}}
SESSION_OF_RECORD = {"session_id": N_INTEGER, "date": N_STRING, "session_type": N_STRING,
                     "session_number": N_INTEGER}
CHOICE = {"type": "string", "description": f"Known values: {known_values(CHOICES)}"}
RESULT = {"type": ["string", "null"], "description": f"{known_values(RESULTS)}; null when the acta states none"}

# Each export column's JSON (the JSON Lines rows; the CSV has the same columns, in this order).
VOTE_EXPORT_COLUMNS = {
    "vote_id": INTEGER, "council": STRING, "session_date": N_STRING, "session_type": N_STRING,
    "session_number": N_INTEGER, "document_id": INTEGER, "page": N_INTEGER, "motion": N_STRING,
    "identifiers": {"type": "string", "description": "the vote's identifiers, joined by \"; \""},
    "result": RESULT, "totals_match": N_BOOLEAN, "person_id": N_INTEGER, "member": N_STRING,
    "printed_name": N_STRING, "choice": nullable(CHOICE),
}
ATTENDANCE_EXPORT_COLUMNS = {
    "roll_call_id": INTEGER, "council": STRING, "session_date": N_STRING, "session_type": N_STRING,
    "session_number": N_INTEGER, "document_id": INTEGER, "page": N_INTEGER, "moment": N_STRING,
    "person_id": N_INTEGER, "member": N_STRING, "printed_name": STRING, "choice": CHOICE,
}


def export_row_schema(columns: tuple[str, ...], described: dict[str, dict], what: str) -> dict:
    missing = [c for c in columns if c not in described]
    if missing:  # a column added to the export view needs its JSON type here
        raise KeyError(f"search_app/openapi.py does not describe the {what} export columns {missing}")
    return record({c: described[c] for c in columns}, description=f"One row of the {what} export.")


def proceedings_schemas() -> dict[str, dict]:
    entry = record({"person_id": N_INTEGER, "name": N_STRING, "printed_name": STRING, "choice": CHOICE,
                    "column": N_STRING, "page": N_INTEGER, "number": N_INTEGER, "role": N_STRING},
                   description="One printed name in a vote table or roll call, with the member it was read as.")
    counts = nullable({"type": "object", "additionalProperties": INTEGER})
    return {
        "Role": record({"role": N_STRING, "from": N_STRING, "to": N_STRING, "body": N_STRING,
                        "source": {"type": "string", "description": "`acta`, `commission` or `members_page`"}}),
        "CommissionMembership": record({"slug": STRING, "name": STRING, "role": N_STRING}),
        "Member": record(member_fields()),
        "MemberDetail": record({
            **member_fields(),
            "attendance": array(record({**SESSION_OF_RECORD, "document_id": INTEGER, "page": N_INTEGER,
                                        "moment": N_STRING, "choice": CHOICE, **ACTA_LINKS})),
            "votes": array(record({"vote_id": INTEGER, **SESSION_OF_RECORD, "document_id": INTEGER,
                                   "page": N_INTEGER, "motion": N_STRING, "identifiers": array(STRING),
                                   "result": RESULT, "choice": CHOICE, **ACTA_LINKS})),
            "review": array(record({"person_id": INTEGER, "name": STRING, "reason": STRING, "code": STRING},
                                   description="A person this one may be, kept apart for review.")),
        }),
        "Members": record({"members": array(ref("Member"))}),
        "Entry": entry,
        "Vote": record({
            "id": INTEGER, "council": STRING, "session_id": N_INTEGER, "session_date": N_STRING,
            "session_type": N_STRING, "session_number": N_INTEGER, "document_id": INTEGER, "page": N_INTEGER,
            "method": {**N_STRING, "description": f"Known values: {known_values(METHODS)}"},
            "motion": N_STRING, "agenda_point": N_STRING, "identifiers": array(STRING), "result": RESULT,
            "result_text": N_STRING, "result_page": N_INTEGER, "printed_totals": counts, "stated_counts": counts,
            "counted_totals": {"type": "object", "additionalProperties": INTEGER}, "totals_match": N_BOOLEAN,
            "body": N_STRING, "ballots": array(ref("Entry")),
            "session_url": {**nullable(URL), "description": "null for a vote read from a document of no session"},
            **ACTA_LINKS,
        }, optional={"member_choice": {**nullable(CHOICE),
                                       "description": "with ?member=: that member's ballot in this vote"}}),
        "Votes": record({"total": INTEGER, "page": INTEGER, "per_page": INTEGER,
                         "pages": {**INTEGER, "description": "how many pages the votes found fill (at least 1)"},
                         "votes": array(ref("Vote"))}),
        "RollCall": record({
            "id": INTEGER, "document_id": INTEGER, "page": N_INTEGER,
            "moment": {**N_STRING, "description": f"Known values: {known_values(MOMENTS)}"},
            "heading": N_STRING, "stated_count": N_INTEGER, "stated_text": N_STRING, "stated_page": N_INTEGER,
            "counted_present": INTEGER, "entries": array(ref("Entry")), **ACTA_LINKS,
        }),
        "Movement": record({
            "document_id": INTEGER, "page": N_INTEGER, "direction": N_STRING,
            "names": array(record({"person_id": N_INTEGER, "name": N_STRING, "printed_name": STRING})),
            "time": N_STRING, "count_after": N_INTEGER, "text": N_STRING, **ACTA_LINKS,
        }),
        "Session": record({
            "session_id": INTEGER, "council": STRING, "title": N_STRING, "date": N_STRING,
            "session_type": N_STRING, "number": N_INTEGER, "commission": N_STRING, "url": URL,
            "documents": array(record({"document_id": INTEGER, "title": N_STRING, "kind": N_STRING,
                                       "status": STRING, "url": URL, "api_url": URL})),
            "attendance": array(ref("RollCall")), "votes": array(ref("Vote")), "movements": array(ref("Movement")),
        }),
        "Item": record({"identifier": STRING, "council": STRING, "mentions": INTEGER, "first_date": N_STRING,
                        "last_date": N_STRING,
                        "stages": array({**STRING, "description": f"Known values: {known_values(STAGES)}"}),
                        "url": URL}),
        "Items": record({"items": array(ref("Item"))}),
        "ItemMentions": record({"identifier": STRING, "url": URL, "mentions": array(record({
            "identifier": STRING, "stage": N_STRING, "council": STRING, "session_id": N_INTEGER,
            "session_date": N_STRING, "session_type": N_STRING, "session_number": N_INTEGER,
            "document_id": INTEGER, "title": N_STRING, "page": N_INTEGER, **ACTA_LINKS}))}),
        "VoteExportRow": export_row_schema(VOTE_EXPORT_FIELDS, VOTE_EXPORT_COLUMNS, "votes"),
        "AttendanceExportRow": export_row_schema(ATTENDANCE_EXPORT_FIELDS, ATTENDANCE_EXPORT_COLUMNS, "attendance"),
    }


def member_fields() -> dict[str, dict]:
    return {"id": INTEGER, "council": STRING, "council_name": STRING, "name": STRING, "aliases": array(STRING),
            "roles": array(ref("Role")), "sessions_recorded": INTEGER, "sessions_present": INTEGER,
            "attendance_rate": {**N_NUMBER, "description": "sessions_present / sessions_recorded"},
            "attendance_basis": {**N_STRING, "description": "`roll_calls` when the council's roll calls mark "
                                 "members absent, `attendee_lists` when they only list who attended (not listed: "
                                 "absent), null without a roll call"},
            "votes_cast": INTEGER, "commissions": array(ref("CommissionMembership")), "url": URL, "api_url": URL}


# -- the archive: documents, councils, coverage, health ------------------------------------------------------

def archive_schemas() -> dict[str, dict]:
    gap_common = {"series": STRING, "series_name": STRING, "session_type": N_STRING, "message": STRING}
    return {
        "Error": record({"error": record({"code": {"type": "string", "description": "stable, for programs"},
                                          "message": {"type": "string", "description": "for people"}})},
                        description="Every API error, whatever its status."),
        "Snippet": record({"page": INTEGER, "html": {"type": "string",
                                                     "description": "escaped text, matches in <mark>"}}),
        "FacetValue": record({"value": STRING, "count": INTEGER}),
        "Hit": hit_schema(),
        "SearchResult": record({
            "total": INTEGER, "page": INTEGER, "per_page": INTEGER, "pages": INTEGER,
            "sort": {"type": "string", "enum": list(SORTS)}, "hits": array(ref("Hit")),
            "facets": record({name: array(ref("FacetValue")) for name in FACETS},
                             description="Per facet (index_config/fields.py `facet=True`), values and counts."),
            "warnings": array(STRING),
            "mode": {"type": "string", "enum": ["all", "most"],
                     "description": "`most` when no document had every word"},
            "missing": array({**STRING, "description": "in `most` mode, the words the best answer lacks"}),
            "suggestion": {**N_STRING, "description": "the corrected query when a word is unknown to the index"},
        }),
        "SearchExportRow": search_export_row_schema(),
        "Document": record({
            "document_id": INTEGER, "council": STRING, "title": N_STRING, "kind": N_STRING,
            "status": {"type": "string", "description": "`withdrawn`: gone from the portal, kept here"},
            "status_reason": N_STRING, "session_type": N_STRING, "session_number": N_INTEGER, "date": N_STRING,
            "commission": N_STRING, "sha256": N_STRING, "source_urls": array(STRING),
            "metadata": {"type": "object", "description": "what the extraction read from the text"},
            "pages": array(record({"number": INTEGER, "text": STRING, "origin": N_STRING,
                                   "ocr_confidence": N_NUMBER})),
            "versions": array(record({"sha256": STRING, "source_url": STRING, "first_fetched": STRING,
                                      "last_fetched": STRING})),
        }),
        "DocumentTable": record({
            "number": {**INTEGER, "description": "1-based, in reading order"}, "page": INTEGER, "index": INTEGER,
            "rows": array(array(N_STRING)),
            "sha256": {**STRING, "description": "the archived file the table was read from"}, "csv_url": URL}),
        "Council": record({"council": STRING, "name": STRING, "portal_url": N_STRING, "sessions": INTEGER,
                           "documents": INTEGER, "withdrawn_documents": INTEGER, "search_url": URL,
                           "sessions_url": URL}),
        "Councils": record({"councils": array(ref("Council"))}),
        "Gap": {"oneOf": [
            record({"kind": {"const": "missing_number"}, **gap_common, "year": INTEGER, "number": INTEGER}),
            record({"kind": {"const": "missing_range"}, **gap_common, "year": INTEGER, "first": INTEGER,
                    "last": INTEGER}),
            record({"kind": {"const": "minutes_missing"}, **gap_common, "session_key": STRING, "date": STRING}),
        ]},
        "CouncilCoverage": record({
            "council": STRING, "name": STRING, "portal_url": N_STRING, "sessions": INTEGER, "documents": INTEGER,
            "withdrawn_documents": INTEGER, "ocr_documents": INTEGER, "ocr_pages": INTEGER,
            "extraction_failed": INTEGER,
            "extraction_failures": array(record({"document_id": INTEGER, "title": STRING, "reason": STRING,
                                                 "kept_earlier_text": BOOLEAN})),
            "last_crawl": nullable(record({
                "run_id": N_INTEGER, "at": STRING, **{name: INTEGER for name in LEDGER_COUNTS},
                "failed": array(record({"url": N_STRING, "reason": STRING})), "error": N_STRING,
            }, description="The newest crawl's ledger; null for a council never crawled.")),
            "gaps": array(ref("Gap")),
        }, optional={"stale": nullable(record(
            {"since": {**N_STRING, "description": "when its last completed crawl ended; null: none ever did"}},
            description="Set when the council's source has no completed crawl in twice its schedule's interval; "
                        "null while it is up to date. Absent when no source schedules are configured."))}),
        "Coverage": record({"councils": array(ref("CouncilCoverage"))}),
        "Health": record({
            "status": {"type": "string", "enum": ["ok", "degraded"]},
            "catalogue": record({"ok": BOOLEAN}, optional={"councils": INTEGER, "ms": NUMBER, "error": N_STRING}),
            "search": record({"ok": BOOLEAN, "engine": {"type": "string", "enum": ["embedded", "elasticsearch"]}},
                             optional={"documents": INTEGER, "cluster_status": STRING, "ms": NUMBER,
                                       "error": N_STRING}),
        }),
    }


# -- operations ---------------------------------------------------------------------------------------------

ERRORS = {
    400: ("BadRequest", ("A parameter is not valid, or the search is too complex or took too long "
                         "(`bad_request`, `query_too_complex`, `search_too_slow`); the message says what to change.")),
    404: ("NotFound", "No such document, table, session, member or item (`not_found`)."),
    429: ("Busy", "A costly search is already running; try again in a few seconds (`search_busy`)."),
    500: ("InternalError", "Unexpected error; it has been logged (`internal_error`)."),
    503: ("Unavailable", "The search engine cannot be reached (`search_unavailable`)."),
}
LINK = {"description": "RFC 8288 paging links: rel=\"first\", \"prev\", \"next\", \"last\" (absolute under the "
                       "site's public URL when set)", "schema": STRING}
CONTENT_DISPOSITION = {"description": "attachment; filename=...", "schema": STRING}
NO_STORE = {"Cache-Control": {"description": "no-store", "schema": STRING}}


def json_response(description: str, schema: dict, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


ERROR_PAGE = {"description": "An error page, in Spanish", "content": {"text/html": {"schema": STRING}}}


def operation(endpoint: str, summary: str, tag: str, ok: dict, errors: tuple[int, ...] = (),
              parameters: list[dict] | None = None, description: str = "", *, error_pages: bool = False,
              responses: dict[str, dict] | None = None) -> dict:
    """A GET operation; its operationId is the app's endpoint name (tests/app match them to the routes).
    Its errors are the API's error shape, or pages (`error_pages`); `responses` adds or replaces some."""
    def error(status: int) -> dict:
        return ERROR_PAGE if error_pages else {"$ref": f"#/components/responses/{ERRORS[status][0]}"}

    op = {"operationId": endpoint, "summary": summary, "tags": [tag],
          "responses": {"200": ok, **{str(s): error(s) for s in sorted({*errors, 500})}, **(responses or {})}}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    return {"get": op}


def path_id(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "integer", "minimum": 1}}


COUNCIL_FILTER = query_parameter_aliases(("council", "concejo"), {"type": "string", "maxLength": MAX_PARAM_CHARS},
                                         "A council's slug (GET /api/v1/councils); an unknown one is a 400.")


def export(endpoint: str, summary: str, tag: str, row: str, columns: tuple[str, ...], jsonl: bool,
           parameters: list[dict], errors: tuple[int, ...], incomplete: str) -> dict:
    """A streamed export. The media type carries the columns (CSV, `x-columns`) or the row schema (JSON Lines,
    `x-row-schema`), which tests/app/openapi_check.py checks each line against."""
    if jsonl:
        media = {"application/x-ndjson": {"schema": STRING, "x-row-schema": ref(row)}}
        description = (f"One JSON object per line ({row}); {incomplete} the last line is an Error object with "
                       "code `export_incomplete`.")
    else:
        media = {"text/csv": {"schema": STRING, "x-columns": list(columns)}}
        description = (f"A header row, then one row per record ({', '.join(columns)}); {incomplete} the last "
                       "row's first cell starts with «EXPORTACIÓN INCOMPLETA». Cells that a spreadsheet would "
                       "run as a formula start with a quote.")
    ok = {"description": description, "headers": {"Content-Disposition": CONTENT_DISPOSITION}, "content": media}
    return operation(endpoint, summary, tag, ok, errors, parameters)


def paths() -> dict[str, dict]:
    search_errors = (400, 429, 503)
    cut_short = "if the engine fails after the download started,"
    vote_parameters = [
        query_parameter("q", {"type": "string", "maxLength": MAX_QUERY_CHARS},
                        "Every word in the motion, its identifiers or the result's sentence (accents and case "
                        "aside)."),
        *query_parameter_aliases(("member", "miembro"), {"type": "integer", "minimum": 1},
                                 "Votes with a ballot of this member (GET /api/v1/members); each then carries "
                                 "`member_choice`."),
        *query_parameter_aliases(("from", "desde"), {"type": "string", "format": "date"},
                                 "Session date on or after (YYYY-MM-DD)."),
        *query_parameter_aliases(("to", "hasta"), {"type": "string", "format": "date"},
                                 "Session date on or before (YYYY-MM-DD)."),
        *query_parameter_aliases(("result", "resultado"), {"type": "string", "enum": list(RESULTS)},
                                 "The vote's result."),
        *COUNCIL_FILTER,
        *query_parameter_aliases(("page", "pagina"), {"type": "integer", "minimum": 1, "maximum": MAX_VOTE_PAGE},
                                 "Page of votes; past the last page the list is empty. The exports have them all."),
        query_parameter("per_page", {"type": "integer", "minimum": 1},
                        f"Votes per page, 1 to {MAX_VOTES_PER_PAGE} (clamped); default {VOTES_PER_PAGE}."),
    ]
    return {
        "/api/v1/search": operation(
            "api.search", "Search the minutes", "search",
            json_response("One page of results, with facets", ref("SearchResult"), {"Link": LINK}),
            search_errors, search_parameters(),
            "Parameters and hit fields are those index_config/fields.py declares. Paging: the `Link` header."),
        "/api/v1/export.csv": export("api.export_csv", "Every result of a search, as CSV", "search",
                                     "SearchExportRow", EXPORT_FIELDS, False, search_parameters(), search_errors,
                                     cut_short),
        "/api/v1/export.jsonl": export("api.export_jsonl", "Every result of a search, as JSON Lines", "search",
                                       "SearchExportRow", EXPORT_FIELDS, True, search_parameters(), search_errors,
                                       cut_short),
        "/feed.atom": operation(
            "api.feed", "The newest 30 documents matching a search, as an Atom feed", "search",
            {"description": "Atom 1.0", "content": {"application/atom+xml": {"schema": STRING}}},
            search_errors, search_parameters(),
            "Outside /api/v1: for feed readers. Its errors are pages (text/html), not JSON.", error_pages=True),
        "/api/v1/documents/{document_id}": operation(
            "api.document", "A document: metadata, provenance, versions and the text of each page", "documents",
            json_response("The document", ref("Document")), (404,), [path_id("document_id", "The document's id")]),
        "/api/v1/documents/{document_id}/tables": operation(
            "api.document_tables", "A document's tables, in reading order", "documents",
            json_response("Its tables (an empty list for none)", array(ref("DocumentTable"))), (404,),
            [path_id("document_id", "The document's id")]),
        "/api/v1/documents/{document_id}/tables/{number}.csv": operation(
            "api.document_table_csv", "One table of a document, as CSV", "documents",
            {"description": "The table's rows", "headers": {"Content-Disposition": CONTENT_DISPOSITION},
             "content": {"text/csv": {"schema": STRING}}}, (404,),
            [path_id("document_id", "The document's id"), path_id("number", "The table's number, from 1")]),
        "/api/v1/councils": operation(
            "api.councils", "The councils of the archive, with what each holds", "archive",
            json_response("Every council", ref("Councils"))),
        "/api/v1/coverage": operation(
            "api.coverage", "Per council: the last crawl, OCR and extraction counts, and the gaps", "archive",
            json_response("Every council's coverage", ref("Coverage"))),
        "/api/v1/members": operation(
            "proceedings_api.members", "The members of the councils, with attendance and votes cast",
            "proceedings", json_response("Members, by name", ref("Members")), (400,), COUNCIL_FILTER),
        "/api/v1/members/{person_id}": operation(
            "proceedings_api.member", "A member, with every roll-call line and ballot", "proceedings",
            json_response("The member", ref("MemberDetail")), (404,), [path_id("person_id", "The member's id")]),
        "/api/v1/votes": operation(
            "proceedings_api.votes", "Votes, newest session first", "proceedings",
            json_response("One page of votes", ref("Votes"), {"Link": LINK}), (400,), vote_parameters,
            "Paging: the `Link` header."),
        "/api/v1/sessions/{session_id}": operation(
            "proceedings_api.session", "A session: its documents, attendance, votes and movements", "proceedings",
            json_response("The session", ref("Session")), (404,), [path_id("session_id", "The session's id")]),
        "/api/v1/items": operation(
            "proceedings_api.items", "Ordinances, resolutions and reports the minutes name", "proceedings",
            json_response("Items, most recently mentioned first", ref("Items")), (400,), COUNCIL_FILTER),
        "/api/v1/items/{identifier}": operation(
            "proceedings_api.item", "Every mention of one item", "proceedings",
            json_response("Its mentions, oldest session first", ref("ItemMentions")), (400, 404),
            [path_id("identifier", "The item's identifier (accents, case and spacing aside; it may hold a "
                                   "slash)", STRING), *COUNCIL_FILTER]),
        "/api/v1/export/votes.csv": export(
            "proceedings_api.export_votes_csv", "Every ballot of every vote, as CSV", "proceedings",
            "VoteExportRow", VOTE_EXPORT_FIELDS, False, COUNCIL_FILTER, (400,),
            "one row per member per vote (a vote recorded in prose is one row without a member); if reading fails "
            "after the download started,"),
        "/api/v1/export/votes.jsonl": export(
            "proceedings_api.export_votes_jsonl", "Every ballot of every vote, as JSON Lines", "proceedings",
            "VoteExportRow", VOTE_EXPORT_FIELDS, True, COUNCIL_FILTER, (400,),
            "one line per member per vote; if reading fails after the download started,"),
        "/api/v1/export/attendance.csv": export(
            "proceedings_api.export_attendance_csv", "Every roll-call entry, as CSV", "proceedings",
            "AttendanceExportRow", ATTENDANCE_EXPORT_FIELDS, False, COUNCIL_FILTER, (400,),
            "if reading fails after the download started,"),
        "/api/v1/export/attendance.jsonl": export(
            "proceedings_api.export_attendance_jsonl", "Every roll-call entry, as JSON Lines", "proceedings",
            "AttendanceExportRow", ATTENDANCE_EXPORT_FIELDS, True, COUNCIL_FILTER, (400,),
            "if reading fails after the download started,"),
        "/api/v1/health": operation(
            "health.health", "Can this process answer: the catalogue and the search engine", "service",
            json_response("It can: `status` is `ok`", ref("Health"), NO_STORE),
            description="For load balancers and service checks; 503 (same body, not the error shape) when it "
                        "cannot.",
            responses={"503": json_response("`status` is `degraded`; the part that fails says why",
                                            ref("Health"), NO_STORE)}),
        "/api/v1/openapi.json": operation(
            "api_description.openapi_document", "This description", "service",
            json_response("OpenAPI 3.1", {"type": "object"})),
    }


INFO_DESCRIPTION = """\
The archive's JSON API: search over the minutes, documents with their text and tables, the councils and
what the archive holds of each, and what the councils did (members, votes, attendance, items), with complete
exports (CSV, JSON Lines) and an Atom feed per search.

- **Errors**: every error under /api/ is `{"error": {"code": "...", "message": "..."}}` (schema `Error`),
  whatever its status: 400, 404, 405 (with `Allow`), 429 (with `Retry-After`), 500, 503.
- **CORS**: every GET, HEAD and OPTIONS response under /api/ and the feed carries
  `Access-Control-Allow-Origin: *` and exposes `Link` and `Content-Disposition`; preflight requests are
  answered for GET and HEAD only. The API has no method that writes.
- **Paging**: `/api/v1/search` and `/api/v1/votes` send an RFC 8288 `Link` header (first, prev, next, last);
  the exports give every row at once, streamed.
- **Links** in bodies and headers are absolute under the site's public URL when one is configured
  (`CONCEJO_PUBLIC_URL`), else paths.
"""


@cache
def _document(public_url: str | None) -> dict:
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Concejo Abierto API", "version": API_VERSION, "description": INFO_DESCRIPTION},
        "tags": [{"name": name} for name in ("search", "documents", "archive", "proceedings", "service")],
        "paths": paths(),
        "components": {
            "schemas": {**archive_schemas(), **proceedings_schemas()},
            "responses": {name: json_response(description, ref("Error"))
                          for name, description in ERRORS.values()},
        },
    }
    if public_url:
        document["servers"] = [{"url": public_url.rstrip("/")}]
    return document


def describe(public_url: str | None = None) -> dict:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_document(public_url))
