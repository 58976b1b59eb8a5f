"""zhibiao.analysis.compare and `zhibiao compare`/`conflicts`: yearbook tables and disagreeing sources.

Real documents on both backends; a second source is a real document with one number changed.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from zhibiao.analysis.compare import (
    BETWEEN,
    WITHIN,
    agree,
    compare,
    conflict_scope,
    conflicts,
    consistent,
    interval,
)
from zhibiao.analysis.query import Filters
from zhibiao.cli import app


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _url(store) -> str:
    return store.where if store.is_sqlite else store.url


def add_other_source(store, real_docs, tmp_path: Path, old: str = "同比增长4.2%", new: str = "同比增长4.9%") -> None:
    """The 南沙 2023 report as another outlet printed it, with one number different."""
    from zhibiao.store.ingest import content_key, prepare
    from zhibiao.store.write import write_document

    original = real_docs["guangzhou-nansha-2023-gov-work-report-news.txt"].read_text(encoding="utf-8")
    assert old in original
    other = tmp_path / "nansha-2023-other-outlet.txt"
    other.write_text(original.replace(old, new), encoding="utf-8")
    key, size = content_key(other)
    assert write_document(store, prepare(other, key, size)).status == "stored"


@pytest.mark.parametrize(("a", "b", "same"), [
    ((4.3, "exact", "%"), (4.3, "exact", "%"), True),
    ((232354000000, "exact", "元"), (232350000000, "exact", "元"), True),  # 2323.54亿 vs 2323.5亿
    ((4.3, "exact", "%"), (4.9, "exact", "%"), False),
    ((6.0, "approx", "%"), (5.6, "exact", "%"), True),  # 6%左右
    ((5000, "over", "人"), (6435, "exact", "人"), True),  # 超5000人
    ((5000, "over", "人"), (4800, "exact", "人"), False),
    ((4.0, "at_most", "%"), (3.79, "exact", "%"), True),
])
def test_two_reports_agree_when_both_can_be_true(a, b, same):
    ra, rb = ({"value": v, "qualifier": q, "unit": u} for v, q, u in (a, b))
    assert agree(ra, rb) is same and agree(rb, ra) is same


def test_intervals():
    assert interval(10, "over", "个") == (10 - 10 * 5e-4, math.inf)
    assert interval(5, "approx", "%") == (4.5, 5.5)


def test_compare_is_a_place_by_year_table(filled_ro):
    cmp = compare(filled_ro, "gdp", measure="growth", within="广州市", periods="2019:2025")
    assert cmp.indicator == "gdp" and cmp.unit == "%"
    assert cmp.periods == [str(y) for y in range(2019, 2026)]
    names = [name for _, name in cmp.places]
    assert {"广州市南沙区", "广州市番禺区", "广州市黄埔区", "广州市天河区"} <= set(names)
    assert cmp.cells[("440115", "2023")].value == 4.3 and cmp.cells[("440115", "2022")].value == 4.2
    assert not any(c.disagree for c in cmp.cells.values())
    assert all(p in cmp.periods for (_, p) in cmp.cells)
    level = compare(filled_ro, "地区生产总值", place="广州市南沙区")
    assert level.unit == "元" and level.cells[("440115", "2023")].value == 232354000000


def test_compare_marks_disagreeing_sources_and_conflicts_lists_them(filled, real_docs, tmp_path):
    add_other_source(filled, real_docs, tmp_path)
    cell = compare(filled, "gdp", measure="growth", place="南沙").cells[("440115", "2022")]
    assert cell.disagree and sorted(r["value"] for r in cell.reports) == [4.2, 4.9]
    assert set(cell.sources) == {"guangzhou-nansha-2023-gov-work-report-news.txt", "nansha-2023-other-outlet.txt"}

    assert cell.conflict == BETWEEN
    found = [g for g in conflicts(filled) if g.scope == BETWEEN]
    assert [(g.region, g.topic, g.period, g.measure) for g in found] == [("广州市南沙区", "gdp", "2022", "growth")]
    assert {r["evidence"] for r in found[0].reports} == {"地区生产总值2252.58亿元,同比增长4.2%",
                                                        "地区生产总值2252.58亿元,同比增长4.9%"}
    assert conflicts(filled, Filters(place="番禺")) == []

    table = cli("compare", "-i", "gdp", "--measure", "growth", "--within", "广州市", "--periods", "2019:2025",
                "--db", _url(filled))
    assert table.exit_code == 0, table.stderr
    assert "4.9 ≠" in table.stdout  # the later-stored source is shown; ≠ says another disagrees
    line = next(x for x in table.stdout.splitlines() if x.startswith("≠ 广州市南沙区 2022 (between documents): "))
    assert "4.2% in guangzhou-nansha-2023-gov-work-report-news.txt" in line and "4.9% in nansha-2023-other" in line
    listed = cli("conflicts", "--db", _url(filled))
    assert listed.exit_code == 0 and "nansha-2023-other-outlet.txt" in listed.stdout and "4.9%" in listed.stdout


def test_same_value_in_two_copies_is_no_conflict(filled, real_docs, tmp_path):
    add_other_source(filled, real_docs, tmp_path, "三次产业结构", "三次产业的结构")  # text differs, numbers do not
    assert [g for g in conflicts(filled) if g.scope == BETWEEN] == []
    assert not compare(filled, "gdp", measure="growth", place="南沙").cells[("440115", "2022")].disagree


def _report(doc_id: int, value: float, qualifier: str = "exact") -> dict:
    return {"doc_id": doc_id, "value": value, "qualifier": qualifier, "unit": "人"}


def test_conflict_scope_is_within_one_document_or_between_documents():
    assert conflict_scope([_report(1, 3000), _report(2, 3000)]) is None
    assert conflict_scope([_report(1, 3000), _report(1, 5650)]) == WITHIN
    assert conflict_scope([_report(1, 3000), _report(2, 5650)]) == BETWEEN
    # two copies of a report that contradicts itself: the copies agree, the report does not
    assert conflict_scope([_report(1, 3000), _report(1, 5650), _report(2, 3000), _report(2, 5650)]) == WITHIN
    assert conflict_scope([_report(1, 3000), _report(1, 5650), _report(2, 4000)]) == BETWEEN


_REPORTS = st.lists(st.fixed_dictionaries({
    "doc_id": st.integers(1, 3),
    "value": st.one_of(st.none(), st.sampled_from([0.0, 4.3, 4.5, 4.9, 5.0, 5.6, 6.0, -3.0, 3000.0, 3001.0, 5650.0])),
    "qualifier": st.sampled_from([None, "exact", "approx", "over", "at_least", "under", "at_most"]),
    "unit": st.sampled_from(["%", "人"]),
}), max_size=7)


def _pairwise_scope(reports: list[dict]) -> str | None:
    """`conflict_scope` as its docstring defines it, pair by pair (the one-pass rule must equal it)."""
    docs: dict[int, list[dict]] = {}
    for r in reports:
        docs.setdefault(r["doc_id"], []).append(r)
    for a, own in docs.items():
        for b, other in docs.items():
            if a != b and any(not any(agree(x, y) for y in other) for x in own):
                return BETWEEN
    inconsistent = any(not agree(x, y) for own in docs.values() for x in own for y in own)
    return WITHIN if inconsistent else None


@given(_REPORTS)
def test_one_pass_agreement_rules_equal_their_pairwise_definitions(reports):
    """Intervals that meet two by two share a point, so `consistent` compares the highest lower end
    with the lowest upper end; both it and `conflict_scope` must say what checking every pair says."""
    assert consistent(reports) is all(agree(x, y) for x in reports for y in reports)
    assert conflict_scope(reports) == _pairwise_scope(reports)


def test_figures_one_document_contradicts_itself_with_are_listed_and_marked(filled_ro):
    """新增就业3000人 and 新增就业5650人 for 海拉尔区 2015 in the 2016 report: compare marks ≠, conflicts lists them."""
    found = conflicts(filled_ro, Filters(place="海拉尔区", indicator="new_jobs", period="2015"))
    assert [(g.scope, g.kind, g.measure) for g in found] == [(WITHIN, "actual", "level")]
    assert {r["value"] for r in found[0].reports} == {3000.0, 5650.0}
    assert {r["doc"] for r in found[0].reports} == {"hulunbuir-hailar-2016-gov-work-report.txt"}
    cell = compare(filled_ro, "new_jobs", place="海拉尔区").cells[("150702", "2015")]
    assert cell.disagree and cell.conflict == WITHIN
    table = cli("compare", "-i", "new_jobs", "--place", "海拉尔区", "--db", _url(filled_ro))
    assert table.exit_code == 0 and "≠ 呼伦贝尔市海拉尔区 2015 (within one document): " in table.stdout

    listed = cli("conflicts", "--place", "海拉尔区", "-i", "new_jobs", "--db", _url(filled_ro))
    assert listed.exit_code == 0 and WITHIN in listed.stdout and "5650" in listed.stdout
    as_csv = cli("conflicts", "--place", "海拉尔区", "-i", "new_jobs", "--format", "csv", "--db", _url(filled_ro))
    assert as_csv.exit_code == 0 and "scope" in as_csv.stdout.splitlines()[0] and WITHIN in as_csv.stdout


def test_compare_command_exports_and_empty_results(filled_ro, tmp_path):
    import openpyxl

    out = tmp_path / "gdp.xlsx"
    made = cli("compare", "-i", "gdp", "--measure", "growth", "--within", "广州市", "--periods", "2019:2025",
               "--db", _url(filled_ro), "-o", str(out))
    assert made.exit_code == 0, made.stderr
    book = openpyxl.load_workbook(out)
    sheet = book["gdp growth"]
    header = [c.value for c in sheet[1]]
    assert header == ["region_code", "region", *[str(y) for y in range(2019, 2026)]]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["广州市南沙区"][header.index("2023")] == 4.3
    assert "说明 notes" in book.sheetnames
    none = cli("compare", "-i", "gdp", "--within", "广州市", "--periods", "1990:1991", "--db", _url(filled_ro))
    assert none.exit_code == 0 and "no actual level reports of gdp match" in none.stderr
    bad = cli("compare", "-i", "gpd", "--db", _url(filled_ro))
    assert bad.exit_code == 1 and "closest: gdp" in bad.stderr
