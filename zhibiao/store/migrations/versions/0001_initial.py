"""Initial fact base: documents, facts, places, indicators.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four tables and their indexes."""
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("path", sa.Text),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("encoding", sa.String(32)),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("previous_id", sa.Integer, sa.ForeignKey("documents.id")),
        sa.Column("title", sa.Text),
        sa.Column("date", sa.String(32)),
        sa.Column("place", sa.Text),
        sa.Column("meta", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("n_facts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("extractor", sa.String(32)),
        sa.Column("ingested_at", sa.String(32)),
    )
    op.create_index("uq_documents_current_sha256", "documents", ["sha256"], unique=True,
                    sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current"))
    op.create_index("uq_documents_current_path", "documents", ["path"], unique=True,
                    sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current"))
    op.create_index("ix_documents_sha256", "documents", ["sha256"])
    op.create_index("ix_documents_name", "documents", ["name"])
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("region", sa.Text),
        sa.Column("region_code", sa.String(12)),
        sa.Column("subject", sa.Text),
        sa.Column("indicator", sa.String(64)),
        sa.Column("period", sa.String(32)),
        sa.Column("kind", sa.String(16)),
        sa.Column("measure", sa.String(16)),
        sa.Column("value", sa.Float),
        sa.Column("unit", sa.String(32)),
        sa.Column("qualifier", sa.String(16)),
        sa.Column("name", sa.Text),
        sa.Column("status", sa.String(16)),
        sa.Column("investment", sa.Float),
        sa.Column("policy", sa.Text),
        sa.Column("beneficiary", sa.Text),
        sa.Column("condition", sa.Text),
        sa.Column("rate", sa.Float),
        sa.Column("cap", sa.Float),
        sa.Column("evidence", sa.Text),
        sa.Column("char_start", sa.Integer),
        sa.Column("char_end", sa.Integer),
    )
    op.create_index("ix_facts_doc", "facts", ["doc_id", "seq"])
    op.create_index("ix_facts_indicator", "facts", ["indicator", "region_code", "period"])
    op.create_index("ix_facts_region", "facts", ["region_code", "indicator"])
    op.create_table(
        "places",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_code", sa.String(12)),
    )
    op.create_index("ix_places_parent", "places", ["parent_code"])
    op.create_index("ix_places_full_name", "places", ["full_name"])
    op.create_table(
        "indicators",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("aliases", sa.Text),
        sa.Column("unit", sa.String(32)),
    )


def downgrade() -> None:
    """Drop everything."""
    for table in ("indicators", "places", "facts", "documents"):
        op.drop_table(table)
