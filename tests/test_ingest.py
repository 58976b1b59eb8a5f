"""zhibiao.store.ingest and `zhibiao ingest`: real files, real processes, a real kill -9.

The kill test and the idempotency tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import REAL, need_shared
from zhibiao.store import open_store
from zhibiao.store.ingest import content_key, ingest
from zhibiao.store.schema import documents, facts

#: Short real excerpts: quick to extract, so a batch of many copies still takes seconds.
SMALL = (
    "guangzhou-baiyun-2022-plan-report.excerpt.txt",
    "guangzhou-haizhu-2021-gov-work-report.excerpt.txt",
    "guangzhou-huangpu-2020-communique.excerpt.txt",
    "guangzhou-nansha-2021-gov-work-report.excerpt.txt",
    "guangzhou-panyu-2022-plan-report.excerpt.txt",
    "guangzhou-panyu-2023-gov-work-report.excerpt.txt",
    "guangzhou-tianhe-2025-gov-work-report.excerpt.txt",
    "guangzhou-nansha-2023-gov-work-report-news.txt",
)


def zhibiao(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zhibiao", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={**os.environ, **(env or {})})


def copies(folder: Path, n: int) -> list[Path]:
    """`n` distinct real documents: the short excerpts, each copy with a line naming it appended."""
    need_shared()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        name = SMALL[i % len(SMALL)]
        target = folder / f"{i:03d}-{name}"
        target.write_bytes((REAL / name).read_bytes() + f"\n(副本 {i})\n".encode())
        out.append(target)
    return out


def state(url: str) -> dict:
    """Counts and consistency facts of a fact base, read through the store."""
    store = open_store(url, say=None)
    try:
        with store.read() as conn:
            current = conn.execute(select(documents.c.id, documents.c.sha256, documents.c.n_facts)
                                   .where(documents.c.is_current)).all()
            per_doc = dict(conn.execute(select(facts.c.doc_id, func.count()).group_by(facts.c.doc_id)).all())
            all_docs = conn.execute(select(func.count()).select_from(documents)).scalar()
            orphans = conn.execute(select(func.count()).select_from(facts).where(
                facts.c.doc_id.not_in(select(documents.c.id).where(documents.c.is_current)))).scalar()
            if store.is_sqlite:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                conn.exec_driver_sql("INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')")
        return {
            "current": len(current), "all": all_docs, "orphans": orphans,
            "complete": all(per_doc.get(d, 0) == n for d, _, n in current),
            "unique": len({sha for _, sha, _ in current}) == len(current),
            "facts": sum(per_doc.values()), "declared": sum(n for _, _, n in current),
        }
    finally:
        store.close()


def count_documents(url: str) -> int:
    if "://" not in url:
        import sqlite3

        try:
            with sqlite3.connect(f"file:{url}?mode=ro", uri=True, timeout=1) as conn:
                return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            return 0
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except psycopg.Error:
        return 0


def test_kill_minus_9_midway_leaves_a_consistent_database_and_a_rerun_completes(db_url, tmp_path):
    files = copies(tmp_path / "docs", 48)
    proc = subprocess.Popen([sys.executable, "-m", "zhibiao", "ingest", str(tmp_path / "docs"), "--db", db_url,
                             "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while count_documents(db_url) < 6 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the ingest finished before it could be killed: " + proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    after_kill = state(db_url)
    assert 6 <= after_kill["current"] < len(files)
    assert after_kill["complete"] and after_kill["unique"] and after_kill["orphans"] == 0
    assert after_kill["facts"] == after_kill["declared"] > 0

    time.sleep(0.3)  # the workers die with their parent (PR_SET_PDEATHSIG)
    mine = str(tmp_path / "docs")
    survivors = [p for p in os.listdir("/proc") if p.isdigit() and _cmdline(p).count(mine)]
    assert survivors == []

    rerun = zhibiao("ingest", str(tmp_path / "docs"), "--db", db_url, "--jobs", "2")
    assert rerun.returncode == 0, rerun.stderr
    done = state(db_url)
    assert done["current"] == done["all"] == len(files)
    assert done["complete"] and done["unique"] and done["orphans"] == 0
    summary = rerun.stdout.strip().splitlines()[-1]
    assert f"{len(files) - after_kill['current']} documents stored" in summary
    assert f"{after_kill['current']} unchanged" in summary

    third = zhibiao("ingest", str(tmp_path / "docs"), "--db", db_url)
    assert third.returncode == 0 and f"0 documents stored, 0 replaced by a new version, {len(files)} unchanged" in \
        third.stdout
    assert state(db_url) == done


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_ingest_summary_new_versions_and_bad_files(db_url, tmp_path):
    need_shared()
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in SMALL[:3]:
        shutil.copyfile(REAL / name, folder / name)
    (folder / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    first = zhibiao("ingest", str(folder), str(tmp_path / "missing.txt"), "--db", db_url)
    assert first.returncode == 1
    assert "3 documents stored, 0 replaced by a new version, 0 unchanged, 2 failed" in first.stdout
    assert "missing.txt: no such file or directory" in first.stdout
    assert "scan.pdf: not a text document (binary data: PNG image)" in first.stdout
    assert "missing.txt: no such file or directory" in first.stderr  # also said at once on stderr

    changed = folder / SMALL[0]
    changed.write_bytes(changed.read_bytes().replace(b"2022", b"2023", 1))
    (folder / "scan.pdf").unlink()
    second = zhibiao("ingest", str(folder), "--db", db_url)
    assert second.returncode == 0, second.stderr
    assert "0 documents stored, 1 replaced by a new version, 2 unchanged, 0 failed" in second.stdout
    assert "  replaced  doc" in second.stdout
    after = state(db_url)
    assert (after["current"], after["all"]) == (3, 4) and after["complete"]


def test_content_key_covers_sidecar_and_options(tmp_path):
    doc = tmp_path / "report.txt"
    doc.write_text("2023年全区地区生产总值增长5%。", encoding="utf-8")
    plain = content_key(doc)[0]
    assert content_key(doc, date="2024-01-01")[0] != plain
    (tmp_path / "report.txt.meta.json").write_text(json.dumps({"date": "2024-02-01"}), encoding="utf-8")
    assert content_key(doc)[0] != plain
    assert content_key(doc)[1] == doc.stat().st_size


def test_parallel_and_sequential_ingest_store_the_same_facts(tmp_path):
    files = copies(tmp_path / "docs", 12)
    results = []
    for workers in (1, 2):
        store = open_store(str(tmp_path / f"kb{workers}.db"), create=True, say=None)
        summary = ingest(store, [str(f) for f in files], workers=workers)
        assert summary.ok and summary.stored == len(files)
        with store.read() as conn:
            results.append(conn.execute(select(documents.c.name, facts.c.seq, facts.c.evidence, facts.c.value)
                                        .join(facts, facts.c.doc_id == documents.c.id)
                                        .order_by(documents.c.name, facts.c.seq)).all())
        store.close()
    assert results[0] == results[1] and results[0]


def test_parallel_ingest_keeps_a_bounded_number_of_documents_in_flight(tmp_path):
    from zhibiao.store.ingest import IN_FLIGHT, Prepared, _prepared

    files = copies(tmp_path / "docs", 20)
    taken = []

    def jobs():
        for f in files:
            taken.append(f)
            key, size = content_key(f)
            yield (f, key, size, None, None)

    results = _prepared(jobs(), 2, len(files))
    first = next(results)
    assert isinstance(first, Prepared) and first.path == str(files[0].resolve())
    assert len(taken) <= 2 * IN_FLIGHT + 1  # not the whole batch queued ahead of the writer
    rest = list(results)
    assert [r.path for r in [first, *rest]] == [str(f.resolve()) for f in files]


def test_extraction_workers_yield_the_cpu_to_the_writer():
    from concurrent.futures import ProcessPoolExecutor

    from zhibiao.store.ingest import WORKER_NICE, _worker_init

    with ProcessPoolExecutor(1, initializer=_worker_init) as pool:
        assert pool.submit(os.nice, 0).result() == min(19, os.nice(0) + WORKER_NICE)


def test_summary_times_the_writes(tmp_path):
    files = copies(tmp_path / "docs", 3)
    with open_store(str(tmp_path / "kb.db"), create=True, say=None) as store:
        summary = ingest(store, [str(f) for f in files], workers=1)
    assert summary.stored == 3 and 0 < summary.write_seconds < summary.seconds


def test_an_interrupt_rolls_back_the_open_batch_only(db_url, tmp_path, monkeypatch):
    """Batches of 3: interrupted after the 5th file, the first batch is stored and counted, the
    4th and 5th documents are not (nor counted), and the same command stores the rest."""
    import zhibiao.store.write as write

    monkeypatch.setattr(write, "BATCH_DOCUMENTS", 3)
    monkeypatch.setattr(write, "BATCH_SECONDS", 3600.0)
    files = copies(tmp_path / "docs", 7)

    def interrupt_after_five(done: int, total: int, summary) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with open_store(db_url, create=True, say=None) as store:
        summary = ingest(store, [str(f) for f in files], workers=1, progress=interrupt_after_five)
        assert (summary.stopped, summary.stored, summary.not_done) == ("interrupted", 3, 4)
        assert summary.facts_added == state(db_url)["facts"] > 0
        assert [name for _, _, name in summary.documents] == [f.name for f in files[:3]]
        again = ingest(store, [str(f) for f in files], workers=1)
    assert (again.stored, again.unchanged, again.ok) == (4, 3, True)
    after = state(db_url)
    assert after["current"] == after["all"] == 7 and after["complete"] and after["orphans"] == 0


def test_a_commit_that_fails_stops_the_batch_and_counts_its_documents_as_not_done(tmp_path, monkeypatch):
    """The second batch's commit fails as on a full disk: the first batch stays, the second is
    rolled back and its three documents count as not done; the rerun stores them."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    import zhibiao.store.write as write

    monkeypatch.setattr(write, "BATCH_DOCUMENTS", 3)
    monkeypatch.setattr(write, "BATCH_SECONDS", 3600.0)
    files = copies(tmp_path / "docs", 7)
    db = str(tmp_path / "kb.db")
    commits = []

    def full_disk_on_the_third_commit(conn) -> None:  # writes: 1 indicators, 2 first batch, 3 second batch
        if not conn.get_execution_options().get("zhibiao_write"):
            return
        commits.append(1)
        if len(commits) == 3:
            raise OperationalError("COMMIT", None, sqlite3.OperationalError("database or disk is full"))

    with open_store(db, create=True, say=None) as store:
        event.listen(store.engine, "commit", full_disk_on_the_third_commit)
        summary = ingest(store, [str(f) for f in files], workers=1)
        event.remove(store.engine, "commit", full_disk_on_the_third_commit)
        assert "disk is full" in summary.stopped and (summary.stored, summary.not_done) == (3, 4)
        assert state(db)["current"] == 3
        again = ingest(store, [str(f) for f in files], workers=1)
    assert (again.stored, again.unchanged, again.ok) == (4, 3, True)


