"""Documents get their sources (one document, several files), a normalised-text hash and a place code.

The same report saved as .txt and .html, or in GBK and UTF-8, was stored twice and its facts
counted twice. ``text_hash`` (SHA-256 of the text after NFKC, without whitespace and
punctuation) finds such copies; ``document_sources`` lists every file behind a document.
Stored documents get their hash and one source (their own file) here, and the title, date and
place their text gives (`zhibiao.extract.context.document_info`) where they had none.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from zhibiao.store.rows import text_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and the table; fill them for stored documents."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("place_code", sa.String(12)))
        batch.add_column(sa.Column("text_hash", sa.String(64)))
    op.create_index("ix_documents_text_hash", "documents", ["text_hash"])
    sources = op.create_table(
        "document_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("path", sa.Text),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("encoding", sa.String(32)),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer),
        sa.Column("added_at", sa.String(32)),
    )
    op.create_index("ix_document_sources_doc", "document_sources", ["doc_id"])
    op.create_index("ix_document_sources_sha256", "document_sources", ["sha256"])
    _backfill(op.get_bind(), sources)


#: Documents read at a time while filling the new columns (their texts can be long).
BATCH = 200
_COLUMNS = ("id", "path", "name", "format", "encoding", "sha256", "size", "ingested_at", "text", "meta", "title",
            "date", "place", "place_code", "text_hash")


def _backfill(bind: sa.Connection, sources: sa.Table) -> None:
    """Each stored document's hash and first source; its title, date and place where it had none."""
    docs = sa.table("documents", *(sa.column(c) for c in _COLUMNS))
    ids = bind.execute(sa.select(docs.c.id).order_by(docs.c.id)).scalars().all()
    update = sa.update(docs).where(docs.c.id == sa.bindparam("did")).values(
        text_hash=sa.bindparam("th"), title=sa.bindparam("ti"), date=sa.bindparam("da"), place=sa.bindparam("pl"),
        place_code=sa.bindparam("pc"))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        values, rows = [], []
        for row in bind.execute(sa.select(docs).where(docs.c.id.in_(chunk))).mappings():
            values.append({"did": row["id"], "th": text_hash(row["text"] or ""), **_described(row)})
            rows.append({"doc_id": row["id"], **{k: row[k] for k in ("path", "name", "format", "encoding", "sha256",
                                                                     "size")}, "added_at": row["ingested_at"]})
        bind.execute(update, values)
        bind.execute(sa.insert(sources), rows)


def _described(row: sa.RowMapping) -> dict[str, str | None]:
    """Title, date and place as `zhibiao.extract.context.document_info` reads them, the stored ones kept."""
    from zhibiao.extract.context import document_info

    try:
        meta = json.loads(row["meta"] or "{}")
    except ValueError:
        meta = {}
    info = document_info(row["text"] or "", meta if isinstance(meta, dict) else {})
    found = {"ti": info.title, "da": info.date, "pl": info.place.full_name if info.place else None,
             "pc": info.place.code if info.place else None}
    stored = {"ti": row["title"], "da": row["date"], "pl": row["place"]}
    return {k: stored.get(k) or v for k, v in found.items()}


def downgrade() -> None:
    """Drop the table, the index and the columns (ALTER TABLE DROP COLUMN: SQLite 3.35+; copying
    ``documents`` as batch mode does is refused while ``facts`` refers to it)."""
    op.drop_index("ix_document_sources_sha256", "document_sources")
    op.drop_index("ix_document_sources_doc", "document_sources")
    op.drop_table("document_sources")
    op.drop_index("ix_documents_text_hash", "documents")
    op.drop_column("documents", "text_hash")
    op.drop_column("documents", "place_code")
