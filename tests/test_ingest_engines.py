"""`ingest --from-parquet` and `ingest --engine ray` store exactly what a plain ingest stores."""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, need_shared
from zhibiao.pipeline import process
from zhibiao.scale.parquet import write_shard


def _zhibiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhibiao", *args], capture_output=True, text=True, timeout=600)


def _facts(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return sorted(con.execute("select type, region, period, kind, measure, value, evidence from facts"))


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


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed: pip install -e '.[ray]'")
def test_ray_ingest_equals_plain_ingest(tmp_path):
    need_shared()
    assert _zhibiao("ingest", str(SEEDS), "--db", str(tmp_path / "plain.db")).returncode == 0
    result = _zhibiao("ingest", str(SEEDS), "--engine", "ray", "--out", str(tmp_path / "shards"),
                      "--db", str(tmp_path / "ray.db"))
    assert result.returncode == 0, result.stderr
    assert _facts(tmp_path / "plain.db") == _facts(tmp_path / "ray.db")
    assert (tmp_path / "shards" / "facts").is_dir()
