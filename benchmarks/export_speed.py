"""Export of every fact: wall time, peak memory and file size per format, each in a child process.

Usage: python benchmarks/export_speed.py --db PATH [--formats parquet,csv,jsonl,json,xlsx] [--unit 亿元]
       [--code DIR] [--rounds N]

Runs ``python -m zhibiao query --db PATH -o OUT.FMT`` (all facts) once per format and round and
prints the best wall time, the child's peak RSS (from ``wait4``) and the file's size. ``--code DIR``
runs another checkout's zhibiao (for a before/after comparison on the same database). Build a
database of a million facts with ``benchmarks/query_speed.py --keep PATH``. XLSX holds at most
1,048,575 rows: larger exports are refused with a message (that is timed too).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(code: Path, db: str, out: Path, unit: str | None) -> tuple[float, float, int, str]:
    """(wall s, peak RSS MB, exit status, last stderr line) of one export."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    args = [sys.executable, "-m", "zhibiao", "query", "--db", db, "-o", str(out), *(["--unit", unit] if unit else [])]
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=code)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode().strip().splitlines() if proc.stderr else []
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err[-1] if err else ""


def main() -> None:
    """Run the exports and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--formats", default="parquet,csv,jsonl,json,xlsx")
    ap.add_argument("--unit", help="--unit for the export (万元, 亿元)")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose zhibiao runs (default: this one)")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    print(f"code {args.code}, database {args.db}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"{'format':<8} {'wall s':>8} {'peak MB':>9} {'file MB':>9}  note")
    with tempfile.TemporaryDirectory(prefix="zhibiao-export-bench-") as scratch:
        for fmt in args.formats.split(","):
            out = Path(scratch) / f"all.{fmt}"
            best = None
            for _ in range(max(1, args.rounds)):
                got = run_once(args.code, args.db, out, args.unit)
                best = got if best is None or got[0] < best[0] else best
            assert best is not None
            wall, peak, status, note = best
            size = out.stat().st_size / 1e6 if out.exists() else 0.0
            print(f"{fmt:<8} {wall:>8.1f} {peak:>9.0f} {size:>9.1f}  {'' if status == 0 else f'exit {status}: '}"
                  f"{note[:90]}", flush=True)
            out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
