"""zhibiao.store: schema and migrations, opening checks, per-document writes, full-text search.

Every test that takes `db_url` or `filled` runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from zhibiao.store import DatabaseLocked, NotAFactBase, SchemaTooNew, StoreError, open_store, upgrade
from zhibiao.store.fts import bigrams, like_pattern, parse
from zhibiao.store.rows import fact_row, period_fields, topic
from zhibiao.store.schema import HEAD, REVISIONS, documents, facts, metadata, places
from zhibiao.store.write import write_document


def _open(url: str, **kw):
    return open_store(url, create=True, say=None, **kw)


# --------------------------------------------------------------------------- derived columns


def test_bigrams_split_han_runs_and_keep_ascii_words():
    assert bigrams("地区生产总值2323.54亿元") == "地区 区生 生产 产总 总值 2323 54 亿元"
    assert bigrams("GDP增长", None, "元") == "gdp 增长 元"
    assert bigrams("") == ""


def test_search_terms_route_mixed_and_single_characters_to_like():
    terms = parse("投资 新能源汽车 3000元 省 GDP 4.3%")
    assert terms.phrases == ("投资", "新能 能源 源汽 汽车", "gdp")
    assert terms.like == ("3000元", "省", "4.3%")
    assert like_pattern("10%_x") == "%10\\%\\_x%"


@pytest.mark.parametrize(("period", "expected"), [
    ("2023", ("year", 2023, 2023)), ("2024H1", ("half", 2024, 2024)), ("2024Q3", ("quarter", 2024, 2024)),
    ("2020-01/2020-07", ("months", 2020, 2020)), ("2016/2019", ("years", 2016, 2019)),
    ("2024-05", ("month", 2024, 2024)), ("unknown", ("unknown", None, None)), (None, (None, None, None)),
])
def test_period_fields(period, expected):
    assert period_fields(period) == expected


def test_fact_row_keeps_every_field_and_offsets():
    rec = {"type": "quantity", "doc": "a.txt", "region": "广州市南沙区", "region_code": "440115",
           "subject": "地区生产总值", "indicator": None, "period": "2023", "kind": "actual", "measure": "level",
           "value": 232354000000,
           "unit": "元", "qualifier": "exact", "evidence": "地区生产总值2323.54亿元", "start": 149, "end": 164}
    row = fact_row(rec, doc_id=7, seq=3)
    assert row["char_start"] == 149 and row["char_end"] == 164 and row["value"] == 232354000000.0
    assert row["topic"] == "~地区生产总值" == topic(None, "地区生产总值")
    assert row["year_from"] == row["year_to"] == 2023 and row["doc_id"] == 7 and row["seq"] == 3
    assert set(row) >= {c.name for c in facts.columns} - {"id"}


# --------------------------------------------------------------------------- schema and migrations


def test_revisions_are_the_alembic_history():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from zhibiao.store.db import _MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    history = [s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()]
    assert tuple(reversed(history)) == REVISIONS and REVISIONS[-1] == HEAD


def test_new_database_is_at_head_and_matches_the_schema(db_url):
    """Autogenerate finds nothing to change (FTS objects filtered out): migrations == schema.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zhibiao.store.fts import include_object

    store = _open(db_url)
    try:
        assert store.revision() == HEAD
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_object": include_object, "compare_type": True})
            assert compare_metadata(ctx, metadata) == []
            unfiltered = MigrationContext.configure(conn)
            if store.is_sqlite:  # without the filter, autogenerate would drop the FTS5 tables
                drops = [d for d in compare_metadata(unfiltered, metadata) if d[0] == "remove_table"]
                assert {d[1].name for d in drops} >= {"facts_fts", "facts_fts_data"}
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.close()


