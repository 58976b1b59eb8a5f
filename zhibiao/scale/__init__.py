"""Engines that run `zhibiao.extract.pipeline.process` over many documents.

- `zhibiao.scale.local.run_local`: N worker processes on one machine (the default engine).
- `zhibiao.scale.ray_engine.run_ray`: a Ray Data pipeline, on a local Ray instance or a cluster
  (optional extra: ``pip install 'zhibiao[ray]'``).
- `zhibiao.scale.parquet`: the Parquet shards both engines can write and `read_shards` reads back.
"""

from __future__ import annotations

import os


def default_workers() -> int:
    """The CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
