"""The skip summary of `tests.conftest`: a run that skips tests says which groups and why, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def pytest_run(*args: str, cwd: Path, **env: str) -> str:
    """The output of a child ``python -m pytest ARGS`` (this checkout first on the path)."""
    child_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          env=child_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_postgresql_skips_are_summed_up_with_the_reason(tmp_path):
    # The real fixtures, pointed at a port where no server listens: the SQLite half runs, the other skips.
    out = pytest_run(str(ROOT / "tests" / "test_kb.py"), "-k", "test_facts_compare_targets_as_dataframes",
                     "--rootdir", str(ROOT), cwd=ROOT, ZHIBIAO_TEST_PG="postgresql://postgres@127.0.0.1:9/postgres")
    summary = [line for line in out.splitlines() if line.startswith("skipped: ")]
    assert summary == [summary[0]] and summary[0].startswith("skipped: 1 PostgreSQL (ZHIBIAO_TEST_PG=")
    assert "is not reachable" in summary[0] and "1 passed, 1 skipped" in out


def test_skips_are_grouped(tmp_path):
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_terminal_summary  # noqa: F401\n")
    (tmp_path / "test_some.py").write_text(
        "import pytest\n"
        "@pytest.mark.parametrize('n', range(3))\n"
        "def test_pg(n):\n    pytest.skip('PostgreSQL: no PostgreSQL server: set ZHIBIAO_TEST_PG')\n"
        "def test_browser():\n    pytest.skip('Chromium not found (apt-get install chromium fonts-wqy-microhei)')\n"
        "def test_runs():\n    assert True\n")
    out = pytest_run(str(tmp_path), cwd=tmp_path)
    assert ("skipped: 3 PostgreSQL (no PostgreSQL server: set ZHIBIAO_TEST_PG), "
            "1 browser (Chromium not found (apt-get install chromium fonts-wqy-microhei))") in out
    (tmp_path / "test_some.py").write_text("def test_runs():\n    assert True\n")
    assert "skipped:" not in pytest_run(str(tmp_path), cwd=tmp_path)
