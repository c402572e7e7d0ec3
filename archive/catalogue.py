"""The catalogue: councils, commissions, members, sessions, documents, file versions, pages, runs and the
per-source coverage ledgers, with provenance; and what councils did as the minutes record it (roll calls,
votes, movements, items) with the people they name (archive/proceedings_store.py, archive/people.py).

It is reached through `open_catalogue(url)`: SQLite (`sqlite:///path`, the default) or PostgreSQL
(`postgresql://...`), through archive/database.py; the tables are archive/schema.py, built and migrated
forward on open by archive/migrations/. The SQL is written once, in what both databases share.
The catalogue never deletes a version, nor a document anything refers to (a never-fetched document
found to be an alias of another is merged into it, URLs and all): fetched history only grows, and a failed
re-extraction never takes away the text a document already has. A document gone from its portal is
marked withdrawn (its files and versions stay), and a document the text places in another session than its
listing keeps what the listing said (`listed_session_key`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from archive import proceedings_store
from archive.database import DATABASE_ERRORS, Database, Record, redacted
from archive.gaps import find_gaps
from archive.migrations import MigrationLockTimeout, migrate
from archive.reconcile import reconcile_session


def _member(member: dict | str) -> dict:
    """{"name", "role"} from a member as items carry it, or as a plain name (catalogues before roles)."""
    if isinstance(member, str):
        return {"name": member, "role": None}
    return {"name": str(member.get("name") or ""), "role": member.get("role") or None}


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


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
    """The catalogue at `url`: `sqlite:///PATH` (the default, in the data directory) or
    `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` (CONCEJO_CATALOGUE_URL), migrated forward on open."""
    if url.startswith(("sqlite:///", "postgresql://", "postgresql+psycopg://")):
        return Catalogue(url)
    raise CatalogueError(
        f"unsupported catalogue URL {redacted(url)!r}: use sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DATABASE "
        "in CONCEJO_CATALOGUE_URL, or unset it to use the SQLite catalogue in CONCEJO_DATA_DIR"
    )


class Catalogue:
    """All reads and writes of the catalogue go through this class."""

    def __init__(self, url: str | Path) -> None:
        if isinstance(url, Path) or not str(url).startswith(("sqlite:", "postgresql")):
            url = f"sqlite:///{url}"  # a path, as callers before URLs passed it
        self.url = url
        self.path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = Database(url)
        except DATABASE_ERRORS as exc:
            if url.startswith("sqlite:"):
                raise CatalogueError(f"cannot open the catalogue at {self.path}: {exc}") from exc
            raise CatalogueError(
                f"the PostgreSQL catalogue at {redacted(url)} is unreachable ({_first_line(exc)}): start the server "
                "or correct CONCEJO_CATALOGUE_URL (unset, the catalogue is SQLite in CONCEJO_DATA_DIR)"
            ) from exc
        try:
            migrate(self.db.connection, self.db.sqlite_path)
        except (*DATABASE_ERRORS, MigrationLockTimeout) as exc:
            self.db.close()
            raise CatalogueError(
                f"cannot bring the catalogue at {redacted(url)} to the current schema: {_first_line(exc)}"
            ) from exc

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with self.db.transaction() as db:
            yield db

    def data_version(self) -> int | None:
        """A number that changes whenever another connection commits to a SQLite catalogue (its data_version),
        for caches of what the catalogue says; None where the database has none (PostgreSQL): never cache."""
        return None if self.db.postgresql else self.db.execute("PRAGMA data_version").fetchone()[0]

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
    def commission_members(commission: Record | dict) -> list[dict]:
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

    def session_links(self, session_id: int) -> list[Record]:
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
    def _has_history(db: Database, document_id: int) -> bool:
        """Whether anything besides its URLs refers to a document (a version or pages): then it is kept."""
        return db.execute(
            "SELECT EXISTS (SELECT 1 FROM versions WHERE document_id = ?) "
            "OR EXISTS (SELECT 1 FROM pages WHERE document_id = ?)",
            (document_id, document_id),
        ).fetchone()[0] == 1

    def url_validators(self, url: str) -> Record | None:
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
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_seen >= ? THEN 1 ELSE 0 END), 0) FROM documents "
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

    def documents_with_files(self, sha256s: list[str]) -> list[Record]:
        """Documents whose current file is one of `sha256s`, each with the URLs it is listed under."""
        if not sha256s:
            return []
        marks = ", ".join("?" * len(sha256s))
        return self.db.execute(
            "SELECT d.id, d.key, d.current_sha256, "
            f"(SELECT {self.db.group_concat}(u.url, ' ') FROM document_urls u WHERE u.document_id = d.id) AS urls "
            f"FROM documents d WHERE d.current_sha256 IN ({marks}) ORDER BY d.id",
            sha256s,
        ).fetchall()

    def file_hashes(self) -> list[str]:
        """Every file the catalogue says is archived."""
        return [row[0] for row in self.db.execute("SELECT sha256 FROM files ORDER BY sha256")]

    # -- extraction ------------------------------------------------------------------------------

    def documents_to_extract(self, *, extractor_version: str, retry_failed: bool = False) -> list[Record]:
        """Documents to extract with `extractor_version`, each with `extract_reason` saying why.

        'new': the current file (new or changed) was never extracted. 'extractor_changed': it was
        extracted, or failed, with another version. 'retry_failed' (only with `retry_failed`): it failed
        with this version, including a failed re-extraction of a document that kept its earlier text.
        """
        due, params = _due_for_extraction(extractor_version, retry_failed)
        return self.db.execute(f"{EXTRACT_VIEW} WHERE {due} ORDER BY d.id",
                               (*_reason_params(extractor_version), *params)).fetchall()

    # Extraction claims let several `concejo extract` processes (on one machine or many, sharing the file
    # store and a PostgreSQL catalogue) share the work list without ever extracting a document twice: a
    # worker claims documents just before extracting them, in one UPDATE whose rows PostgreSQL locks with
    # FOR UPDATE SKIP LOCKED (two workers never wait on, nor take, the same row; SQLite runs one writer at a
    # time anyway), and saves a result only while the claim is still its own. A claim holds until its
    # expiry: a worker that died (killed, its machine lost) leaves a claim that another takes once expired.

    def claim_documents_to_extract(
        self, *, extractor_version: str, worker: str, limit: int, claim_s: float, retry_failed: bool = False,
        since: str | None = None,
    ) -> list[Record]:
        """Claim for `worker` up to `limit` documents due for extraction (as documents_to_extract gives them)
        that no live claim holds, for `claim_s` seconds, largest file first (so that, across every worker, a
        long document never starts last and runs alone). A document retried (`retry_failed`) is claimed only
        if nobody claimed it since `since` (the ISO time the caller's run started): one attempt per run."""
        due, params = _due_for_extraction(extractor_version, retry_failed, since=since)
        now = datetime.now(UTC)
        expires = (now + timedelta(seconds=claim_s)).isoformat(timespec="milliseconds")
        now_text = now.isoformat(timespec="milliseconds")
        lock = " FOR UPDATE OF d SKIP LOCKED" if self.db.postgresql else ""
        with self.transaction() as db:
            claimed = [row[0] for row in db.execute(
                "UPDATE documents SET claimed_by = ?, claimed_at = ?, claim_expires = ? WHERE id IN ("
                f"SELECT d.id FROM documents d JOIN files f ON f.sha256 = d.current_sha256 WHERE {due} AND {_UNCLAIMED} "
                f"ORDER BY f.size DESC, d.id LIMIT ?{lock}) RETURNING id",
                (worker, now_text, expires, *params, now_text, limit),
            )]
            if not claimed:
                return []
            marks = ", ".join("?" * len(claimed))
            return db.execute(f"{EXTRACT_VIEW} WHERE d.id IN ({marks}) ORDER BY d.id",
                              (*_reason_params(extractor_version), *claimed)).fetchall()

    def next_claim_expiry(self, *, extractor_version: str, worker: str, retry_failed: bool = False,
                          since: str | None = None) -> str | None:
        """When the first live claim of another worker on a document due for extraction expires (None: no
        document due is claimed): a worker with nothing left to claim waits for those, in case their worker
        died."""
        due, params = _due_for_extraction(extractor_version, retry_failed, since=since)
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        return self.db.execute(
            f"SELECT MIN(d.claim_expires) FROM documents d WHERE {due} AND d.claim_expires >= ? AND d.claimed_by != ?",
            (*params, now, worker),
        ).fetchone()[0]

    def release_claims(self, worker: str) -> int:
        """Give up `worker`'s live claims (a run stopped early): other workers may take them at once."""
        with self.transaction() as db:
            return db.execute("UPDATE documents SET claim_expires = NULL WHERE claimed_by = ? "
                              "AND claim_expires IS NOT NULL", (worker,)).rowcount

    @staticmethod
    def _end_claim(db: Database, document_id: int, worker: str | None) -> None:
        """End `worker`'s claim on the document, inside the transaction that saves its result; ClaimLost if
        another worker claimed it meanwhile (this one took longer than its claim: the other one's result
        stands)."""
        if worker is None:
            return
        if db.execute("UPDATE documents SET claim_expires = NULL WHERE id = ? AND claimed_by = ?",
                      (document_id, worker)).rowcount != 1:
            raise ClaimLost(f"document {document_id} was claimed by another worker after {worker}'s claim expired; "
                            "its result is not saved (raise CONCEJO_EXTRACT_CLAIM_S if extractions take this long)")

    def save_extraction(
        self, document_id: int, sha256: str, pages: list[dict], metadata: dict, errors: list[str], *,
        extractor_version: str, tables: list[dict] | None = None, claimed_by: str | None = None,
    ) -> None:
        """Replace the document's pages, tables (``{"page", "index", "rows", "bbox"}``) and metadata;
        its index entry is then out of date until indexed. With `claimed_by`, only while that worker's claim
        holds (ClaimLost otherwise, nothing saved)."""
        ts = now_iso()
        with self.transaction() as db:
            self._end_claim(db, document_id, claimed_by)
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
        self, document_id: int, sha256: str, reason: str, *, extractor_version: str, claimed_by: str | None = None,
    ) -> bool:
        """Record that extracting `sha256` with `extractor_version` failed, and why.

        A document already extracted from these same bytes keeps its pages, metadata and index entry
        (status stays 'extracted'); the failure is recorded as its status_reason. Returns True then.
        With `claimed_by`, only while that worker's claim holds (as save_extraction).
        """
        with self.transaction() as db:
            self._end_claim(db, document_id, claimed_by)
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
                           limit: int | None = None) -> list[Record]:
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

    def document(self, document_id: int) -> Record | None:
        return self.db.execute(f"{DOCUMENT_VIEW} WHERE d.id = ?", (document_id,)).fetchone()

    def pages(self, document_id: int) -> list[Record]:
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

    def versions(self, document_id: int) -> list[Record]:
        """The document's versions, oldest first; `is_current` is 1 for the file the catalogue serves now."""
        return self.db.execute(
            "SELECT v.*, CASE WHEN v.sha256 IS NOT DISTINCT FROM d.current_sha256 THEN 1 ELSE 0 END AS is_current "
            "FROM versions v "
            "JOIN documents d ON d.id = v.document_id WHERE v.document_id = ? ORDER BY v.first_fetched, v.id",
            (document_id,),
        ).fetchall()

    def sessions(self, *, commission_slug: str | None = None, year: int | None = None,
                 council_slug: str | None = None) -> list[Record]:
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

    def session(self, session_id: int) -> Record | None:
        return self.db.execute(
            "SELECT s.*, c.slug AS commission_slug, c.name AS commission_name FROM sessions s "
            "LEFT JOIN commissions c ON c.id = s.commission_id WHERE s.id = ?",
            (session_id,),
        ).fetchone()

    def session_documents(self, session_id: int) -> list[Record]:
        return self.db.execute(f"{DOCUMENT_VIEW} WHERE d.session_id = ? ORDER BY d.id", (session_id,)).fetchall()

    def commissions(self, council_slug: str | None = None) -> list[Record]:
        where, params = ("WHERE co.slug = ?", (council_slug,)) if council_slug else ("", ())
        return self.db.execute(
            "SELECT c.*, co.slug AS council_slug, co.name AS council_name, "
            "(SELECT COUNT(*) FROM sessions s WHERE s.commission_id = c.id) AS session_count "
            f"FROM commissions c JOIN councils co ON co.id = c.council_id {where} ORDER BY c.name, co.slug",
            params,
        ).fetchall()

    def commission(self, slug: str, council_slug: str | None = None) -> Record | None:
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

    def councils(self) -> list[Record]:
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

    def failures(self) -> list[Record]:
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
                f"VALUES (?, ?{', ?' * len(columns)}) RETURNING id", (step, now_iso(), *columns.values()),
            ).fetchone()[0]

    def record_run(self, step: str, stats: dict, errors: list[str], outcome: str, **labels: object) -> int:
        """A run that ended as it started (a scheduled run skipped because another held the pipeline lock),
        in one statement: it is never open, so no other process can take it for a killed one."""
        columns = self._run_labels(labels)
        now = now_iso()
        with self.transaction() as db:
            return db.execute(
                "INSERT INTO runs (step, started_at, finished_at, stats_json, errors_json, outcome"
                f"{''.join(', ' + c for c in columns)}) VALUES (?, ?, ?, ?, ?, ?{', ?' * len(columns)}) RETURNING id",
                (step, now, now, json.dumps(stats, ensure_ascii=False), json.dumps(errors, ensure_ascii=False),
                 outcome, *columns.values()),
            ).fetchone()[0]

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

    def last_runs(self, limit: int = 10) -> list[Record]:
        return self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def last_pipeline_run(self, source: str) -> Record | None:
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


