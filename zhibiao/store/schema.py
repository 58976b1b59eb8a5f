"""The fact base's tables (SQLAlchemy Core), as they stand at the newest migration.

One metadata serves SQLite and PostgreSQL. Facts are tidy: one row per fact, unit and value
in their own columns; place × period matrices are computed by queries, never stored.
Every change here needs a migration in ``migrations/versions`` (a test compares the two).

- ``documents``: one row per ingested version of a file. ``sha256`` identifies its content
  (the file's bytes and the metadata that shapes its facts); ``is_current`` marks the version
  whose facts are live. At most one current row per hash and per path (partial unique indexes).
- ``facts``: every field of the extractor's records plus offsets, ``topic`` (the indicator id,
  or ``~`` + subject when there is none: what targets, actuals and conflicts are matched on),
  the period's years, and ``search`` (the bigram shadow column behind full-text search).
- ``document_sources``: every file whose text is a document's (the same report as .txt and
  .html, or in GBK and UTF-8, is one document with two sources); ``text_hash`` on ``documents``
  is the hash of its normalised text that finds them (`zhibiao.store.rows.text_hash`).
- ``fact_flags``: facts a user marked wrong, with a note and time; keyed by the document's path
  and the fact's type and span as well, so that a flag survives re-ingesting its document.
- ``places``: every place a fact refers to, with its ancestors (GB/T 2260 codes).
- ``indicators``: the taxonomy the facts' ``indicator`` ids come from.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

#: Migration revisions in order; the last is what this code writes and reads.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011")
HEAD = REVISIONS[-1]

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text),
    Column("name", Text, nullable=False),
    Column("format", String(16)),
    Column("encoding", String(32)),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Column("is_current", Boolean, nullable=False, server_default=text("true")),
    Column("previous_id", Integer, ForeignKey("documents.id")),
    Column("title", Text),
    Column("date", String(32)),
    Column("place", Text),
    Column("place_code", String(12)),
    Column("text_hash", String(64)),
    Column("meta", Text),
    Column("text", Text, nullable=False),
    Column("n_facts", Integer, nullable=False, server_default=text("0")),
    Column("extractor", String(32)),
    Column("ingested_at", String(32)),
    Index("uq_documents_current_sha256", "sha256", unique=True,
          sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    Index("uq_documents_current_path", "path", unique=True,
          sqlite_where=text("is_current"), postgresql_where=text("is_current")),
    Index("ix_documents_sha256", "sha256"),
    Index("ix_documents_name", "name"),
    Index("ix_documents_path", "path", "version"),
    Index("ix_documents_text_hash", "text_hash"),
)

document_sources = Table(
    "document_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text),
    Column("name", Text, nullable=False),
    Column("format", String(16)),
    Column("encoding", String(32)),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer),
    Column("added_at", String(32)),
    Index("ix_document_sources_doc", "doc_id"),
    Index("ix_document_sources_sha256", "sha256"),
)

facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(16), nullable=False),
    Column("region", Text),
    Column("region_code", String(12)),
    Column("subject", Text),
    Column("indicator", String(64)),
    Column("topic", Text),
    Column("period", String(32)),
    Column("period_type", String(16)),
    Column("year_from", Integer),
    Column("year_to", Integer),
    Column("kind", String(16)),
    Column("measure", String(16)),
    Column("value", Float),
    Column("unit", String(32)),
    Column("qualifier", String(16)),
    Column("name", Text),
    Column("status", String(16)),
    Column("investment", Float),
    Column("policy", Text),
    Column("beneficiary", Text),
    Column("condition", Text),
    Column("rate", Float),
    Column("cap", Float),
    Column("evidence", Text),
    Column("char_start", Integer),
    Column("char_end", Integer),
    Column("search", Text),
    Index("ix_facts_doc", "doc_id", "seq"),
    Index("ix_facts_indicator", "indicator", "region_code", "period"),
    Index("ix_facts_indicator_period", "indicator", "period", "kind"),  # every place (migration 0011)
    Index("ix_facts_place_period", "region_code", "period", "kind"),
    # covers targets and conflicts (see migration 0009)
    Index("ix_facts_report", "region_code", "topic", "period", "measure", "unit", "kind", "type", "year_from",
          "year_to", "indicator", "value", "qualifier", "doc_id", postgresql_include=["id"]),
    Index("ix_facts_years", "year_from", "year_to"),
    # covers compare and the explorer (see migration 0006)
    Index("ix_facts_measure", "indicator", "measure", "region_code", "year_from", "year_to", "kind", "period_type",
          "period", "unit", "value", "qualifier", "doc_id"),
)

fact_flags = Table(
    "fact_flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fact_id", Integer, ForeignKey("facts.id", ondelete="SET NULL")),
    Column("doc_key", Text, nullable=False),  # the document's path (its name when it has none)
    Column("type", String(16), nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("note", Text),
    Column("flagged_at", String(32), nullable=False),
    Index("uq_fact_flags_key", "doc_key", "type", "char_start", "char_end", unique=True),
    Index("ix_fact_flags_fact", "fact_id"),
)

places = Table(
    "places",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("name", Text, nullable=False),
    Column("full_name", Text, nullable=False),
    Column("level", String(16), nullable=False),
    Column("parent_code", String(12)),
    Index("ix_places_parent", "parent_code"),
    Index("ix_places_full_name", "full_name"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", Text),
    Column("unit", String(32)),
)

#: Tables a database must have to be taken for a zhibiao fact base.
REQUIRED_TABLES = frozenset({"documents", "facts", "alembic_version"})