def _old_database(url: str) -> None:
    """A database at revision 0001 holding one document and two facts, written as 0001 knew them."""
    store = open_store(url, create=True, say=None)  # creates at head …
    store.close()
    store = open_store(url, say=None)
    upgrade_to(store, "0001")
    with store.write() as conn:
        doc_id = conn.execute(text(
            "INSERT INTO documents (path, name, sha256, version, is_current, text, n_facts) "
            "VALUES ('/x/a.txt', 'a.txt', 'abc', 1, :t, '全区实现地区生产总值2323.54亿元，同比增长4.3%。', 2) "
            "RETURNING id"), {"t": True}).scalar_one()
        for seq, (measure, value, unit, start, end) in enumerate(
                [("level", 232354000000.0, "元", 2, 19), ("growth", 4.3, "%", 2, 26)]):
            conn.execute(text(
                "INSERT INTO facts (doc_id, seq, type, region, region_code, subject, indicator, period, kind, "
                "measure, value, unit, qualifier, evidence, char_start, char_end) VALUES (:d, :s, 'quantity', "
                "'广州市南沙区', '440115', '地区生产总值', 'gdp', '2023', 'actual', :m, :v, :u, 'exact', :e, :a, :b)"),
                {"d": doc_id, "s": seq, "m": measure, "v": value, "u": unit, "a": start, "b": end,
                 "e": "全区实现地区生产总值2323.54亿元，同比增长4.3%"[start - 2 : end - 2]})
    store.close()


def upgrade_to(store, revision: str) -> None:
    """Downgrade (or upgrade) a store to `revision`."""
    from alembic import command
    from alembic.config import Config

    from zhibiao.store.db import _MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with store.write() as conn:
        cfg.attributes["connection"] = conn
        if REVISIONS.index(revision) < REVISIONS.index(store_revision(conn)):
            command.downgrade(cfg, revision)
        else:
            command.upgrade(cfg, revision)


def store_revision(conn) -> str:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_older_database_is_migrated_on_open_with_its_facts_searchable(db_url):
    from zhibiao.analysis.query import Filters, find

    _old_database(db_url)
    said = []
    store = open_store(db_url, say=said.append)
    try:
        assert store.revision() == HEAD and "upgraded" in said[0]
        with store.read() as conn:
            rows = conn.execute(select(facts.c.topic, facts.c.year_from, facts.c.period_type, facts.c.search)
                                .order_by(facts.c.seq)).all()
        assert rows[0][:3] == ("gdp", 2023, "year") and "生产 产总" in rows[0][3]
        assert [r["measure"] for r in find(store, Filters(search="生产总值"))] == ["level", "growth"]
        assert [r["measure"] for r in find(store, Filters(period="2020:2025", indicator="GDP"))] == ["level", "growth"]
    finally:
        store.close()


def test_migration_0007_gives_stored_documents_a_source_their_hash_and_what_their_text_says(db_url):
    from zhibiao.store.rows import text_hash
    from zhibiao.store.schema import document_sources

    body = ("政府工作报告\n——2026年2月3日在四川省第十四届\n人民代表大会第五次会议上\n各位代表：\n"
            "全省地区生产总值67665亿元。\n")
    store = open_store(db_url, create=True, say=None)
    upgrade_to(store, "0006")
    with store.write() as conn:
        conn.execute(text("INSERT INTO documents (path, name, format, sha256, version, is_current, text, meta, "
                          "n_facts, ingested_at) VALUES ('/x/sc.txt', 'sc.txt', 'text', 'abc', 1, :t, :body, '{}', 0, "
                          "'2026-02-10T00:00:00+00:00')"), {"t": True, "body": body})
    store.close()
    store = open_store(db_url, say=None)
    try:
        with store.read() as conn:
            doc = conn.execute(select(documents)).mappings().one()
            source = conn.execute(select(document_sources)).mappings().one()
        assert (doc["title"], doc["date"], doc["place"], doc["place_code"]) == (
            "政府工作报告", "2026-02-03", "四川省", "510000")
        assert doc["text_hash"] == text_hash(body)
        assert (source["doc_id"], source["path"], source["sha256"]) == (doc["id"], "/x/sc.txt", "abc")
    finally:
        store.close()


def test_downgrade_and_upgrade_keep_the_index_working(filled):
    from zhibiao.analysis.query import Filters, count

    before = count(filled, Filters(search="投资"))
    assert before > 0
    upgrade_to(filled, "0001")
    upgrade(filled)
    assert filled.revision() == HEAD
    assert count(filled, Filters(search="投资")) == before