class ClaimLost(CatalogueError):
    """A worker's claim on a document passed to another worker before it saved its result."""


EXTRACT_VIEW = (
    "SELECT d.*, s.session_type AS listed_session_type, COALESCE(s.date, d.listing_date) AS listed_date, "
    "s.key AS session_key, CASE WHEN d.status = 'fetched' THEN 'new' "
    "WHEN (d.extractor_version IS NULL OR d.extractor_version != ?) THEN 'extractor_changed' "
    "ELSE 'retry_failed' END AS extract_reason "
    "FROM documents d LEFT JOIN sessions s ON s.id = d.session_id"
)
# No live claim: never claimed, finished (expiry cleared), or the claim of a worker that died (expired).
_UNCLAIMED = "(d.claim_expires IS NULL OR d.claim_expires < ?)"


def _reason_params(extractor_version: str) -> tuple:
    return (extractor_version,)


def _due_for_extraction(extractor_version: str, retry_failed: bool, *, since: str | None = None) -> tuple[str, tuple]:
    """The condition on `d` (documents) of being due for extraction, and its parameters (after EXTRACT_VIEW's).
    Retried failures with `since`: only those nobody claimed since then."""
    outdated = "(d.extractor_version IS NULL OR d.extractor_version != ?)"
    failed_now = "(d.status = 'failed' OR (d.status = 'extracted' AND d.status_reason IS NOT NULL))"
    params: list = [extractor_version]
    retry = ""
    if retry_failed:
        retry = f" OR {failed_now}"
        if since is not None:
            retry = f" OR ({failed_now} AND (d.claimed_at IS NULL OR d.claimed_at < ?))"
            params.append(since)
    condition = ("d.current_sha256 IS NOT NULL AND (d.status = 'fetched' "
                 f"OR (d.status IN ('extracted', 'failed') AND {outdated}){retry})")
    return condition, tuple(params)


