"""Extraction claims: which `concejo extract` process is extracting a document, and until when.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("claimed_by", sa.Text()))
    op.add_column("documents", sa.Column("claimed_at", sa.Text()))
    op.add_column("documents", sa.Column("claim_expires", sa.Text()))
