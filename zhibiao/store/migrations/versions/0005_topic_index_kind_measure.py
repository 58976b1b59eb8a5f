"""The topic index also holds kind and measure.

Targets find their actuals, and conflicts group reports, on (topic, place, period, kind,
measure). With only (topic, region_code, period) in the index, SQLite without statistics (a
database never ANALYZEd) preferred the place-and-period index for that lookup and spent over
a second on targets of one place in a million facts; with five equalities it takes this one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Rebuild ix_facts_topic with kind and measure."""
    op.drop_index("ix_facts_topic", "facts")
    op.create_index("ix_facts_topic", "facts", ["topic", "region_code", "period", "kind", "measure"])


def downgrade() -> None:
    """Back to (topic, region_code, period)."""
    op.drop_index("ix_facts_topic", "facts")
    op.create_index("ix_facts_topic", "facts", ["topic", "region_code", "period"])