# Documents holding extracted text: extracted, or withdrawn after being extracted.
EXTRACTED = "(d.status = 'extracted' OR (d.status = 'withdrawn' AND d.status_before_withdrawn = 'extracted'))"


def _due_for_index(everything: bool) -> str:
    """Extracted (a withdrawn document stays searchable with the text it had: the archive keeps what portals
    drop) and, unless everything, not indexed in its current version."""
    changed = "" if everything else " AND (d.indexed_sha256 IS NULL OR d.indexed_sha256 != d.extracted_sha256)"
    return f"{EXTRACTED}{changed}"


def _restore_withdrawn(db: Database, document_id: int) -> None:
    """A withdrawn document listed again: back to the status it had (never-fetched ones to 'listed')."""
    db.execute(
        "UPDATE documents SET status = COALESCE(status_before_withdrawn, 'listed'), "
        "status_before_withdrawn = NULL, withdrawn_at = NULL WHERE id = ? AND status = 'withdrawn'",
        (document_id,),
    )


def _ledger(row: Record) -> dict:
    return {"run_id": row["run_id"], "at": row["at"], "ledger": json.loads(row["ledger_json"])}


DOCUMENT_VIEW = (
    "SELECT d.*, s.key AS session_key, s.session_type, s.number AS session_number, s.date AS session_date, "
    "s.title AS session_title, c.slug AS commission_slug, c.name AS commission_name, "
    "co.slug AS council_slug, co.name AS council_name "
    "FROM documents d LEFT JOIN sessions s ON s.id = d.session_id "
    "LEFT JOIN commissions c ON c.id = s.commission_id "
    "JOIN councils co ON co.id = d.council_id"
)
