"""Baseline: the catalogue as the code before Alembic built it (archive/migrations/baseline_schema.py).

Revision ID: 0001
"""

from alembic import op

from archive.migrations import baseline_schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    baseline_schema.metadata.create_all(op.get_bind())
