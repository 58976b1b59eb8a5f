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


# A statistical report read from PDF keeps each table row on one line, its cells split by spaces
# (shared/corpus/real/shenzhen-2021-gender-statistics-report.txt, 表2, 表4 and 表1).
_ROW_TABLE = """深圳市2021年社会性别统计报告
2021 年，深圳市各区（新区）户籍人口及其性别比情况如下:
表 2 2021 年深圳市分区户籍人口及性别比
户籍人口
（万人）
男性
(万人)
女性
（万人）
户籍人口性别比
（女=100）
福田区 124.88 60.48 64.40 93.91
罗湖区 73.40 35.61 37.79 94.23
7
户籍人口
（万人）
男性
(万人)
女性
（万人）
户籍人口性别比
（女=100）
盐田区 10.28 5.02 5.26 95.44
表 4 2021 年深圳市文联所属 12 个协会会员及性别比
协会名称
会员
(人)
男性
(人)
女性
（人）
会员性别比
（女=100）
作家协会 1972 656 1316 49.85
表 1 2021 年深圳市分区常住人口
福田 罗湖 盐田
常住人口
（万人）
156.23 114.82 21.54
"""


def _row_facts(text):
    facts = [f for f in extract(text, "report.txt") if f["type"] == "quantity"]
    for f in facts:
        assert text[f["start"]:f["end"]] == f["evidence"]
    return {(f["region"], f["subject"]): f for f in facts}


def test_row_table_cells_take_the_row_place_and_column_unit():
    got = _row_facts(_ROW_TABLE)
    assert got[("深圳市福田区", "户籍人口")]["value"] == 1248800
    assert got[("深圳市福田区", "男性户籍人口")]["value"] == 604800
    assert got[("深圳市福田区", "男性户籍人口")]["evidence"] == "福田区 124.88 60.48"
    ratio = got[("深圳市罗湖区", "户籍人口性别比")]
    assert (ratio["value"], ratio["unit"], ratio["measure"], ratio["period"]) == (94.23, "女=100", "rate", "2021")


def test_row_table_read_on_after_a_page_number_and_a_repeated_header():
    got = _row_facts(_ROW_TABLE)
    assert got[("深圳市盐田区", "女性户籍人口")]["value"] == 52600


def test_row_table_label_that_is_no_place_names_the_subject():
    """表4: the first header ("协会名称") heads the label column; a row of a thing stays the report's place's."""
    got = _row_facts(_ROW_TABLE)
    assert got[("深圳市", "作家协会会员")]["value"] == 1972
    assert got[("深圳市", "作家协会女性会员")]["value"] == 1316
    assert got[("深圳市", "作家协会会员性别比")]["value"] == 49.85


def test_transposed_row_table_has_places_in_its_columns():
    got = _row_facts(_ROW_TABLE)
    cell = got[("深圳市盐田区", "常住人口")]
    assert (cell["value"], cell["unit"], cell["indicator"]) == (215400, "人", "resident_population")
    assert cell["evidence"] == "常住人口\n（万人）\n156.23 114.82 21.54"


def test_lines_of_numbers_without_a_table_caption_are_no_table():
    text = "深圳市2021年社会性别统计报告\n户籍人口\n（万人）\n福田区 124.88 60.48\n"
    assert not [f for f in extract(text, "report.txt") if f["type"] == "quantity"]
