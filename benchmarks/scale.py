"""Scale-out throughput: 1 and 2 workers with the local process pool and with Ray Data.

usage: .venv/bin/python benchmarks/scale.py [--mb 50] [--rounds 1] [--no-ray] [--no-serial] [--corpus DIR]

Links (or copies) every document of shared/corpus into a scratch folder, repeated until the
set holds at least --mb MB of raw bytes, then times, over the whole set:

- serial: a plain loop of `zhibiao.extract.pipeline.process` in this process (the reference);
- local 1 / local 2: `run_local` with 1 and 2 worker processes;
- ray 1 / ray 2: `run_ray` on a local Ray instance with num_cpus=1 and 2, writing Parquet.

Start-up is kept apart: the gazetteer is loaded before timing (forked workers share it), and for
Ray the `ray.init` time and a first small job (worker processes starting, importing zhibiao and
loading its data) are printed separately from the timed run. The scaling ratio is the
throughput with 2 workers over that with 1, start-up excluded. Numbers are wall clock; with
--rounds N every configuration runs N times, interleaved, and the best time is kept (other
work on a small machine only ever slows a run down).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhibiao.extract.pipeline import process, warm_up  # noqa: E402
from zhibiao.load import iter_inputs  # noqa: E402
from zhibiao.scale.local import run_local  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("ZHIBIAO_SHARED", ROOT.parent / "shared")) / "corpus"


def build(corpus: Path, target_mb: float, scratch: Path) -> tuple[list[str], int]:
    """Document paths under `scratch`: the corpus repeated until it holds `target_mb` MB; and their bytes."""
    files = [p for p in iter_inputs([str(corpus)]) if isinstance(p, Path)]
    one = sum(p.stat().st_size for p in files)
    reps = max(1, -(-int(target_mb * 1e6) // one))
    paths = []
    for r in range(reps):
        for p in files:
            dest = scratch / f"rep{r:03d}" / p.relative_to(corpus)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(p, dest)
            except OSError:
                shutil.copyfile(p, dest)
            paths.append(str(dest))
    return paths, one * reps


def line(label: str, seconds: float, nbytes: int, ndocs: int, nfacts: int, workers: int) -> float:
    mbs = nbytes / 1e6 / seconds
    print(f"{label:<10} {seconds:8.1f} s {mbs:7.2f} MB/s {ndocs / seconds:8.1f} docs/s {nfacts / seconds:9.0f} facts/s"
          f"   per worker {ndocs / seconds / workers:6.1f} docs/s")
    return mbs


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the pool's workers), user + system."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_local(paths: list[str], workers: int | None) -> tuple[float, int, int, float]:
    """(wall s, documents, facts, CPU s) of one run in this process or a `run_local` pool."""
    cpu = cpu_seconds()
    start = time.perf_counter()
    docs = facts = 0
    results = (process(p) for p in paths) if workers is None else run_local(paths, workers, isolate=True)
    for r in results:
        assert r.error is None, r.error
        docs += 1
        facts += len(r.facts)
    return time.perf_counter() - start, docs, facts, cpu_seconds() - cpu


def time_ray(paths: list[str], cpus: int, scratch: Path) -> tuple[float, float, float, int, int]:
    """(ray.init s, first small job s, timed run s, documents, facts) on a fresh local Ray instance."""
    import logging

    import ray

    from zhibiao.scale.ray_engine import run_ray

    start = time.perf_counter()
    ray.init(address="local", num_cpus=cpus, include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)
    init = time.perf_counter() - start
    try:
        start = time.perf_counter()
        run_ray(paths[: 2 * cpus], str(scratch / f"warm{cpus}"), docs_per_task=1)
        warm = time.perf_counter() - start
        stats = run_ray(paths, str(scratch / f"ray{cpus}"))
        assert stats.failed == 0, stats.errors[:3]
    finally:
        ray.shutdown()
    return init, warm, stats.run_seconds, stats.documents, stats.facts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="repeat the corpus to at least this many MB (50)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of documents (shared/corpus)")
    ap.add_argument("--rounds", type=int, default=1, help="run each configuration this often, keep the best (1)")
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray runs")
    ap.add_argument("--no-serial", action="store_true", help="skip the plain loop in this process")
    args = ap.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="zhibiao-scale-"))
    try:
        paths, nbytes = build(args.corpus, args.mb, scratch / "docs")
        print(f"{len(paths)} documents, {nbytes / 1e6:.1f} MB ({args.corpus} repeated), "
              f"{len(os.sched_getaffinity(0))} CPUs, load average before {os.getloadavg()[0]:.2f}\n")
        start = time.perf_counter()
        warm_up()
        print(f"start-up: gazetteer and taxonomy load {time.perf_counter() - start:.2f} s (once per process)\n")
        have_ray = not args.no_ray
        if have_ray:
            try:
                import ray  # noqa: F401
            except ImportError:
                print("ray: not installed (pip install -e '.[ray]'); skipped")
                have_ray = False
        configs = [("serial", None)] if not args.no_serial else []
        configs += [("local", 1), ("local", 2)] + ([("ray", 1), ("ray", 2)] if have_ray else [])
        best: dict[tuple[str, int | None], tuple[float, int, int]] = {}
        cpu: dict[tuple[str, int | None], float] = {}
        ray_startup: dict[int, tuple[float, float]] = {}
        for rnd in range(max(1, args.rounds)):
            for engine, n in configs:
                if engine == "ray":
                    init, warm, seconds, docs, facts = time_ray(paths, n, scratch)
                    shutil.rmtree(scratch / f"ray{n}", ignore_errors=True)
                    shutil.rmtree(scratch / f"warm{n}", ignore_errors=True)
                    old = ray_startup.get(n)
                    ray_startup[n] = (min(init, old[0]), min(warm, old[1])) if old else (init, warm)
                    used = None
                else:
                    seconds, docs, facts, used = time_local(paths, n)
                    cpu[(engine, n)] = min(used, cpu.get((engine, n), used))
                label = engine if n is None else f"{engine} {n}"
                print(f"  round {rnd + 1} {label:<8} {seconds:6.1f} s" + (f", {used:6.1f} CPU s" if used else "")
                      + f", load average {os.getloadavg()[0]:.2f}", flush=True)
                if (engine, n) not in best or seconds < best[(engine, n)][0]:
                    best[(engine, n)] = (seconds, docs, facts)
        print(f"\nbest of {max(1, args.rounds)}:")
        print(f"{'engine':<10} {'time':>10} {'MB/s':>12} {'docs/s':>15} {'facts/s':>17}")
        rates = {}
        for (engine, n), (seconds, docs, facts) in best.items():
            label = engine if n is None else f"{engine} {n}"
            rates[(engine, n)] = (line(label, seconds, nbytes, docs, facts, n or 1), docs / seconds / (n or 1))
        print()
        for key, used in cpu.items():
            label = key[0] if key[1] is None else f"{key[0]} {key[1]}"
            print(f"{label:<10} {nbytes / 1e6 / used:5.2f} MB per CPU-second (parent and workers)")
        print()
        for engine in ("local", "ray"):
            if (engine, 1) in rates and (engine, 2) in rates:
                print(f"scaling {engine} 1 → 2 workers (start-up excluded): "
                      f"{rates[(engine, 2)][0] / rates[(engine, 1)][0]:.2f}x")
        for cpus, (init, warm) in sorted(ray_startup.items()):
            print(f"ray start-up, num_cpus={cpus}: ray.init {init:.1f} s + first job (workers import zhibiao, "
                  f"load data) {warm:.1f} s")
        if ("local", 1) in cpu and ("local", 2) in cpu:
            bound = 2 * cpu[("local", 1)] / cpu[("local", 2)]
            print(f"CPU-time bound local 1 → 2 (2 × CPU s of 1 worker / CPU s of 2; what the wall-clock ratio "
                  f"reaches on an idle machine, tail imbalance aside): {bound:.2f}x")
        per_core = rates[("local", 1)][1]
        print(f"\nsizing: {per_core:.1f} docs/s per core (local 1, avg {nbytes / len(paths) / 1e3:.0f} KB/doc) → "
              f"1 million documents ≈ {1e6 / per_core / 3600:.1f} core-hours; "
              f"≈ {1e6 / per_core / 3600 / 16 * 60:.0f} min on 16 cores, "
              f"≈ {1e6 / per_core / 3600 / 128 * 60:.0f} min on 128 cores (at perfect scaling)")
        print(f"load average after: {os.getloadavg()[0]:.2f} (other work on the machine skews the numbers)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
