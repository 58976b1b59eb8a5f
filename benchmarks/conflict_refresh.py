"""What keeping conflict groups at write time would cost: one batch's keys regrouped (SQLite).

Usage: python benchmarks/conflict_refresh.py --db PATH [--batches N] [--docs K]

On an existing SQLite fact base (e.g. the one ``query_speed.py --keep`` leaves), picks N random
batches of K documents (default 5 of 32, the writer's batch) and times, for two granularities
of the key a batch touches, the grouped pass of conflicts (`zhibiao.analysis.compare.candidates`)
restricted to those keys: (region_code, topic) and (region_code, topic, period). The key stops
before ``unit``: a row value holding a NULL never matches ``IN``. It also times the pass over
every fact (what filling the groups of an existing base costs). Prints keys, candidate groups
and milliseconds per batch; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("ZHIBIAO_CODE") or str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, literal_column, select, tuple_

from zhibiao.analysis.compare import can_conflict, candidates
from zhibiao.store import open_store
from zhibiao.store.schema import documents, facts

KEYS = {"region_code, topic": ("region_code", "topic"),
        "region_code, topic, period": ("region_code", "topic", "period")}


def _keys_of(conn: Any, docs: list[int], columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The distinct keys (`columns`) of the facts of `docs` that can conflict."""
    q = select(*(facts.c[c] for c in columns)).distinct().where(facts.c.doc_id.in_(docs), *can_conflict())
    return [tuple(r) for r in conn.execute(q).all()]


def _regroup(conn: Any, keys: list[tuple[str, ...]], columns: tuple[str, ...]) -> tuple[int, float]:
    """(candidate groups, ms) of one grouped pass over the facts under `keys`."""
    listed = json.dumps(keys, ensure_ascii=False)
    rows = select(*(func.json_extract(literal_column("value"), f"$[{n}]") for n in range(len(columns)))
                  ).select_from(func.json_each(listed))
    under = tuple_(*(facts.c[c] for c in columns)).in_(rows)
    started = time.perf_counter()
    groups = candidates(conn, [under, *can_conflict()])
    return len(groups), (time.perf_counter() - started) * 1000


def main() -> None:
    """Time the regrouping of random batches' keys and of the whole base; print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="path of a SQLite fact base (not written)")
    ap.add_argument("--batches", type=int, default=5)
    ap.add_argument("--docs", type=int, default=32, help="documents per batch")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    store = open_store(args.db)
    with store.read() as conn:
        all_docs = list(conn.execute(select(documents.c.id).where(documents.c.is_current)).scalars())
        n_facts = conn.execute(select(func.count()).select_from(facts)).scalar_one()
        print(f"{args.db}: {n_facts:,} facts, {len(all_docs):,} documents; batches of {args.docs}")
        rng = random.Random(args.seed)
        batches = [rng.sample(all_docs, min(args.docs, len(all_docs))) for _ in range(args.batches)]
        for label, columns in KEYS.items():
            _regroup(conn, _keys_of(conn, batches[0], columns), columns)  # warm-up
            timings = []
            for docs in batches:
                keys = _keys_of(conn, docs, columns)
                groups, ms = _regroup(conn, keys, columns)
                timings.append(ms)
                print(f"  key ({label}): {len(keys):,} keys, {groups:,} candidate groups, {ms:.1f} ms")
            median = statistics.median(timings)
            print(f"key ({label}): median {median:.1f} ms per batch, {median / args.docs:.2f} ms per document")
        started = time.perf_counter()
        groups = len(candidates(conn, can_conflict()))
        print(f"every fact: {groups:,} candidate groups in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
