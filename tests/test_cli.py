"""The command line, run as a user runs it: real files, real processes, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, need_shared

SPEC_FIELDS = {
    "quantity": ["type", "doc", "region", "subject", "indicator", "period", "kind", "measure", "value",
                 "unit", "qualifier", "evidence", "start", "end"],
    "project": ["type", "doc", "region", "name", "status", "period", "kind", "investment", "evidence",
                "start", "end"],
    "policy": ["type", "doc", "region", "policy", "beneficiary", "condition", "rate", "cap", "evidence",
               "start", "end"],
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhibiao", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """A real seed document copied into a scratch folder."""
    need_shared()
    target = tmp_path / "nansha.txt"
    target.write_bytes((SEEDS / "000_3651a326c51bf532.txt").read_bytes())
    return target


def test_jsonl_records_follow_the_spec_and_are_grounded(seed):
    result = run("extract", str(seed), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    text = seed.read_text(encoding="utf-8")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    for r in records:
        assert list(r) == SPEC_FIELDS[r["type"]]
        assert r["doc"] == "nansha.txt"
        assert text[r["start"]:r["end"]] == r["evidence"]
    gdp = [r for r in records if r.get("indicator") == "gdp" and r["measure"] == "level"]
    # 全年实现地区生产总值2323.54亿元 (the report of 2024 reviews 2023)
    assert gdp and gdp[0]["value"] == 232354000000 and gdp[0]["region"] == "广州市南沙区"
    assert gdp[0]["period"] == "2023" and gdp[0]["kind"] == "actual"


def test_output_file_and_table(seed, tmp_path):
    out = tmp_path / "facts.jsonl"
    assert run("extract", str(seed), "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8").count("\n") > 10
    table = run("extract", str(seed), "--format", "table")
    assert table.returncode == 0 and "广州市南沙区" in table.stdout and "地区生产总值" in table.stdout


def test_bad_inputs_are_reported_and_the_batch_goes_on(seed, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    missing = tmp_path / "missing.txt"
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    result = run("extract", str(empty), str(junk), str(missing), str(nothing), str(seed))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4, result.stderr
    for name in ("empty.txt", "junk.txt", "missing.txt", "nothing"):
        assert any(name in e for e in errors), (name, errors)
    assert "empty" in result.stderr
    assert any(json.loads(line)["doc"] == "nansha.txt" for line in result.stdout.splitlines())


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_encodings_give_the_same_facts(seed, tmp_path, encoding):
    other = tmp_path / f"nansha-{encoding}.txt"
    other.write_bytes(seed.read_text(encoding="utf-8").encode(encoding))
    a = [json.loads(x) for x in run("extract", str(seed)).stdout.splitlines()]
    b = [json.loads(x) for x in run("extract", str(other)).stdout.splitlines()]
    key = ("type", "region", "period", "kind", "measure", "value", "name", "evidence")
    assert [[r.get(k) for k in key] for r in a] == [[r.get(k) for k in key] for r in b]


def test_date_option_resolves_relative_time(tmp_path):
    doc = tmp_path / "news.txt"
    doc.write_text("海珠区今年以来新设企业2.4万家，去年同期为2.1万家。\n", encoding="utf-8")
    undated = [json.loads(x) for x in run("extract", str(doc)).stdout.splitlines()]
    assert undated and all(r["period"] == "unknown" for r in undated)
    dated = [json.loads(x) for x in run("extract", str(doc), "--date", "2024-06-30").stdout.splitlines()]
    assert [r["period"] for r in dated] == ["2024", "2023"]
    assert dated[0]["region"] == "广州市海珠区" and dated[0]["value"] == 24000


def test_sidecar_metadata_gives_the_date(tmp_path):
    doc = tmp_path / "news.txt"
    doc.write_text("今年上半年，全区实现地区生产总值795.3亿元。\n", encoding="utf-8")
    (tmp_path / "news.txt.meta.json").write_text('{"date": "2020-08-01", "place": "广州市南沙区"}',
                                                  encoding="utf-8")
    [rec] = [json.loads(x) for x in run("extract", str(doc)).stdout.splitlines()]
    assert (rec["period"], rec["region"], rec["indicator"]) == ("2020H1", "广州市南沙区", "gdp")


def test_text_command_prints_the_offsets_text(seed):
    result = run("text", str(seed))
    assert result.returncode == 0 and result.stdout == seed.read_text(encoding="utf-8")


def test_eval_scores_a_prediction(seed, tmp_path):
    need_shared()
    from tests.conftest import GOLD

    result = run("eval", "--gold", str(GOLD / "dev"), "--docs", str(SEEDS), str(SEEDS), "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["quantity"]["f1"] > 0.5 and scores["policy"]["gold"] == 4


def test_demo_runs_on_bundled_documents():
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "hulunbuir-hailar-2017-gov-work-report.txt" in result.stdout
    assert "呼伦贝尔市海拉尔区" in result.stdout
