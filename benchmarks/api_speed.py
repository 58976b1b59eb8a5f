"""Latency of the web app's main endpoints on a fact base of a million facts, under concurrent load.

Usage: python benchmarks/api_speed.py [--facts N] [--keep PATH] [--clients 20] [--requests 300] [--workers 2]
       [--cache] [--only LABEL]

The database is built as `benchmarks/query_speed.py` builds it (the real corpus replicated across
40 places of 广东省 and shifted years until it holds N facts; default 1,000,000), or reused from
``--keep PATH`` when that file exists. ``zhibiao serve`` is started on a free loopback port, each
endpoint is warmed up, then `--clients` concurrent clients (bare asyncio HTTP/1.1, keep-alive, no
think time) send `--requests` requests to it (the places and years cycle), one endpoint at a time,
then all of them mixed. The server's response cache is off unless ``--cache`` is given, so each
request does its query and rendering (with ``--cache``, repeated requests are answered from
memory). The run is bounded: every request has a 30 s timeout, each endpoint stops after its
requests, and the server is stopped at the end. Printed: p50, p95 and max latency, throughput and
errors (any status but 200, or a timeout) per endpoint. Goal: p95 under 150 ms, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

#: Endpoints with the requests that exercise them; {place}, {year}, {doc}, {fact}, {q} cycle.
ENDPOINTS: list[tuple[str, str]] = [
    ("facts: place + indicator", "/api/facts?place={place}&indicator=gdp"),
    ("facts: within city + indicator + years",
     "/api/facts?within={city}&indicator=gdp&measure=growth&period=2019:2025"),
    ("facts: place + year, page 2", "/api/facts?place={place}&period={year}&size=50&next={after}"),
    ("facts: search, first 100", "/api/facts?search={word}&size=100"),
    ("fact + sentence + same elsewhere", "/api/facts/{fact}"),
    ("document + its facts", "/api/documents/{doc}"),
    ("compare: gdp growth within city", "/api/compare?indicator=gdp&measure=growth&within={city}&periods=2015:2025"),
    ("targets: place + year", "/api/targets?place={place}&period={year}"),
    ("places: autocomplete", "/api/places?q={q}"),
    ("indicators", "/api/indicators"),
    ("page: document", "/documents/{doc}"),
    ("page: fact", "/facts/{fact}"),
    ("page: explorer", "/explore?indicator=gdp&measure=growth&within={city}&from=2015&to=2025"),
]
CITIES = ["广州市", "深圳市", "珠海市", "佛山市"]
WORDS = ["新能源汽车", "集成电路", "跨境电商", "专精特新", "人工智能"]
QUERIES = ["南沙", "nsq", "天河", "gz", "4401", "黄埔", "panyu", "深圳"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database(path: str | None, facts: int, corpus: str) -> str:
    """The benchmark database: reused when `path` exists, else built with query_speed's builder."""
    from query_speed import build, real_documents

    from zhibiao.store import open_store

    db = path or str(Path(tempfile.mkdtemp(prefix="zhibiao-api-bench-")) / "bench.db")
    if path and Path(path).exists():
        store = open_store(db, say=None)  # migrates an older schema once, here, not in the server
        store.close()
        print(f"reusing {db}")
        return db
    store = open_store(db, create=True, say=None)
    docs = real_documents(Path(corpus))
    print(f"{len(docs)} real documents, {sum(len(d.records) for d in docs):,} facts; replicating …")
    total, seconds = build(store, docs, facts)
    store.close()
    print(f"built {db}: {total:,} facts in {seconds:.0f} s")
    return db


