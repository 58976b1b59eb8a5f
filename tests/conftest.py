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


#: Groups of the skip summary: a name and the words of the skip reasons that belong to it.
SKIP_GROUPS = (("PostgreSQL", ("PostgreSQL",)), ("browser", ("Chromium", "Playwright")), ("Ray", ("Ray",)),
               ("shared corpus", ("corpus", "spec not found", "ZHIBIAO_SHARED")))


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    """Why a test (or a module) was skipped, as ``pytest.skip`` was told."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line saying what was skipped and why, by group ("skipped: 89 PostgreSQL (…), 5 browser (…)"),
    so a machine without PostgreSQL or Chromium does not pass the tests silently."""
    groups: dict[str, list[str]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = _skip_reason(report)
        name = next((name for name, words in SKIP_GROUPS if any(w in reason for w in words)), "other")
        groups.setdefault(name, []).append(reason.removeprefix(f"{name}: "))
    if groups:
        parts = [f"{len(reasons)} {name} ({'; '.join(dict.fromkeys(reasons))})" for name, reasons in groups.items()]
        terminalreporter.write_line("skipped: " + ", ".join(parts), yellow=True, bold=True)
