"""The catalogue: councils, commissions, members, sessions, documents, file versions, pages, runs and the
per-source coverage ledgers, with provenance; and what councils did as the minutes record it (roll calls,
votes, movements, items) with the people they name (archive/proceedings_store.py, archive/people.py).

It is reached through `open_catalogue(url)`; only `sqlite:///path` is implemented, and the SQL stays
plain (no SQLite-only features beyond upserts that PostgreSQL shares) so a PostgreSQL URL can replace it.
The catalogue never deletes a version, nor a document anything refers to (a never-fetched document
found to be an alias of another is merged into it, URLs and all): fetched history only grows, and a failed
re-extraction never takes away the text a document already has. A document gone from its portal is
marked withdrawn (its files and versions stay), and a document the text places in another session than its
listing keeps what the listing said (`listed_session_key`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from archive import proceedings_store
from archive.gaps import find_gaps
from archive.reconcile import reconcile_session

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


def _member(member: dict | str) -> dict:
    """{"name", "role"} from a member as items carry it, or as a plain name (catalogues before roles)."""
    if isinstance(member, str):
        return {"name": member, "role": None}
    return {"name": str(member.get("name") or ""), "role": member.get("role") or None}


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class CatalogueError(RuntimeError):
    """The catalogue cannot be opened or used."""


@dataclass(frozen=True)
class StoredFetch:
    """What the catalogue made of one fetched document file.

    new_document: the document had no file before. changed: it had another current file, and this one is
    current now (kept beside the old one). Neither: the same bytes as its current file.
    """

    document_id: int
    sha256: str
    new_document: bool
    new_version: bool
    changed: bool = False


def open_catalogue(url: str) -> Catalogue:
    if url.startswith("sqlite:///"):
        return Catalogue(Path(url.removeprefix("sqlite:///")))
    raise CatalogueError(
        f"unsupported catalogue URL {url!r}: only sqlite:///PATH is implemented; "
        "set CONCEJO_DATA_DIR to choose where the SQLite catalogue lives"
    )


class Catalogue:
    """All reads and writes of the catalogue go through this class."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except sqlite3.Error as exc:
            raise CatalogueError(f"cannot open the catalogue at {self.path}: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        for table, column, sql_type in ADDED_COLUMNS:
            if column in self._columns(table):
                continue
            try:
                with self.transaction() as db:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
            except sqlite3.OperationalError as exc:
                if column not in self._columns(table):  # not just another process adding it first
                    raise CatalogueError(
                        f"cannot add column {table}.{column} to the catalogue at {self.path}: {exc}"
                    ) from exc

    def _columns(self, table: str) -> set[str]:
        return {d[0] for d in self.db.execute(f"SELECT * FROM {table} LIMIT 0").description}

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.db:
            yield self.db

    # -- councils, commissions, sessions --------------------------------------------------------

    def ensure_council(self, slug: str, name: str, portal_url: str | None = None) -> int:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO councils (slug, name, portal_url) VALUES (?, ?, ?) "
                "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, "
                "portal_url = COALESCE(excluded.portal_url, councils.portal_url)",
                (slug, name, portal_url),
            )
            return db.execute("SELECT id FROM councils WHERE slug = ?", (slug,)).fetchone()[0]

    def upsert_commission(
        self, council_id: int, slug: str, name: str, members: list[dict] | list[str], schedule: str | None,
        source_url: str | None, *, mission: str | None = None,
    ) -> int:
        """Record a commission as its page shows it: members as [{"name", "role"}] (see commission_members)."""
        ts = now_iso()
        members_json = json.dumps([_member(m) for m in members], ensure_ascii=False)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO commissions (council_id, slug, name, members_json, schedule, source_url, mission, "
                "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (council_id, slug) DO UPDATE SET name = excluded.name, "
                "members_json = excluded.members_json, schedule = excluded.schedule, "
                "source_url = excluded.source_url, mission = COALESCE(excluded.mission, commissions.mission), "
                "last_seen = excluded.last_seen",
                (council_id, slug, name, members_json, schedule, source_url, mission, ts, ts),
            )
            return db.execute(
                "SELECT id FROM commissions WHERE council_id = ? AND slug = ?", (council_id, slug)
            ).fetchone()[0]

    def ensure_commission(self, council_id: int, slug: str) -> int:
        """The commission `slug` of the council, created under its slug as name if its page was never read."""
        ts = now_iso()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO commissions (council_id, slug, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (council_id, slug) DO NOTHING",
                (council_id, slug, slug, ts, ts),
            )
            return db.execute(
                "SELECT id FROM commissions WHERE council_id = ? AND slug = ?", (council_id, slug)
            ).fetchone()[0]

    @staticmethod
    def commission_members(commission: sqlite3.Row | dict) -> list[dict]:
        """A commission's members as [{"name", "role"}]; rows written before roles were kept hold plain names."""
        return [_member(m) for m in json.loads(commission["members_json"] or "[]")]

    def upsert_member(
        self, council_id: int, name: str, *, role: str | None, body: str | None, source_url: str | None,
    ) -> int:
        """A member of the council as its members page lists them (one row per name, body and role)."""
        ts = now_iso()
        key = (council_id, name, role or "", body or "")
        with self.transaction() as db:
            db.execute(
                "INSERT INTO members (council_id, name, role, body, source_url, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (council_id, name, body, role) DO UPDATE SET "
                "source_url = COALESCE(excluded.source_url, members.source_url), last_seen = excluded.last_seen",
                (*key, source_url, ts, ts),
            )
            return db.execute(
                "SELECT id FROM members WHERE council_id = ? AND name = ? AND role = ? AND body = ?", key
            ).fetchone()[0]

    def members(self, council_slug: str) -> list[dict]:
        """The council's members: name, role and body (None when not published), source_url, first/last seen."""
        rows = self.db.execute(
            "SELECT m.* FROM members m JOIN councils co ON co.id = m.council_id WHERE co.slug = ? "
            "ORDER BY m.body, m.id",
            (council_slug,),
        ).fetchall()
        return [{**dict(r), "role": r["role"] or None, "body": r["body"] or None} for r in rows]

    def upsert_session(
        self, council_id: int, key: str, *, session_type: str | None, date: str | None, title: str | None,
        number: int | None = None, commission_id: int | None = None, source_url: str | None = None,
    ) -> int:
        ts = now_iso()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO sessions (council_id, key, commission_id, session_type, number, date, title, "
                "source_url, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (council_id, key) DO UPDATE SET "
                "commission_id = COALESCE(excluded.commission_id, sessions.commission_id), "
                "session_type = COALESCE(excluded.session_type, sessions.session_type), "
                "number = COALESCE(excluded.number, sessions.number), "
                "date = COALESCE(excluded.date, sessions.date), title = COALESCE(excluded.title, sessions.title), "
                "source_url = COALESCE(excluded.source_url, sessions.source_url), last_seen = excluded.last_seen",
                (council_id, key, commission_id, session_type, number, date, title, source_url, ts, ts),
            )
            return db.execute(
                "SELECT id FROM sessions WHERE council_id = ? AND key = ?", (council_id, key)
            ).fetchone()[0]

    def save_session_links(self, session_id: int, links: list[dict]) -> None:
        """Links of a session kept as links, never downloaded (audio, video, pages): [{"kind", "title", "url"}]."""
        ts = now_iso()
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO session_links (session_id, kind, title, url, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, url) DO UPDATE SET kind = excluded.kind, "
                "title = excluded.title, last_seen = excluded.last_seen",
                [(session_id, link.get("kind"), link.get("title"), link["url"], ts, ts) for link in links],
            )

    def session_links(self, session_id: int) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT kind, title, url, first_seen, last_seen FROM session_links WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()

    def set_session_number(self, session_id: int, number: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE sessions SET number = ? WHERE id = ? AND number IS NULL", (number, session_id))

    # -- documents and their files ---------------------------------------------------------------

    def list_document(
        self, council_id: int, key: str, *, session_id: int | None, kind: str | None, title: str | None,
        url: str, listing_date: str | None = None,
    ) -> int:
        """Record that a document is listed at `url` (before or without a successful download).

        A withdrawn document listed again gets back the status it had before it was withdrawn.
        """
        ts = now_iso()
        with self.transaction() as db:
            row = db.execute("SELECT document_id FROM document_urls WHERE url = ?", (url,)).fetchone()
            if row:
                db.execute("UPDATE document_urls SET last_seen = ? WHERE url = ?", (ts, url))
                db.execute("UPDATE documents SET last_seen = ? WHERE id = ?", (ts, row[0]))
                _restore_withdrawn(db, row[0])
                return row[0]
            db.execute(
                "INSERT INTO documents (council_id, key, session_id, kind, title, listing_date, first_seen, "
                "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (council_id, key) DO UPDATE SET "
                "last_seen = excluded.last_seen",
                (council_id, key, session_id, kind, title, listing_date, ts, ts),
            )
            doc_id = db.execute(
                "SELECT id FROM documents WHERE council_id = ? AND key = ?", (council_id, key)
            ).fetchone()[0]
            _restore_withdrawn(db, doc_id)
            db.execute(
                "INSERT INTO document_urls (url, document_id, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                (url, doc_id, ts, ts),
            )
            return doc_id

    def record_fetch(
        self, url: str, sha256: str, size: int, *, media_type: str | None = None, etag: str | None = None,
        last_modified: str | None = None, http_status: int | None = 200,
    ) -> StoredFetch:
        """Attach a stored file to the document listed at `url`.

        A file whose bytes are already the current file of another document makes `url` an alias of
        that document (the same document published under two URLs) instead of a second document.
        """
        ts = now_iso()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO files (sha256, size, media_type, first_stored) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (sha256) DO NOTHING",
                (sha256, size, media_type, ts),
            )
            row = db.execute("SELECT document_id FROM document_urls WHERE url = ?", (url,)).fetchone()
            if row is None:
                raise CatalogueError(f"{url} was fetched but never listed; call list_document first")
            doc_id = row[0]
            doc = db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
            twin = db.execute(
                "SELECT id FROM documents WHERE current_sha256 = ? AND id != ? AND council_id = ? "
                "ORDER BY id LIMIT 1",
                (sha256, doc_id, doc["council_id"]),
            ).fetchone()
            if twin and doc["current_sha256"] is None and not self._has_history(db, doc_id):
                # Same bytes already archived as another document: this URL is an alias of it, and so is
                # every other URL the never-fetched document was listed under (e.g. its link before it
                # changed), so no row is left pointing at it when it goes.
                db.execute("UPDATE document_urls SET document_id = ? WHERE document_id = ?", (twin[0], doc_id))
                db.execute("DELETE FROM documents WHERE id = ? AND current_sha256 IS NULL", (doc_id,))
                doc_id = twin[0]
                doc = db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
            new_version = db.execute(
                "SELECT 1 FROM versions WHERE document_id = ? AND sha256 = ?", (doc_id, sha256)
            ).fetchone() is None
            if new_version:
                db.execute(
                    "INSERT INTO versions (document_id, sha256, source_url, first_fetched, last_fetched, etag, "
                    "last_modified, http_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, sha256, url, ts, ts, etag, last_modified, http_status),
                )
            else:
                db.execute(
                    "UPDATE versions SET last_fetched = ?, etag = COALESCE(?, etag), "
                    "last_modified = COALESCE(?, last_modified) WHERE document_id = ? AND sha256 = ?",
                    (ts, etag, last_modified, doc_id, sha256),
                )
            if doc["current_sha256"] != sha256:
                db.execute(
                    "UPDATE documents SET current_sha256 = ?, status = 'fetched', status_reason = NULL, "
                    "last_seen = ? WHERE id = ?",
                    (sha256, ts, doc_id),
                )
            db.execute(
                "UPDATE document_urls SET sha256 = ?, etag = ?, last_modified = ?, last_seen = ? WHERE url = ?",
                (sha256, etag, last_modified, ts, url),
            )
            return StoredFetch(doc_id, sha256, new_document=doc["current_sha256"] is None, new_version=new_version,
                               changed=doc["current_sha256"] not in (None, sha256))

    @staticmethod
    def _has_history(db: sqlite3.Connection, document_id: int) -> bool:
        """Whether anything besides its URLs refers to a document (a version or pages): then it is kept."""
        return db.execute(
            "SELECT EXISTS (SELECT 1 FROM versions WHERE document_id = ?) "
            "OR EXISTS (SELECT 1 FROM pages WHERE document_id = ?)",
            (document_id, document_id),
        ).fetchone()[0] == 1

    def url_validators(self, url: str) -> sqlite3.Row | None:
        """What `url` last gave: sha256, etag, last_modified (None if it never gave a file)."""
        return self.db.execute(
            "SELECT sha256, etag, last_modified FROM document_urls WHERE url = ? AND sha256 IS NOT NULL", (url,)
        ).fetchone()

    def record_unchanged(self, url: str, sha256: str, *, etag: str | None = None,
                         last_modified: str | None = None) -> None:
        """The portal says `url` still holds `sha256` (HTTP 304, the archived copy checked intact)."""
        ts = now_iso()
        with self.transaction() as db:
            db.execute(
                "UPDATE document_urls SET last_seen = ?, etag = COALESCE(?, etag), "
                "last_modified = COALESCE(?, last_modified) WHERE url = ?",
                (ts, etag, last_modified, url),
            )
            db.execute(
                "UPDATE versions SET last_fetched = ? WHERE sha256 = ? "
                "AND document_id = (SELECT document_id FROM document_urls WHERE url = ?)",
                (ts, sha256, url),
            )

    def record_fetch_failure(
        self, url: str, reason: str, *, http_status: int | None = None, document_key: str | None = None,
    ) -> None:
        """A listed file could not be fetched; documents never fetched are marked so, archived ones keep theirs."""
        ts = now_iso()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO fetch_failures (url, document_key, reason, http_status, at) VALUES (?, ?, ?, ?, ?)",
                (url, document_key, reason, http_status, ts),
            )
            db.execute(
                "UPDATE documents SET status = 'fetch_failed', status_reason = ? WHERE current_sha256 IS NULL "
                "AND id = (SELECT document_id FROM document_urls WHERE url = ?)",
                (reason, url),
            )

    def mark_withdrawn(self, council_slug: str, *, seen_before: str) -> list[dict]:
        """Mark withdrawn the council's documents not listed since `seen_before` (the ISO time a complete
        crawl of the council's source started); returns [{"url", "key"}] of those newly withdrawn.

        Nothing is deleted: files, versions, pages and URLs stay, and the status the document had is kept
        for when it is listed again. Call it only after a crawl that read the whole portal: a crawl that
        listed no document of the council at all is refused (CatalogueError), never taken to mean that the
        portal withdrew everything.
        """
        council = self._council_id(council_slug)
        if council is None:
            return []
        ts = now_iso()
        with self.transaction() as db:
            known, listed = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(last_seen >= ?), 0) FROM documents "
                "WHERE council_id = ? AND status != 'withdrawn'",
                (seen_before, council),
            ).fetchone()
            if known and not listed:
                raise CatalogueError(
                    f"council {council_slug}: no document was listed since {seen_before}, so none is marked "
                    f"withdrawn (all {known} would be): did the crawl of its portal fail or find nothing?"
                )
            gone = db.execute(
                "SELECT d.id, d.key, (SELECT u.url FROM document_urls u WHERE u.document_id = d.id "
                "ORDER BY u.last_seen DESC, u.url LIMIT 1) AS url FROM documents d "
                "WHERE d.council_id = ? AND d.status != 'withdrawn' AND d.last_seen < ? ORDER BY d.id",
                (council, seen_before),
            ).fetchall()
            db.executemany(
                "UPDATE documents SET status_before_withdrawn = status, status = 'withdrawn', withdrawn_at = ? "
                "WHERE id = ?",
                [(ts, row["id"]) for row in gone],
            )
        return [{"url": row["url"], "key": row["key"]} for row in gone]

    def _council_id(self, slug: str) -> int | None:
        row = self.db.execute("SELECT id FROM councils WHERE slug = ?", (slug,)).fetchone()
        return row[0] if row else None

    def documents_with_files(self, sha256s: list[str]) -> list[sqlite3.Row]:
        """Documents whose current file is one of `sha256s`, each with the URLs it is listed under."""
        if not sha256s:
            return []
        marks = ", ".join("?" * len(sha256s))
        return self.db.execute(
            "SELECT d.id, d.key, d.current_sha256, "
            "(SELECT group_concat(u.url, ' ') FROM document_urls u WHERE u.document_id = d.id) AS urls "
            f"FROM documents d WHERE d.current_sha256 IN ({marks}) ORDER BY d.id",
            sha256s,
        ).fetchall()

    def file_hashes(self) -> list[str]:
        """Every file the catalogue says is archived."""
        return [row[0] for row in self.db.execute("SELECT sha256 FROM files ORDER BY sha256")]

    # -- extraction ------------------------------------------------------------------------------

    def documents_to_extract(self, *, extractor_version: str, retry_failed: bool = False) -> list[sqlite3.Row]:
        """Documents to extract with `extractor_version`, each with `extract_reason` saying why.

        'new': the current file (new or changed) was never extracted. 'extractor_changed': it was
        extracted, or failed, with another version. 'retry_failed' (only with `retry_failed`): it failed
        with this version, including a failed re-extraction of a document that kept its earlier text.
        """
        outdated = "(d.extractor_version IS NULL OR d.extractor_version != ?)"
        failed_now = "d.status = 'failed' OR (d.status = 'extracted' AND d.status_reason IS NOT NULL)"
        retry = f" OR {failed_now}" if retry_failed else ""
        return self.db.execute(
            "SELECT d.*, s.session_type AS listed_session_type, COALESCE(s.date, d.listing_date) AS listed_date, "
            "s.key AS session_key, "
            f"CASE WHEN d.status = 'fetched' THEN 'new' WHEN {outdated} THEN 'extractor_changed' "
            "ELSE 'retry_failed' END AS extract_reason "
            "FROM documents d LEFT JOIN sessions s ON s.id = d.session_id "
            "WHERE d.current_sha256 IS NOT NULL AND (d.status = 'fetched' "
            f"OR (d.status IN ('extracted', 'failed') AND {outdated}){retry}) ORDER BY d.id",
            (extractor_version, extractor_version),
        ).fetchall()

    def save_extraction(
        self, document_id: int, sha256: str, pages: list[dict], metadata: dict, errors: list[str], *,
        extractor_version: str, tables: list[dict] | None = None,
    ) -> None:
        """Replace the document's pages, tables (``{"page", "index", "rows", "bbox"}``) and metadata;
        its index entry is then out of date until indexed."""
        ts = now_iso()
        with self.transaction() as db:
            db.execute("DELETE FROM pages WHERE document_id = ?", (document_id,))
            db.execute("DELETE FROM document_tables WHERE document_id = ?", (document_id,))
            db.executemany(
                "INSERT INTO document_tables (document_id, page, position, sha256, rows_json, bbox_json) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (document_id, t["page"], t["index"], sha256, json.dumps(t["rows"], ensure_ascii=False),
                     json.dumps(t.get("bbox")))
                    for t in tables or ()
                ],
            )
            db.executemany(
                "INSERT INTO pages (document_id, number, text, display_text, origin, ocr_confidence) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (document_id, p["number"], p["text"], p.get("display_text"), p.get("origin"),
                     p.get("ocr_confidence"))
                    for p in pages
                ],
            )
            meta = dict(metadata, extraction_errors=errors)
            # indexed_sha256 = NULL: the same bytes re-extracted (new extractor) must still be re-indexed.
            db.execute(
                "UPDATE documents SET status = 'extracted', status_reason = NULL, extracted_sha256 = ?, "
                "extracted_at = ?, page_count = ?, metadata_json = ?, extractor_version = ?, "
                "pages_extractor_version = ?, indexed_sha256 = NULL WHERE id = ?",
                (sha256, ts, len(pages), json.dumps(meta, ensure_ascii=False), extractor_version,
                 extractor_version, document_id),
            )

    def save_extraction_failure(
        self, document_id: int, sha256: str, reason: str, *, extractor_version: str,
    ) -> bool:
        """Record that extracting `sha256` with `extractor_version` failed, and why.

        A document already extracted from these same bytes keeps its pages, metadata and index entry
        (status stays 'extracted'); the failure is recorded as its status_reason. Returns True then.
        """
        with self.transaction() as db:
            kept = db.execute(
                "UPDATE documents SET status_reason = ?, extractor_version = ? "
                "WHERE id = ? AND status = 'extracted' AND extracted_sha256 = ?",
                (reason, extractor_version, document_id, sha256),
            ).rowcount == 1
            if not kept:
                db.execute(
                    "UPDATE documents SET status = 'failed', status_reason = ?, extracted_sha256 = ?, "
                    "extracted_at = ?, extractor_version = ? WHERE id = ?",
                    (reason, sha256, now_iso(), extractor_version, document_id),
                )
            return kept

    # -- indexing --------------------------------------------------------------------------------

    def documents_to_index(self, *, everything: bool = False, after_id: int = 0,
                           limit: int | None = None) -> list[sqlite3.Row]:
        """Documents due for indexing (every extracted one with `everything`), by id: those after `after_id`,
        at most `limit` of them (keyset paging, so the index step holds one batch of rows at a time)."""
        bounded = " LIMIT ?" if limit is not None else ""
        return self.db.execute(
            f"{DOCUMENT_VIEW} WHERE {_due_for_index(everything)} AND d.id > ? ORDER BY d.id{bounded}",
            (after_id, limit) if limit is not None else (after_id,),
        ).fetchall()

    def count_to_index(self, *, everything: bool = False) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM documents d WHERE {_due_for_index(everything)}").fetchone()[0]

    def mark_indexed(self, document_ids: list[int]) -> None:
        ts = now_iso()
        with self.transaction() as db:
            db.executemany(
                "UPDATE documents SET indexed_sha256 = extracted_sha256, indexed_at = ? WHERE id = ?",
                [(ts, i) for i in document_ids],
            )

    # -- reading ---------------------------------------------------------------------------------

    def document(self, document_id: int) -> sqlite3.Row | None:
        return self.db.execute(f"{DOCUMENT_VIEW} WHERE d.id = ?", (document_id,)).fetchone()

    def pages(self, document_id: int) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM pages WHERE document_id = ? ORDER BY number", (document_id,)
        ).fetchall()

    def tables(self, document_id: int) -> list[dict]:
        """The document's tables in reading order: page, index on the page, rows, bbox, sha256 of their file."""
        rows = self.db.execute(
            "SELECT * FROM document_tables WHERE document_id = ? ORDER BY page, position", (document_id,)
        ).fetchall()
        return [{"page": r["page"], "index": r["position"], "rows": json.loads(r["rows_json"]),
                 "bbox": json.loads(r["bbox_json"]) if r["bbox_json"] else None, "sha256": r["sha256"]}
                for r in rows]

    def document_urls(self, document_id: int) -> list[str]:
        rows = self.db.execute(
            "SELECT url FROM document_urls WHERE document_id = ? ORDER BY first_seen, url", (document_id,)
        ).fetchall()
        return [r[0] for r in rows]

    def versions(self, document_id: int) -> list[sqlite3.Row]:
        """The document's versions, oldest first; `is_current` is 1 for the file the catalogue serves now."""
        return self.db.execute(
            "SELECT v.*, (v.sha256 IS d.current_sha256) AS is_current FROM versions v "
            "JOIN documents d ON d.id = v.document_id WHERE v.document_id = ? ORDER BY v.first_fetched, v.id",
            (document_id,),
        ).fetchall()

    def sessions(self, *, commission_slug: str | None = None, year: int | None = None,
                 council_slug: str | None = None) -> list[sqlite3.Row]:
        clauses, params = [], []
        if council_slug:
            clauses.append("s.council_id = (SELECT id FROM councils WHERE slug = ?)")
            params.append(council_slug)
        if commission_slug:
            clauses.append("c.slug = ?")
            params.append(commission_slug)
        if year:
            clauses.append("substr(s.date, 1, 4) = ?")
            params.append(f"{year:04d}")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self.db.execute(
            "SELECT s.*, c.slug AS commission_slug, c.name AS commission_name, "
            "(SELECT COUNT(*) FROM documents d WHERE d.session_id = s.id) AS document_count "
            f"FROM sessions s LEFT JOIN commissions c ON c.id = s.commission_id {where} "
            "ORDER BY s.date DESC, s.id DESC",
            params,
        ).fetchall()

    def session(self, session_id: int) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT s.*, c.slug AS commission_slug, c.name AS commission_name FROM sessions s "
            "LEFT JOIN commissions c ON c.id = s.commission_id WHERE s.id = ?",
            (session_id,),
        ).fetchone()

    def session_documents(self, session_id: int) -> list[sqlite3.Row]:
        return self.db.execute(f"{DOCUMENT_VIEW} WHERE d.session_id = ? ORDER BY d.id", (session_id,)).fetchall()

    def commissions(self, council_slug: str | None = None) -> list[sqlite3.Row]:
        where, params = ("WHERE co.slug = ?", (council_slug,)) if council_slug else ("", ())
        return self.db.execute(
            "SELECT c.*, co.slug AS council_slug, co.name AS council_name, "
            "(SELECT COUNT(*) FROM sessions s WHERE s.commission_id = c.id) AS session_count "
            f"FROM commissions c JOIN councils co ON co.id = c.council_id {where} ORDER BY c.name, co.slug",
            params,
        ).fetchall()

    def commission(self, slug: str, council_slug: str | None = None) -> sqlite3.Row | None:
        """The commission `slug` (of `council_slug`; without it, of the first council that has one)."""
        if council_slug:
            return self.db.execute(
                "SELECT c.* FROM commissions c JOIN councils co ON co.id = c.council_id "
                "WHERE c.slug = ? AND co.slug = ?",
                (slug, council_slug),
            ).fetchone()
        return self.db.execute("SELECT * FROM commissions WHERE slug = ? ORDER BY id LIMIT 1", (slug,)).fetchone()

    def extraction_counts(self, origins: tuple[str, ...] = ("ocr", "digital+ocr")) -> dict[str, dict[str, int]]:
        """Per council slug: documents with a page read by OCR (the pages' `origin`), and those pages."""
        marks = ", ".join("?" * len(origins))
        rows = self.db.execute(
            "SELECT co.slug, COUNT(DISTINCT p.document_id) AS ocr_documents, COUNT(*) AS ocr_pages "
            "FROM pages p JOIN documents d ON d.id = p.document_id JOIN councils co ON co.id = d.council_id "
            f"WHERE p.origin IN ({marks}) GROUP BY co.slug",
            origins,
        ).fetchall()
        return {row["slug"]: {"ocr_documents": row["ocr_documents"], "ocr_pages": row["ocr_pages"]} for row in rows}

    def councils(self) -> list[sqlite3.Row]:
        """Every council: slug, name, portal_url, session_count, document_count, withdrawn_count."""
        return self.db.execute(
            "SELECT co.id, co.slug, co.name, co.portal_url, "
            "(SELECT COUNT(*) FROM sessions s WHERE s.council_id = co.id) AS session_count, "
            "(SELECT COUNT(*) FROM documents d WHERE d.council_id = co.id) AS document_count, "
            "(SELECT COUNT(*) FROM documents d WHERE d.council_id = co.id AND d.status = 'withdrawn') "
            "AS withdrawn_count FROM councils co ORDER BY co.name, co.slug"
        ).fetchall()

    def session_count(self, council_slug: str) -> int:
        """How many sessions the catalogue holds for the council (0 for a council it does not know)."""
        return self.db.execute(
            "SELECT COUNT(*) FROM sessions s JOIN councils co ON co.id = s.council_id WHERE co.slug = ?",
            (council_slug,),
        ).fetchone()[0]

    def failures(self) -> list[sqlite3.Row]:
        """Every document that could not be fetched or extracted, with its reason.

        Includes extracted documents whose re-extraction failed (status 'extracted', with a reason):
        they keep their earlier text.
        """
        return self.db.execute(
            f"{DOCUMENT_VIEW} WHERE d.status IN ('failed', 'fetch_failed') "
            "OR (d.status = 'extracted' AND d.status_reason IS NOT NULL) ORDER BY d.id"
        ).fetchall()

    def outdated_extractions(self, extractor_version: str) -> int:
        """How many extracted documents hold pages made by another extractor version (or an unrecorded one)."""
        return self.db.execute(
            "SELECT COUNT(*) FROM documents WHERE status = 'extracted' "
            "AND (pages_extractor_version IS NULL OR pages_extractor_version != ?)",
            (extractor_version,),
        ).fetchone()[0]

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]
        return {
            "councils": one("SELECT COUNT(*) FROM councils"),
            "members": one("SELECT COUNT(*) FROM members"),
            "commissions": one("SELECT COUNT(*) FROM commissions"),
            "sessions": one("SELECT COUNT(*) FROM sessions"),
            "documents": one("SELECT COUNT(*) FROM documents"),
            "files": one("SELECT COUNT(*) FROM files"),
            "versions": one("SELECT COUNT(*) FROM versions"),
            "fetch_failed": one("SELECT COUNT(*) FROM documents WHERE status = 'fetch_failed'"),
            "withdrawn": one("SELECT COUNT(*) FROM documents WHERE status = 'withdrawn'"),
            # Listed on the portal but with no download outcome at all: a crawl should leave none.
            "listed_not_fetched": one("SELECT COUNT(*) FROM documents WHERE status = 'listed'"),
            "extracted": one("SELECT COUNT(*) FROM documents WHERE status = 'extracted'"),
            "extraction_failed": one("SELECT COUNT(*) FROM documents WHERE status = 'failed'"),
            "reextraction_failed": one(
                "SELECT COUNT(*) FROM documents WHERE status = 'extracted' AND status_reason IS NOT NULL"
            ),
            "pages": one("SELECT COUNT(*) FROM pages"),
            "indexed": one(
                "SELECT COUNT(*) FROM documents WHERE indexed_sha256 IS NOT NULL "
                "AND indexed_sha256 = extracted_sha256"
            ),
        }

    # -- runs ------------------------------------------------------------------------------------

    RUN_LABELS = ("source", "trigger", "attempt", "full_sweep", "scheduled_for", "part_of")

    def start_run(self, step: str, **labels: object) -> int:
        """Record a run as started; `labels` (RUN_LABELS) say what a scheduled run is for."""
        columns = self._run_labels(labels)
        with self.transaction() as db:
            return db.execute(
                f"INSERT INTO runs (step, started_at{''.join(', ' + c for c in columns)}) "
                f"VALUES (?, ?{', ?' * len(columns)})", (step, now_iso(), *columns.values()),
            ).lastrowid

    def record_run(self, step: str, stats: dict, errors: list[str], outcome: str, **labels: object) -> int:
        """A run that ended as it started (a scheduled run skipped because another held the pipeline lock),
        in one statement: it is never open, so no other process can take it for a killed one."""
        columns = self._run_labels(labels)
        now = now_iso()
        with self.transaction() as db:
            return db.execute(
                "INSERT INTO runs (step, started_at, finished_at, stats_json, errors_json, outcome"
                f"{''.join(', ' + c for c in columns)}) VALUES (?, ?, ?, ?, ?, ?{', ?' * len(columns)})",
                (step, now, now, json.dumps(stats, ensure_ascii=False), json.dumps(errors, ensure_ascii=False),
                 outcome, *columns.values()),
            ).lastrowid

    def _run_labels(self, labels: dict[str, object]) -> dict[str, object]:
        unknown = set(labels) - set(self.RUN_LABELS)
        if unknown:
            raise ValueError(f"unknown run labels: {', '.join(sorted(unknown))}")
        return {key: value for key, value in labels.items() if value is not None}

    def finish_run(self, run_id: int, stats: dict, errors: list[str], outcome: str = "completed") -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, stats_json = ?, errors_json = ?, outcome = ? WHERE id = ?",
                (now_iso(), json.dumps(stats, ensure_ascii=False), json.dumps(errors, ensure_ascii=False), outcome,
                 run_id),
            )

    def close_unfinished_runs(self) -> int:
        """Mark runs that never finished as interrupted. Call only while holding the pipeline lock, when no
        other run can be under way: a run row left open then belongs to a process that was killed."""
        with self.transaction() as db:
            return db.execute(
                "UPDATE runs SET finished_at = ?, outcome = 'interrupted', errors_json = ? WHERE finished_at IS NULL",
                (now_iso(), json.dumps(["the process running this step was stopped before it finished"])),
            ).rowcount

    def last_runs(self, limit: int = 10) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def last_pipeline_run(self, source: str) -> sqlite3.Row | None:
        """The newest scheduled run (step "pipeline") of one source, whatever its outcome."""
        return self.db.execute("SELECT * FROM runs WHERE step = 'pipeline' AND source = ? ORDER BY id DESC LIMIT 1",
                               (source,)).fetchone()

    def last_attempted(self, source: str, *, full_sweep: bool = False) -> str | None:
        """When the newest run of one source that did its work started: a scheduled run completed, failed or
        skipped (not one interrupted or left open by a killed process) or, unless `full_sweep` asks for
        sweeps only, a crawl by hand that recorded the source's ledger."""
        scheduled = self.db.execute(
            "SELECT MAX(started_at) FROM runs WHERE step = 'pipeline' AND source = ? "
            f"AND outcome IN ('completed', 'failed', 'skipped'){' AND full_sweep = 1' if full_sweep else ''}",
            (source,)).fetchone()[0]
        by_hand = None if full_sweep else self.db.execute(
            "SELECT MAX(runs.started_at) FROM crawl_ledgers JOIN runs ON runs.id = crawl_ledgers.run_id "
            "WHERE crawl_ledgers.council_slug = ? AND runs.part_of IS NULL", (source,)).fetchone()[0]
        return max((t for t in (scheduled, by_hand) if t), default=None)

    def last_completed_crawl(self, source: str) -> str | None:
        """When the newest crawl of one source that completed (its ledger names no error) ended, if any."""
        rows = self.db.execute("SELECT at, ledger_json FROM crawl_ledgers WHERE council_slug = ? ORDER BY id DESC",
                               (source,))
        return next((row["at"] for row in rows if not json.loads(row["ledger_json"]).get("error")), None)

    # -- coverage ledgers --------------------------------------------------------------------------

    def record_ledger(self, run_id: int | None, council_slug: str, ledger: dict) -> None:
        """What one run saw of one source: new, changed, unchanged, withdrawn, failed [{url, reason}], ...
        (any JSON object; `concejo run --json` prints the same shape)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO crawl_ledgers (run_id, council_slug, at, ledger_json) VALUES (?, ?, ?, ?)",
                (run_id, council_slug, now_iso(), json.dumps(ledger, ensure_ascii=False)),
            )

    def ledgers(self, council_slug: str, limit: int = 10) -> list[dict]:
        """The council's ledgers, newest first: [{"run_id", "at", "ledger"}]."""
        rows = self.db.execute(
            "SELECT run_id, at, ledger_json FROM crawl_ledgers WHERE council_slug = ? ORDER BY id DESC LIMIT ?",
            (council_slug, limit),
        ).fetchall()
        return [_ledger(row) for row in rows]

    def latest_ledgers(self) -> dict[str, dict]:
        """The newest ledger of every council that has one: {slug: {"run_id", "at", "ledger"}}."""
        rows = self.db.execute(
            "SELECT council_slug, run_id, at, ledger_json FROM crawl_ledgers WHERE id IN "
            "(SELECT MAX(id) FROM crawl_ledgers GROUP BY council_slug) ORDER BY council_slug"
        ).fetchall()
        return {row["council_slug"]: _ledger(row) for row in rows}

    # -- coverage gaps and session identity ----------------------------------------------------------

    def gaps(self, council_slug: str, *, minutes_after_days: int = 30, today: date | str | None = None,
             by_type: bool = False) -> list[dict]:
        """Gaps in what the council published; see archive.gaps.find_gaps for the kinds and their fields."""
        return find_gaps(self.db, council_slug, minutes_after_days=minutes_after_days, today=today,
                         by_type=by_type)

    def reconcile_session(self, document_id: int, metadata: dict) -> bool:
        """Attach the document to the session its text names when the listing disagrees; see
        archive.reconcile.reconcile_session. True when the document moved to another session."""
        with self.transaction() as db:
            return reconcile_session(db, document_id, metadata, now=now_iso())

    # -- proceedings: roll calls, votes, movements, items, and the people they name --------------------
    # Logic and SQL live in archive/proceedings_store.py (who is who: archive/people.py); shapes in the
    # proceedings contract of issue 11.

    def save_proceedings(self, document_id: int, proceedings: dict) -> dict[str, int]:
        """Replace the document's proceedings (Proceedings.to_dict()) in one transaction, every printed name
        resolved to a person of its council; how many roll calls, entries, votes, ballots... were stored.
        A council whose people were resolved under other rules (PEOPLE_RULES_VERSION) is re-resolved first."""
        row = self.db.execute(
            "SELECT co.slug FROM documents d JOIN councils co ON co.id = d.council_id WHERE d.id = ?",
            (document_id,),
        ).fetchone()
        portal = self._portal_people(row[0]) if row else []
        with self.transaction() as db:
            return proceedings_store.save_proceedings(db, document_id, proceedings, portal=portal, now=now_iso())

    def reresolve_people(self, council_slug: str) -> dict[str, int]:
        """Re-assign every printed name of the council to people from scratch, under today's rules
        (proceedings_store.reresolve_people): how many people were kept, reused, added and removed.
        save_proceedings does it by itself when the council was resolved under other rules."""
        council_id = self._council_id(council_slug)
        if council_id is None:
            raise LookupError(f"no council {council_slug!r} in the catalogue")
        portal = self._portal_people(council_slug)
        with self.transaction() as db:
            return proceedings_store.reresolve_people(db, council_id, portal, now=now_iso())

    def people(self, council_slug: str | None = None) -> list[dict]:
        return proceedings_store.people(self.db, council_slug, self._portal_people(council_slug))

    def person(self, person_id: int) -> dict | None:
        row = self.db.execute(
            "SELECT co.slug FROM persons p JOIN councils co ON co.id = p.council_id WHERE p.id = ?", (person_id,)
        ).fetchone()
        return proceedings_store.person(self.db, person_id, self._portal_people(row[0])) if row else None

    def people_to_review(self, council_slug: str | None = None) -> list[dict]:
        return proceedings_store.people_to_review(self.db, council_slug)

    def votes(self, *, council: str | None = None, member: int | None = None, q: str | None = None,
              date_from: str | None = None, date_to: str | None = None, result: str | None = None,
              limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
        return proceedings_store.votes(self.db, council=council, member=member, q=q, date_from=date_from,
                                       date_to=date_to, result=result, limit=limit, offset=offset)

    def session_proceedings(self, session_id: int) -> dict:
        return proceedings_store.session_proceedings(self.db, session_id)

    def items(self, council_slug: str | None = None) -> list[dict]:
        return proceedings_store.items(self.db, council_slug)

    def item(self, identifier: str, council_slug: str | None = None) -> list[dict]:
        return proceedings_store.item(self.db, identifier, council_slug)

    def vote_export_rows(self, council: str | None = None) -> Iterator[dict]:
        return proceedings_store.vote_export_rows(self.db, council)

    def attendance_export_rows(self, council: str | None = None) -> Iterator[dict]:
        return proceedings_store.attendance_export_rows(self.db, council)

    def _portal_people(self, council_slug: str | None) -> list[dict]:
        """The names the portal lists for the council (every council without a slug): its members page
        [{"council_id", "name", "role", "body", "first_seen", "last_seen"}], then each commission's members
        with "commission_slug" and "commission_name" (first/last seen: the commission page's)."""
        slugs = [council_slug] if council_slug else [row["slug"] for row in self.councils()]
        listed: list[dict] = []
        for slug in slugs:
            council_id = self._council_id(slug)
            if council_id is None:
                continue
            listed += [{**member, "council_id": council_id} for member in self.members(slug)]
            for commission in self.commissions(slug):
                listed += [
                    {**member, "council_id": council_id, "commission_slug": commission["slug"],
                     "commission_name": commission["name"], "first_seen": commission["first_seen"],
                     "last_seen": commission["last_seen"]}
                    for member in self.commission_members(commission)
                ]
        return listed


# Documents holding extracted text: extracted, or withdrawn after being extracted.
EXTRACTED = "(d.status = 'extracted' OR (d.status = 'withdrawn' AND d.status_before_withdrawn = 'extracted'))"


def _due_for_index(everything: bool) -> str:
    """Extracted (a withdrawn document stays searchable with the text it had: the archive keeps what portals
    drop) and, unless everything, not indexed in its current version."""
    changed = "" if everything else " AND (d.indexed_sha256 IS NULL OR d.indexed_sha256 != d.extracted_sha256)"
    return f"{EXTRACTED}{changed}"


def _restore_withdrawn(db: sqlite3.Connection, document_id: int) -> None:
    """A withdrawn document listed again: back to the status it had (never-fetched ones to 'listed')."""
    db.execute(
        "UPDATE documents SET status = COALESCE(status_before_withdrawn, 'listed'), "
        "status_before_withdrawn = NULL, withdrawn_at = NULL WHERE id = ? AND status = 'withdrawn'",
        (document_id,),
    )


def _ledger(row: sqlite3.Row) -> dict:
    return {"run_id": row["run_id"], "at": row["at"], "ledger": json.loads(row["ledger_json"])}


DOCUMENT_VIEW = (
    "SELECT d.*, s.key AS session_key, s.session_type, s.number AS session_number, s.date AS session_date, "
    "s.title AS session_title, c.slug AS commission_slug, c.name AS commission_name, "
    "co.slug AS council_slug, co.name AS council_name "
    "FROM documents d LEFT JOIN sessions s ON s.id = d.session_id "
    "LEFT JOIN commissions c ON c.id = s.commission_id "
    "JOIN councils co ON co.id = d.council_id"
)
