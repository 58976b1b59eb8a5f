"""Load-stage throughput per format over the shared real corpus, and its cost next to extraction.

Usage: python benchmarks/load_speed.py [CORPUS_DIR] [--repeat N] [--per-file]

Each file is loaded once to warm up (imports, caches), then N more times; MB/s is input bytes
over wall time, per format as detected by the loader ('text' covers UTF-8 .txt, 'text (gbk)' the
GBK originals). Each loaded document is also run N times through the fact extraction
(`zhibiao.extract.facts.extract(doc.text, doc.name, doc.meta, doc.tables)`), and the table shows the CPU
time of both stages: `load/extract` is total load CPU time over total extraction CPU time for the
format, `worst` the highest per-file ratio of the best-of-N CPU times. The goal for HTML and text
is a ratio of at most 1: loading must not cost more than extracting.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zhibiao.extract.facts import extract
from zhibiao.load import LoadError, iter_inputs, load_path

DEFAULT_CORPUS = "/work/shared/corpus/real"


@dataclass
class Stats:
    """Totals for one format."""

    files: int = 0
    bytes: int = 0
    chars: int = 0
    wall: float = 0.0          # load wall time, all repeats
    load_cpu: float = 0.0      # load CPU time, all repeats
    extract_cpu: float = 0.0   # extraction CPU time, all repeats
    ratios: list[tuple[float, str]] = field(default_factory=list)  # per file: best load / best extract


def main() -> None:
    """Measure and print MB/s, documents/s and the load/extract CPU-time ratio per format."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--per-file", action="store_true", help="also print each file's load and extract ms")
    args = ap.parse_args()
    repeat = max(1, args.repeat)

    files = [p for p in iter_inputs([args.corpus]) if isinstance(p, Path)]
    if not files:
        sys.exit(f"no documents under {args.corpus}")
    stats: dict[str, Stats] = defaultdict(Stats)
    failures = 0
    for path in files:
        try:
            doc = load_path(path)  # warm-up
        except LoadError as e:
            print(f"skip {e}")
            failures += 1
            continue
        fmt = "text (gbk)" if doc.format == "text" and ".gbk." in path.name else doc.format
        extract(doc.text, doc.name, doc.meta, doc.tables)  # warm-up
        load_times, extract_times = [], []
        wall0 = time.perf_counter()
        for _ in range(repeat):
            t0 = time.process_time()
            doc = load_path(path)
            load_times.append(time.process_time() - t0)
        wall = time.perf_counter() - wall0
        for _ in range(repeat):
            t0 = time.process_time()
            extract(doc.text, doc.name, doc.meta, doc.tables)
            extract_times.append(time.process_time() - t0)
        s = stats[fmt]
        s.files += 1
        s.bytes += path.stat().st_size * repeat
        s.chars += len(doc.text) * repeat
        s.wall += wall
        s.load_cpu += sum(load_times)
        s.extract_cpu += sum(extract_times)
        best_load, best_extract = min(load_times), min(extract_times)
        s.ratios.append((best_load / best_extract if best_extract else float("inf"), path.name))
        if args.per_file:
            print(f"{path.name:<64} {fmt:<10} load {best_load * 1000:8.2f} ms  extract "
                  f"{best_extract * 1000:8.2f} ms  ratio {s.ratios[-1][0]:5.2f}")

    print(f"{'format':<12} {'files':>5} {'MB':>8} {'seconds':>8} {'MB/s':>8} {'docs/s':>8} {'kchars/s':>9} "
          f"{'load cpu':>9} {'extr cpu':>9} {'load/extract':>12} {'worst':>6}  worst file")
    for fmt in sorted(stats):
        s = stats[fmt]
        docs = s.files * repeat
        ratio = s.load_cpu / s.extract_cpu if s.extract_cpu else float("inf")
        worst, worst_name = max(s.ratios)
        print(f"{fmt:<12} {s.files:>5} {s.bytes / 2**20:>8.2f} {s.wall:>8.3f} {s.bytes / 2**20 / s.wall:>8.2f} "
              f"{docs / s.wall:>8.1f} {s.chars / s.wall / 1000:>9.0f} {s.load_cpu:>9.3f} {s.extract_cpu:>9.3f} "
              f"{ratio:>12.2f} {worst:>6.2f}  {worst_name}")
    if failures:
        print(f"{failures} file(s) failed to load")


if __name__ == "__main__":
    main()
