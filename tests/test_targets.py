"""zhibiao.analysis.targets and `zhibiao targets`: targets set in one report, judged by the next.

Real Hailar government work reports: the 2016 report sets 2016 targets that the 2017 report
reports on, and the 2017 report's targets are reported by the 2018 one.
"""

from __future__ import annotations

import csv
import re

import pytest
from typer.testing import CliRunner

from zhibiao.analysis.targets import is_ceiling, targets, verdict
from zhibiao.cli import app


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _t(value, qualifier="exact", measure="growth", unit="%", subject="地区生产总值"):
    return {"value": value, "qualifier": qualifier, "measure": measure, "unit": unit, "subject": subject}


@pytest.mark.parametrize(("target", "actual", "status"), [
    (_t(7.5), 7.2, "missed"),
    (_t(7.5), 7.5, "met"),
    (_t(6.0, "approx"), 5.9, "met"),  # 6%左右: within 0.1 points
    (_t(6.0, "approx"), 5.5, "missed"),
    (_t(4.0, "at_most", "level", "%", "城镇登记失业率"), 3.79, "met"),
    (_t(4.5, "exact", "level", "%", "城镇登记失业率"), 4.8, "missed"),  # lower is better
    (_t(-3.0, "exact", "growth", "%", "单位GDP能耗"), -3.4, "met"),  # a reduction
    (_t(5000, "over", "level", "人", "新增就业"), 6435, "met"),
    (_t(7.5), None, "pending"),
])
def test_verdict(target, actual, status):
    assert verdict(target, None if actual is None else {"value": actual}) == status


def test_ceilings():
    assert is_ceiling(_t(3, "under")) and is_ceiling(_t(-16)) and is_ceiling(_t(3, subject="居民消费价格涨幅"))
    assert not is_ceiling(_t(7.5))


def test_targets_meet_the_actuals_reported_a_year_later(filled_ro):
    rows = targets(filled_ro, place="海拉尔区", period="2017", indicator="retail_sales")
    by_measure = {r.target["measure"]: r for r in rows}
    growth = by_measure["growth"]
    assert growth.target["value"] == 10 and growth.actual["value"] == 6.9 and growth.status == "missed"
    assert growth.target["doc"] == "hulunbuir-hailar-2017-gov-work-report.txt"
    assert growth.actual["doc"] == "hulunbuir-hailar-2018-gov-work-report.txt"
    assert "社会消费品零售总额" in growth.actual["evidence"]

    jobs = targets(filled_ro, place="海拉尔区", period="2017", indicator="new_jobs")
    assert [(r.target["value"], r.actual["value"], r.status) for r in jobs] == [(5700, 6435, "met")]

    gdp_2016 = {r.target["measure"]: r for r in targets(filled_ro, place="海拉尔区", period="2016", indicator="gdp")}
    assert gdp_2016["growth"].status == "missed" and gdp_2016["growth"].actual["value"] == 7.2

    pending = targets(filled_ro, place="海拉尔区", period="2018", indicator="gdp")
    assert pending and all(r.status == "pending" and r.actual is None for r in pending)


def test_targets_within_an_area_and_everything(filled_ro):
    nansha = targets(filled_ro, within="广州市", period="2023", indicator="gdp", measure="growth")
    assert [(r.target["value"], r.actual["value"], r.status) for r in nansha] == [(10, 4.3, "missed")]
    everything = targets(filled_ro)
    assert {r.status for r in everything} == {"met", "missed", "pending"}
    assert all(r.target["kind"] == "target" for r in everything)


def test_targets_command_table_status_filter_and_csv(filled_ro, tmp_path):
    url = filled_ro.where if filled_ro.is_sqlite else filled_ro.url
    shown = cli("targets", "--place", "海拉尔区", "--period", "2017", "--db", url)
    assert shown.exit_code == 0, shown.stderr
    assert "159.5亿元" in shown.stdout and "164.1亿元" in shown.stdout  # actual beside target
    tally = re.fullmatch(r"(\d+) targets: (\d+) met, (\d+) missed, (\d+) pending", shown.stdout.splitlines()[-1])
    assert tally and int(tally[2]) >= 1 and int(tally[3]) >= 2
    out = tmp_path / "t.csv"
    assert cli("targets", "--status", "met", "--db", url, "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and {r["status"] for r in rows} == {"met"} and all(r["actual_doc"] for r in rows)
    none = cli("targets", "--period", "1990", "--db", url)
    assert none.exit_code == 0 and "no targets match" in none.stderr
    bad = cli("targets", "--status", "done", "--db", url)
    assert bad.exit_code == 1 and "use met, missed or pending" in bad.stderr
