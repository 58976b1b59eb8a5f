"""Flattened tables: a plan report's indicator table that lost its grid, one cell per line.

Web pages and PDFs of plan reports often hold the table of main targets as a run of lines::

    指    标                 ← the header: the indicator column …
    年度预期目标              ← … then one line per value column
    上半年完成情况
    1.地区生产总值            ← a row: the indicator's name …
    增长5.5%以上              ← … then its value in each column, in order
    增长6.3%

Each value line is a statement about the row's indicator; its column says whether it is a
target or a result and for which period. Communiqués flatten their product tables the same way,
with a unit column and bare numbers::

    产品名称 / 计量单位 / 产量 / 较上年±%      ← header
    饮料酒 / 千升 / 15767 / 18.64              ← a row: name, unit, level, growth in %

`flat_cells` finds such runs among an article's lines and returns, for every value line, the
row's subject and the column's kind and period, and for a bare number its unit and measure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from zhibiao.extract.periods import time_refs
from zhibiao.extract.quantities import SCALES, UNITS, Quantity
from zhibiao.extract.text import Line

#: The header cell of the indicator column.
_HEADER = re.compile(r"^(?:主要)?指\s*标(?:名称)?$|^项\s*目$|^(?:产品|商品)?名\s*称$")
#: A value column's header: what the column holds.
_TARGET_COLUMN = re.compile(r"目标|计划|预期")
_ACTUAL_COLUMN = re.compile(r"完成|执行|实际|进展|实绩")
_UNIT_COLUMN = re.compile(r"^(?:计量)?单\s*位$")
_GROWTH_COLUMN = re.compile(r"[比较]上年|增长|增减|±")
_LEVEL_COLUMN = re.compile(r"^(?:产量|数量|绝对数|总量|金额|本年|全年|绝对额)")
#: A cell that is only a number (a product table's level or growth).
_BARE = re.compile(r"^[-+－]?\d[\d,，]*(?:\.\d+)?$")
#: A row's indicator name: an optional item number, then words without a number statement.
_ROW = re.compile(r"^(?:\d{1,2}\s*[.、．]\s*|[（(]\d{1,2}[)）]\s*)?(?P<name>[^\d，,。；;：:\-—/／]{1,30})$")
#: A value cell: a short statement with a number ("增长5.5%以上", "2500亿元", "下降0.5个百分点"), a dash,
#: or a target in words ("与经济增长基本同步"), which holds no number but keeps the row's place.
_VALUE = re.compile(r"^[^，,。；;]{0,12}\d[^，,。；;]{0,14}$|^[-—/／]$|^[^，,。；;\d]{2,12}$")
_MAX_COLUMNS = 4


@dataclass(frozen=True, slots=True)
class FlatCell:
    """A value line of a flattened table: the row's subject (with its offsets), kind and period;
    for a bare number, the row's unit as written and the column's measure."""

    subject: str
    subject_start: int
    kind: str
    period: str | None
    unit: str | None = None
    measure: str | None = None


@dataclass(frozen=True, slots=True)
class _Column:
    kind: str  # 'actual' | 'target' | 'unit'
    period: str | None
    measure: str | None = None  # for bare numbers: 'level' | 'growth'


def _column(header: str, caption_year: int | None, year: int | None) -> _Column | None:
    """What a value column holds, from its header ("上半年完成情况" → actual, 2024H1; "计量单位")."""
    if _UNIT_COLUMN.match(header):
        return _Column("unit", None)
    measure = "growth" if _GROWTH_COLUMN.search(header) else "level" if _LEVEL_COLUMN.match(header) else None
    if _ACTUAL_COLUMN.search(header) or measure:
        kind = "actual"
    elif _TARGET_COLUMN.search(header):
        kind = "target"
    else:
        return None
    base = caption_year or year
    refs = time_refs(header, 0, len(header), base, base)
    if refs:
        return _Column(kind, refs[0].period, measure)
    return _Column(kind, str(base) if base else None, measure)


def bare_quantity(text: str, start: int, end: int, cell: FlatCell) -> Quantity | None:
    """The quantity of a cell that is only a number, in its row's unit ("15767" in 千升)."""
    raw = text[start:end].strip()
    if not cell.measure or not _BARE.match(raw):
        return None
    value = float(raw.replace(",", "").replace("，", "").replace("－", "-"))
    if cell.measure == "growth":
        return Quantity(start, end, value, "%", "exact", "growth")
    unit, scale = (cell.unit or "").strip("()（）"), 1.0
    if unit not in UNITS:  # "万度", "万箱": a scale before the unit (but 千升, 千瓦 are units)
        word = next((w for w in ("万亿", "亿", "万", "千") if unit.startswith(w) and len(unit) > len(w)), "")
        unit, scale = unit[len(word):], SCALES.get(word, 1.0)
    base, factor = UNITS.get(unit, (unit or "个", 1))
    return Quantity(start, end, value * scale * factor, base, "exact", "level")


def _caption_year(article_lines: list[Line], i: int) -> int | None:
    """The year written in the table's caption, the line or two above its header."""
    for line in reversed(article_lines[max(0, i - 2):i]):
        m = re.search(r"((?:19|20)\d{2})年", line.text)
        if m:
            return int(m.group(1))
    return None


def flat_cells(article_lines: list[Line], year_at: Callable[[int], int | None]) -> dict[int, FlatCell]:
    """Every value line of the flattened tables among ``article_lines``, by the line's start offset.

    ``year_at(offset)`` is the year the text at an offset reports on (its section's), used when
    the caption and column headers name none.
    """
    out: dict[int, FlatCell] = {}
    i = 0
    while i < len(article_lines):
        if not _HEADER.match(article_lines[i].text):
            i += 1
            continue
        caption = _caption_year(article_lines, i)
        year = year_at(article_lines[i].start)
        columns = []
        j = i + 1
        while j < len(article_lines) and len(columns) < _MAX_COLUMNS:
            col = _column(article_lines[j].text, caption, year) if len(article_lines[j].text) <= 12 else None
            if col is None:
                break
            columns.append(col)
            j += 1
        if not columns:
            i += 1
            continue
        i = _read_rows(article_lines, j, columns, out)
    return out


def _read_rows(article_lines: list[Line], j: int, columns: list[_Column], out: dict[int, FlatCell]) -> int:
    """Rows from line ``j`` on, until a line that is neither a row name nor a value; returns where it stopped."""
    while j < len(article_lines):
        row = _ROW.match(article_lines[j].text)
        if not row:
            return j
        name_line = article_lines[j]
        values = article_lines[j + 1:j + 1 + len(columns)]
        if len(values) < len(columns) or not all(
                len(v.text) <= 8 if c.kind == "unit" else _VALUE.match(v.text)
                for v, c in zip(values, columns, strict=True)):
            return j
        name_start = name_line.start + row.start("name")
        unit = next((v.text for v, c in zip(values, columns, strict=True) if c.kind == "unit"), None)
        for value, column in zip(values, columns, strict=True):
            if column.kind != "unit":
                out[value.start] = FlatCell(row.group("name").strip(), name_start, column.kind, column.period, unit,
                                            column.measure)
        j += 1 + len(columns)
    return j
