"""Facts a user marked wrong (``fact_flags``): a note and time, kept across re-ingests.

Re-ingesting a document replaces its facts with new rows (new ids), so a flag also holds its
fact's document path, type and span, and is linked again to the new fact with that key.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create fact_flags."""
    op.create_table(
        "fact_flags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("fact_id", sa.Integer, sa.ForeignKey("facts.id", ondelete="SET NULL")),
        sa.Column("doc_key", sa.Text, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("flagged_at", sa.String(32), nullable=False),
    )
    op.create_index("uq_fact_flags_key", "fact_flags", ["doc_key", "type", "char_start", "char_end"], unique=True)
    op.create_index("ix_fact_flags_fact", "fact_flags", ["fact_id"])


def downgrade() -> None:
    """Drop fact_flags."""
    op.drop_index("ix_fact_flags_fact", "fact_flags")
    op.drop_index("uq_fact_flags_key", "fact_flags")
    op.drop_table("fact_flags")
