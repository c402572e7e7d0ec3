"""Catalogue files as older code left them, made from one today's code made."""

from __future__ import annotations

import sqlite3

# Columns the migrations after the baseline (0001) added: a file from before Alembic never had them.
AFTER_BASELINE = (("documents", "claimed_by"), ("documents", "claimed_at"), ("documents", "claim_expires"))


def as_before_alembic(db: sqlite3.Connection) -> None:
    """Make the SQLite catalogue on `db` look as the code before Alembic left it: no alembic_version, none of
    the columns added since the baseline (the caller then takes away what its own older version lacked)."""
    db.execute("DROP TABLE alembic_version")
    for table, column in AFTER_BASELINE:
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
