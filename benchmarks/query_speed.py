"""Query latency on a fact base of a million facts: filtered queries, search, compare, targets.

Usage: python benchmarks/query_speed.py [--facts N] [--per-place K] [--db URL [--reuse]] [--runs N] [--keep PATH]

The real documents of ../shared/corpus are extracted once; their facts are then replicated across
county-level places (广州市's districts first, then the rest of 广东省, then every other province)
and years (a place's copies are shifted by 0, -3, 3, -6, … years) until the database holds at
least N facts (default 1,000,000), written in bulk through the store's schema, with the search
index built once at the end. Each place gets K copies (default 3: a district with some 190
documents), so a bigger database has more places, as a bigger library does, and every place
holds as much at 10 M facts as at 1 M; `--per-place 0` puts every copy on 40 places (the layout
of the first measurements, where a place grows with the database). Each query below then runs
`--runs` times (after one warm-up) with its place cycling through the stocked places; the table
gives p50 and p95 wall time. Goal: p95 under 100 ms at 1 M facts, under 300 ms at 10 M.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: ZHIBIAO_CODE=DIR runs the queries with another checkout (the "before" of a before/after comparison).
sys.path.insert(0, os.environ.get("ZHIBIAO_CODE") or str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text

from zhibiao.analysis.compare import compare, conflicts
from zhibiao.analysis.query import Filters, count, find
from zhibiao.analysis.targets import targets
from zhibiao.load import LoadError, iter_inputs
from zhibiao.store import open_store
from zhibiao.store.fts import PG_CREATE, PG_DROP, SQLITE_TABLE
from zhibiao.store.ingest import content_key, prepare
from zhibiao.store.rows import period_fields
from zhibiao.store.schema import documents, facts
from zhibiao.store.write import PlaceSync, sync_indicators

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
SHIFTS = (0, -3, 3, -6, 6, -9, 9, -12, 12, -15)
#: Places the copies go to (广州市's 11 districts, then 29 more): each gets copies shifted by SHIFTS years.
PLACES = 40


def places() -> list[tuple[str, str]]:
    """(code, full name) of 广州市's districts, then the other county-level places of 广东省, then
    those of every other province."""
    from zhibiao.extract.places import gazetteer

    gaz = gazetteer()
    provinces = sorted((p for p in gaz if p.level == "province"), key=lambda p: (p.code != "440000", p.code))
    out = []
    for province in provinces:
        for city in sorted(gaz.children(province), key=lambda p: (p.code != "440100", p.code)):
            counties = [p for p in gaz.children(city) if p.level == "county"] or [city]
            out.extend((p.code, p.full_name) for p in sorted(counties, key=lambda p: p.code))
    return out


def real_documents(corpus: Path) -> list[Any]:
    """The corpus, loaded and extracted (`Prepared`), documents without facts left out."""
    out = []
    for item in iter_inputs([str(corpus)]):
        if isinstance(item, LoadError):
            continue
        key, size = content_key(item)
        try:
            doc = prepare(item, key, size)
        except LoadError:
            continue
        if doc.records:
            out.append(doc)
    return out


def _shift(period: str | None, years: int) -> str | None:
    if not period or not years:
        return period
    return _YEAR.sub(lambda m: str(int(m.group(1)) + years), period)


def build(store: Any, docs: list[Any], target: int, batch: int = 50_000, per_place: int = 0) -> tuple[int, float]:
    """Write copies of `docs` until `target` facts are stored, `per_place` copies a place (0: on
    `PLACES` places); (facts, seconds)."""
    started = time.perf_counter()
    sync_indicators(store)
    per_copy = sum(len(d.records) for d in docs)
    copies = -(-target // per_copy)
    spots = places()[:-(-copies // per_place) if per_place else PLACES]
    total = 0
    pending: list[dict[str, Any]] = []
    sync = PlaceSync()
    with store.write() as conn:
        # the search index is built once at the end instead of row by row
        conn.execute(text(f"DROP TABLE IF EXISTS {SQLITE_TABLE}" if store.is_sqlite else PG_DROP[0]))
        sync.ensure(store, conn, {code for code, _ in spots[: min(copies, len(spots))]})
    sync.committed()
    from zhibiao.store.fts import place_token
    from zhibiao.store.rows import search_text

    # each fact's search tokens end with its place's (`place_token`): made once a record, the place added a copy
    unplaced = {id(doc): [search_text({**rec, "region_code": None}) for rec in doc.records] for doc in docs}
    for c in range(copies):
        code, full_name = spots[c % len(spots)]
        years = SHIFTS[(c // len(spots)) % len(SHIFTS)]
        with store.write() as conn:
            for doc in docs:
                doc_id = conn.execute(insert(documents).values(
                    path=f"/bench/{c}/{doc.name}", name=f"{c:03d}-{doc.name}", format=doc.format,
                    sha256=f"{c:06d}{doc.sha256[6:]}", size=doc.size, version=1, is_current=True,
                    date=_shift(doc.meta.get("date"), years), meta="{}", text=doc.text, n_facts=len(doc.records),
                    extractor="benchmark").returning(documents.c.id)).scalar_one()
                for row in doc.fact_rows():
                    row.update(doc_id=doc_id, region_code=code, region=full_name)
                    row["search"] = f"{unplaced[id(doc)][row['seq']]} {place_token(code)}".lstrip()
                    if years:
                        row["period"] = _shift(row["period"], years)
                        row["period_type"], row["year_from"], row["year_to"] = period_fields(row["period"])
                    pending.append(row)
            if len(pending) >= batch or c == copies - 1:
                conn.execute(insert(facts), pending)
                total += len(pending)
                pending = []
        if total and not pending:
            print(f"\r  {total:,} facts", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if store.is_sqlite:
        from zhibiao.store.fts import SQLITE_CREATE

        with store.write() as conn:
            conn.execute(text(SQLITE_CREATE[0]))
            conn.execute(text(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')"))
    else:
        with store.write() as conn:
            conn.execute(text(PG_CREATE[0]))
    store.optimize()  # what `zhibiao ingest` does at the end of a batch
    return total, time.perf_counter() - started


def timed(fn: Callable[[int], Any], runs: int) -> tuple[float, float, int]:
    """p50 and p95 in ms of `fn(i)` over `runs` calls (after one warm-up), and the last result size."""
    size = _size(fn(0))
    times = []
    for i in range(runs):
        t = time.perf_counter()
        size = _size(fn(i))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], size


def _size(result: Any) -> int:
    if isinstance(result, int):
        return result
    if hasattr(result, "cells"):
        return len(result.cells)
    return len(result)


def main() -> None:
    """Build the database and print the latency table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=int, default=1_000_000)
    ap.add_argument("--per-place", type=int, default=3, help="copies of the corpus a place (0: 40 places)")
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--keep", help="build the SQLite file here (and keep it; reused when it exists)")
    ap.add_argument("--reuse", action="store_true", help="query the facts --db already holds (build none)")
    args = ap.parse_args()
    scratch = None if args.db or args.keep else Path(tempfile.mkdtemp(prefix="zhibiao-query-bench-"))
    db = args.db or args.keep or str(scratch / "bench.db")
    reuse = bool(args.keep and Path(args.keep).exists()) or args.reuse
    store = open_store(db, create=True, say=None)
    if reuse:
        with store.read() as conn:
            total = conn.execute(select(func.count()).select_from(facts)).scalar()
        print(f"reusing {store.where}: {total:,} facts")
    else:
        docs = real_documents(Path(args.corpus))
        if not docs:
            sys.exit(f"query_speed: no documents with facts under {args.corpus}: pass --corpus DIR")
        print(f"{len(docs)} real documents, {sum(len(d.records) for d in docs):,} facts; replicating …")
        total, seconds = build(store, docs, args.facts, per_place=args.per_place)
        print(f"built {store.where}: {total:,} facts in {seconds:.0f} s ({total / seconds:,.0f} facts/s)")
    with store.read() as conn:
        stocked = set(conn.execute(select(facts.c.region_code).distinct()).scalars())
    spots = [name for code, name in places() if code in stocked]
    print(f"{len(spots)} places with facts")
    cities = ["广州市", "深圳市", "珠海市", "佛山市"]

    def place(i: int) -> str:
        return spots[i % len(spots)]

    queries: list[tuple[str, Callable[[int], Any]]] = [
        ("facts: place + indicator", lambda i: find(store, Filters(place=place(i), indicator="gdp"))),
        ("facts: place + period", lambda i: find(store, Filters(place=place(i), period=str(2015 + i % 10)))),
        ("facts: within city + indicator + measure + years", lambda i: find(store, Filters(
            within=cities[i % 2], indicator="gdp", measure="growth", period="2019:2025"))),
        ("facts: indicator alias + target + year, all places", lambda i: find(store, Filters(
            indicator="地区生产总值", kind="target", period=str(2016 + i % 8)))),
        ("facts: place + search 投资", lambda i: find(store, Filters(place=place(i), search="投资"))),
        ("facts: search 新能源汽车, first 100", lambda i: find(store, Filters(search="新能源汽车"), 100)),
        ("facts: search 3000元 (LIKE) + place", lambda i: find(store, Filters(search="3000元", place=place(i)))),
        ("count: search 投资, all places", lambda i: count(store, Filters(search="投资"))),
        ("compare: gdp growth within city 2015:2025", lambda i: compare(
            store, "gdp", measure="growth", within=cities[i % 2], periods="2015:2025")),
        ("compare: gdp level within 广东省", lambda i: compare(store, "gdp", within="广东省", periods="2010:2026")),
        ("targets: one place, one year", lambda i: targets(store, place=place(i), period=str(2016 + i % 8))),
        ("targets: one place, all years", lambda i: targets(store, place=place(i))),
        ("targets: within city, one year", lambda i: targets(store, within=cities[i % 2], period=str(2016 + i % 8))),
        ("conflicts: one place", lambda i: conflicts(store, Filters(place=place(i)))),
    ]
    print(f"\n{'query':<52} {'p50 ms':>8} {'p95 ms':>8} {'rows':>8}")
    for label, fn in queries:
        p50, p95, size = timed(fn, args.runs)
        print(f"{label:<52} {p50:>8.1f} {p95:>8.1f} {size:>8,}")
    store.close()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
