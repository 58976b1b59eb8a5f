"""Flattened tables: a plan report's indicator table that lost its grid, one cell per line.

Web pages and PDFs of plan reports often hold the table of main targets as a run of lines::

    指    标                 ← the header: the indicator column …
    年度预期目标              ← … then one line per value column
    上半年完成情况
    1.地区生产总值            ← a row: the indicator's name …
    增长5.5%以上              ← … then its value in each column, in order
    增长6.3%

Each value line is a statement about the row's indicator; its column says whether it is a
target or a result and for which period. `flat_cells` finds such runs among an article's
lines and returns, for every value line, the row's subject and the column's kind and period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhibiao.extract.periods import time_refs
from zhibiao.extract.text import Line

#: The header cell of the indicator column.
_HEADER = re.compile(r"^(?:主要)?指\s*标(?:名称)?$|^项\s*目$")
#: A value column's header: what the column holds.
_TARGET_COLUMN = re.compile(r"目标|计划|预期")
_ACTUAL_COLUMN = re.compile(r"完成|执行|实际|进展|实绩")
#: A row's indicator name: an optional item number, then words without a number statement.
_ROW = re.compile(r"^(?:\d{1,2}\s*[.、．]\s*|[（(]\d{1,2}[)）]\s*)?(?P<name>[^\d，,。；;：:]{2,30})$")
#: A value cell: a short statement with a number ("增长5.5%以上", "2500亿元", "下降0.5个百分点").
_VALUE = re.compile(r"^[^，,。；;]{0,12}\d[^，,。；;]{0,14}$|^[-—/／]$")
_MAX_COLUMNS = 4


@dataclass(frozen=True, slots=True)
class FlatCell:
    """A value line of a flattened table: the row's subject (with its offsets), kind and period."""

    subject: str
    subject_start: int
    kind: str
    period: str | None


def _column(header: str, caption_year: int | None, year: int | None) -> tuple[str, str | None] | None:
    """Kind and period of a value column from its header ("上半年完成情况" → actual, 2024H1)."""
    if _ACTUAL_COLUMN.search(header):
        kind = "actual"
    elif _TARGET_COLUMN.search(header):
        kind = "target"
    else:
        return None
    base = caption_year or year
    refs = time_refs(header, 0, len(header), base, base)
    if refs:
        return kind, refs[0].period
    return kind, str(base) if base else None


def _caption_year(article_lines: list[Line], i: int) -> int | None:
    """The year written in the table's caption, the line or two above its header."""
    for line in reversed(article_lines[max(0, i - 2):i]):
        m = re.search(r"((?:19|20)\d{2})年", line.text)
        if m:
            return int(m.group(1))
    return None


def flat_cells(article_lines: list[Line], year: int | None) -> dict[int, FlatCell]:
    """Every value line of the flattened tables among ``article_lines``, by the line's start offset.

    ``year`` is the article's year, used when the caption and column headers name none.
    """
    out: dict[int, FlatCell] = {}
    i = 0
    while i < len(article_lines):
        if not _HEADER.match(article_lines[i].text):
            i += 1
            continue
        caption = _caption_year(article_lines, i)
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


def _read_rows(article_lines: list[Line], j: int, columns: list[tuple[str, str | None]],
               out: dict[int, FlatCell]) -> int:
    """Rows from line ``j`` on, until a line that is neither a row name nor a value; returns where it stopped."""
    while j < len(article_lines):
        row = _ROW.match(article_lines[j].text)
        if not row:
            return j
        name_line = article_lines[j]
        values = article_lines[j + 1:j + 1 + len(columns)]
        if len(values) < len(columns) or not all(_VALUE.match(v.text) for v in values):
            return j
        name_start = name_line.start + row.start("name")
        for value, (kind, period) in zip(values, columns, strict=True):
            out[value.start] = FlatCell(row.group("name").strip(), name_start, kind, period)
        j += 1 + len(columns)
    return j