# --------------------------------------------------------------------------- opening: bad databases


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库\n", encoding="utf-8")
    with pytest.raises(NotAFactBase, match="not a zhibiao database"):
        _open(str(path))
    assert path.read_text(encoding="utf-8") == "这不是数据库\n"


def test_another_apps_sqlite_database_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(NotAFactBase, match="it has tables customers"):
        _open(str(path))
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["customers"]


def test_a_newer_schema_is_refused(db_url):
    store = _open(db_url)
    with store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    store.close()
    with pytest.raises(SchemaTooNew, match=r"newer zhibiao.*'0999'"):
        open_store(db_url, say=None)


def test_missing_or_empty_database_for_reading(tmp_path: Path):
    with pytest.raises(StoreError, match="no zhibiao database here"):
        open_store(str(tmp_path / "none.db"), say=None)
    with pytest.raises(StoreError, match=r"folder .* does not exist"):
        open_store(str(tmp_path / "no" / "such.db"), create=True, say=None)
    (tmp_path / "empty.db").touch()
    with pytest.raises(StoreError, match="empty"):
        open_store(str(tmp_path / "empty.db"), say=None)
    with pytest.raises(StoreError, match="unsupported database URL"):
        open_store("mysql://x/y", say=None)


def test_a_locked_database_gives_a_clear_error_and_stays_intact(tmp_path: Path, prepared):
    path = tmp_path / "kb.db"
    store = _open(str(path), timeout=0.3)
    write_document(store, prepared[0])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's write transaction
    try:
        from zhibiao.store.db import translate

        with pytest.raises(Exception) as caught:
            write_document(store, prepared[1])
        assert isinstance(translate(caught.value, store.where), DatabaseLocked)
        assert "locked by another process" in str(translate(caught.value, store.where))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar() == 1
    assert write_document(store, prepared[1]).status == "stored"
    store.close()


# --------------------------------------------------------------------------- writes


def _counts(store) -> tuple[int, int, int]:
    with store.read() as conn:
        return (conn.execute(select(func.count()).select_from(documents)).scalar(),
                conn.execute(select(func.count()).select_from(documents).where(documents.c.is_current)).scalar(),
                conn.execute(select(func.count()).select_from(facts)).scalar())


def test_same_content_is_stored_once(db_url, prepared):
    store = _open(db_url)
    try:
        first = write_document(store, prepared[0])
        assert first.status == "stored" and first.facts_added == len(prepared[0].records) > 0
        again = write_document(store, prepared[0])
        assert (again.status, again.doc_id, again.facts_added) == ("unchanged", first.doc_id, 0)
        elsewhere = dataclasses.replace(prepared[0], path="/elsewhere/copy.txt")
        assert write_document(store, elsewhere).status == "unchanged"
        assert _counts(store) == (1, 1, len(prepared[0].records))
        with store.read() as conn:  # the places it refers to, with their parents
            codes = set(conn.execute(select(places.c.code)).scalars())
        assert {"150702", "150700", "150000", "000000"} <= codes
    finally:
        store.close()


def test_changed_file_at_the_same_path_becomes_a_new_version_replacing_its_facts(db_url, prepared):
    store = _open(db_url)
    try:
        old = write_document(store, prepared[0])
        records = [dict(r) for r in prepared[0].records[:5]]
        changed = dataclasses.replace(prepared[0], sha256="0" * 64, records=records, text=prepared[0].text + "\n")
        new = write_document(store, changed)
        assert (new.status, new.facts_added, new.facts_removed) == ("replaced", 5, len(prepared[0].records))
        assert _counts(store) == (2, 1, 5)
        with store.read() as conn:
            rows = conn.execute(select(documents.c.id, documents.c.version, documents.c.is_current,
                                       documents.c.previous_id).order_by(documents.c.id)).all()
            assert [tuple(r) for r in rows] == [(old.doc_id, 1, False, None), (new.doc_id, 2, True, old.doc_id)]
            assert set(conn.execute(select(facts.c.doc_id)).scalars()) == {new.doc_id}
        back = write_document(store, prepared[0])  # the original content comes back: version 3
        assert back.status == "replaced" and _counts(store) == (3, 1, len(prepared[0].records))
    finally:
        store.close()


