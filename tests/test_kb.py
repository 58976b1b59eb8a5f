"""The Python API (`zhibiao.open` → DataFrames), its export list, and `zhibiao demo` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import zhibiao
from zhibiao.analysis.query import COLUMNS, QueryError

PUBLIC = ["KnowledgeBase", "__version__", "open"]


def test_public_names_do_not_drift():
    assert sorted(zhibiao.__all__) == sorted(PUBLIC)
    for name in zhibiao.__all__:
        assert getattr(zhibiao, name) is not None
    assert set(zhibiao.__all__) <= set(dir(zhibiao))
    with pytest.raises(AttributeError):
        _ = zhibiao.no_such_name


def test_import_zhibiao_stays_light():
    code = "import sys, zhibiao; print(sorted(m for m in ('sqlalchemy', 'pandas', 'alembic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _url(store) -> str:
    return store.where if store.is_sqlite else store.url


def test_facts_compare_targets_as_dataframes(filled_ro):
    with zhibiao.open(_url(filled_ro)) as kb:
        gdp = kb.facts(place="广州市南沙区", indicator="gdp")
        assert isinstance(gdp, pd.DataFrame) and list(gdp.columns) == list(COLUMNS)
        assert set(gdp["region"]) == {"广州市南沙区"} and (gdp["indicator"] == "gdp").all()
        row = gdp[(gdp["period"] == "2023") & (gdp["measure"] == "level") & (gdp["kind"] == "actual")].iloc[0]
        assert row["value"] == 232354000000 and row["unit"] == "元"

        wide = kb.compare("gdp", "growth", within="广州市", periods="2019:2025")
        assert list(wide.columns) == [str(y) for y in range(2019, 2026)]
        assert wide.loc["广州市南沙区", "2023"] == 4.3 and pd.isna(wide.loc["广州市南沙区", "2019"])
        assert wide.attrs["unit"] == "%" and wide.index.name == "region"
        tidy = kb.compare("gdp", "growth", within="广州市", tidy=True)
        assert {"region", "period", "value", "qualifier", "disagree", "sources"} <= set(tidy.columns)

        goals = kb.targets(place="海拉尔区", period="2017")
        assert {"met", "missed", "pending"} == set(goals["status"])
        met = goals[goals["status"] == "met"].iloc[0]
        assert met["actual_value"] >= met["target_value"] and met["actual_doc"] and met["target_doc"]

        found = kb.conflicts()  # the 2016 Hailar report gives some figures twice, differently
        assert list(found.columns)[:3] == ["group", "scope", "region_code"]
        assert set(found["scope"]) == {"within one document"}
        assert len(kb.documents()) == 10
        fact = kb.fact(int(row["id"]))
        assert fact["text"][fact["start"] : fact["end"]] == fact["evidence"]
        assert kb.facts(place="广州市南沙区", period="1990").empty
        with pytest.raises(QueryError, match="closest"):
            kb.facts(place="广洲市")


def test_open_and_ingest_through_the_api(tmp_path, real_docs):
    with pytest.raises(Exception, match="no zhibiao database here"):
        zhibiao.open(tmp_path / "new.db")
    with zhibiao.open(tmp_path / "new.db", create=True) as kb:
        summary = kb.ingest(real_docs["guangzhou-nansha-2023-gov-work-report-news.txt"], workers=1)
        assert summary.ok and summary.stored == 1 and summary.facts_added > 10
        assert repr(kb) == f"KnowledgeBase({str(tmp_path / 'new.db')!r})"
        assert not kb.facts(indicator="gdp").empty


def test_demo_ingests_the_bundled_documents_and_says_how_to_go_on(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "ZHIBIAO_DB"}
    first = subprocess.run([sys.executable, "-m", "zhibiao", "demo"], capture_output=True, text=True, cwd=tmp_path,
                           env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "zhibiao.db").is_file()
    out = first.stdout
    assert "documents stored" in out and "zhibiao compare --indicator gdp --measure growth" in out
    assert "呼伦贝尔市海拉尔区" in out and "广州市南沙区" in out
    assert "missed" in out and "met" in out  # targets judged against the later reports
    assert "zhibiao query" in out and "zhibiao.open" in out
    again = subprocess.run([sys.executable, "-m", "zhibiao", "demo"], capture_output=True, text=True, cwd=tmp_path,
                           env=env, timeout=300)
    assert again.returncode == 0 and "0 documents stored" in again.stdout and "6 unchanged" in again.stdout


def test_frames_have_one_dtype_a_column_whatever_the_rows(filled_ro):
    with zhibiao.open(_url(filled_ro)) as kb:
        quantities = kb.facts(place="广州市南沙区", indicator="gdp")  # no project or policy columns filled
        assert quantities["name"].isna().all() and quantities["investment"].isna().all()
        assert quantities["name"].dtype == "string" and quantities["investment"].dtype == "float64"
        assert quantities["id"].dtype == "Int64" and quantities["start"].dtype == "Int64"
        goals = kb.targets(place="海拉尔区", period="2017")
        assert goals["actual_fact"].dtype == "Int64" and goals["actual_fact"].isna().any()  # pending: no actual
        assert goals["target_fact"].dtype == "Int64" and goals["target_value"].dtype == "float64"
        frames = (quantities, goals, kb.documents(), kb.conflicts(), kb.compare("gdp", "growth", tidy=True),
                  kb.facts(period="1990"))
        for frame in frames:
            assert object not in set(frame.dtypes), frame.dtypes


def test_compare_as_reported_keeps_qualifiers_and_the_unit_people_read(filled_ro):
    with zhibiao.open(_url(filled_ro)) as kb:
        numbers = kb.compare("gdp", "growth", kind="target", place="海拉尔区")
        assert numbers.loc["呼伦贝尔市海拉尔区", "2018"] == 6.0 and numbers.attrs["qualifiers"]
        shown = kb.compare("gdp", "growth", kind="target", place="海拉尔区", display=True)
        assert shown.loc["呼伦贝尔市海拉尔区", "2018"] == "≈6" and shown.attrs["unit"] == "%"  # 6%左右
        levels = kb.compare("gdp", within="广州市", display=True)
        assert levels.loc["广州市南沙区", "2023"] == "2,323.54" and levels.attrs["unit"] == "亿元"
        assert pd.isna(levels.loc["广州市天河区", "2023"]) and list(levels.columns) == list(
            kb.compare("gdp", within="广州市").columns)
