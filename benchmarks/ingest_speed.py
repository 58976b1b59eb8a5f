"""Ingest throughput: documents/s and facts/s over the shared corpus repeated N times.

Usage: python benchmarks/ingest_speed.py [CORPUS_DIR] [--repeat N[,N…]] [--db URL] [--jobs N[,N…]] [--rounds N]

Every file of the corpus (default ../shared/corpus) is copied N times into a scratch folder, each
copy made distinct so that none is skipped as unchanged: text files get a line naming the copy,
other formats a sidecar ``.meta.json`` with a title. The copies are then ingested in one batch,
as ``zhibiao ingest FOLDER`` does (extraction in worker processes, one transaction per document),
into a fresh SQLite file (or ``--db``, e.g. an empty PostgreSQL database). A second run over the
same folder measures the idempotent case: every document is unchanged.

Each line also gives the share of the time spent writing to the database, and the peak memory
of the ingesting process (a fresh child process per run, so peaks do not carry over). With
several ``--repeat`` or ``--jobs`` values every combination runs, interleaved ``--rounds`` times
(the machine may be shared: compare runs of the same round).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: ZHIBIAO_CODE=DIR benchmarks another checkout (the "before" of a before/after comparison).
sys.path.insert(0, os.environ.get("ZHIBIAO_CODE") or str(Path(__file__).resolve().parents[1]))

from zhibiao.load import SUPPORTED_EXTENSIONS
from zhibiao.store import open_store
from zhibiao.store.ingest import default_workers, ingest

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_TEXT = {".txt", ".text", ".md"}


def make_copies(corpus: Path, folder: Path, repeat: int) -> int:
    """`repeat` distinct copies of every supported file of `corpus` in `folder`; the number of files."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS)
    n = 0
    for i in range(repeat):
        sub = folder / f"copy{i:03d}"
        sub.mkdir(parents=True)
        for p in files:
            target = sub / p.name
            if p.suffix.lower() in _TEXT:
                target.write_bytes(p.read_bytes() + f"\n(copy {i})\n".encode())
            else:
                shutil.copyfile(p, target)
                (sub / (p.name + ".meta.json")).write_text(json.dumps({"title": f"copy {i}"}), encoding="utf-8")
            n += 1
    return n


def _server(url: str) -> Any:
    from sqlalchemy import create_engine

    from zhibiao.store.db import resolve_url

    return create_engine(resolve_url(url), isolation_level="AUTOCOMMIT")


def fresh_database(url: str, tag: str) -> str:
    """A new, empty PostgreSQL database on the server of `url` (one per run); its URL."""
    from sqlalchemy.engine import make_url

    name = f"zhibiao_ingest_bench_{tag}"
    engine = _server(url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, made: str) -> None:
    """Drop a database `fresh_database` made."""
    from sqlalchemy.engine import make_url

    engine = _server(url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {make_url(made).database} WITH (FORCE)")
    engine.dispose()


def one_run(folder: Path, db: str, jobs: int | None) -> None:
    """Ingest `folder` into `db` twice (first, then all unchanged) and print the numbers."""
    store = open_store(db, create=True, say=None)
    files = sum(1 for p in folder.rglob("*") if p.suffix.lower() in SUPPORTED_EXTENSIONS)
    print(f"{files} files, {jobs or default_workers()} extraction processes, {os.cpu_count()} CPUs, "
          f"database {store.where}, load average {os.getloadavg()[0]:.2f}")
    for label in ("first ingest", "second ingest (all unchanged)"):
        started = time.perf_counter()
        summary = ingest(store, [str(folder)], workers=jobs)
        wall = time.perf_counter() - started
        done = summary.stored + summary.replaced + summary.unchanged
        writes = getattr(summary, "write_seconds", float("nan"))  # not timed by older checkouts
        print(f"  {label}: {done} documents ({summary.stored} stored, {summary.unchanged} unchanged, "
              f"{len(summary.failed)} failed), {summary.facts_added:,} facts in {wall:.2f} s: "
              f"{done / wall:,.1f} docs/s, {summary.facts_added / wall:,.0f} facts/s; writes "
              f"{writes:.2f} s ({100 * writes / wall:.0f}%, {1000 * writes / max(1, summary.stored):.1f} ms/document)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the ingesting process {peak:.0f} MB")
    if store.is_sqlite:
        size = sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*"))
        print(f"  database size: {size / 2**20:.1f} MiB")
    store.close()


def main() -> None:
    """Run the benchmark and print the numbers."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--repeat", default="100", help="copies of the corpus, or several: 5,30")
    ap.add_argument("--db", help="PostgreSQL server URL: each run gets a new database there "
                                 "(default: a fresh SQLite file in the scratch folder)")
    ap.add_argument("--jobs", default=None, help=f"extraction processes, or several: 1,2 (default {default_workers()})")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--code", default="", help="also run this other checkout's zhibiao, interleaved (A/B)")
    ap.add_argument("--one", nargs=3, metavar=("FOLDER", "DB", "JOBS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        folder, db, jobs = args.one
        one_run(Path(folder), db, int(jobs) or None)
        return
    scratch = Path(tempfile.mkdtemp(prefix="zhibiao-ingest-bench-"))
    try:
        repeats = [int(r) for r in args.repeat.split(",")]
        jobs = [int(j) for j in args.jobs.split(",")] if args.jobs else [0]
        for repeat in repeats:
            make_copies(Path(args.corpus), scratch / f"docs{repeat}", repeat)
        for rnd in range(args.rounds):
            for repeat in repeats:
                for n, code in ((n, code) for n in jobs for code in ([""] + ([args.code] if args.code else []))):
                    db = fresh_database(args.db, f"{rnd}_{repeat}_{n}") if args.db else str(
                        scratch / f"bench-{rnd}-{repeat}-{n}.db")
                    print(f"round {rnd + 1}, {repeat} × corpus, --workers {n or 'default'}, code "
                          f"{code or Path(__file__).resolve().parents[1]}:", flush=True)
                    subprocess.run([sys.executable, __file__, "--one", str(scratch / f"docs{repeat}"), db, str(n)],
                                   check=True, env={**os.environ, "ZHIBIAO_CODE": code})
                    if args.db:
                        drop_database(args.db, db)
                    else:
                        for p in scratch.glob(Path(db).name + "*"):
                            p.unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