def test_a_document_is_all_or_nothing(db_url, prepared):
    """A failure while writing facts leaves no document behind (one transaction per document)."""
    store = _open(db_url)
    try:
        broken = dataclasses.replace(prepared[0], records=[*prepared[0].records, {"type": None}])
        with pytest.raises(Exception, match=r"(?i)null|constraint"):
            write_document(store, broken)
        assert _counts(store) == (0, 0, 0)
        assert write_document(store, prepared[0]).status == "stored"
    finally:
        store.close()


def _as_result(doc):
    """A prepared document as another engine hands it over (`zhibiao.extract.pipeline.DocResult`)."""
    from zhibiao.extract.pipeline import DocResult

    return DocResult(name=doc.name, path=doc.path, sha256=doc.sha256, format=doc.format, text=doc.text,
                     meta=dict(doc.meta), facts=list(doc.records), encoding=doc.encoding, size=doc.size)


def test_a_failure_in_the_middle_of_a_documents_facts_loses_only_that_document(db_url, prepared):
    """A row refused half-way through a long COPY (INSERT on SQLite): nothing of that document
    is kept, the documents before and after it are stored, and it can be stored once fixed."""
    from zhibiao.store.ingest import ingest_results

    good = prepared[1]
    records = [dict(r) for r in good.records] * 20  # thousands of rows: the refusal comes mid-stream
    half = len(records) // 2
    broken = dataclasses.replace(good, records=[*records[:half], dict(records[0], type=None), *records[half:]])
    store = _open(db_url)
    try:
        summary = ingest_results(store, map(_as_result, [prepared[0], broken, prepared[2]]))
        assert (summary.stored, summary.stopped) == (2, None)
        assert [f.reason.split(" (")[0] for f in summary.failed] == ["could not store"]
        assert "null" in summary.failed[0].reason.lower()
        expected_facts = len(prepared[0].records) + len(prepared[2].records)
        assert _counts(store) == (2, 2, expected_facts)
        with store.read() as conn:
            assert conn.execute(select(documents.c.id).where(documents.c.sha256 == good.sha256)).first() is None
        _assert_consistent(store)
        assert ingest_results(store, [_as_result(good)]).stored == 1
        assert _counts(store) == (3, 3, expected_facts + len(good.records))
    finally:
        store.close()


def test_a_value_the_driver_cannot_send_mid_document_leaves_nothing(db_url, prepared):
    """A client-side failure half-way through a document's facts (COPY is aborted on PostgreSQL)."""
    store = _open(db_url)
    try:
        doc = dataclasses.replace(prepared[0])
        columns, values = doc.fact_values()  # built now, then spoiled half-way: neither psycopg nor sqlite3
        at = columns.index("region") - 1  # sends a complex number (the tuples lack doc_id)
        half = len(values) // 2
        doc.values = [*values[:half], (*values[half][:at], 1 + 2j, *values[half][at + 1:]), *values[half + 1:]]
        with pytest.raises(Exception, match=r"(?i)adapt|type|support"):
            write_document(store, doc)
        assert _counts(store) == (0, 0, 0)
        assert write_document(store, prepared[0]).status == "stored"
        _assert_consistent(store)
    finally:
        store.close()


def _fact_values(store, doc_id: int) -> list[tuple]:
    """A document's facts in order, every column but the ids; floats by their exact bits."""
    columns = [c for c in facts.columns if c.name not in ("id", "doc_id")]
    with store.read() as conn:
        rows = conn.execute(select(*columns).where(facts.c.doc_id == doc_id).order_by(facts.c.seq)).all()
    return [tuple(v.hex() if isinstance(v, float) else v for v in row) for row in rows]


def _new_document(store, sha256: str) -> int:
    with store.write() as conn:
        return conn.execute(documents.insert().values(name=sha256, sha256=sha256, text="")
                            .returning(documents.c.id)).scalar_one()


