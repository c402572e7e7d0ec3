"""Catalogues made before Alembic (up to commit 757cdd9): how that code built and widened them on open.

A SQLite file with the catalogue's tables and no alembic_version table was made by that code, possibly by
an older version of it that lacked some tables or columns. Running what it ran on open (SCHEMA, then the
missing ADDED_COLUMNS) brings any such file to exactly the baseline (revision 0001), which is then stamped.
Frozen: never edit it.
"""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS councils (
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, portal_url TEXT
);
CREATE TABLE IF NOT EXISTS commissions (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    slug TEXT NOT NULL, name TEXT NOT NULL, members_json TEXT NOT NULL DEFAULT '[]', schedule TEXT,
    source_url TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    UNIQUE (council_id, slug)
);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    key TEXT NOT NULL, commission_id INTEGER REFERENCES commissions(id),
    session_type TEXT, number INTEGER, date TEXT, title TEXT,
    source_url TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    UNIQUE (council_id, key)
);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    key TEXT NOT NULL, session_id INTEGER REFERENCES sessions(id),
    kind TEXT, title TEXT,
    current_sha256 TEXT REFERENCES files(sha256),
    status TEXT NOT NULL DEFAULT 'listed',
    status_reason TEXT,
    extracted_sha256 TEXT, extracted_at TEXT, page_count INTEGER, metadata_json TEXT,
    indexed_sha256 TEXT, indexed_at TEXT,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    extractor_version TEXT, pages_extractor_version TEXT,
    UNIQUE (council_id, key)
);
CREATE TABLE IF NOT EXISTS document_urls (
    url TEXT PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    sha256 TEXT, etag TEXT, last_modified TEXT
);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, media_type TEXT, first_stored TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    sha256 TEXT NOT NULL REFERENCES files(sha256), source_url TEXT NOT NULL,
    first_fetched TEXT NOT NULL, last_fetched TEXT NOT NULL,
    etag TEXT, last_modified TEXT, http_status INTEGER,
    UNIQUE (document_id, sha256)
);
CREATE TABLE IF NOT EXISTS fetch_failures (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, document_key TEXT, reason TEXT NOT NULL,
    http_status INTEGER, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    document_id INTEGER NOT NULL REFERENCES documents(id), number INTEGER NOT NULL,
    text TEXT NOT NULL, display_text TEXT, origin TEXT, ocr_confidence REAL,
    PRIMARY KEY (document_id, number)
);
CREATE TABLE IF NOT EXISTS document_tables (
    document_id INTEGER NOT NULL REFERENCES documents(id), page INTEGER NOT NULL, position INTEGER NOT NULL,
    sha256 TEXT NOT NULL, rows_json TEXT NOT NULL, bbox_json TEXT,
    PRIMARY KEY (document_id, page, position)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, step TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
    stats_json TEXT, errors_json TEXT
);
CREATE TABLE IF NOT EXISTS members (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    name TEXT NOT NULL, role TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',
    source_url TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    UNIQUE (council_id, name, body, role)
);
CREATE TABLE IF NOT EXISTS session_links (
    id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id),
    kind TEXT, title TEXT, url TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    UNIQUE (session_id, url)
);
CREATE TABLE IF NOT EXISTS crawl_ledgers (
    id INTEGER PRIMARY KEY, run_id INTEGER, council_slug TEXT NOT NULL, at TEXT NOT NULL,
    ledger_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS persons (
    id INTEGER PRIMARY KEY, council_id INTEGER NOT NULL REFERENCES councils(id),
    name TEXT NOT NULL, folded TEXT NOT NULL, first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS person_names (
    id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES persons(id),
    council_id INTEGER NOT NULL REFERENCES councils(id),
    folded TEXT NOT NULL, printed TEXT NOT NULL, first_seen TEXT NOT NULL,
    UNIQUE (council_id, printed)
);
CREATE TABLE IF NOT EXISTS person_reviews (
    id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES persons(id),
    candidate_id INTEGER NOT NULL REFERENCES persons(id),
    code TEXT NOT NULL, reason TEXT NOT NULL, printed TEXT, first_seen TEXT NOT NULL,
    UNIQUE (person_id, candidate_id)
);
CREATE TABLE IF NOT EXISTS roll_calls (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), position INTEGER NOT NULL,
    page INTEGER, moment TEXT, heading TEXT, stated_count INTEGER, stated_text TEXT, stated_page INTEGER
);
CREATE TABLE IF NOT EXISTS roll_call_entries (
    id INTEGER PRIMARY KEY, roll_call_id INTEGER NOT NULL REFERENCES roll_calls(id), position INTEGER NOT NULL,
    person_id INTEGER REFERENCES persons(id), printed_name TEXT NOT NULL, number INTEGER, role TEXT,
    choice TEXT NOT NULL, "column" TEXT, page INTEGER
);
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), position INTEGER NOT NULL,
    page INTEGER, method TEXT, motion TEXT, agenda_point TEXT, identifiers_json TEXT NOT NULL DEFAULT '[]',
    printed_totals_json TEXT, stated_counts_json TEXT, counted_totals_json TEXT, totals_match INTEGER,
    result TEXT, result_text TEXT, result_page INTEGER, body TEXT, search_text TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS ballots (
    id INTEGER PRIMARY KEY, vote_id INTEGER NOT NULL REFERENCES votes(id), position INTEGER NOT NULL,
    person_id INTEGER REFERENCES persons(id), printed_name TEXT NOT NULL, number INTEGER, role TEXT,
    choice TEXT NOT NULL, "column" TEXT, page INTEGER
);
CREATE TABLE IF NOT EXISTS movements (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), position INTEGER NOT NULL,
    page INTEGER, direction TEXT, time TEXT, count_after INTEGER, text TEXT
);
CREATE TABLE IF NOT EXISTS movement_names (
    movement_id INTEGER NOT NULL REFERENCES movements(id), position INTEGER NOT NULL,
    person_id INTEGER REFERENCES persons(id), printed_name TEXT NOT NULL,
    PRIMARY KEY (movement_id, position)
);
CREATE TABLE IF NOT EXISTS people_rules (
    council_id INTEGER PRIMARY KEY REFERENCES councils(id), version TEXT NOT NULL, resolved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS item_mentions (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    identifier TEXT NOT NULL, identifier_key TEXT NOT NULL, page INTEGER, stage TEXT
);
CREATE INDEX IF NOT EXISTS crawl_ledgers_council ON crawl_ledgers(council_slug, id);
CREATE INDEX IF NOT EXISTS persons_council ON persons(council_id, name);
CREATE INDEX IF NOT EXISTS person_names_folded ON person_names(council_id, folded);
CREATE INDEX IF NOT EXISTS person_names_person ON person_names(person_id);
CREATE INDEX IF NOT EXISTS person_reviews_candidate ON person_reviews(candidate_id);
CREATE INDEX IF NOT EXISTS roll_calls_document ON roll_calls(document_id, position);
CREATE INDEX IF NOT EXISTS roll_call_entries_roll_call ON roll_call_entries(roll_call_id, position);
CREATE INDEX IF NOT EXISTS roll_call_entries_person ON roll_call_entries(person_id);
CREATE INDEX IF NOT EXISTS votes_document ON votes(document_id, position);
CREATE INDEX IF NOT EXISTS ballots_vote ON ballots(vote_id, position);
CREATE INDEX IF NOT EXISTS ballots_person ON ballots(person_id, vote_id);
CREATE INDEX IF NOT EXISTS movements_document ON movements(document_id, position);
CREATE INDEX IF NOT EXISTS item_mentions_key ON item_mentions(identifier_key);
CREATE INDEX IF NOT EXISTS item_mentions_document ON item_mentions(document_id);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
CREATE INDEX IF NOT EXISTS documents_session ON documents(session_id);
CREATE INDEX IF NOT EXISTS sessions_date ON sessions(date);
CREATE INDEX IF NOT EXISTS sessions_council ON sessions(council_id);
CREATE INDEX IF NOT EXISTS documents_council ON documents(council_id, status);
CREATE INDEX IF NOT EXISTS document_urls_document ON document_urls(document_id);
CREATE INDEX IF NOT EXISTS sessions_commission ON sessions(commission_id);
"""

# Columns added to SCHEMA after catalogues already existed: opening an older catalogue adds them, NULL
# in old rows. extractor_version: the extractor version of the last extraction attempt on the current
# file, success or failure (NULL: extracted before versions were recorded, so outdated).
# pages_extractor_version: the version that produced the pages and metadata the document holds.
ADDED_COLUMNS = (
    ("documents", "extractor_version", "TEXT"),
    ("documents", "pages_extractor_version", "TEXT"),
    ("runs", "outcome", "TEXT"),  # completed | failed | interrupted (killed, or stopped by a signal) | skipped
    # What a run was for (scheduler.py): step "pipeline" is one source's crawl -> extract -> index, its steps
    # point to it (part_of); trigger first | schedule | missed | retry | once, attempt 1 then 2.. for retries,
    # scheduled_for the fire time it serves, full_sweep 1 for a sweep. NULL in runs started by hand.
    ("runs", "source", "TEXT"),
    ("runs", "trigger", "TEXT"),
    ("runs", "attempt", "INTEGER"),
    ("runs", "full_sweep", "INTEGER"),
    ("runs", "scheduled_for", "TEXT"),
    ("runs", "part_of", "INTEGER"),
    # What this URL last gave (file and validators), for conditional requests that never trust a cached body.
    ("document_urls", "sha256", "TEXT"),
    ("document_urls", "etag", "TEXT"),
    ("document_urls", "last_modified", "TEXT"),
    ("commissions", "mission", "TEXT"),
    # A withdrawn document (gone from its portal) keeps the status it had, restored when it is listed again.
    ("documents", "status_before_withdrawn", "TEXT"),
    ("documents", "withdrawn_at", "TEXT"),
    # The session key the portal's listing gave, kept when the document's text places it in another session.
    ("documents", "listed_session_key", "TEXT"),
    # The date a listing gives a document of no single session (crawler.items.DocumentItem), if any.
    ("documents", "listing_date", "TEXT"),
)
