"""What keeping conflict groups at write time would cost: one batch's keys regrouped (SQLite).

Usage: python benchmarks/conflict_refresh.py --db PATH [--batches N] [--docs K]

On an existing SQLite fact base (e.g. the one ``query_speed.py --keep`` leaves), picks N random
batches of K documents (default 5 of 32, the writer's batch) and times, for two granularities
of the key a batch touches, the one grouped pass over ``ix_facts_report`` that would recompute
the candidate conflict groups of those keys: (region_code, topic) and (region_code, topic,
period). The key stops before ``unit``: a row value holding a NULL never matches ``IN``. It
also times the same pass over every fact (what filling the groups of an existing base costs).
Prints keys, index entries read, groups and milliseconds per batch; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import time

_ELIGIBLE = "type = 'quantity' AND year_from IS NOT NULL AND value IS NOT NULL AND topic IS NOT NULL"
_GROUPED = ("SELECT region_code, topic, period, kind, measure, unit, "
            "json_group_array(json_array(id, doc_id, value, qualifier)) FROM facts WHERE {where} "
            "GROUP BY region_code, topic, period, kind, measure, unit HAVING min(value) < max(value)")
KEYS = {"region_code, topic": ("region_code", "topic"),
        "region_code, topic, period": ("region_code", "topic", "period")}


def _keys_of(conn: sqlite3.Connection, docs: list[int], columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The distinct keys (`columns`) of the facts of `docs` that can conflict."""
    listed = ",".join("?" * len(docs))
    q = (f"SELECT DISTINCT {', '.join(columns)} FROM facts WHERE doc_id IN ({listed}) "
         f"AND region_code IS NOT NULL AND {_ELIGIBLE}")
    return conn.execute(q, docs).fetchall()


def _regroup(conn: sqlite3.Connection, keys: list[tuple[str, ...]], columns: tuple[str, ...]
             ) -> tuple[int, int, float]:
    """(index entries under the keys, candidate groups, ms) of one grouped pass over `keys`."""
    row = ", ".join(f"value->>{n}" for n in range(len(columns)))
    within = f"({', '.join(columns)}) IN (SELECT {row} FROM json_each(?))"
    listed = json.dumps(keys, ensure_ascii=False)
    entries = conn.execute(f"SELECT count(*) FROM facts WHERE {within}", (listed,)).fetchone()[0]
    started = time.perf_counter()
    groups = conn.execute(_GROUPED.format(where=f"{within} AND {_ELIGIBLE}"), (listed,)).fetchall()
    return entries, len(groups), (time.perf_counter() - started) * 1000


def main() -> None:
    """Time the regrouping of random batches' keys and of the whole base; print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="path of a SQLite fact base (read only)")
    ap.add_argument("--batches", type=int, default=5)
    ap.add_argument("--docs", type=int, default=32, help="documents per batch")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    all_docs = [r[0] for r in conn.execute("SELECT id FROM documents WHERE is_current")]
    facts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    print(f"{args.db}: {facts:,} facts, {len(all_docs):,} documents; batches of {args.docs}")
    rng = random.Random(args.seed)
    batches = [rng.sample(all_docs, min(args.docs, len(all_docs))) for _ in range(args.batches)]
    for label, columns in KEYS.items():
        _regroup(conn, _keys_of(conn, batches[0], columns), columns)  # warm-up
        timings = []
        for docs in batches:
            keys = _keys_of(conn, docs, columns)
            entries, groups, ms = _regroup(conn, keys, columns)
            timings.append(ms)
            print(f"  key ({label}): {len(keys):,} keys, {entries:,} index entries, {groups:,} groups, {ms:.1f} ms")
        print(f"key ({label}): median {statistics.median(timings):.1f} ms per batch, "
              f"{statistics.median(timings) / args.docs:.2f} ms per document")
    started = time.perf_counter()
    groups = conn.execute(_GROUPED.format(where=f"region_code IS NOT NULL AND {_ELIGIBLE}")).fetchall()
    print(f"every fact: {len(groups):,} candidate groups in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