#: Values that test an encoding: NULLs, escapes COPY's text format must protect, characters
#: outside the BMP, floats at their limits and a negative zero.
_EDGE_TEXT = "a\\b\tc\nd\re \\N \\. 🎉\u3000海拉尔 \"'"
_EDGE_ROWS = [
    {"type": "quantity", "region": _EDGE_TEXT, "subject": "", "evidence": "证据" * 500, "value": 0.1,
     "investment": -0.0, "rate": 1 / 3, "cap": 5e-324, "char_start": 0, "char_end": 2**31 - 1, "search": "a b"},
    {"type": "policy"},  # every other column NULL
    {"type": "project", "value": float("nan"), "investment": float("inf"), "rate": float("-inf"), "cap": 1e308,
     "region": True, "subject": 5, "char_start": "12"},  # as INSERT would coerce them
]


def _edge_rows(doc_id: int) -> list[dict]:
    base = fact_row({}, doc_id, 0)
    return [{**base, "search": None, **row, "seq": seq} for seq, row in enumerate(_EDGE_ROWS)]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_copy_facts_stores_what_it_is_given_exactly_as_insert_does(db_url):
    from sqlalchemy import insert

    from zhibiao.store.copy import copy_facts

    store = _open(db_url)
    try:
        by_copy, by_insert = _new_document(store, "copy"), _new_document(store, "insert")
        with store.write() as conn:
            assert copy_facts(conn, _edge_rows(by_copy)) == len(_EDGE_ROWS)
            conn.execute(insert(facts), _edge_rows(by_insert))
        stored = _fact_values(store, by_copy)
        assert stored == _fact_values(store, by_insert)
        columns = [c.name for c in facts.columns if c.name not in ("id", "doc_id")]
        given = [dict(zip(columns, row, strict=True)) for row in stored]
        for row, expected in zip(given[:2], _edge_rows(by_copy)[:2], strict=True):
            assert row == {k: v.hex() if isinstance(v, float) else v for k, v in expected.items() if k != "doc_id"}
        assert given[1]["region"] is None and given[1]["value"] is None
        assert (given[2]["region"], given[2]["subject"], given[2]["char_start"]) == ("true", "5", 12)
        assert [given[2][k] for k in ("value", "investment", "rate")] == ["nan", "inf", "-inf"]
    finally:
        store.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_writer_loads_facts_with_copy(db_url, prepared):
    """`write_document` sends no INSERT for facts on PostgreSQL (COPY bypasses the statement
    hooks); `use_copy=False`, the benchmark's comparison, does; both store the same rows."""
    from sqlalchemy import event

    store = _open(db_url)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement))
    try:
        copied = write_document(store, prepared[0])
        assert copied.facts_added == len(prepared[0].records) > 100
        assert not [s for s in statements if "INSERT INTO facts" in s]
        assert [s for s in statements if "INSERT INTO documents" in s]
        inserted = write_document(store, dataclasses.replace(prepared[0], sha256="2" * 64, path="/elsewhere",
                                                             text=prepared[0].text + "附"),  # not the same text
                                  use_copy=False)
        assert [s for s in statements if "INSERT INTO facts" in s]
        assert _fact_values(store, copied.doc_id) == _fact_values(store, inserted.doc_id)
    finally:
        store.close()


def test_full_disk_stops_the_batch_and_keeps_what_was_written(tmp_path: Path, real_docs):
    from sqlalchemy import event

    from zhibiao.store.ingest import ingest

    store = _open(str(tmp_path / "kb.db"))
    ingest(store, [str(real_docs["guangzhou-nansha-2023-gov-work-report-news.txt"])], workers=1)
    with store.read() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    store.close()
    store = _open(str(tmp_path / "kb.db"))

    @event.listens_for(store.engine, "connect")
    def _small_disk(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 8}")

    store.engine.dispose()  # pooled connections were opened before the limit
    summary = ingest(store, [str(p) for p in real_docs.values()], workers=1)
    assert summary.stopped and "disk is full" in summary.stopped and not summary.ok
    assert summary.not_done > 0
    store.close()
    store = _open(str(tmp_path / "kb.db"))
    _assert_consistent(store)
    store.close()


