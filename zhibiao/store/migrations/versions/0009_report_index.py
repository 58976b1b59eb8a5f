"""One covering index for the reports of a place: targets with their actuals, and conflicts.

Targets pair each target with the actuals of its place, topic, period, measure and unit;
conflicts group a place's reports by that key and kind and compare their values. Both read
only the key, the value and qualifier, and the document. ``ix_facts_topic`` (topic,
region_code, period, kind, measure) found the rows but left every one to be read from the
table; this index holds all they read, so SQLite pairs and groups a place's reports in the
index alone (on PostgreSQL the id rides along, for index-only scans), and the table is read
only for the reports shown. It starts with the place, as every such question names one,
and replaces ``ix_facts_topic``, whose lookups (topic, place, period) it answers too.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = ["region_code", "topic", "period", "measure", "unit", "kind", "type", "year_from", "year_to", "indicator",
           "value", "qualifier", "doc_id"]


def upgrade() -> None:
    """Replace ix_facts_topic by ix_facts_report."""
    op.drop_index("ix_facts_topic", "facts")
    op.create_index("ix_facts_report", "facts", COLUMNS, postgresql_include=["id"])


def downgrade() -> None:
    """Bring ix_facts_topic back."""
    op.drop_index("ix_facts_report", "facts")
    op.create_index("ix_facts_topic", "facts", ["topic", "region_code", "period", "kind", "measure"])
