"""zhibiao.analysis.export: streamed exports (bounded memory at any size), money units, no partial files.

Unit and format tests run on SQLite and PostgreSQL over real documents (`filled_ro`); the memory
test exports a generated SQLite fact base of some 100,000 facts in a child process and bounds its
peak RSS against the same export of a small base.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhibiao.analysis import export
from zhibiao.analysis.query import Filters, find, iter_find
from zhibiao.cli import app

ROOT = Path(__file__).resolve().parents[1]
#: 南沙区's 2023 GDP as the seed news item reports it: 全年实现地区生产总值2323.54亿元.
NANSHA_GDP = Filters(place="南沙", indicator="gdp", period="2023", kind="actual", measure="level")


def cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def db(filled_ro) -> str:
    return filled_ro.url if not filled_ro.is_sqlite else filled_ro.where


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8-sig")))


def test_money_in_yi_or_wan_yuan(db, tmp_path):
    wanted = ["-p", "南沙", "-i", "gdp", "--period", "2023", "--kind", "actual", "--db", db]
    for unit, value in ((None, "232354000000.0"), ("亿元", "2323.54"), ("万元", "23235400.0")):
        out = tmp_path / f"gdp-{unit}.csv"
        result = cli("query", *wanted, "-o", str(out), *(["--unit", unit] if unit else []))
        assert result.exit_code == 0, result.stderr
        rows = _csv_rows(out)
        level = [r for r in rows if r["measure"] == "level" and "2323.54亿元" in r["evidence"]]
        assert level and {(r["value"], r["unit"]) for r in level} == {(value, unit or "元")}
        growth = [r for r in rows if r["measure"] == "growth"]
        assert growth and {(r["value"], r["unit"]) for r in growth} == {("4.3", "%")}  # not money: unchanged

    parquet = tmp_path / "gdp.parquet"
    assert cli("query", *wanted, "-o", str(parquet), "--unit", "亿元").exit_code == 0
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    assert table.schema.metadata[b"zhibiao.money_unit"] == "亿元".encode()
    assert 2323.54 in table.column("value").to_pylist()

    bad = cli("query", *wanted, "-o", str(tmp_path / "x.csv"), "--unit", "千元")
    assert bad.exit_code == 1 and "unknown --unit '千元': use one of 元, 万元, 亿元" in bad.stderr
    assert not (tmp_path / "x.csv").exists()


def test_in_unit_converts_investment_and_cap_and_keeps_other_units():
    rows = [{"unit": "元", "value": 15e8, "investment": None}, {"unit": "%", "value": 4.3, "cap": 1e8},
            {"type": "project", "investment": 12.5e8}]
    assert list(export.in_unit(rows, "亿元")) == [
        {"unit": "亿元", "value": 15.0, "investment": None}, {"unit": "%", "value": 4.3, "cap": 1.0},
        {"type": "project", "investment": 12.5}]
    assert list(export.in_unit(rows, None)) == rows and list(export.in_unit(rows, "元")) == rows


def test_iter_find_streams_what_find_returns(filled_ro):
    everything = find(filled_ro, Filters())
    assert len(everything) > 50
    assert list(iter_find(filled_ro, Filters(), batch=7)) == everything
    assert list(iter_find(filled_ro, Filters(), limit=10, batch=3)) == everything[:10]
    assert list(iter_find(filled_ro, NANSHA_GDP)) == find(filled_ro, NANSHA_GDP)


def test_streamed_json_is_laid_out_as_before(filled_ro, tmp_path):
    rows = find(filled_ro, Filters(place="南沙"))
    out = tmp_path / "f.json"
    assert export.write(iter(rows), ("id", "doc"), "json", out) == len(rows)
    expected = json.dumps([export.record(r) for r in rows], ensure_ascii=False, indent=1) + "\n"
    assert out.read_text(encoding="utf-8") == expected
    assert export.write(iter([]), ("id",), "json", out) == 0 and json.loads(out.read_text()) == []


def test_a_failed_export_leaves_no_file(tmp_path):
    def rows():
        yield {"id": 1, "type": "quantity"}
        raise RuntimeError("the database went away")

    for fmt in ("csv", "jsonl", "parquet", "xlsx"):
        out = tmp_path / f"out.{fmt}"
        with pytest.raises(RuntimeError, match="went away"):
            export.write(rows(), ("id", "type"), fmt, out)
        assert list(tmp_path.iterdir()) == []


def test_xlsx_says_when_rows_do_not_fit(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 3)
    rows = ({"id": i, "unit": "元"} for i in range(5))
    with pytest.raises(export.ExportError, match=r"3\+ rows do not fit an XLSX sheet \(3 at most\)"):
        export.write(rows, ("id", "unit"), "xlsx", tmp_path / "big.xlsx")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- memory at size


def _replicated(prepared: list, path: Path, at_least: int) -> int:
    """A SQLite fact base of the real documents, its facts copied by SQL until `at_least`; the count."""
    from sqlalchemy import text

    from zhibiao.store import open_store
    from zhibiao.store.schema import facts
    from zhibiao.store.write import PlaceSync, sync_indicators, write_document

    with open_store(str(path), create=True, say=None) as store:
        sync_indicators(store)
        sync = PlaceSync()
        for doc in prepared:
            write_document(store, doc, place_sync=sync)
        columns = ", ".join(f'"{c.name}"' for c in facts.columns if c.name != "id")
        with store.write() as conn:
            n = conn.execute(text("SELECT count(*) FROM facts")).scalar_one()
            while n < at_least:
                conn.execute(text(f"INSERT INTO facts ({columns}) SELECT {columns} FROM facts"))
                n *= 2
    return n


def _peak_rss_mb(*args: str) -> float:
    """Peak resident memory (MB) of ``python -m zhibiao ARGS`` run as a child (fails if it fails)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "zhibiao", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, proc.stderr.read().decode() if proc.stderr else status
    return usage.ru_maxrss / 1024  # kB on Linux


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak RSS from wait4 (Linux)")
def test_large_exports_stream_in_bounded_memory(prepared, tmp_path):
    small = tmp_path / "small.db"
    large = tmp_path / "large.db"
    few = _replicated(prepared, small, 0)
    many = _replicated(prepared, large, 100_000)
    assert many >= 100_000 and few < 5_000
    # every match, each format; the old code held every row as a dict (about 400 MB for 100k facts)
    for fmt in ("parquet", "csv", "jsonl", "json", "xlsx"):
        base = _peak_rss_mb("query", "--db", str(small), "-o", str(tmp_path / f"small.{fmt}"))
        out = tmp_path / f"large.{fmt}"
        peak = _peak_rss_mb("query", "--db", str(large), "-o", str(out))
        assert peak - base < 60, f"{fmt}: peak {peak:.0f} MB against {base:.0f} MB for {few} facts"
        assert out.stat().st_size > 0
    import pyarrow.parquet as pq

    assert pq.read_metadata(tmp_path / "large.parquet").num_rows == many
    assert pq.read_metadata(tmp_path / "large.parquet").num_row_groups > 1  # written a batch at a time
    with (tmp_path / "large.csv").open(encoding="utf-8-sig", newline="") as f:
        assert sum(1 for _ in csv.reader(f)) == many + 1
