"""`ingest --from-parquet` and `ingest --engine ray` store exactly what a plain ingest stores.

Shards are loaded into PostgreSQL with COPY; what that stores is compared with a plain SQLite
ingest of the same files, every column of every fact.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import SEEDS, SHARED, need_shared
from zhibiao.extract.pipeline import process
from zhibiao.scale.parquet import write_shard
from zhibiao.store import open_store
from zhibiao.store.schema import documents, facts

#: Every column of ``facts`` but the ids; the document is named instead of its id.
FACT_COLUMNS = [c for c in facts.columns if c.name not in ("id", "doc_id")]
#: The ``documents`` columns that do not depend on the ingest itself (ids, hash, time, paths).
DOC_COLUMNS = [documents.c[n] for n in ("name", "format", "encoding", "size", "version", "is_current", "title",
                                        "date", "place", "text", "n_facts")]


def _zhibiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhibiao", *args], capture_output=True, text=True, timeout=600)


def _stored(db: str | Path) -> tuple[list[tuple], list[tuple]]:
    """The facts (every column but the ids, with their document's name) and the documents, sorted."""
    store = open_store(str(db), say=None)
    try:
        with store.read() as conn:
            fact_rows = conn.execute(select(documents.c.name, *FACT_COLUMNS)
                                     .join(documents, documents.c.id == facts.c.doc_id)).all()
            doc_rows = conn.execute(select(*DOC_COLUMNS)).all()
    finally:
        store.close()
    return sorted(map(tuple, fact_rows), key=repr), sorted(map(tuple, doc_rows), key=repr)


def _facts(db: str | Path) -> list[tuple]:
    return _stored(db)[0]


@pytest.fixture
def pg_or_sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty PostgreSQL database when a server can be had, else a new SQLite file."""
    server = request.getfixturevalue("pg_server")
    if server is None:
        yield str(tmp_path / "fallback.db")
        return
    url, name = server.database()
    yield url
    server.drop(name)


def test_from_parquet_equals_plain_ingest(tmp_path):
    need_shared()
    files = sorted(SEEDS.glob("*.txt"))
    shards = tmp_path / "shards"
    write_shard(str(shards), [(i, process(f)) for i, f in enumerate(files)])
    assert _zhibiao("ingest", *map(str, files), "--db", str(tmp_path / "plain.db")).returncode == 0
    first = _zhibiao("ingest", "--from-parquet", str(shards), "--db", str(tmp_path / "shards.db"))
    assert first.returncode == 0, first.stderr
    assert _facts(tmp_path / "plain.db") == _facts(tmp_path / "shards.db")
    again = _zhibiao("ingest", "--from-parquet", str(shards), "--db", str(tmp_path / "shards.db"))
    assert "0 documents stored" in again.stdout and f"{len(files)} unchanged" in again.stdout


def test_nothing_to_ingest_is_an_error(tmp_path):
    result = _zhibiao("ingest", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "nothing to ingest" in result.stderr


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_whole_corpus_from_parquet_into_postgresql_equals_plain_sqlite_ingest(tmp_path, db_url):
    """Shards of the whole shared corpus, loaded with COPY, store exactly what a plain ingest stores."""
    need_shared()
    corpus = str(SHARED / "corpus")
    shards = tmp_path / "shards"
    extracted = _zhibiao("extract", corpus, "--out", str(shards))
    assert extracted.returncode == 0, extracted.stderr
    assert _zhibiao("ingest", corpus, "--db", str(tmp_path / "plain.db")).returncode == 0
    loaded = _zhibiao("ingest", "--from-parquet", str(shards), "--db", db_url)
    assert loaded.returncode == 0, loaded.stderr
    plain_facts, plain_docs = _stored(tmp_path / "plain.db")
    pg_facts, pg_docs = _stored(db_url)
    assert len(pg_docs) > 55 and len(pg_facts) > 8000
    assert pg_docs == plain_docs
    assert pg_facts == plain_facts
    again = _zhibiao("ingest", "--from-parquet", str(shards), "--db", db_url)
    # every file is known again, those whose text another file has as a source of its document
    assert f"0 documents stored, 0 replaced by a new version, {len(pg_docs) + 7} unchanged" in again.stdout


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed: pip install -e '.[ray]'")
def test_ray_ingest_equals_plain_ingest(tmp_path, pg_or_sqlite):
    """``ingest --engine ray`` into PostgreSQL (COPY) when a server can be had, else into SQLite."""
    need_shared()
    assert _zhibiao("ingest", str(SEEDS), "--db", str(tmp_path / "plain.db")).returncode == 0
    result = _zhibiao("ingest", str(SEEDS), "--engine", "ray", "--out", str(tmp_path / "shards"),
                      "--db", pg_or_sqlite)
    assert result.returncode == 0, result.stderr
    assert _facts(tmp_path / "plain.db") == _facts(pg_or_sqlite)
    assert (tmp_path / "shards" / "facts").is_dir()
