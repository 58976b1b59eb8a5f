"""An index for one indicator in one period over every place (GDP targets for 2019 everywhere).

``ix_facts_indicator`` (indicator, region_code, period) serves an indicator within places;
without a place, SQLite read every fact of the indicator in it to keep one period's: at 10 M
facts, 200,000 index entries and a table row each for 2,000 kept (230–530 ms). This index
narrows by period and kind inside it (57–177 ms there, the rest reading the rows shown).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ix_facts_indicator_period."""
    op.create_index("ix_facts_indicator_period", "facts", ["indicator", "period", "kind"])


def downgrade() -> None:
    """Drop ix_facts_indicator_period."""
    op.drop_index("ix_facts_indicator_period", "facts")
