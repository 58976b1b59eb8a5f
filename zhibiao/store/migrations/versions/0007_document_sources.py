"""Documents get their sources (one document, several files), a normalised-text hash and a place code.

The same report saved as .txt and .html, or in GBK and UTF-8, was stored twice and its facts
counted twice. ``text_hash`` (SHA-256 of the text after NFKC, without whitespace and
punctuation) finds such copies; ``document_sources`` lists every file behind a document.
Stored documents get their hash and one source (their own file) here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

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
    bind = op.get_bind()
    docs = sa.table("documents", *(sa.column(c) for c in ("id", "path", "name", "format", "encoding", "sha256",
                                                          "size", "ingested_at", "text", "text_hash")))
    update = sa.update(docs).where(docs.c.id == sa.bindparam("did")).values(text_hash=sa.bindparam("th"))
    hashes, rows = [], []
    for did, path, name, fmt, encoding, sha, size, at, body in bind.execute(sa.select(
            docs.c.id, docs.c.path, docs.c.name, docs.c.format, docs.c.encoding, docs.c.sha256, docs.c.size,
            docs.c.ingested_at, docs.c.text)):
        hashes.append({"did": did, "th": text_hash(body or "")})
        rows.append({"doc_id": did, "path": path, "name": name, "format": fmt, "encoding": encoding, "sha256": sha,
                     "size": size, "added_at": at})
    if hashes:
        bind.execute(update, hashes)
        bind.execute(sa.insert(sources), rows)


def downgrade() -> None:
    """Drop the table, the index and the columns (ALTER TABLE DROP COLUMN: SQLite 3.35+; copying
    ``documents`` as batch mode does is refused while ``facts`` refers to it)."""
    op.drop_index("ix_document_sources_sha256", "document_sources")
    op.drop_index("ix_document_sources_doc", "document_sources")
    op.drop_table("document_sources")
    op.drop_index("ix_documents_text_hash", "documents")
    op.drop_column("documents", "text_hash")
    op.drop_column("documents", "place_code")