def test_a_batch_shares_one_commit_and_sees_its_own_documents(tmp_path, monkeypatch):
    """Documents are committed together (fewer commits than documents), and a copy of a document
    written earlier in the same open batch is found as the same text."""
    import zhibiao.store.write as write

    monkeypatch.setattr(write, "BATCH_SECONDS", 3600.0)
    files = copies(tmp_path / "docs", 4)
    twin = tmp_path / "docs" / "twin.txt"
    twin.write_bytes(files[0].read_bytes() + b"\n\n")  # the same text but for whitespace: another file
    commits = []
    with open_store(str(tmp_path / "kb.db"), create=True, say=None) as store:
        from sqlalchemy import event

        event.listen(store.engine, "commit", lambda conn: commits.append(1))
        summary = ingest(store, [str(f) for f in [*files, twin]], workers=1)
    assert (summary.stored, summary.same_text, summary.ok) == (4, 1, True)
    assert len(commits) < 5


def test_progress_lines_off_a_terminal(tmp_path, capsys):
    from zhibiao.store.ingest import Progress, Summary

    progress = Progress(stream=sys.stderr)
    summary = Summary(facts_added=1234)
    for done in range(1, 201):
        progress(done, 200, summary)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == "ingest: 20/200 files, 1,234 facts added" and lines[-1].startswith("ingest: 200/200")
    assert len(lines) == 10