def _assert_consistent(store) -> None:
    """Every current document has exactly its facts; the search index matches the facts."""
    with store.read() as conn:
        docs = conn.execute(select(documents.c.id, documents.c.n_facts).where(documents.c.is_current)).all()
        per_doc = dict(conn.execute(select(facts.c.doc_id, func.count()).group_by(facts.c.doc_id)).all())
        assert {d: n for d, n in docs if n} == per_doc
        if store.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            conn.exec_driver_sql("INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')")


# --------------------------------------------------------------------------- full-text search


@pytest.mark.parametrize("term", ["投资", "生产总值", "新能源汽车", "GDP", "3000元", "增长4.3%", "亿", "规模以上 工业"])
def test_search_finds_exactly_what_a_substring_scan_finds(filled_ro, term):
    from zhibiao.analysis.query import Filters, find

    found = {r["id"] for r in find(filled_ro, Filters(search=term))}
    with filled_ro.read() as conn:
        rows = conn.execute(select(facts.c.id, facts.c.subject, facts.c.name, facts.c.policy, facts.c.beneficiary,
                                   facts.c.evidence)).all()
    words = term.split()
    expected = {r[0] for r in rows
                if all(any(w.lower() in (f or "").lower() for f in r[1:]) for w in words)}
    assert found == expected
    if term in ("投资", "生产总值", "亿"):
        assert found, term


def test_postgres_search_uses_the_gin_index(filled_ro):
    if filled_ro.is_sqlite:
        plan = filled_ro.engine.connect().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT rowid FROM facts_fts WHERE facts_fts MATCH '\"投资\"'").all()
        assert any("VIRTUAL TABLE INDEX" in str(r) for r in plan)
        return
    with filled_ro.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = conn.exec_driver_sql("EXPLAIN SELECT id FROM facts WHERE to_tsvector('simple', coalesce(facts.search, "
                                    "'')) @@ phraseto_tsquery('simple', '投资')").all()
    assert any("ix_facts_search" in r[0] for r in plan)


def test_index_follows_writes_replacements_and_plain_deletes(db_url, prepared):
    """Written facts are indexed, replaced ones leave it, and a plain DELETE is followed (trigger)."""
    from zhibiao.analysis.query import Filters, count

    store = _open(db_url)
    try:
        write_document(store, prepared[0])
        hits = count(store, Filters(search="海拉尔"))
        assert hits > 0
        changed = dataclasses.replace(prepared[0], sha256="1" * 64, records=prepared[0].records[:3])
        write_document(store, changed)
        assert count(store, Filters(search="海拉尔")) <= 3
        _assert_consistent(store)
        with store.write() as conn:
            conn.execute(facts.delete())
        assert count(store, Filters(search="海拉尔")) == 0
        with store.write() as conn:
            conn.execute(documents.delete())
        write_document(store, prepared[0])
        assert count(store, Filters(search="海拉尔")) == hits
        _assert_consistent(store)
    finally:
        store.close()


def test_two_processes_creating_the_same_database_both_succeed(db_url):
    """The second migrator waits for the first (write lock / advisory lock), then finds it done."""
    from concurrent.futures import ThreadPoolExecutor

    def make(_: int) -> str | None:
        store = open_store(db_url, create=True, say=None)
        try:
            return store.revision()
        finally:
            store.close()

    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(make, range(3))) == [HEAD] * 3


def test_connections_switching_a_new_file_to_wal_at_once_wait_for_each_other(tmp_path):
    """Four threads open each new file at the same instant; none gets "database is locked".

    SQLite refuses a second `PRAGMA journal_mode = WAL` at once instead of waiting for the first;
    before the retry in `_use_wal` this test failed in 2 of 3 runs.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    def make(path: Path, start: threading.Barrier) -> str | None:
        start.wait()
        store = open_store(path, create=True, say=None)
        try:
            return store.revision()
        finally:
            store.close()

    for round_no in range(20):
        path = tmp_path / f"new-{round_no}.db"
        start = threading.Barrier(4)
        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(make, [path] * 4, [start] * 4)) == [HEAD] * 4
