"""Row tables: a table whose grid a PDF's text lost, each row kept on one line, cells split by spaces.

Statistical reports turned into text by a PDF reader write a table as its caption, one line per
column header (its unit in brackets on the line below) and one line per row::

    表 2 2021 年深圳市分区户籍人口及性别比      ← the caption: "表" and a number (its year dates the cells)
    户籍人口                                  ← a column's header …
    （万人）                                  ← … and its unit
    男性
    (万人)
    户籍人口性别比
    （女=100）
    福田区 124.88 60.48 64.40 93.91            ← a row: its label, then one number per column
    7                                          ← a page number between rows (and the header again)

A header list one longer than the row's numbers names the label column first ("协会名称").
The transposed form puts places in the columns and one measure in each row::

    福田 罗湖 盐田 南山 …                      ← the columns: places
    常住人口
    （万人）
    156.23 114.82 21.54 181.41 …               ← the row: one number per column

`row_cells` returns every numeric cell with its row's label, its column's subject and unit; the
caller decides whether a label is a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhibiao.extract.tables import GROWTH_HEADER, base_unit
from zhibiao.extract.text import Line

_CAPTION = re.compile(r"^表\s*\d{1,2}(?![\d.])\s*(?P<title>.*)$")
_CAPTION_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT_LINE = re.compile(r"^[（(]\s*(?P<unit>[^（()）\d]{1,6}|女\s*=\s*100)\s*[)）]$")
_NUMBER = re.compile(r"^[-−]?\d+(?:\.\d+)?%?$")
_TOKEN = re.compile(r"\S+")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
#: A column that splits the first one by sex: "男性" under "户籍人口" is 男性户籍人口.
_SEX = re.compile(r"^(?:男|女)性?$")
#: A ratio of men to women, written per 100 women.
_SEX_RATIO = re.compile(r"性别比")
_MAX_HEADER_LINES = 16
_MAX_LABEL = 20


@dataclass(frozen=True, slots=True)
class RowCell:
    """One numeric cell: the row's label (a place or a thing) and the column's subject and unit.

    ``start`` is where the row's label starts (the evidence reads from it to the cell's end).
    """

    start: int
    end: int
    label: str
    subject: str
    value: float
    unit: str
    measure: str
    period: str | None  # the caption's year


@dataclass(frozen=True, slots=True)
class _Column:
    label: str
    unit: str | None


def _numbers(line: Line) -> tuple[str, int, list[tuple[int, int, str]]]:
    """A line's label (the text before its trailing numbers), where the label starts, and the numbers."""
    tokens = list(_TOKEN.finditer(line.text))
    k = len(tokens)
    while k and _NUMBER.match(tokens[k - 1].group()):
        k -= 1
    cells = [(line.start + t.start(), line.start + t.end(), t.group()) for t in tokens[k:]]
    label = line.text[:tokens[k].start()].strip() if k < len(tokens) else line.text
    return (label if k else ""), line.start, cells


def _column_unit(column: _Column) -> tuple[str, float, str] | None:
    """(base unit, factor, measure) of a column's cells, or None when its unit cannot be told."""
    unit = "".join((column.unit or "").split())
    if unit == "女=100" or (not unit and _SEX_RATIO.search(column.label)):
        return "女=100", 1.0, "rate"
    if unit in ("%", "％"):
        return "%", 1.0, "growth" if GROWTH_HEADER.search(column.label) else "share"
    if unit == "‰":
        return "‰", 1.0, "rate"
    if not unit:
        return None
    base, factor = base_unit(unit)
    return base, factor, "level"


def _header(article_lines: list[Line], j: int) -> tuple[list[_Column], int]:
    """The column headers from line ``j`` on, and the index of the first line after them."""
    columns: list[_Column] = []
    stop = min(len(article_lines), j + _MAX_HEADER_LINES)
    while j < stop:
        text = article_lines[j].text
        unit = _UNIT_LINE.match(text)
        if unit and columns and columns[-1].unit is None:
            columns[-1] = _Column(columns[-1].label, unit.group("unit"))
        elif _numbers(article_lines[j])[2] or len(text) > _MAX_LABEL or unit:
            break
        else:
            columns.append(_Column(text, None))
        j += 1
    return columns, j


