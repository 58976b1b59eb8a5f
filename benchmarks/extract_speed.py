"""Throughput of zhibiao.extract.facts.extract on the shared corpus, in one process.

usage: .venv/bin/python benchmarks/extract_speed.py [--mb 20] [--linear-doc NAME] [--linear-max 16]

Reads every .txt in shared/corpus/seeds and shared/corpus/real as UTF-8 (files that are not
UTF-8, such as the *.gbk.txt originals, are skipped and counted), repeats the set until at
least --mb MB of UTF-8 text has been processed, and prints MB/s, chars/s, facts/s, per-document
p50/p95 latency and the peak RSS.  Then a linearity check: one document repeated 1x, 4x, 16x as a
single text; time per character should stay flat, so the printed ratios should stay near 1.  The
document is the largest whose copies all extract (two copies give twice its facts: a document that
ends in a 名词解释 glossary, where extraction stops, would not grow), unless --linear-doc names one;
the facts of each size are printed so that the growth can be checked.
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhibiao.extract.facts import extract  # noqa: E402

CORPUS_DIRS = (Path("/work/shared/corpus/seeds"), Path("/work/shared/corpus/real"))


def load_corpus() -> tuple[list[tuple[str, str]], int]:
    docs, skipped = [], 0
    for folder in CORPUS_DIRS:
        for path in sorted(folder.glob("*.txt")):
            try:
                docs.append((path.name, path.read_text(encoding="utf-8")))
            except UnicodeDecodeError:
                skipped += 1
    return docs, skipped


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024


def throughput(docs: list[tuple[str, str]], target_mb: float) -> None:
    set_bytes = sum(len(text.encode("utf-8")) for _, text in docs)
    rounds = max(1, math.ceil(target_mb * 1e6 / set_bytes))
    latencies: list[float] = []
    n_bytes = n_chars = n_facts = 0
    # one document first, untimed: the one-off loading (gazetteer, lexicons, compiled patterns,
    # numpy for the place scan) is a process's start-up cost, not its throughput
    t0 = time.perf_counter()
    extract(max(docs, key=lambda d: len(d[1]))[1], "warmup", {})
    print(f"warmup_s          {time.perf_counter() - t0:.2f}")
    started = time.perf_counter()
    cpu_started = time.process_time()
    for _ in range(rounds):
        for name, text in docs:
            t0 = time.perf_counter()
            facts = extract(text, name, {})
            latencies.append(time.perf_counter() - t0)
            n_facts += len(facts)
            n_chars += len(text)
            n_bytes += len(text.encode("utf-8"))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(f"rounds            {rounds}")
    print(f"documents         {len(latencies)}")
    print(f"input_mb          {n_bytes / 1e6:.2f}")
    print(f"seconds           {elapsed:.2f}")
    print(f"mb_per_s          {n_bytes / 1e6 / elapsed:.3f}")
    # CPU time of this process: the per-core rate, unaffected by other work on a shared machine
    print(f"cpu_mb_per_s      {n_bytes / 1e6 / cpu:.3f}")
    print(f"chars_per_s       {n_chars / elapsed:.0f}")
    print(f"cpu_chars_per_s   {n_chars / cpu:.0f}")
    print(f"facts             {n_facts}")
    print(f"facts_per_s       {n_facts / elapsed:.0f}")
    print(f"doc_p50_ms        {percentile(latencies, 0.50) * 1000:.2f}")
    print(f"doc_p95_ms        {percentile(latencies, 0.95) * 1000:.2f}")
    print(f"doc_max_ms        {max(latencies) * 1000:.2f}")


def _best_time(text: str, name: str, tries: int) -> tuple[float, int]:
    """Best wall time of ``tries`` extractions of ``text``, and its number of facts."""
    times, n_facts = [], 0
    for _ in range(tries):
        t0 = time.perf_counter()
        n_facts = len(extract(text, name, {}))
        times.append(time.perf_counter() - t0)
    return min(times), n_facts


def _repeated(text: str, factor: int) -> str:
    sep = "" if text.endswith("\n") else "\n"
    return (text + sep) * factor


def _copies_extract(name: str, text: str) -> bool:
    """Do two copies of the document give (about) twice its facts?"""
    one = len(extract(text, name, {}))
    return one > 0 and len(extract(_repeated(text, 2), name, {})) >= 1.9 * one


def linearity(docs: list[tuple[str, str]], doc_name: str | None, max_factor: int) -> None:
    if doc_name:
        matches = [d for d in docs if doc_name in d[0]]
        if not matches:
            raise SystemExit(f"no document matches {doc_name!r}")
        name, text = matches[0]
    else:
        by_size = sorted(docs, key=lambda d: len(d[1]), reverse=True)
        name, text = next((d for d in by_size if _copies_extract(*d)), by_size[0])
    factors = [1]
    while factors[-1] * 4 <= max_factor:
        factors.append(factors[-1] * 4)
    base = base_facts = None
    print(f"linear_doc        {name}")
    print(f"linear_doc_chars  {len(text)}")
    for factor in factors:
        long_text = _repeated(text, factor)
        seconds, n_facts = _best_time(long_text, name, tries=3 if factor < 16 else 1)
        per_char_us = seconds / len(long_text) * 1e6
        if base is None:
            base, base_facts = per_char_us, n_facts
        print(f"linear_x{factor:<3}      chars={len(long_text)} seconds={seconds:.3f} "
              f"chars_per_s={len(long_text) / seconds:.0f} us_per_char={per_char_us:.3f} "
              f"ratio={per_char_us / base:.2f} facts={n_facts} facts_ratio={n_facts / max(1, base_facts):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=20.0, help="MB of UTF-8 text to process (default 20)")
    parser.add_argument("--linear-doc", default=None,
                        help="substring of the document name used for the linearity check")
    parser.add_argument("--linear-max", type=int, default=16, help="largest repeat factor (default 16)")
    args = parser.parse_args()

    docs, skipped = load_corpus()
    print(f"corpus_docs       {len(docs)}")
    print(f"skipped_not_utf8  {skipped}")
    print(f"corpus_mb         {sum(len(t.encode('utf-8')) for _, t in docs) / 1e6:.3f}")
    throughput(docs, args.mb)
    linearity(docs, args.linear_doc, args.linear_max)
    print(f"peak_rss_mb       {peak_rss_mb():.1f}")
    print(f"median_doc_chars  {statistics.median(len(t) for _, t in docs):.0f}")


if __name__ == "__main__":
    main()
