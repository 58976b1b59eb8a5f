"""Latency of the browsing pages on a large fact base: facts with facets, sort and page numbers,
a place, an indicator, targets a page at a time.

Usage: python benchmarks/browse_speed.py [--facts N] [--runs N] [--keep PATH]

The fact base is built as `query_speed.py` builds it (the real documents replicated across 40
places of 广东省 and shifted years until it holds N facts, default 300,000), or reused from
``--keep``. Each page is requested through the app (FastAPI's test client: the HTML rendered,
no network; the cache of whole responses off) `--runs` times after one warm-up, with its place
cycling; the table gives p50 and p95 wall time and the page's size. ``facets, whole base
(uncached)`` is the one scan the app caches until the documents change.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from query_speed import DEFAULT_CORPUS, PLACES, build, places, real_documents, timed
from sqlalchemy import func, select

from zhibiao.analysis.query import Filters
from zhibiao.store import open_store
from zhibiao.store.schema import facts
from zhibiao.web import create_app, data


def main() -> None:
    """Build or reuse the fact base and print the latency table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--keep", help="build the SQLite file here (and keep it; reused when it exists)")
    args = ap.parse_args()
    scratch = None if args.keep else Path(tempfile.mkdtemp(prefix="zhibiao-browse-bench-"))
    db = args.keep or str(scratch / "bench.db")
    with open_store(db, create=True, say=None) as store:
        with store.read() as conn:
            total = conn.execute(select(func.count()).select_from(facts)).scalar()
        if not total:
            total, seconds = build(store, real_documents(Path(args.corpus)), args.facts)
            print(f"built {store.where}: {total:,} facts in {seconds:.0f} s")
        else:
            print(f"reusing {store.where}: {total:,} facts")
        p50, p95, _ = timed(lambda i: len(data.facets(store, Filters())), max(3, args.runs // 4))
        print(f"\n{'facets, whole base (uncached)':<52} {p50:>8.1f} {p95:>8.1f}")
    run_pages(db, args.runs)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def run_pages(db: str, runs: int) -> None:
    """Time each page through the app."""
    from fastapi.testclient import TestClient

    os.environ["ZHIBIAO_WEB_CACHE"] = "0"  # measure the work, not the cache of whole responses
    codes = [code for code, _ in places()][:PLACES]

    def code(i: int) -> str:
        return codes[i % len(codes)]

    pages: list[tuple[str, Any]] = [
        ("/facts (whole base, facets cached)", lambda i: "/facts"),
        ("/facts place", lambda i: f"/facts?place={code(i)}"),
        ("/facts place, sort -value", lambda i: f"/facts?place={code(i)}&sort=-value"),
        ("/facts within 广州市 + gdp + growth", lambda i: "/facts?within=广州市&indicator=gdp&measure=growth"),
        ("/facts whole base, sort value, page 50", lambda i: "/facts?sort=value&page=50"),
        ("/facts whole base, sort place, page 1000", lambda i: "/facts?sort=place&page=1000"),
        ("/facts value 5–10 %", lambda i: "/facts?value_min=5&value_max=10&unit=%25"),
        ("/facts value 5–10 %, place", lambda i: f"/facts?value_min=5&value_max=10&unit=%25&place={code(i)}"),
        ("/facts search 投资 + place", lambda i: f"/facts?search=投资&place={code(i)}"),
        ("/api/facts place, sort -value, page 2", lambda i: f"/api/facts?place={code(i)}&sort=-value&page=2"),
        ("/places/CODE", lambda i: f"/places/{code(i)}"),
        ("/indicators/gdp", lambda i: "/indicators/gdp"),
        ("/targets place", lambda i: f"/targets?place={code(i)}"),
        ("/targets within 广州市, page 2", lambda i: "/targets?within=广州市&page=2"),
    ]
    with TestClient(create_app(db)) as client:
        print(f"{'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'KB':>8}")
        for label, url in pages:
            def get(i: int, url: Any = url) -> int:
                r = client.get(url(i))
                assert r.status_code == 200, (url(i), r.text[:300])
                return len(r.content)

            p50, p95, size = timed(get, runs)
            print(f"{label:<52} {p50:>8.1f} {p95:>8.1f} {size / 1024:>8.0f}")


if __name__ == "__main__":
    main()
