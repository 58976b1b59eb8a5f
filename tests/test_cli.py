"""The command line, run as a user runs it: real files, real processes, real exit codes."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
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


# --------------------------------------------------------------------------- fact-base tables and views

#: Real documents for the table tests: long sentences (Sichuan), targets and their actuals (Hailar).
TABLE_DOCS = ("sichuan-province-2026-gov-work-report.txt", "hulunbuir-hailar-2017-gov-work-report.txt",
              "hulunbuir-hailar-2018-gov-work-report.txt")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite fact base of `TABLE_DOCS`, made by `zhibiao ingest`."""
    from tests.conftest import REAL

    need_shared()
    db = tmp_path_factory.mktemp("kb") / "kb.db"
    done = run("ingest", *(str(REAL / name) for name in TABLE_DOCS), "--db", str(db), "-j", "1")
    assert done.returncode == 0, done.stderr
    return db


def at_width(width: int | None, *args: str) -> subprocess.CompletedProcess[str]:
    """`zhibiao ARGS` on a terminal of `width` columns (a pseudo-terminal; colours taken out), or into a pipe."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if width is None:
        done = subprocess.run([sys.executable, "-m", "zhibiao", *args], capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return done
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    with subprocess.Popen([sys.executable, "-m", "zhibiao", *args], stdout=follower, stderr=subprocess.PIPE,
                          env=env, text=True) as proc:
        os.close(follower)
        shown = b""
        while chunk := _read(leader):
            shown += chunk
        stderr = proc.stderr.read() if proc.stderr else ""
    os.close(leader)
    assert proc.returncode == 0, stderr
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8")).replace("\r\n", "\n")
    return subprocess.CompletedProcess(args, proc.returncode, text, stderr)


def _read(fd: int) -> bytes:
    """What a pseudo-terminal holds next; b"" once the program has closed it."""
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the other side is closed
        return b""


@pytest.mark.parametrize("width", [80, 100])
def test_tables_keep_one_line_a_row_within_the_terminal(kb, width):
    from rich.cells import cell_len

    records = [json.loads(x) for x in run("query", "--db", str(kb), "--limit", "30", "-f", "jsonl").stdout.splitlines()]
    lines = at_width(width, "query", "--db", str(kb), "--limit", "30").stdout.splitlines()
    assert len(lines) == 2 + len(records) == 32  # header, rule, one line a fact
    assert [int(line.split()[0]) for line in lines[2:]] == [r["id"] for r in records]
    assert max(cell_len(line) for line in lines) <= width
    assert any("…" in line for line in lines[2:])  # cut, not folded

    found = run("targets", "--db", str(kb), "-f", "jsonl").stdout.splitlines()
    shown = at_width(width, "targets", "--db", str(kb)).stdout.splitlines()
    assert len(shown) == 3 + len(found) + 1  # title, header, rule, the targets, the tally
    assert max(cell_len(line) for line in shown) <= width
    for args in (("compare", "-i", "gdp", "--measure", "growth"), ("doc",), ("doc", "1")):
        table = at_width(width, *args, "--db", str(kb)).stdout.split("\ncell = ")[0]  # less compare's legend
        assert max(cell_len(line) for line in table.splitlines()) <= width


@pytest.mark.parametrize("width", [80, 100])
def test_demo_tables_fit_the_terminal(tmp_path, width):
    from rich.cells import cell_len

    out = at_width(width, "demo", "--db", str(tmp_path / "demo.db")).stdout
    tables = out[out.index("zhibiao compare"):out.index("Go on with")].splitlines()
    assert len(tables) > 20 and max(cell_len(line) for line in tables) <= width
    targets = out[out.index("zhibiao targets"):out.index("Go on with")].strip().splitlines()[4:]
    assert len(targets) == 20 and all(re.search(r"\b(met|missed|pending)\b", line) for line in targets)  # 1 line each


def test_wide_and_pipes_show_every_character(kb):
    longest = max((json.loads(x) for x in run("query", "--db", str(kb), "-f", "jsonl").stdout.splitlines()),
                  key=lambda r: len(r["evidence"]))
    evidence = " ".join(longest["evidence"].split())
    for args in (("--wide",), ()):  # --wide on an 80-column terminal; a pipe
        out = at_width(80 if args else None, "query", "--db", str(kb), "--limit", "0", *args).stdout
        row = next(line for line in out.splitlines() if line.split()[0] == str(longest["id"]))
        assert evidence in row


@pytest.mark.parametrize("width", [80, 100, None])
def test_show_gives_the_whole_evidence_in_context(kb, width):
    # A long sentence of the Sichuan report: the evidence sits far inside a run without spaces.
    records = [json.loads(x) for x in run("query", "--db", str(kb), "--search", "高速公路通车里程",
                                           "-f", "jsonl").stdout.splitlines()]
    fact = next(r for r in records if r["evidence"].startswith("高速公路通车里程新增3000公里"))
    out = at_width(width, "show", str(fact["id"]), "--db", str(kb)).stdout
    shown = out[out.index("in context") + len("in context"):out.index("\nsource")]
    assert fact["evidence"] in "".join(shown.split())
    assert "铁路运营里程新增1700公里" in "".join(shown.split())  # and the words around it
