"""Loading Parquet shards into PostgreSQL: COPY (what ``ingest --from-parquet`` does) against INSERT.

Usage: python benchmarks/pg_load.py [CORPUS_DIR] [--repeat N] [--pg ADMIN_URL]

Every file of the corpus (default ../shared/corpus) is extracted once; its results are written
N times into Parquet shards, each copy with its own path and hash so none is skipped as
unchanged. The documents read back from the shards are then written into a fresh PostgreSQL
database per run, one transaction per document, the facts by COPY and, for comparison, by the
older executemany INSERT (``write_document(..., use_copy=False)``); a last run times the whole
of ``ingest --from-parquet`` (`zhibiao.store.ingest.ingest_results`: reading the shards, checking
the hashes, building the rows, writing with COPY), then the same command again, which finds
every document stored.
``--pg`` names a server by an admin URL (databases are created and dropped on it); without
it a throwaway server is started as the tests do (``tests/pg.py``: fsync off).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zhibiao.extract.pipeline import process
from zhibiao.load import SUPPORTED_EXTENSIONS
from zhibiao.scale.parquet import ShardWriter, read_shards
from zhibiao.store import Store, open_store
from zhibiao.store.ingest import Failure, ingest_results, prepared_from
from zhibiao.store.write import PlaceSync, Prepared, sync_indicators, write_document

if TYPE_CHECKING:
    from tests.pg import Server

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def make_shards(corpus: Path, out: Path, repeat: int) -> tuple[int, int]:
    """Shards holding `repeat` distinct copies of the corpus's results; (documents, facts)."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS)
    results = [r for r in (process(f) for f in files) if r.ok]
    writer = ShardWriter(str(out))
    for i in range(repeat):
        for r in results:
            sha = hashlib.sha256(f"{r.sha256}/{i}".encode()).hexdigest()
            writer.add(dataclasses.replace(r, path=f"/copy{i:03d}{r.path}", sha256=sha))
    writer.close()
    return repeat * len(results), repeat * sum(len(r.facts) for r in results)


def read_prepared(shards: Path) -> list[Prepared]:
    """Every document of the shards, its fact rows built: what the writer is given."""
    return [item for item in map(prepared_from, read_shards(str(shards))) if not isinstance(item, Failure)]


def write_all(store: Store, items: list[Prepared], use_copy: bool) -> None:
    """Write each document in its own transaction, its facts by COPY or by INSERT."""
    sync_indicators(store)
    sync = PlaceSync()
    for item in items:
        write_document(store, item, place_sync=sync, use_copy=use_copy)


def load_command(store: Store, shards: Path) -> None:
    """What ``zhibiao ingest --from-parquet`` does."""
    summary = ingest_results(store, read_shards(str(shards)))
    assert summary.ok, summary.lines(store.where)


def report(label: str, store: Store, load: Callable[[], None], writes: bool = True) -> None:
    """Run `load` and print its rate over the documents and facts the store then holds
    (with `writes` false, over the documents only: a run that finds them all stored)."""
    started = time.perf_counter()
    load()
    seconds = time.perf_counter() - started
    with store.read() as conn:
        docs = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
        facts = conn.exec_driver_sql("SELECT count(*) FROM facts").scalar_one()
    if not writes:
        print(f"{label}: {docs} documents in {seconds:.1f} s: {docs / seconds:,.1f} docs/s")
        return
    print(f"{label}: {docs} documents, {facts:,} facts in {seconds:.1f} s: "
          f"{docs / seconds:,.1f} docs/s, {facts / seconds:,.0f} facts/s")


@contextmanager
def fresh_store(server: Server) -> Iterator[Store]:
    """An empty fact base in a new database on `server`, dropped afterwards."""
    url, name = server.database()
    store = open_store(url, create=True, say=None)
    try:
        yield store
    finally:
        store.close()
        server.drop(name)


def _server(admin: str | None) -> Server:
    """The server named by `admin`, else a throwaway one started as the tests start theirs."""
    from tests import pg

    if admin:
        return pg.Server(admin)
    server, why = pg.start()
    if server is None:
        sys.exit(f"no PostgreSQL server: {why} (pass --pg ADMIN_URL)")
    return server


def main() -> None:
    """Run the benchmark and print the numbers."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--pg", help="admin URL of a PostgreSQL server (default: start a throwaway one)")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="zhibiao-pg-load-"))
    server = _server(args.pg)
    try:
        docs, n_facts = make_shards(Path(args.corpus), scratch / "shards", args.repeat)
        print(f"shards: {docs} documents, {n_facts:,} facts ({args.repeat} × {args.corpus}); "
              f"server {server.admin_url.rsplit('/', 1)[0]}")
        items = read_prepared(scratch / "shards")
        for label, use_copy in (("COPY", True), ("INSERT (executemany)", False)):
            with fresh_store(server) as store:
                report(f"writes only, facts by {label}", store, partial(write_all, store, items, use_copy))
        with fresh_store(server) as store:
            shards = scratch / "shards"
            report("ingest --from-parquet (read shards, build rows, COPY)", store, partial(load_command, store, shards))
            report("the same again (all unchanged)", store, partial(load_command, store, shards), writes=False)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
