"""Engines: the local process pool and Ray give the facts of a plain loop; crashes cost one document.

The Ray part runs on one local 2-CPU Ray instance started once for this module, and is skipped
(with the reason) when Ray is not installed (``pip install -e '.[ray]'``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEEDS, SHARED, need_shared
from zhibiao.extract.pipeline import DocResult, process
from zhibiao.load import iter_inputs
from zhibiao.scale.local import run_local
from zhibiao.scale.parquet import ShardError, ShardWriter, read_shards, write_shard

CORPUS = SHARED / "corpus"


def canonical(results: list[DocResult]) -> dict[str, list[str]]:
    """Each document's facts as sorted canonical JSON, keyed by the document's path."""
    return {str(r.path or r.name): sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in r.facts)
            for r in results}


@pytest.fixture(scope="module")
def baseline() -> list[DocResult]:
    """A plain loop of `process` over the whole shared corpus (seeds and real documents)."""
    need_shared()
    results = [process(str(p)) for p in iter_inputs([str(CORPUS)])]
    assert len(results) >= 60 and all(r.ok for r in results), [r.error for r in results if r.error]
    return results


def _crashy(source, **kwargs) -> DocResult:
    """`process`, except that the worker process dies on files named crash-*, exit-* or sleep-*."""
    name = os.path.basename(os.fspath(source))
    if name.startswith("crash-"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("exit-"):
        os._exit(3)
    if name.startswith("sleep-"):
        time.sleep(60)
    return process(source, **kwargs)


@pytest.fixture
def with_crashes(tmp_path: Path) -> Path:
    """Five seed documents with documents that kill their worker between them."""
    need_shared()
    folder = tmp_path / "docs"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))[:5]
    names = ["a.txt", "crash-1.txt", "b.txt", "c.txt", "exit-2.txt", "d.txt", "e.txt"]
    it = iter(seeds)
    for name in names:
        src = next(it) if not name.startswith(("crash", "exit")) else seeds[0]
        (folder / name).write_bytes(src.read_bytes())
    return folder


# -- the per-document function --------------------------------------------------------------

def test_process_never_raises_and_labels_errors(tmp_path):
    assert process(tmp_path / "missing.txt").error == f"{tmp_path / 'missing.txt'}: no such file or directory"
    png = process(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "scan.png")
    assert png.error and png.error.startswith("scan.png: not a text document") and png.sha256 and png.size == 28
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert process(empty).error == f"{empty}: empty file"


def test_process_bytes_and_path_agree(baseline):
    path = Path(baseline[0].path)
    from_bytes = process(path.read_bytes(), path.name)
    assert from_bytes.facts == baseline[0].facts
    assert from_bytes.sha256 == baseline[0].sha256 and from_bytes.text == baseline[0].text


def test_extraction_error_is_reported_not_raised(monkeypatch, tmp_path):
    import zhibiao.extract.facts

    def boom(*args, **kwargs):
        raise ValueError("bad input")

    monkeypatch.setattr(zhibiao.extract.facts, "extract", boom)
    doc = tmp_path / "a.txt"
    doc.write_text("2023年地区生产总值100亿元。", encoding="utf-8")
    result = process(doc)
    assert result.error == f"{doc}: extraction failed (ValueError: bad input)"
    assert result.sha256 and result.facts == []


# -- local process pool ----------------------------------------------------------------------

def test_run_local_two_workers_gives_the_plain_loop_facts(baseline):
    results = list(run_local([str(CORPUS)], workers=2))
    assert [r.path for r in results] == [r.path for r in baseline]  # input order
    assert canonical(results) == canonical(baseline)
    assert [r.sha256 for r in results] == [r.sha256 for r in baseline]
    assert all(r.ok for r in results)


def test_a_killed_worker_costs_only_its_document(with_crashes):
    results = list(run_local([str(with_crashes)], workers=2, fn=_crashy))
    names = [r.name for r in results]
    assert names == sorted(p.name for p in with_crashes.iterdir())  # each document once, in order
    by_name = {r.name: r for r in results}
    assert by_name["crash-1.txt"].error == f"{with_crashes / 'crash-1.txt'}: worker died (killed by SIGKILL)"
    assert by_name["exit-2.txt"].error == f"{with_crashes / 'exit-2.txt'}: worker died (exit code 3)"
    for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e.txt"):
        assert by_name[name].ok and by_name[name].facts == process(with_crashes / name).facts


def test_a_document_over_the_timeout_is_killed(tmp_path):
    need_shared()
    seed = sorted(SEEDS.glob("*.txt"))[0].read_bytes()
    for name in ("a.txt", "sleep-1.txt", "b.txt"):
        (tmp_path / name).write_bytes(seed)
    start = time.monotonic()
    results = list(run_local([str(tmp_path)], workers=2, fn=_crashy, timeout=2))
    assert time.monotonic() - start < 30
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].error == f"{tmp_path / 'sleep-1.txt'}: worker killed after 2 s on this document"


def test_run_local_streams_its_inputs(tmp_path):
    """Inputs are drawn as results are consumed, never far ahead (bounded memory)."""
    for i in range(40):
        (tmp_path / f"{i:02d}.txt").write_text(f"{2000 + i}年地区生产总值{i + 1}亿元。", encoding="utf-8")
    drawn = []

    def inputs():
        for i in range(40):
            drawn.append(i)
            yield str(tmp_path / f"{i:02d}.txt")

    results = run_local(inputs(), workers=2, window=4)
    first = [next(results) for _ in range(3)]
    assert all(r.ok for r in first)
    assert len(drawn) <= 3 + 4 + 1
    rest = list(results)
    assert len(first) + len(rest) == 40 and [r.name for r in first + rest] == [f"{i:02d}.txt" for i in range(40)]


def test_missing_inputs_fail_in_place(tmp_path):
    need_shared()
    seed = sorted(SEEDS.glob("*.txt"))[0]
    results = list(run_local([str(seed), str(tmp_path / "nope.txt"), str(seed.parent / "*.none")], workers=2))
    assert [r.ok for r in results] == [True, False, False]
    assert results[1].error == f"{tmp_path / 'nope.txt'}: no such file or directory"
    assert results[2].error == f"{seed.parent / '*.none'}: no documents match this pattern"


def test_url_inputs_are_fetched_with_their_sidecar(tmp_path):
    """A document named by URL gives the facts and metadata of the same file named by path."""
    from zhibiao.scale.ray_engine import list_inputs, process_location

    need_shared()
    doc = tmp_path / "docs" / "report.txt"
    doc.parent.mkdir()
    doc.write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    (tmp_path / "docs" / "report.txt.meta.json").write_text('{"date": "2023-02-01", "place": "广州市南沙区"}')
    (tmp_path / "docs" / ".hidden.txt").write_text("x")
    url = doc.resolve().as_uri()
    assert list(list_inputs([doc.parent.resolve().as_uri()])) == [url]
    by_url, by_path = process_location(url), process(doc)
    assert by_url.path == url and by_url.meta == by_path.meta and by_url.meta["date"] == "2023-02-01"
    assert by_url.facts == by_path.facts and by_url.sha256 == by_path.sha256
    missing = process_location(url + ".gone")
    assert missing.error.startswith(url + ".gone: cannot read")


# -- Parquet shards --------------------------------------------------------------------------

def test_shards_give_back_every_result_exactly(baseline, tmp_path):
    extra = [process(b"\x89PNG\r\n\x1a\n....", "scan.png")]
    odd = DocResult(name="odd.txt", path=None, sha256="0" * 64, format="text", text="x", meta={"k": "v"},
                    facts=[{"type": "project", "doc": "odd.txt", "investment": 7, "new_key": [1, 2]}])
    writer = ShardWriter(str(tmp_path / "out"), docs_per_shard=16)
    for r in [*baseline, *extra, odd]:
        writer.add(r)
    manifest = writer.close()
    assert manifest["documents"] == len(baseline) + 2 and manifest["failed"] == 1
    got = list(read_shards(str(tmp_path / "out")))
    assert got == [*baseline, *extra, odd]  # every field, facts rebuilt with their exact types
    assert json.dumps(got[-1].facts) == json.dumps(odd.facts)

    import pyarrow.parquet as pq

    part = manifest["parts"][0]
    meta = pq.read_schema(tmp_path / "out" / "facts" / f"{part}.parquet").metadata
    assert meta[b"zhibiao.table"] == b"facts" and meta[b"zhibiao.schema_version"] == b"1"
    facts = pq.read_table(tmp_path / "out" / "facts")
    assert facts.num_rows == sum(len(r.facts) for r in baseline) + 1
    assert facts.schema.field("value").type == "double"


def test_shard_folders_are_not_overwritten_by_accident(tmp_path):
    write_shard(str(tmp_path), [(0, process(b"2023\xe5\xb9\xb4", "a.txt"))])
    with pytest.raises(ShardError, match="already holds zhibiao shards"):
        ShardWriter(str(tmp_path))
    ShardWriter(str(tmp_path), overwrite=True).close()
    assert list(read_shards(str(tmp_path))) == []


def test_newer_shard_schema_is_refused(tmp_path):
    writer = ShardWriter(str(tmp_path))
    writer.add(process(b"x", "a.txt"))
    manifest = writer.close()
    manifest["schema_version"] = 99
    (tmp_path / "_manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ShardError, match="schema v99"):
        list(read_shards(str(tmp_path)))


# -- command line ----------------------------------------------------------------------------

def _zhibiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhibiao", *args], capture_output=True, text=True, timeout=300)


def test_cli_output_is_the_same_whatever_the_workers(tmp_path):
    need_shared()
    args = ("extract", str(SEEDS), str(tmp_path / "missing.txt"), "--with-codes")
    one, two = _zhibiao(*args), _zhibiao(*args, "--workers", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout.count("\n") > 100
    assert one.stderr == two.stderr == f"zhibiao: error: {tmp_path / 'missing.txt'}: no such file or directory\n"


def test_cli_writes_shards_with_out(tmp_path):
    need_shared()
    done = _zhibiao("extract", str(SEEDS), "--workers", "2", "--out", str(tmp_path / "shards"))
    assert done.returncode == 0, done.stderr
    jsonl = _zhibiao("extract", str(SEEDS), "--with-codes")
    expected = [json.loads(line) for line in jsonl.stdout.splitlines()]
    stored = [f for r in read_shards(str(tmp_path / "shards")) for f in r.facts]
    assert [{k: f[k] for k in e} for f, e in zip(stored, expected, strict=True)] == expected
    bad = _zhibiao("extract", str(SEEDS), "--engine", "ray")
    assert bad.returncode == 2 and "--out" in bad.stderr


# -- Ray -------------------------------------------------------------------------------------

def test_ray_missing_gives_the_install_hint(monkeypatch, tmp_path):
    from zhibiao.scale.ray_engine import EngineError, run_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(EngineError, match=r"pip install 'zhibiao\[ray\]'"):
        run_ray([str(tmp_path)], str(tmp_path / "out"))


@pytest.fixture(scope="module")
def ray_session():
    """One local 2-CPU Ray instance for the module."""
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run the Ray tests")
    import logging

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)
    yield ray
    ray.shutdown()


def test_run_ray_gives_the_plain_loop_facts(ray_session, baseline, tmp_path):
    from zhibiao.scale.ray_engine import run_ray

    stats = run_ray([str(CORPUS)], str(tmp_path / "out"))
    assert (stats.documents, stats.failed, stats.errors) == (len(baseline), 0, [])
    assert stats.facts == sum(len(r.facts) for r in baseline) and stats.cpus == 2
    got = list(read_shards(str(tmp_path / "out")))
    assert canonical(got) == canonical(baseline)
    assert sorted(got, key=lambda r: r.path) == sorted(baseline, key=lambda r: r.path)  # text, meta, sha256 too


def test_run_ray_reads_filesystem_urls(ray_session, tmp_path):
    from zhibiao.scale.ray_engine import run_ray

    need_shared()
    url = SEEDS.resolve().as_uri()
    stats = run_ray([url, url + "/no-such-file.txt"], str(tmp_path / "out"))
    assert stats.failed == 1 and stats.errors == [f"{url}/no-such-file.txt: no such file or directory"]
    got = {r.path: r for r in read_shards(str(tmp_path / "out")) if r.ok}
    plain = [process(p) for p in sorted(SEEDS.glob("*.txt"))]
    assert sorted(got) == [Path(r.path).resolve().as_uri() for r in plain]
    for r in plain:
        assert got[Path(r.path).resolve().as_uri()].facts == r.facts


@pytest.mark.parametrize("per_task", [4, 7])  # 7: both killers in one task, retried for each in turn
def test_run_ray_survives_a_worker_that_dies(ray_session, with_crashes, tmp_path, per_task):
    from ray import cloudpickle

    from zhibiao.scale.ray_engine import run_ray

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import the tests
    try:
        stats = run_ray([str(with_crashes)], str(tmp_path / "out"), fn=_crashy, docs_per_task=per_task)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert stats.documents == 7 and stats.failed == 2
    assert all("worker died" in e for e in stats.errors)
    got = list(read_shards(str(tmp_path / "out")))
    assert sorted(r.name for r in got) == sorted(p.name for p in with_crashes.iterdir())  # once each
    for r in got:
        assert r.ok == (not r.name.startswith(("crash", "exit")))
        if r.ok:
            assert r.facts == process(with_crashes / r.name).facts


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_address_fails_fast(tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run the Ray tests")
    from zhibiao.scale.ray_engine import EngineError, check_reachable

    port = _closed_port()
    unreachable = (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}", "ray://203.0.113.1:10001",  # TEST-NET-3
                   "no.such.host.invalid:6379")
    for address in unreachable:
        start = time.monotonic()
        with pytest.raises(EngineError, match=r"cannot reach the Ray cluster at"):
            check_reachable(address, timeout=2)
        assert time.monotonic() - start < 5, address
    start = time.monotonic()
    done = _zhibiao("extract", str(tmp_path), "--engine", "ray", "--address", f"ray://127.0.0.1:{port}",
                    "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and time.monotonic() - start < 30
    assert done.stderr.strip().endswith(f"cannot reach the Ray cluster at ray://127.0.0.1:{port}: Connection refused")