def _subject(columns: list[_Column], c: int) -> str:
    """What a column measures: its header, a sex column's header joined to the first column's."""
    label = columns[c].label
    if _SEX.match(label) and c > 0 and not _SEX.match(columns[0].label):
        return label + columns[0].label
    return label


def _cells(columns: list[_Column], label: str, label_start: int, numbers: list[tuple[int, int, str]],
           period: str | None) -> list[RowCell]:
    out = []
    for c, (_, end, raw) in enumerate(numbers):
        unit = _column_unit(columns[c])
        if unit is None:
            continue
        base, factor, measure = unit
        value = float(raw.rstrip("%").replace("−", "-"))
        out.append(RowCell(label_start, end, label, _subject(columns, c), value * factor, base, measure, period))
    return out


def _read_rows(article_lines: list[Line], j: int, columns: list[_Column], header_texts: list[str],
               period: str | None, out: dict[int, list[RowCell]]) -> int:
    """Rows from line ``j`` on (page numbers and a repeated header skipped); returns where they stop."""
    width = len(columns)
    while j < len(article_lines):
        label, label_start, numbers = _numbers(article_lines[j])
        if label and len(numbers) == width:
            out[article_lines[j].start] = _cells(columns, label, label_start, numbers, period)
            j += 1
        elif _PAGE_NUMBER.match(article_lines[j].text):
            j += 1
        elif [x.text for x in article_lines[j:j + len(header_texts)]] == header_texts:
            j += len(header_texts)
        else:
            return j
    return j


def _transposed(article_lines: list[Line], j: int, period: str | None, out: dict[int, list[RowCell]]) -> int:
    """A table whose columns are places: the place line, then a measure's label, unit and numbers."""
    places = list(_TOKEN.finditer(article_lines[j].text))
    j += 1
    while j + 1 < len(article_lines):
        columns, k = _header(article_lines, j)
        if len(columns) != 1 or k >= len(article_lines):
            return j
        label, _, numbers = _numbers(article_lines[k])
        if label or len(numbers) != len(places):
            return j
        spread = [_Column(columns[0].label, columns[0].unit)] * len(places)
        cells = _cells(spread, "", 0, numbers, period)
        out[article_lines[k].start] = [
            RowCell(article_lines[j].start, c.end, places[n].group(), c.subject, c.value, c.unit, c.measure,
                    c.period)
            for n, c in enumerate(cells)]
        j = k + 1
    return j


def _is_place_line(line: Line) -> bool:
    """A line of three or more short words and no number: a transposed table's column labels."""
    tokens = line.text.split()
    return len(tokens) >= 3 and all(len(t) <= 6 and not any(ch.isdigit() for ch in t) for t in tokens)


def row_cells(article_lines: list[Line]) -> dict[int, list[RowCell]]:
    """The numeric cells of every row table among ``article_lines``, by the start of the row's line."""
    out: dict[int, list[RowCell]] = {}
    i = 0
    while i < len(article_lines):
        caption = _CAPTION.match(article_lines[i].text)
        if not caption or i + 1 >= len(article_lines):
            i += 1
            continue
        year = _CAPTION_YEAR.search(caption.group("title"))
        period = year.group(1) if year else None
        j = i + 1
        if _is_place_line(article_lines[j]):
            i = max(i + 1, _transposed(article_lines, j, period, out))
            continue
        columns, j = _header(article_lines, j)
        if j >= len(article_lines):
            break
        width = len(_numbers(article_lines[j])[2])
        if width and len(columns) == width + 1:
            columns = columns[1:]  # the label column's header ("协会名称")
        if not width or len(columns) != width:
            i += 1
            continue
        header_texts = [x.text for x in article_lines[i + 1:j]]
        i = max(i + 1, _read_rows(article_lines, j, columns, header_texts, period, out))
    return out
