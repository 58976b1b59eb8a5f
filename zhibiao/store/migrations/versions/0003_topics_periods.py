"""Facts get ``topic`` (indicator or subject) and their period's type and years, with indexes.

Targets, actuals and conflicts are matched on topic; period ranges (2019:2025) on the years.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from zhibiao.store import fts
from zhibiao.store.rows import period_fields, topic

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NEW = ("topic", "period_type", "year_from", "year_to")


def upgrade() -> None:
    """Add the columns, fill them for stored facts, index them."""
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("topic", sa.Text))
        batch.add_column(sa.Column("period_type", sa.String(16)))
        batch.add_column(sa.Column("year_from", sa.Integer))
        batch.add_column(sa.Column("year_to", sa.Integer))
    bind = op.get_bind()
    facts = sa.table("facts", *(sa.column(c) for c in ("id", "indicator", "subject", "name", "period", *_NEW)))
    rows = bind.execute(sa.select(facts.c.id, facts.c.indicator, facts.c.subject, facts.c.name,
                                  facts.c.period)).all()
    update = sa.update(facts).where(facts.c.id == sa.bindparam("fid")).values(
        topic=sa.bindparam("t"), period_type=sa.bindparam("pt"), year_from=sa.bindparam("yf"),
        year_to=sa.bindparam("yt"))
    values = []
    for fid, indicator, subject, name, period in rows:
        kind, year_from, year_to = period_fields(period)
        values.append({"fid": fid, "t": topic(indicator, subject, name), "pt": kind, "yf": year_from, "yt": year_to})
    if values:
        bind.execute(update, values)
    op.create_index("ix_facts_topic", "facts", ["topic", "region_code", "period"])
    op.create_index("ix_facts_years", "facts", ["year_from", "year_to"])


def downgrade() -> None:
    """Drop the indexes and columns (SQLite copies the table: its FTS triggers are rebuilt)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_facts_years", "facts")
    op.drop_index("ix_facts_topic", "facts")
    if sqlite:
        for statement in fts.SQLITE_DROP:
            op.execute(statement)
    with op.batch_alter_table("facts") as batch:
        for column in reversed(_NEW):
            batch.drop_column(column)
    if sqlite:
        for statement in fts.SQLITE_CREATE:
            op.execute(statement)
        op.execute(f"INSERT INTO {fts.SQLITE_TABLE}({fts.SQLITE_TABLE}) VALUES ('rebuild')")
