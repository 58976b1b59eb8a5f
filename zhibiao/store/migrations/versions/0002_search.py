"""Full-text search: a bigram shadow column on facts, FTS5 (SQLite) or a GIN index (PostgreSQL).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from zhibiao.store import fts
from zhibiao.store.rows import search_text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FIELDS = ("id", "subject", "name", "policy", "beneficiary", "evidence")


def upgrade() -> None:
    """Add ``facts.search``, fill it for facts already stored, then build the index over it."""
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("search", sa.Text))
    bind = op.get_bind()
    facts = sa.table("facts", *(sa.column(c) for c in (*_FIELDS, "search")))
    rows = bind.execute(sa.select(*(facts.c[c] for c in _FIELDS))).mappings().all()
    update = sa.update(facts).where(facts.c.id == sa.bindparam("fid")).values(search=sa.bindparam("s"))
    batch_rows = [{"fid": r["id"], "s": search_text(dict(r))} for r in rows]
    if batch_rows:
        bind.execute(update, batch_rows)
    statements = fts.SQLITE_CREATE if bind.dialect.name == "sqlite" else fts.PG_CREATE
    for statement in statements:
        op.execute(statement)
    if bind.dialect.name == "sqlite":
        op.execute(f"INSERT INTO {fts.SQLITE_TABLE}({fts.SQLITE_TABLE}) VALUES ('rebuild')")


def downgrade() -> None:
    """Drop the index and the shadow column."""
    bind = op.get_bind()
    for statement in fts.SQLITE_DROP if bind.dialect.name == "sqlite" else fts.PG_DROP:
        op.execute(statement)
    with op.batch_alter_table("facts") as batch:
        batch.drop_column("search")
