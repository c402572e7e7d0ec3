"""The catalogue's tables as they were at migration 0001 (the baseline): SCHEMA plus ADDED_COLUMNS of
archive/catalogue.py at commit 757cdd9, the last version that built the catalogue without Alembic.

Frozen: never edit it. Later changes are migrations in archive/migrations/versions/ and the current tables
are archive/schema.py.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


def _seen() -> tuple[Column, Column]:
    return Column("first_seen", Text, nullable=False), Column("last_seen", Text, nullable=False)


councils = Table(
    "councils", metadata, _id(),
    Column("slug", Text, nullable=False, unique=True), Column("name", Text, nullable=False),
    Column("portal_url", Text),
)
commissions = Table(
    "commissions", metadata, _id(),
    Column("council_id", Integer, ForeignKey("councils.id"), nullable=False),
    Column("slug", Text, nullable=False), Column("name", Text, nullable=False),
    Column("members_json", Text, nullable=False, server_default=text("'[]'")), Column("schedule", Text),
    Column("source_url", Text), *_seen(), Column("mission", Text),
    UniqueConstraint("council_id", "slug"),
)
sessions = Table(
    "sessions", metadata, _id(),
    Column("council_id", Integer, ForeignKey("councils.id"), nullable=False),
    Column("key", Text, nullable=False), Column("commission_id", Integer, ForeignKey("commissions.id")),
    Column("session_type", Text), Column("number", Integer), Column("date", Text), Column("title", Text),
    Column("source_url", Text), *_seen(),
    UniqueConstraint("council_id", "key"),
)
documents = Table(
    "documents", metadata, _id(),
    Column("council_id", Integer, ForeignKey("councils.id"), nullable=False),
    Column("key", Text, nullable=False), Column("session_id", Integer, ForeignKey("sessions.id")),
    Column("kind", Text), Column("title", Text),
    Column("current_sha256", Text, ForeignKey("files.sha256")),
    Column("status", Text, nullable=False, server_default=text("'listed'")),
    Column("status_reason", Text),
    Column("extracted_sha256", Text), Column("extracted_at", Text), Column("page_count", Integer),
    Column("metadata_json", Text), Column("indexed_sha256", Text), Column("indexed_at", Text),
    *_seen(), Column("extractor_version", Text), Column("pages_extractor_version", Text),
    # A withdrawn document (gone from its portal) keeps the status it had, restored when it is listed again.
    Column("status_before_withdrawn", Text), Column("withdrawn_at", Text),
    # The session key the portal's listing gave, kept when the document's text places it in another session.
    Column("listed_session_key", Text),
    # The date a listing gives a document of no single session (crawler.items.DocumentItem), if any.
    Column("listing_date", Text),
    UniqueConstraint("council_id", "key"),
)
document_urls = Table(
    "document_urls", metadata,
    Column("url", Text, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False), *_seen(),
    # What this URL last gave (file and validators), for conditional requests that never trust a cached body.
    Column("sha256", Text), Column("etag", Text), Column("last_modified", Text),
)
files = Table(
    "files", metadata,
    Column("sha256", Text, primary_key=True), Column("size", Integer, nullable=False),
    Column("media_type", Text), Column("first_stored", Text, nullable=False),
)
versions = Table(
    "versions", metadata, _id(),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("sha256", Text, ForeignKey("files.sha256"), nullable=False), Column("source_url", Text, nullable=False),
    Column("first_fetched", Text, nullable=False), Column("last_fetched", Text, nullable=False),
    Column("etag", Text), Column("last_modified", Text), Column("http_status", Integer),
    UniqueConstraint("document_id", "sha256"),
)
fetch_failures = Table(
    "fetch_failures", metadata, _id(),
    Column("url", Text, nullable=False), Column("document_key", Text), Column("reason", Text, nullable=False),
    Column("http_status", Integer), Column("at", Text, nullable=False),
)
pages = Table(
    "pages", metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True, autoincrement=False),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False), Column("display_text", Text), Column("origin", Text),
    Column("ocr_confidence", Float),
)
document_tables = Table(
    "document_tables", metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True, autoincrement=False),
    Column("page", Integer, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("sha256", Text, nullable=False), Column("rows_json", Text, nullable=False), Column("bbox_json", Text),
)
runs = Table(
    "runs", metadata, _id(),
    Column("step", Text, nullable=False), Column("started_at", Text, nullable=False), Column("finished_at", Text),
    Column("stats_json", Text), Column("errors_json", Text),
    Column("outcome", Text),  # completed | failed | interrupted (killed, or stopped by a signal) | skipped
    # What a run was for (scheduler.py): step "pipeline" is one source's crawl -> extract -> index, its steps
    # point to it (part_of); trigger first | schedule | missed | retry | once, attempt 1 then 2.. for retries,
    # scheduled_for the fire time it serves, full_sweep 1 for a sweep. NULL in runs started by hand.
    Column("source", Text), Column("trigger", Text), Column("attempt", Integer), Column("full_sweep", Integer),
    Column("scheduled_for", Text), Column("part_of", Integer),
)
members = Table(
    "members", metadata, _id(),
    Column("council_id", Integer, ForeignKey("councils.id"), nullable=False),
    Column("name", Text, nullable=False), Column("role", Text, nullable=False, server_default=text("''")),
    Column("body", Text, nullable=False, server_default=text("''")), Column("source_url", Text), *_seen(),
    UniqueConstraint("council_id", "name", "body", "role"),
)
session_links = Table(
    "session_links", metadata, _id(),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("kind", Text), Column("title", Text), Column("url", Text, nullable=False), *_seen(),
    UniqueConstraint("session_id", "url"),
)
crawl_ledgers = Table(
    "crawl_ledgers", metadata, _id(),
    Column("run_id", Integer), Column("council_slug", Text, nullable=False), Column("at", Text, nullable=False),
    Column("ledger_json", Text, nullable=False),
)
persons = Table(
    "persons", metadata, _id(),
    Column("council_id", Integer, ForeignKey("councils.id"), nullable=False),
    Column("name", Text, nullable=False), Column("folded", Text, nullable=False),
    Column("first_seen", Text, nullable=False),
)
person_names = Table(
    "person_names", metadata, _id(),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("council_id", Integer, ForeignKey("councils.id"), nullable=False),
    Column("folded", Text, nullable=False), Column("printed", Text, nullable=False),
    Column("first_seen", Text, nullable=False),
    UniqueConstraint("council_id", "printed"),
)
person_reviews = Table(
    "person_reviews", metadata, _id(),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("candidate_id", Integer, ForeignKey("persons.id"), nullable=False),
    Column("code", Text, nullable=False), Column("reason", Text, nullable=False), Column("printed", Text),
    Column("first_seen", Text, nullable=False),
    UniqueConstraint("person_id", "candidate_id"),
)
roll_calls = Table(
    "roll_calls", metadata, _id(),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("page", Integer), Column("moment", Text),
    Column("heading", Text), Column("stated_count", Integer), Column("stated_text", Text),
    Column("stated_page", Integer),
)
roll_call_entries = Table(
    "roll_call_entries", metadata, _id(),
    Column("roll_call_id", Integer, ForeignKey("roll_calls.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("person_id", Integer, ForeignKey("persons.id")),
    Column("printed_name", Text, nullable=False), Column("number", Integer), Column("role", Text),
    Column("choice", Text, nullable=False), Column("column", Text), Column("page", Integer),
)
votes = Table(
    "votes", metadata, _id(),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("page", Integer), Column("method", Text),
    Column("motion", Text), Column("agenda_point", Text),
    Column("identifiers_json", Text, nullable=False, server_default=text("'[]'")),
    Column("printed_totals_json", Text), Column("stated_counts_json", Text), Column("counted_totals_json", Text),
    Column("totals_match", Integer), Column("result", Text), Column("result_text", Text),
    Column("result_page", Integer), Column("body", Text),
    Column("search_text", Text, nullable=False, server_default=text("''")),
)
ballots = Table(
    "ballots", metadata, _id(),
    Column("vote_id", Integer, ForeignKey("votes.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("person_id", Integer, ForeignKey("persons.id")),
    Column("printed_name", Text, nullable=False), Column("number", Integer), Column("role", Text),
    Column("choice", Text, nullable=False), Column("column", Text), Column("page", Integer),
)
movements = Table(
    "movements", metadata, _id(),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("page", Integer), Column("direction", Text),
    Column("time", Text), Column("count_after", Integer), Column("text", Text),
)
movement_names = Table(
    "movement_names", metadata,
    Column("movement_id", Integer, ForeignKey("movements.id"), primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("person_id", Integer, ForeignKey("persons.id")), Column("printed_name", Text, nullable=False),
)
people_rules = Table(
    "people_rules", metadata,
    Column("council_id", Integer, ForeignKey("councils.id"), primary_key=True, autoincrement=False),
    Column("version", Text, nullable=False), Column("resolved_at", Text, nullable=False),
)
item_mentions = Table(
    "item_mentions", metadata, _id(),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("identifier", Text, nullable=False), Column("identifier_key", Text, nullable=False),
    Column("page", Integer), Column("stage", Text),
)

Index("crawl_ledgers_council", crawl_ledgers.c.council_slug, crawl_ledgers.c.id)
Index("persons_council", persons.c.council_id, persons.c.name)
Index("person_names_folded", person_names.c.council_id, person_names.c.folded)
Index("person_names_person", person_names.c.person_id)
Index("person_reviews_candidate", person_reviews.c.candidate_id)
Index("roll_calls_document", roll_calls.c.document_id, roll_calls.c.position)
Index("roll_call_entries_roll_call", roll_call_entries.c.roll_call_id, roll_call_entries.c.position)
Index("roll_call_entries_person", roll_call_entries.c.person_id)
Index("votes_document", votes.c.document_id, votes.c.position)
Index("ballots_vote", ballots.c.vote_id, ballots.c.position)
Index("ballots_person", ballots.c.person_id, ballots.c.vote_id)
Index("movements_document", movements.c.document_id, movements.c.position)
Index("item_mentions_key", item_mentions.c.identifier_key)
Index("item_mentions_document", item_mentions.c.document_id)
Index("documents_status", documents.c.status)
Index("documents_session", documents.c.session_id)
Index("sessions_date", sessions.c.date)
Index("sessions_council", sessions.c.council_id)
Index("documents_council", documents.c.council_id, documents.c.status)
Index("document_urls_document", document_urls.c.document_id)
Index("sessions_commission", sessions.c.commission_id)
