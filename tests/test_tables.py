"""Tables: numeric cells become quantities with subject, unit, measure and period from headers."""

from __future__ import annotations

import docx

from tests.conftest import REAL, need_shared
from zhibiao.extract.facts import extract
from zhibiao.load import load_path


def _cells(path):
    doc = load_path(path)
    facts = extract(doc.text, doc.name, doc.meta, doc.tables)
    return doc, [f for f in facts if f["type"] == "quantity" and f["evidence"].replace(".", "").isdigit()]


def test_communique_product_table_from_html():
    """万载县 2015 communiqué, table 主要工业产品产量 (产品名称 | 计量单位 | 产量 | 较上年±%)."""
    need_shared()
    doc, cells = _cells(REAL / "jiangxi-yichun-wanzai-2015-communique.html")
    by = {(c["subject"], c["measure"]): c for c in cells}
    # 千升 stays as written (facts.md: "other units stay as written when no base unit fits"), as the
    # hand-made gold of this document's text has it (tests/data/gold-new)
    assert by[("饮料酒", "level")]["value"] == 15767 and by[("饮料酒", "level")]["unit"] == "千升"
    assert by[("饮料酒", "growth")]["value"] == 18.64
    assert by[("烟花鞭炮", "level")]["value"] == 1575 * 10_000 and by[("烟花鞭炮", "level")]["unit"] == "箱"
    assert by[("泵", "level")]["value"] == 52383 and by[("泵", "level")]["unit"] == "台"
    for c in cells:
        assert doc.text[c["start"]:c["end"]] == c["evidence"]
        assert c["region"] == "宜春市万载县" and c["period"] == "2015" and c["kind"] == "actual"


def test_docx_table_with_unit_note_and_year_columns(tmp_path):
    d = docx.Document()
    d.add_paragraph("广州市海珠区2024年国民经济和社会发展计划执行情况")
    d.add_paragraph("表1 主要经济指标（单位：亿元）")
    table = d.add_table(rows=3, cols=4)
    for row, values in zip(table.rows, [["指标", "2023年", "2024年", "增长(%)"],
                                        ["地区生产总值", "2854.12", "3008.35", "5.4"],
                                        ["一般公共预算收入", "60.03", "69.81", "16.4"]], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "haizhu.docx"
    d.save(path)
    _, cells = _cells(path)
    got = {(c["subject"], c["period"], c["measure"]): (c["value"], c["unit"], c["indicator"]) for c in cells}
    assert got[("地区生产总值", "2024", "level")] == (300835000000, "元", "gdp")
    assert got[("地区生产总值", "2023", "level")] == (285412000000, "元", "gdp")
    assert got[("一般公共预算收入", "2024", "level")] == (6981000000, "元", "budget_revenue")
    growth = [c for c in cells if c["measure"] == "growth"]
    assert {c["value"] for c in growth} == {5.4, 16.4} and {c["unit"] for c in growth} == {"%"}
    assert all(c["region"] == "广州市海珠区" for c in cells)
