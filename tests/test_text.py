"""Text layer: soft line breaks of PDF-extracted text read as spaces, offsets kept."""

from __future__ import annotations

import pytest

from tests.conftest import REAL, ROOT, SEEDS, need_shared
from zhibiao.extract.facts import extract
from zhibiao.extract.text import Unwrapped, unwrap

#: pypdf text of a statistical report: the printed page's line breaks are kept inside sentences.
WRAPPED = ROOT / "tests" / "data" / "gold-new" / "docs" / "shenzhen-2021-gender-statistics-report.excerpt.txt"


@pytest.fixture(scope="module")
def report() -> str:
    """The wrapped report's text."""
    return WRAPPED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wrapped(report) -> tuple[str, str]:
    """The wrapped report's text and its unwrapped view, its breaks made spaces where they stand."""
    return report, unwrap(report, move=False).text


@pytest.mark.parametrize(("around_break", "soft"), [
    # a sentence cut by the page edge goes on
    ("占全市人口\n的 45.0%", True),
    ("户籍迁出人口 4.21 万人，其中\n女性 1.93 万人", True),
    ("新增保障性住房在册轮候户数 7.79 万\n户", True),
    ("户籍人口及其性别比情况\n如下", True),
    ("单位换算四舍五入会产生计算误差，均未作\n机械调整", True),
    ("小学教师性\n别比为 27.32", True),
    ("通常用每 100 个女性人口相应\n有多少男性人口表示", True),
    ("已婚育龄妇女 376.31 万人，户籍人口\n中计划生育", True),
    # a new block starts, or the line is no cut sentence
    ("坪山 光明 大鹏\n常住人口", False),  # a table's header row of places
    ("（万人）\n156.23", False),  # a unit line of a table
    ("111.57 15.94\n2021 年", False),  # a row of numbers
    ("性别比为 97.73。\n2021 年", False),  # a sentence end
    ("协会 383 242 141 171.63\n6\n协会名称", False),  # a page number after a table row
    ("表 3 2021 年深圳市分年龄组户籍儿童数及性别比\n年龄组", False),  # a table caption
    ("如下:\n1 注：", False),  # a numbered note
])
def test_a_break_is_soft_only_inside_a_cut_sentence(wrapped, around_break, soft):
    """Each case is a line break of the real report, read by hand as soft (a space) or not."""
    text, view = wrapped
    at = text.index(around_break) + around_break.index("\n")
    assert (view[at] == " ") is soft


@pytest.mark.parametrize(("marked", "read"), [
    ("2021 年，深圳市常住人口\n1\n1761.48 万人", "2021 年，深圳市常住人口   1761.48 万人"),
    ("的 45.0%，常住人口性别比\n2\n为 122.44", "的 45.0%，常住人口性别比   为 122.44"),
    ("2021 年，深圳市房产户主\n6\n人数为 145.82 万人", "2021 年，深圳市房产户主   人数为 145.82 万人"),
    # no sentence begun before the mark, or a heading after it: a page number, kept
    ("二〇二二年十二月\n2\n1 人口特征", "二〇二二年十二月\n2\n1 人口特征"),
    ("数据来源于市卫生健康委。\n4\n表 3", "数据来源于市卫生健康委。\n4\n表 3"),
])
def test_a_footnote_mark_inside_a_sentence_is_blanked(wrapped, marked, read):
    """pypdf's superscript marks on their own line: blanked inside a sentence, kept elsewhere."""
    text, view = wrapped
    at = text.index(marked)
    assert view[at:at + len(marked)] == read


def test_unwrapping_keeps_every_offset_and_changes_only_breaks_and_marks(wrapped):
    """The view has the text's length; it differs only where a break or a footnote mark became spaces."""
    text, view = wrapped
    assert len(view) == len(text)
    changed = {(a, b) for a, b in zip(text, view, strict=True) if a != b}
    assert {b for _, b in changed} == {" "}
    assert {a for a, _ in changed} <= set("\n0123456789")


@pytest.mark.parametrize(("cut", "read"), [
    ("小学教师性\n别比为 27.32；", "小学教师性别比为 27.32 ；"),
    ("，基\n本医疗保险参保人员性别比为 128.55，", "，基本医疗保险参保人员性别比为 128.55 ，"),
    ("其中女\n性 74.83 万人，", "其中女性 74.83 万人 ，"),
    ("7.79 万\n户，", "7.79 万户 ，"),
])
def test_a_break_after_chinese_moves_to_the_end_of_its_clause(report, cut, read):
    """Words cut by the page edge read whole; the break's space stands before the clause's punctuation."""
    text, view = report, unwrap(report)
    at = text.index(cut)
    assert view.text[at:at + len(cut)] == read


def test_moved_spans_map_back_to_the_document(report):
    """Every view span maps to the document characters it was read from."""
    text, view = report, unwrap(report)
    assert view.moved and len(view.text) == len(text)
    for first, last in view.moved:  # view[first:last] are the document's [first+1:last+1]
        assert text[first] == "\n" and view.text[last] == " "
        assert view.text[first:last] == text[first + 1:last + 1]
        assert view.doc_span(first, last) == (first + 1, last + 1)
        assert view.doc_span(first - 3, first) == (first - 3, first)  # ends before the break: unmoved
    assert Unwrapped("abc").doc_span(1, 2) == (1, 2)


def test_text_with_one_paragraph_a_line_is_left_as_it_is():
    """Reports whose paragraphs are one line each, and tab-separated tables, come back unchanged."""
    need_shared()
    paths = [*sorted(SEEDS.glob("*.txt")), REAL / "china-moe-2022-teacher-programme-certification-list.txt"]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert unwrap(text).text is text, path.name


def test_numbers_cut_from_their_unit_are_extracted_with_the_documents_own_evidence(wrapped):
    """A value cut from its unit or subject by a break or a mark is found; its evidence is the document's."""
    text, _ = wrapped
    facts = extract(text, WRAPPED.name)
    by_value = {(f["value"], f["unit"]): f for f in facts if f["type"] == "quantity"}
    households = by_value[(77900, "户")]
    assert households["evidence"].endswith("7.79 万\n户")
    assert households["evidence"] == text[households["start"]:households["end"]]
    assert by_value[(10100, "人")]["subject"] == "深圳市文联登记在册文学艺术家会员"
    notaries = by_value[(89.89, "女=100")]  # "公证员性别比为\n89.89": the value opens the next line
    assert (notaries["subject"], notaries["measure"]) == ("公证员性别比", "rate")
    teachers = [f for f in facts if f.get("value") == 27.32 and "比为" in f["evidence"]]
    assert [(f["subject"], f["evidence"]) for f in teachers] == [("小学教师性别比", "小学教师性\n别比为 27.32")]
    residents = by_value[(17614800, "人")]  # "深圳市常住人口\n1\n1761.48 万人": a footnote mark inside
    assert (residents["indicator"], residents["evidence"]) == ("resident_population", "深圳市常住人口\n1\n1761.48 万人")
