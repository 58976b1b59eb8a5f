"""Storing documents and their facts: a savepoint each in batched transactions, idempotent by hash.

- A current document with the same hash exists → nothing is written (``unchanged``).
- A current document at the same path has another hash → the new one becomes the next
  version, the old one stops being current and its facts are deleted, all in the same
  transaction as the new facts (``replaced``).
- A current document has the same text in another file (`zhibiao.store.rows.text_hash`: the
  same report as .txt and .html, GBK and UTF-8) → the file is added to its sources
  (``same_text``), and a document stored from that file before stops being current; a file
  already among a document's sources is ``unchanged``.
- Otherwise the document is ``stored`` as version 1, its file its first source.

Flags users put on facts (``fact_flags``) are linked again to the facts of a new version that
have the flagged fact's type and span.

The partial unique indexes (one current row per hash, one per path) make a second process
ingesting the same file at the same time fail cleanly; that failure is reported as unchanged.

On PostgreSQL the facts are loaded with COPY (`zhibiao.store.copy`) in the same transaction
as their document row; on SQLite with one prepared INSERT run by the driver's executemany
over plain tuples (SQLAlchemy's per-row parameter building took a third of the insert's time),
then indexed for search.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from zhibiao.store.copy import copy_columns, copy_values
from zhibiao.store.db import Store
from zhibiao.store.fts import SQLITE_INDEX_DOCUMENT
from zhibiao.store.rows import fact_row, text_hash
from zhibiao.store.schema import document_sources, documents, fact_flags, facts, indicators, places


@dataclass
class Prepared:
    """A loaded and extracted document, ready to be written (built outside any transaction)."""

    path: str | None  # absolute path, the key for versions
    name: str
    sha256: str
    size: int
    format: str
    encoding: str | None
    meta: dict[str, Any]
    text: str
    records: list[dict[str, Any]] = field(default_factory=list)
    #: `fact_values`: the columns set, ``doc_id`` first, and one tuple a fact without it
    columns: tuple[str, ...] | None = field(default=None, init=False)
    values: list[tuple[Any, ...]] | None = field(default=None, init=False)
    described: dict[str, Any] | None = field(default=None, init=False)  # `document_fields`

    def fact_values(self) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """The ``facts`` rows of the records as tuples in table order, built once (where extraction
        ran, so the writer only prepends each tuple's ``doc_id``): the columns and the tuples."""
        if self.values is None:
            rows = [fact_row(rec, 0, seq) for seq, rec in enumerate(self.records)]
            self.columns = tuple(copy_columns(rows[0])) if rows else ("doc_id",)
            assert self.columns[0] == "doc_id"
            self.values = [tuple(row[c] for c in self.columns[1:]) for row in rows]
        assert self.columns is not None
        return self.columns, self.values

    def fact_rows(self) -> list[dict[str, Any]]:
        """The ``facts`` rows of the records as dicts (``doc_id`` still 0)."""
        columns, values = self.fact_values()
        return [dict(zip(columns, (0, *v), strict=True)) for v in values]

    def document_fields(self) -> dict[str, Any]:
        """The ``documents`` columns read from the text: title, date, place, place_code, text_hash."""
        if self.described is None:
            from zhibiao.extract.context import document_info

            info = document_info(self.text, self.meta)
            self.described = {"title": info.title, "date": info.date,
                              "place": info.place.full_name if info.place else None,
                              "place_code": info.place.code if info.place else None,
                              "text_hash": text_hash(self.text)}
        return dict(self.described)


@dataclass
class Written:
    """What `write_document` did."""

    status: str  # stored | replaced | unchanged | same_text
    doc_id: int
    facts_added: int = 0
    facts_removed: int = 0
    same_as: str | None = None  # for unchanged: the stored document's path or name


def _extractor() -> str:
    from zhibiao import __version__

    return f"zhibiao {__version__}"


def _insert_ignore(store: Store, table: Any, rows: list[dict[str, Any]], key: str) -> Any:
    if store.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    return dialect_insert(table).values(rows).on_conflict_do_nothing(index_elements=[key])


class PlaceSync:
    """Adds the places facts refer to (and their ancestors) to ``places``, once per code."""

    def __init__(self) -> None:
        """Start with no code known to be stored."""
        self._known: set[str] = set()
        self._pending: set[str] = set()

    def ensure(self, store: Store, conn: Connection, codes: set[str]) -> None:
        """Insert the missing places among `codes` and their ancestors (inside `conn`'s transaction)."""
        from zhibiao.extract.places import gazetteer

        todo = codes - self._known
        if not todo:
            return
        gaz = gazetteer()
        rows: dict[str, dict[str, Any]] = {}
        for code in todo:
            place = gaz.by_code(code)
            chain = [place, *gaz.ancestors(place)] if place else []
            for p in chain:
                rows[p.code] = {"code": p.code, "name": p.name, "full_name": p.full_name, "level": p.level,
                                "parent_code": p.parent_code}
        if rows:
            conn.execute(_insert_ignore(store, places, list(rows.values()), "code"))
        # known only once the transaction commits; a rollback just re-inserts (ignored) next time
        self._pending |= set(rows) | todo

    def mark(self) -> set[str]:
        """The codes inserted in the open transaction so far (for `reset` after a savepoint's rollback)."""
        return set(self._pending)

    def reset(self, mark: set[str]) -> None:
        """Forget the codes inserted since `mark`: their savepoint (or transaction) was rolled back."""
        self._pending = mark

    def committed(self) -> None:
        """Remember the codes inserted in the transaction just committed as stored."""
        self._known |= self._pending
        self._pending = set()


def sync_indicators(store: Store) -> None:
    """Write the package's indicator taxonomy into ``indicators`` (insert new, update changed)."""
    from zhibiao.extract.indicators import taxonomy

    rows = [{"id": i.id, "name": i.name, "aliases": "|".join(i.aliases), "unit": i.unit}
            for i in taxonomy().indicators.values()]
    with store.write() as conn:
        stored = {r.id: r for r in conn.execute(select(indicators))}
        new = [r for r in rows if r["id"] not in stored]
        changed = [r for r in rows if r["id"] in stored and tuple(stored[r["id"]]) != tuple(r.values())]
        if new:  # insert-or-ignore: another process may be adding them at the same time
            conn.execute(_insert_ignore(store, indicators, new, "id"))
        for r in changed:
            conn.execute(update(indicators).where(indicators.c.id == r["id"]).values(**r))


def _same_content(conn: Connection, sha256: str) -> Any:
    """The current document whose own file or one of whose sources has these bytes."""
    found = conn.execute(select(documents.c.id, documents.c.path, documents.c.name)
                         .where(documents.c.sha256 == sha256, documents.c.is_current)).first()
    if found is not None:
        return found
    return conn.execute(select(documents.c.id, document_sources.c.path, document_sources.c.name)
                        .join(documents, documents.c.id == document_sources.c.doc_id)
                        .where(document_sources.c.sha256 == sha256, documents.c.is_current).limit(1)).first()


def _same_text(conn: Connection, doc: Prepared) -> Any:
    """The current document with the same normalised text from another file, if any."""
    q = select(documents.c.id, documents.c.path, documents.c.name).where(
        documents.c.text_hash == doc.document_fields()["text_hash"], documents.c.is_current)
    if doc.path is not None:
        q = q.where(documents.c.path.is_distinct_from(doc.path))
    return conn.execute(q.order_by(documents.c.id).limit(1)).first()


def _source_row(doc: Prepared, doc_id: int, now: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "path": doc.path, "name": doc.name, "format": doc.format, "encoding": doc.encoding,
            "sha256": doc.sha256, "size": doc.size, "added_at": now}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sources(conn: Connection, doc_id: int) -> list[dict[str, Any]]:
    """The files behind a document (its own first), as dicts of ``document_sources`` columns."""
    q = select(document_sources).where(document_sources.c.doc_id == doc_id).order_by(document_sources.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


#: A batch of documents is committed once it holds this many, or has been open this long (s):
#: one commit (and one FTS5 segment) per document cost a fifth of the writer's time, while a
#: batch held longer keeps other writers waiting and its documents unseen by readers.
BATCH_DOCUMENTS = 32
BATCH_SECONDS = 1.0


class BatchWriter:
    """Writes documents in shared transactions, each document under its own savepoint.

    A document the database refuses (`write` raises) leaves nothing of itself and the batch goes
    on; `commit` makes the written ones durable together, and `rollback` (after an error that
    stops the batch, or an interrupt) leaves no part of the open batch. `write` commits by
    itself every `max_documents` documents or `max_seconds`: the `Written` results of each
    commit go to `on_commit`, so a caller counts only what is stored.
    """

    def __init__(self, store: Store, *, force: bool = False, place_sync: PlaceSync | None = None,
                 use_copy: bool = True, max_documents: int | None = None, max_seconds: float | None = None,
                 on_commit: Callable[[list[tuple[Written, str]]], None] | None = None) -> None:
        """Write into `store` (batches of `BATCH_DOCUMENTS` and `BATCH_SECONDS` unless given);
        `force` re-extracts stored content (see `write_document`)."""
        self.store = store
        self.force = force
        self.sync = place_sync or PlaceSync()
        self.use_copy = use_copy
        self.max_documents = max_documents or BATCH_DOCUMENTS
        self.max_seconds = BATCH_SECONDS if max_seconds is None else max_seconds
        self.on_commit = on_commit
        self._conn: Connection | None = None
        self._transaction: Any = None
        self._opened = 0.0
        self.pending: list[tuple[Written, str]] = []  # written in the open batch, not yet committed

    def write(self, doc: Prepared) -> Written:
        """Write `doc` in the open batch (opening one); raises what the database raised for it,
        its savepoint rolled back."""
        conn = self._begin()
        mark = self.sync.mark()
        try:
            with conn.begin_nested():
                written = _write(self.store, conn, doc, self.force, self.sync, self.use_copy)
        except IntegrityError:
            self.sync.reset(mark)
            # another process stored the same content or path between our check and our insert
            same = _same_content(conn, doc.sha256)
            if same is None:
                raise
            written = Written("unchanged", same.id, same_as=same.path or same.name)
        except BaseException:
            self.sync.reset(mark)
            raise
        self.pending.append((written, doc.name))
        if len(self.pending) >= self.max_documents or time.monotonic() - self._opened >= self.max_seconds:
            try:
                self.commit()
            except BaseException:
                self.pending.pop()  # `doc` failed with the commit: the caller's error, not a rolled-back one
                raise
        return written

    def commit(self) -> None:
        """Commit the open batch, if any, and hand its results to `on_commit`."""
        if self._conn is None:
            return
        try:
            self._transaction.commit()
        finally:
            self._close()
        self.sync.committed()
        done, self.pending = self.pending, []
        if self.on_commit and done:
            self.on_commit(done)

    def rollback(self) -> int:
        """Roll the open batch back; the number of documents it held (now not stored)."""
        lost = len(self.pending)
        self.pending = []
        if self._conn is not None:
            try:
                self._transaction.rollback()
            finally:
                self._close()
        self.sync.reset(set())
        return lost

    def _begin(self) -> Connection:
        if self._conn is None:
            conn = self.store.engine.connect()
            try:
                conn.execution_options(zhibiao_write=True)
                self._transaction = conn.begin()
            except BaseException:
                conn.close()
                raise
            self._conn = conn
            self._opened = time.monotonic()
        return self._conn

    def _close(self) -> None:
        assert self._conn is not None
        self._conn.close()
        self._conn = self._transaction = None


def write_document(store: Store, doc: Prepared, *, force: bool = False, place_sync: PlaceSync | None = None,
                   use_copy: bool = True) -> Written:
    """Store `doc` and its facts in one transaction (see the module docstring for the rules).

    `use_copy=False` writes PostgreSQL facts with INSERT instead of COPY (for
    ``benchmarks/pg_load.py``, which compares the two); SQLite always uses INSERT.
    """
    writer = BatchWriter(store, force=force, place_sync=place_sync, use_copy=use_copy)
    try:
        written = writer.write(doc)
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    return written


def _insert_facts(store: Store, conn: Connection, doc_id: int, columns: tuple[str, ...],
                  values: list[tuple[Any, ...]], use_copy: bool) -> None:
    if not values:
        return
    rows = [(doc_id, *v) for v in values]
    if not store.is_sqlite and use_copy:
        copy_values(conn, columns, rows)
        return
    if not store.is_sqlite:
        conn.execute(insert(facts), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    conn.exec_driver_sql(_sqlite_insert(columns), rows)
    conn.execute(text(SQLITE_INDEX_DOCUMENT), {"doc_id": doc_id})


@cache
def _sqlite_insert(columns: tuple[str, ...]) -> str:
    """``INSERT INTO facts (…) VALUES (?, …)`` for `columns` (names quoted: ``end``, ``condition``)."""
    names = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO facts ({names}) VALUES ({', '.join('?' * len(columns))})"


def _write(store: Store, conn: Connection, doc: Prepared, force: bool, sync: PlaceSync, use_copy: bool
           ) -> Written:
    same = _same_content(conn, doc.sha256)
    if same is not None and not force:
        return Written("unchanged", same.id, same_as=same.path or same.name)
    twin = _same_text(conn, doc)
    if twin is not None:
        if same is None or same.id != twin.id:
            conn.execute(insert(document_sources).values(_source_row(doc, twin.id, _now())))
        removed = _retire_at_path(conn, doc.path, twin.id)
        return Written("same_text", twin.id, facts_removed=removed, same_as=twin.path or twin.name)
    previous = None
    if same is not None:
        previous = conn.execute(select(documents).where(documents.c.id == same.id)).first()
    elif doc.path is not None:
        previous = conn.execute(select(documents).where(documents.c.path == doc.path, documents.c.is_current)).first()
    removed = 0
    if previous is not None:
        removed = conn.execute(delete(facts).where(facts.c.doc_id == previous.id)).rowcount or 0
        conn.execute(update(documents).where(documents.c.id == previous.id).values(is_current=False))
    version = 1
    if doc.path is not None:
        version = (conn.execute(select(func.max(documents.c.version)).where(documents.c.path == doc.path)).scalar()
                   or 0) + 1
    now = _now()
    doc_id = conn.execute(insert(documents).values(
        path=doc.path, name=doc.name, format=doc.format, encoding=doc.encoding, sha256=doc.sha256, size=doc.size,
        version=version, is_current=True, previous_id=previous.id if previous is not None else None,
        meta=json.dumps(doc.meta, ensure_ascii=False, sort_keys=True), text=doc.text, n_facts=len(doc.records),
        extractor=_extractor(), ingested_at=now, **doc.document_fields(),
    ).returning(documents.c.id)).scalar_one()
    _add_sources(conn, doc, doc_id, previous, now)
    columns, values = doc.fact_values()
    _insert_facts(store, conn, doc_id, columns, values, use_copy)
    _relink_flags(conn, doc.path or doc.name, doc_id)
    if values:
        at = columns.index("region_code") - 1  # the tuples lack doc_id
        if codes := {v[at] for v in values if v[at]}:
            sync.ensure(store, conn, codes)
    status = "replaced" if previous is not None else "stored"
    return Written(status, doc_id, facts_added=len(values), facts_removed=removed)


def _retire_at_path(conn: Connection, path: str | None, keep: int) -> int:
    """A document at `path` other than `keep` stops being current, its facts deleted: the file
    there is now a source of `keep` (copies stored before sources existed merge on ``--force``)."""
    if path is None:
        return 0
    stale = conn.execute(select(documents.c.id).where(documents.c.path == path, documents.c.is_current,
                                                      documents.c.id != keep)).scalars().all()
    if not stale:
        return 0
    conn.execute(update(documents).where(documents.c.id.in_(stale)).values(is_current=False))
    return conn.execute(delete(facts).where(facts.c.doc_id.in_(stale))).rowcount or 0


def _add_sources(conn: Connection, doc: Prepared, doc_id: int, previous: Any, now: str) -> None:
    """The new document's file as its first source, and the files elsewhere of a previous version
    of the same text (re-extracted with ``--force``)."""
    rows = [_source_row(doc, doc_id, now)]
    if previous is not None and previous.text_hash == doc.document_fields()["text_hash"]:
        rows.extend({**{k: v for k, v in old.items() if k != "id"}, "doc_id": doc_id}
                    for old in sources(conn, previous.id) if old["path"] != doc.path)
    conn.execute(insert(document_sources), rows)


def _relink_flags(conn: Connection, doc_key: str, doc_id: int) -> None:
    """Point the flags of this document's path at its new facts with the same type and span."""
    same_fact = (select(func.min(facts.c.id)).where(
        facts.c.doc_id == doc_id, facts.c.type == fact_flags.c.type, facts.c.char_start == fact_flags.c.char_start,
        facts.c.char_end == fact_flags.c.char_end).scalar_subquery())
    conn.execute(update(fact_flags).where(fact_flags.c.doc_key == doc_key).values(fact_id=same_fact))
