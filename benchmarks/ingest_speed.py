"""Ingest throughput: documents/s and facts/s over the shared corpus repeated N times.

Usage: python benchmarks/ingest_speed.py [CORPUS_DIR] [--repeat N] [--db URL] [--jobs N]

Every file of the corpus (default ../shared/corpus) is copied N times into a scratch folder, each
copy made distinct so that none is skipped as unchanged: text files get a line naming the copy,
other formats a sidecar ``.meta.json`` with a title. The copies are then ingested in one batch,
as ``zhibiao ingest FOLDER`` does (extraction in worker processes, one transaction per document),
into a fresh SQLite file (or ``--db``, e.g. an empty PostgreSQL database). A second run over the
same folder measures the idempotent case: every document is unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def main() -> None:
    """Run the benchmark and print the numbers."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file in the scratch folder)")
    ap.add_argument("--jobs", type=int, default=None, help=f"extraction processes (default {default_workers()})")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="zhibiao-ingest-bench-"))
    try:
        files = make_copies(Path(args.corpus), scratch / "docs", args.repeat)
        db = args.db or str(scratch / "bench.db")
        store = open_store(db, create=True, say=None)
        print(f"{files} files ({args.repeat} × {args.corpus}), {args.jobs or default_workers()} extraction processes, "
              f"{os.cpu_count()} CPUs, database {store.where}")
        for label in ("first ingest", "second ingest (all unchanged)"):
            started = time.perf_counter()
            summary = ingest(store, [str(scratch / "docs")], workers=args.jobs)
            wall = time.perf_counter() - started
            done = summary.stored + summary.replaced + summary.unchanged + summary.same_text
            print(f"{label}: {done} files ({summary.stored} stored, {summary.same_text} the same text as a stored "
                  f"one, {summary.unchanged} unchanged, {len(summary.failed)} failed, {len(summary.skipped)} "
                  f"skipped as no documents), {summary.facts_added:,} facts in {wall:.1f} s: "
                  f"{done / wall:,.1f} files/s, {summary.facts_added / wall:,.0f} facts/s")
        if store.is_sqlite:
            size = sum(p.stat().st_size for p in scratch.glob("bench.db*"))
            print(f"database size: {size / 2**20:.1f} MiB")
        store.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
