"""The pipeline's layers stay apart, and the records extraction hands on keep the spec's schema."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, need_shared
from zhibiao.extract.facts import extract
from zhibiao.load import load_path

ROOT = Path(__file__).resolve().parents[1]

#: The fields of each record type: shared/spec/facts.md, plus the offsets into the text and the
#: region's code that every record of this package carries.
COMMON = {"type", "doc", "region", "evidence", "start", "end", "region_code"}
FIELDS = {
    "quantity": COMMON | {"subject", "indicator", "period", "kind", "measure", "value", "unit", "qualifier"},
    "project": COMMON | {"name", "status", "period", "kind", "investment"},
    "policy": COMMON | {"policy", "beneficiary", "condition", "rate", "cap"},
}
MEASURES = {"level", "growth", "change", "share", "rank", "rate"}
QUALIFIERS = {"exact", "approx", "over", "under", "at_least", "at_most"}
STATUSES = {"签约", "落地", "动工", "封顶", "竣工", "投产", "规划", "在建", "unknown"}


def test_import_contracts_hold():
    """pyproject.toml's import-linter contracts: load and extract know nothing of store, analysis,
    engines or interfaces; the fact base knows nothing of the interfaces."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    run = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "0 broken" in run.stdout


def test_records_keep_the_spec_schema():
    """Every record of the seed documents has exactly its type's fields, with values of the spec's kinds."""
    need_shared()
    seen = set()
    for path in sorted(SEEDS.glob("*.txt")):
        doc = load_path(path)
        for r in extract(doc.text, doc.name, doc.meta, doc.tables):
            seen.add(r["type"])
            assert set(r) == FIELDS[r["type"]], (r["type"], set(r) ^ FIELDS[r["type"]])
            assert doc.text[r["start"]:r["end"]] == r["evidence"]
            assert r["kind"] in ("actual", "target") if "kind" in r else True
            if r["type"] == "quantity":
                assert r["measure"] in MEASURES and r["qualifier"] in QUALIFIERS, r
                assert isinstance(r["value"], (int, float)) and isinstance(r["unit"], str) and r["unit"], r
                assert r["period"] == "unknown" or r["period"][:2] in ("19", "20"), r
            elif r["type"] == "project":
                assert r["status"] in STATUSES and (r["investment"] is None or r["investment"] > 0), r
    assert seen == set(FIELDS)
