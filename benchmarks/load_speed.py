"""Load-stage throughput per format over the shared real corpus.

Usage: python benchmarks/load_speed.py [CORPUS_DIR] [--repeat N]

Each file is loaded once to warm up (imports, caches), then N more times; MB/s is input bytes
over wall time, per format as detected by the loader ('text' covers UTF-8 and GBK .txt).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zhibiao.load import LoadError, iter_inputs, load_path

DEFAULT_CORPUS = "/work/shared/corpus/real"


def main() -> None:
    """Measure and print MB/s and documents/s per format."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    files = [p for p in iter_inputs([args.corpus]) if isinstance(p, Path)]
    if not files:
        sys.exit(f"no documents under {args.corpus}")
    stats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])  # bytes, secs, docs, chars
    failures = 0
    for path in files:
        try:
            fmt = load_path(path).format  # warm-up
        except LoadError as e:
            print(f"skip {e}")
            failures += 1
            continue
        if ".gbk." in path.name:
            fmt = "text (gbk)"
        size = path.stat().st_size
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            doc = load_path(path)
        dt = time.perf_counter() - t0
        s = stats[fmt]
        s[0] += size * args.repeat
        s[1] += dt
        s[2] += args.repeat
        s[3] += len(doc.text) * args.repeat

    print(f"{'format':<12} {'files':>5} {'MB':>8} {'seconds':>8} {'MB/s':>8} {'docs/s':>8} {'kchars/s':>9}")
    for fmt in sorted(stats):
        b, secs, docs, chars = stats[fmt]
        nfiles = int(docs / args.repeat)
        print(f"{fmt:<12} {nfiles:>5} {b / 2**20:>8.2f} {secs:>8.3f} {b / 2**20 / secs:>8.2f} "
              f"{docs / secs:>8.1f} {chars / secs / 1000:>9.0f}")
    if failures:
        print(f"{failures} file(s) failed to load")


if __name__ == "__main__":
    main()
