"""Shared test fixtures: where the real corpus and gold live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    """The shared corpus: $ZHIBIAO_SHARED, else ../shared beside the checkout, else /work/shared."""
    if os.environ.get("ZHIBIAO_SHARED"):
        return Path(os.environ["ZHIBIAO_SHARED"])
    for candidate in (ROOT.parent / "shared", Path("/work/shared")):
        if (candidate / "corpus" / "seeds").is_dir():
            return candidate
    return ROOT.parent / "shared"


SHARED = _shared()
SEEDS = SHARED / "corpus" / "seeds"
REAL = SHARED / "corpus" / "real"
GOLD = SHARED / "gold"


def need_shared() -> None:
    """Skip a test that needs the shared corpus when it is not beside the checkout."""
    if not SEEDS.is_dir():
        pytest.skip(f"shared corpus not found at {SHARED} (set ZHIBIAO_SHARED)")

pytest_plugins = ["tests.store_fixtures"]  # fact-base fixtures: both backends, real documents
