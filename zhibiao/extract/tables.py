"""Tables: numeric cells of statistical tables as quantities.

Communiqués and plan reports put many figures in tables. A cell becomes one quantity whose
subject is its row's label, whose unit comes from a unit column, the label ("地区生产总值(亿元)"),
the column header or a "单位：亿元" note above the table, whose period comes from a year in the
column header, and whose measure from the header's wording (较上年±% → growth, 比重 → share).
The evidence is the cell's own text, with its offsets in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhibiao.extract.quantities import SCALES, UNITS
from zhibiao.load import Table

_NUMBER = re.compile(r"^[-−–+]?\d+(?:,\d{3})*(?:\.\d+)?%?$")
_UNIT_NOTE = re.compile(r"单位\s*[:：]\s*([^\s)）,，;；]{1,8})")
_IN_BRACKETS = re.compile(r"[（(]([^（()）]{1,8})[)）]")
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
#: A column header that makes its percentages growth rates (tables and row tables alike).
GROWTH_HEADER = re.compile(r"±|增长|增速|同比|比上年|增幅|增减")
_SHARE_HEADER = re.compile(r"比重|占比|构成")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")


@dataclass(frozen=True, slots=True)
class TableCell:
    """One numeric cell read as a quantity."""

    start: int
    end: int
    subject: str
    value: float
    unit: str
    measure: str
    period: str | None  # from the column header, when it names a year


def base_unit(unit: str) -> tuple[str, float]:
    """Base unit and factor of a unit as written: 亿元 → (元, 1e8), 万箱 → (箱, 1e4), 千升 → (千升, 1)."""
    unit = unit.strip()
    if unit in UNITS:
        return UNITS[unit]
    for scale in sorted(SCALES, key=len, reverse=True):
        rest = unit[len(scale):]
        if unit.startswith(scale) and rest:
            base, factor = UNITS.get(rest, (rest, 1))
            return base, SCALES[scale] * factor
    return unit, 1.0


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.match(cell.strip().replace("％", "%")))


def table_cells(text: str, table: Table) -> list[TableCell]:
    """The numeric cells of a table with subject, unit, measure and period from its headers."""
    grid = [[text[s:e].strip() for s, e in row] for row in table.rows]
    header_at = next((i for i, row in enumerate(grid) if len(row) >= 2 and sum(map(_is_number, row)) <= 1), None)
    if header_at is None:
        return []
    header = grid[header_at]
    note = _UNIT_NOTE.search(text, max(0, table.start - 120), table.start)
    unit_col = next((j for j, h in enumerate(header) if _UNIT_HEADER.match(h)), None)
    out = []
    for i in range(header_at + 1, len(grid)):
        row = grid[i]
        if not row or _is_number(row[0]) or not any(_is_number(c) for c in row[1:]):
            continue
        label = row[0]
        label_unit = _IN_BRACKETS.search(label)
        subject = _IN_BRACKETS.sub("", label).strip(" 　:：") or label
        for j in range(1, len(row)):
            if j == unit_col or not _is_number(row[j]):
                continue
            column = header[j] if j < len(header) else ""
            cell = _read_cell(row, j, column, unit_col, label_unit, note)
            if cell is None:
                continue
            value, unit, measure = cell
            s, e = table.rows[i][j]
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            year = _YEAR.search(column)
            out.append(TableCell(s + lead, s + lead + len(row[j]), subject, value, unit, measure,
                                 year.group(1) if year else None))
    return out


def _read_cell(row: list[str], j: int, column: str, unit_col: int | None, label_unit: re.Match[str] | None,
               note: re.Match[str] | None) -> tuple[float, str, str] | None:
    """(value, unit, measure) of one numeric cell, or None when its unit cannot be told."""
    raw = row[j].replace("％", "%").replace(",", "").replace("−", "-").replace("–", "-")
    number = float(raw.rstrip("%"))
    if GROWTH_HEADER.search(column) or (raw.endswith("%") and not _SHARE_HEADER.search(column)):
        return number, "%", "growth"
    if _SHARE_HEADER.search(column):
        return number, "%", "share"
    column_unit = _IN_BRACKETS.search(column)
    unit = (row[unit_col] if unit_col is not None and unit_col < len(row) else None) or (
        label_unit.group(1) if label_unit else None) or (
        column_unit.group(1) if column_unit else None) or (note.group(1) if note else None)
    if not unit:
        return None
    if unit in ("%", "％"):
        return number, "%", "share"
    base, factor = base_unit(unit)
    return number * factor, base, "level"