def samples(db: str) -> dict[str, list[Any]]:
    """Values the request templates cycle through, read from the database."""
    from query_speed import PLACES, places
    from sqlalchemy import func, select

    from zhibiao.store import open_store
    from zhibiao.store.schema import documents, facts

    store = open_store(db, say=None)
    with store.read() as conn:
        n_docs = conn.execute(select(func.count()).select_from(documents)).scalar_one()
        max_fact = conn.execute(select(func.max(facts.c.id))).scalar_one()
        doc_ids = [r for r in conn.execute(select(documents.c.id).where(documents.c.is_current)
                                           .order_by(documents.c.id).limit(200)).scalars()]
    store.close()
    step = max(1, max_fact // 997)
    return {"place": [name for _, name in places()[:PLACES]], "city": CITIES[:2],
            "year": [str(y) for y in range(2016, 2024)], "word": WORDS, "q": QUERIES,
            "doc": doc_ids[: max(1, min(len(doc_ids), n_docs))], "fact": list(range(1, max_fact, step)),
            "after": [0]}


def fill(template: str, values: dict[str, list[Any]], i: int) -> str:
    """`template` with the i-th value of each placeholder (URL-quoted)."""
    out = template
    for key, options in values.items():
        token = "{" + key + "}"
        if token in out:
            out = out.replace(token, quote(str(options[i % len(options)]), safe=":"))
    return out


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, url: str) -> tuple[int, bytes]:
    """One GET on a keep-alive HTTP/1.1 connection: (status, body)."""
    writer.write(f"GET {url} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = b""
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


async def load(base: str, urls: list[str], clients: int) -> tuple[list[float], int, float, list[str]]:
    """Send every URL with `clients` concurrent clients: (latencies in ms, errors, seconds, error samples).

    Each client holds one keep-alive connection and sends its next request when the last one is
    answered (a closed loop, no think time). The client is a bare asyncio HTTP/1.1 client so that
    it takes little of the CPU the server needs on a small machine.
    """
    host, port = base.removeprefix("http://").split(":")
    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    times: list[float] = []
    errors: list[str] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while True:
                try:
                    url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(_get(reader, writer, host, url), 30)
                    if status != 200:
                        errors.append(f"{status} {url}: {body[:120].decode(errors='replace')}")
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as err:
                    errors.append(f"{type(err).__name__} {url}")
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                times.append((time.perf_counter() - started) * 1000)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return times, len(errors), time.perf_counter() - started, errors[:3]


def pct(times: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `times`."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_server(db: str, port: int, workers: int, cache: bool) -> subprocess.Popen[bytes]:
    """``zhibiao serve`` on 127.0.0.1:`port`, waited for until it answers."""
    cmd = [sys.executable, "-m", "zhibiao", "serve", "--db", db, "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "ZHIBIAO_TOKEN": "", "ZHIBIAO_WEB_CACHE": "1" if cache else "0"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=60) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise SystemExit("zhibiao serve stopped: " + (proc.stderr.read().decode() if proc.stderr else ""))
    proc.kill()
    raise SystemExit("zhibiao serve did not answer within 120 s")


def main() -> None:
    """Build or reuse the database, start the server, load each endpoint, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=int, default=1_000_000)
    ap.add_argument("--keep", help="build the SQLite file here (and keep it; reused when it exists)")
    ap.add_argument("--corpus", default=str(HERE.parents[1] / "shared" / "corpus"))
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=300, help="requests per endpoint")
    ap.add_argument("--workers", type=int, default=2, help="server processes (zhibiao serve --workers)")
    ap.add_argument("--only", help="run only endpoints whose label contains this")
    ap.add_argument("--cache", action="store_true",
                    help="keep the server's response cache on (off by default: every request does its work)")
    args = ap.parse_args()
    db = ensure_database(args.keep, args.facts, args.corpus)
    values = samples(db)
    port = _free_port()
    proc = start_server(db, port, args.workers, args.cache)
    base = f"http://127.0.0.1:{port}"
    chosen = [(label, t) for label, t in ENDPOINTS if not args.only or args.only in label]
    try:
        # the page-2 token: the id after which the second page of place + year starts
        import json

        first = json.loads(urllib.request.urlopen(base + fill("/api/facts?place={place}&period={year}&size=50",
                                                                  values, 0), timeout=60).read())
        values["after"] = [first["next"] or 0]
        for _, template in chosen:  # warm-up: caches, gazetteer, pinyin, SQLite pages
            asyncio.run(load(base, [fill(template, values, i) for i in range(2 * args.clients)], args.clients))
        print(f"\n{args.clients} concurrent clients, {args.requests} requests per endpoint, "
              f"{args.workers} server process(es), {os.cpu_count()} CPUs, response cache "
              f"{'on' if args.cache else 'off'}\n")
        print(f"{'endpoint':<42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>7} {'errors':>7}")
        worst = 0.0
        total_errors = 0
        for label, template in chosen:
            urls = [fill(template, values, i) for i in range(args.requests)]
            times, errors, seconds, sample = asyncio.run(load(base, urls, args.clients))
            p95 = pct(times, 0.95)
            worst = max(worst, p95)
            total_errors += errors
            print(f"{label:<42} {statistics.median(times):>8.1f} {p95:>8.1f} {max(times):>8.1f} "
                  f"{len(times) / seconds:>7.0f} {errors:>7}")
            for line in sample:
                print("   ", line)
        mixed = [fill(t, values, i) for i in range(args.requests) for _, t in chosen]
        times, errors, seconds, sample = asyncio.run(load(base, mixed, args.clients))
        total_errors += errors
        print(f"{'all of the above, mixed':<42} {statistics.median(times):>8.1f} {pct(times, 0.95):>8.1f} "
              f"{max(times):>8.1f} {len(times) / seconds:>7.0f} {errors:>7}")
        verdict = "met" if worst < 150 and pct(times, 0.95) < 150 and not total_errors else "NOT met"
        print(f"\ngoal (p95 < 150 ms on every endpoint, no errors): {verdict}")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