def test_a_locked_database_stops_ingest_with_a_clear_message(tmp_path):
    import sqlite3

    need_shared()
    db = tmp_path / "kb.db"
    doc = tmp_path / SMALL[0]
    shutil.copyfile(REAL / SMALL[0], doc)
    assert zhibiao("ingest", str(doc), "--db", str(db)).returncode == 0
    doc.write_bytes(doc.read_bytes() + "\n补充一句。\n".encode())
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        locked = zhibiao("ingest", str(doc), "--db", str(db), env={"ZHIBIAO_DB_TIMEOUT": "0.5"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert locked.returncode == 1
    assert "locked by another process" in locked.stdout and "run the same command again" in locked.stdout
    after = state(str(db))
    assert (after["current"], after["all"]) == (1, 1) and after["complete"]
    done = zhibiao("ingest", str(doc), "--db", str(db))
    assert done.returncode == 0 and "1 replaced by a new version" in done.stdout


# --------------------------------------------------------------------------- the same text in several files


#: Real reports in /work/shared/corpus/real that come in two files with the same text.
PAIRS = (
    ("hulunbuir-hailar-2015-gov-work-report.txt", "hulunbuir-hailar-2015-gov-work-report.gbk.txt"),  # UTF-8, GBK
    ("china-state-council-2018-employment-promotion-policy.txt",
     "china-state-council-2018-employment-promotion-policy.html"),
)


def _sources(store) -> dict[str, list[str]]:
    from zhibiao.analysis.query import document_list

    return {d["name"]: [Path(p).name for p in d["sources"].split("; ")] for d in document_list(store)}


def test_the_same_report_in_two_formats_or_encodings_is_one_document_with_two_sources(db_url, tmp_path):
    need_shared()
    folder = tmp_path / "real"
    folder.mkdir()
    for pair in PAIRS:
        for name in pair:
            shutil.copyfile(REAL / name, folder / name)
    (folder / "README.md").write_text("# 说明\n\n这些文件是测试用的真实报告。\n", encoding="utf-8")
    (folder / "notes.meta.json").write_text('{"date": "2015-02-05"}', encoding="utf-8")
    with open_store(db_url, create=True, say=None) as store:
        summary = ingest(store, [str(folder)], workers=1)
        assert (summary.stored, summary.same_text, summary.failed) == (2, 2, [])
        assert sorted(Path(f.path).name for f in summary.skipped) == ["README.md"]
        assert "not a document" in summary.skipped[0].reason and any(
            line.startswith("skipped:") for line in summary.lines(store.where))
        # the .gbk.txt sorts before the .txt, the .html before the .txt: each pair's first is the document
        assert _sources(store) == {"china-state-council-2018-employment-promotion-policy.html": [
            "china-state-council-2018-employment-promotion-policy.html",
            "china-state-council-2018-employment-promotion-policy.txt"],
            "hulunbuir-hailar-2015-gov-work-report.gbk.txt": ["hulunbuir-hailar-2015-gov-work-report.gbk.txt",
                                                              "hulunbuir-hailar-2015-gov-work-report.txt"]}
        with store.read() as conn:
            n_facts = conn.execute(select(func.count()).select_from(facts)).scalar()
            assert n_facts == conn.execute(select(func.sum(documents.c.n_facts))).scalar()  # no fact twice
        again = ingest(store, [str(folder)], workers=1)  # every file known: nothing loaded, nothing written
        assert (again.stored, again.same_text, again.unchanged, again.facts_added) == (0, 0, 4, 0)
        forced = ingest(store, [str(folder / PAIRS[0][1])], workers=1, force=True)
        assert (forced.replaced, forced.same_text) == (1, 0)
        assert _sources(store)["hulunbuir-hailar-2015-gov-work-report.gbk.txt"] == [
            "hulunbuir-hailar-2015-gov-work-report.gbk.txt", "hulunbuir-hailar-2015-gov-work-report.txt"]


def test_gbk_and_html_copies_of_a_text_made_here_are_found(tmp_path):
    """A real text saved again as GBK and as HTML (other line breaks, full-width spaces)."""
    need_shared()
    text = (REAL / "guangzhou-panyu-2022-plan-report.excerpt.txt").read_text(encoding="utf-8")
    (tmp_path / "report.txt").write_text(text, encoding="utf-8")
    (tmp_path / "report-gbk.txt").write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    body = "".join(f"<p>\u3000\u3000{line}</p>\n" for line in text.splitlines() if line.strip())
    (tmp_path / "report.html").write_text(f"<html><head><meta charset='utf-8'><title>番禺</title></head>"
                                          f"<body>{body}</body></html>", encoding="utf-8")
    db = tmp_path / "kb.db"
    with open_store(str(db), create=True, say=None) as store:
        summary = ingest(store, [str(tmp_path / n) for n in ("report.txt", "report-gbk.txt", "report.html")],
                         workers=1)
        assert (summary.stored, summary.same_text) == (1, 2)
        [listed] = _sources(store).values()
        assert listed == ["report.txt", "report-gbk.txt", "report.html"]
    shown = zhibiao("doc", "--db", str(db))
    assert shown.returncode == 0 and "report-gbk.txt" in shown.stdout and "report.html" in shown.stdout
    one = zhibiao("doc", "report.txt", "--db", str(db))
    assert one.returncode == 0 and "also in" in one.stdout and "report.html (html" in one.stdout


def test_documents_get_their_place_date_and_title_from_the_text(tmp_path):
    """The 2026 Sichuan report: "2026年2月3日在四川省第十四届人民代表大会…" and its title line."""
    need_shared()
    db = tmp_path / "kb.db"
    names = ("sichuan-province-2026-gov-work-report.txt", "hulunbuir-hailar-2014-gov-work-report.txt",
             "china-state-council-2018-ftz-reform-measures-policy.txt")
    with open_store(str(db), create=True, say=None) as store:
        assert ingest(store, [str(REAL / n) for n in names], workers=1).stored == 3
        with store.read() as conn:
            got = {r.name: (r.title, r.date, r.place, r.place_code) for r in conn.execute(
                select(documents.c.name, documents.c.title, documents.c.date, documents.c.place,
                       documents.c.place_code))}
    assert got == {
        "sichuan-province-2026-gov-work-report.txt": ("2026年四川省人民政府工作报告", "2026-02-03", "四川省", "510000"),
        "hulunbuir-hailar-2014-gov-work-report.txt": ("政府工作报告", "2014-02-19", "呼伦贝尔市海拉尔区", "150702"),
        "china-state-council-2018-ftz-reform-measures-policy.txt": (
            "国务院关于支持自由贸易试验区深化改革创新若干措施的通知", "2018-11-07", "全国", "000000"),
    }
    listed = zhibiao("doc", "--db", str(db))
    assert listed.returncode == 0 and "2026-02-03" in listed.stdout and "四川省 (510000)" in listed.stdout


def test_a_file_changed_to_another_documents_text_becomes_its_source(db_url, tmp_path):
    """b.txt held a report of its own, then a copy of a.txt's: its old document and facts go."""
    need_shared()
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copyfile(REAL / SMALL[0], a)
    shutil.copyfile(REAL / SMALL[1], b)
    with open_store(db_url, create=True, say=None) as store:
        assert ingest(store, [str(a), str(b)], workers=1).stored == 2
        b.write_bytes(a.read_text(encoding="utf-8").encode("gbk"))
        changed = ingest(store, [str(b)], workers=1)
        assert (changed.same_text, changed.stored, changed.replaced) == (1, 0, 0) and changed.facts_removed > 0
        assert _sources(store) == {"a.txt": ["a.txt", "b.txt"]}
        with store.read() as conn:
            current = conn.execute(select(func.count()).select_from(documents).where(documents.c.is_current)).scalar()
            doc_ids = set(conn.execute(select(facts.c.doc_id)).scalars())
        assert current == 1 and len(doc_ids) == 1
