"""Writing query results: CSV (UTF-8 with BOM, for Excel), JSON, JSONL, XLSX, Parquet.

Facts are exported tidy: one row per fact, every column, values in base units with the unit
in its own column (or money in 万元 / 亿元 with `unit`). Every format is written as the rows
arrive, a batch at a time (Parquet row groups, openpyxl's write-only sheets), so an export of
any size needs the memory of one batch; a file appears under its name only once complete.
XLSX files carry a notes sheet (说明) with the sources (document, path, date, hash), what the
unit, measure and qualifier columns mean and the query that produced the file; Parquet files
carry the schema revision, the query and the money unit in their key-value metadata.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "jsonl", "xlsx", "parquet")
BINARY = frozenset({"xlsx", "parquet"})
_BY_SUFFIX = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx",
              ".parquet": "parquet", ".pq": "parquet", ".txt": "table"}
#: Columns a JSON record of each type keeps (the extractor's fields, plus ids and codes).
TYPE_FIELDS = {
    "quantity": ("subject", "indicator", "period", "kind", "measure", "value", "unit", "qualifier"),
    "project": ("name", "status", "period", "kind", "investment"),
    "policy": ("policy", "beneficiary", "condition", "rate", "cap"),
}
#: Money units an export may use instead of 元, and how many 元 each is.
MONEY_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
#: Columns that always hold 元 (a policy's cap, a project's investment) and those in the row's ``unit``.
_MONEY_COLUMNS = ("investment", "cap")
_UNIT_COLUMNS = ("value", "target_value", "actual_value")
#: Rows turned into Arrow columns at a time, and rows per Parquet row group: what a Parquet export
#: holds in memory (as Python dicts, then as Arrow columns), and what a reader can skip by.
BATCH = 5_000
ROW_GROUP = 50_000
#: Rows an XLSX sheet holds below its header (Excel's limit is 1,048,576 rows).
XLSX_MAX_ROWS = 1_048_575
_COMMON = ("id", "doc_id", "doc", "doc_date", "type", "region", "region_code")
_TAIL = ("evidence", "start", "end", "flagged")

GLOSSARY = (
    ("value", "the number in base units: 元 (亿元 × 1e8), 人, 户, 平方米 …; percentages as the number before %"),
    ("unit", "the base unit of value"),
    ("measure", "level (amount), growth (year-on-year %), change (points), share (%), rank (position), rate"),
    ("kind", "actual (reported) or target (planned, expected, 力争/确保)"),
    ("qualifier", "exact; approx 约/左右; over 超/以上; under 不足/以下; at_least 不低于; at_most 不超过"),
    ("period", "2023, 2024H1, 2024Q1, 2020-01/2020-07 (months), 2016/2019 (years), unknown"),
    ("region_code", "GB/T 2260 administrative code; 000000 is 全国"),
    ("flagged", "true when a user marked the fact wrong (zhibiao flag); compare, targets and conflicts leave it out"),
    ("evidence, start, end", "the exact source text; text[start:end] of the document's text (zhibiao text FILE)"),
)


class ExportError(Exception):
    """An output that cannot be written as asked (one line)."""


def choose_format(fmt: str | None, output: Path | None) -> str:
    """The format named, else the one the output file's extension implies, else a table."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        chosen = fmt
    elif output is not None:
        chosen = _BY_SUFFIX.get(output.suffix.lower(), "")
        if not chosen:
            raise ExportError(f"cannot tell the format from {output.name!r}: add --format")
    else:
        chosen = "table"
    if chosen in BINARY and output is None:
        raise ExportError(f"{chosen} is a binary format: give a file with -o/--output")
    return chosen


def record(row: dict[str, Any]) -> dict[str, Any]:
    """A fact as a JSON record: the fields of its type only."""
    keep = (*_COMMON, *TYPE_FIELDS.get(row["type"], ()), *_TAIL)
    return {k: row.get(k) for k in keep}


def check_unit(unit: str | None) -> str | None:
    """`unit` if it is one exports offer (None or 元: base units); raises `ExportError` naming it."""
    if unit is None or unit == "元":
        return None
    if unit not in MONEY_UNITS:
        raise ExportError(f"unknown --unit {unit!r}: use one of {', '.join(MONEY_UNITS)}")
    return unit


def _scaled(value: Any, factor: int) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    # through the decimal digits, so 232354000000 元 becomes exactly 2323.54 亿元, not 2323.5400000000004
    return float(Decimal(repr(value)) / factor)


def in_unit(rows: Iterable[dict[str, Any]], unit: str | None) -> Iterator[dict[str, Any]]:
    """`rows` with money in `unit` (万元, 亿元): values whose ``unit`` is 元, and investments and caps.

    Other units (%, 人, 吨 …) are left as they are; with `unit` None or 元 the rows pass unchanged.
    """
    unit = check_unit(unit)
    if unit is None:
        yield from rows
        return
    factor = MONEY_UNITS[unit]
    for row in rows:
        row = dict(row)
        for column in _MONEY_COLUMNS:
            if column in row:
                row[column] = _scaled(row[column], factor)
        if row.get("unit") == "元":
            for column in _UNIT_COLUMNS:
                if column in row:
                    row[column] = _scaled(row[column], factor)
            row["unit"] = unit
        yield row


def batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    """`rows` in lists of at most `size`."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """CSV with every column, row by row; the caller opens files with ``utf-8-sig`` so Excel reads UTF-8.

    Returns the number of rows written.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        n += 1
    return n


def notes_rows(sources: Sequence[dict[str, Any]], query: str, units: Iterable[str],
               money: str | None = None) -> list[tuple[str, str]]:
    """The notes sheet: generated when and how, column meanings, units, sources."""
    from zhibiao import __version__

    rows: list[tuple[str, str]] = [
        ("generated", datetime.now(UTC).isoformat(timespec="seconds")),
        ("by", f"zhibiao {__version__}"),
        ("query", query),
        ("", ""),
    ]
    rows.extend((k, v) for k, v in GLOSSARY)
    if money:
        rows.append(("money", f"in {money}: values whose unit is {money}, investment and cap "
                              f"(1 {money} = {MONEY_UNITS[money]:,} 元)"))
    rows.append(("units in this file", ", ".join(sorted(u for u in units if u))))
    rows.append(("", ""))
    rows.append(("sources", "doc_id · name · date · path · sha256"))
    rows.extend((str(s["id"]), " · ".join(str(s.get(k) or "") for k in ("name", "date", "path", "sha256")))
                for s in sources)
    return rows


SourcesFn = Callable[[set[int]], Sequence[dict[str, Any]]]


def write(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, output: Path | None, *,
          sources: Sequence[dict[str, Any]] | SourcesFn = (), query: str = "", sheet: str = "facts",
          bom: bool = True, unit: str | None = None) -> int:
    """Write `rows` (dicts with `columns`, any iterable: consumed once, a batch at a time) as `fmt`
    to `output` (stdout for text formats when None); returns the number of rows written.

    `sources` (XLSX notes) may be a function of the ``doc_id``s seen, called once the rows are
    written. `unit` (万元, 亿元) converts money (`in_unit`). A file is written beside `output`
    and renamed into place when complete: a failed export leaves no partial file.
    """
    money = check_unit(unit)
    rows = in_unit(rows, money)
    if fmt not in ("csv", "json", "jsonl", "xlsx", "parquet"):
        raise ExportError(f"cannot write {fmt} to a file")
    if output is None:
        if fmt in BINARY:
            raise ExportError(f"{fmt} is a binary format: give a file with -o/--output")
        if fmt == "csv" and bom:
            sys.stdout.write("\ufeff")
        return _write_text(rows, columns, fmt, sys.stdout)
    part = output.with_name(f".{output.name}.part")
    try:
        if fmt in BINARY:
            n = (_write_xlsx(rows, columns, part, sources, query, sheet, money) if fmt == "xlsx"
                 else _write_parquet(rows, columns, part, query, money))
        else:
            encoding = "utf-8-sig" if fmt == "csv" and bom else "utf-8"
            with part.open("w", encoding=encoding, newline="") as out:
                n = _write_text(rows, columns, fmt, out)
        os.replace(part, output)
    finally:
        part.unlink(missing_ok=True)
    return n


def _records(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    for r in rows:
        yield record(r) if "type" in r else {c: r.get(c) for c in columns}


def _write_text(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, out: TextIO) -> int:
    if fmt == "csv":
        return write_csv(rows, columns, out)
    n = 0
    if fmt == "jsonl":
        for r in _records(rows, columns):
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
        return n
    # a JSON array written item by item, laid out as json.dump(indent=1) lays it out
    for r in _records(rows, columns):
        item = json.dumps(r, ensure_ascii=False, indent=1).replace("\n", "\n ")
        out.write(("[\n " if n == 0 else ",\n ") + item)
        n += 1
    out.write("\n]\n" if n else "[]\n")
    return n


def _write_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[str], output: Path,
                sources: Sequence[dict[str, Any]] | SourcesFn, query: str, sheet: str, money: str | None) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # rows go straight to a temporary file, not into memory
    facts_sheet = book.create_sheet(sheet)
    facts_sheet.freeze_panes = "A2"
    facts_sheet.append(list(columns))
    units: set[str] = set()
    doc_ids: set[int] = set()
    n = 0
    try:
        for r in rows:
            n += 1
            if n > XLSX_MAX_ROWS:
                raise ExportError(f"{n - 1:,}+ rows do not fit an XLSX sheet ({XLSX_MAX_ROWS:,} at most): "
                                  "narrow the query or export CSV or Parquet")
            facts_sheet.append([r.get(c) for c in columns])
            if r.get("unit"):
                units.add(str(r["unit"]))
            if r.get("doc_id") is not None:
                doc_ids.add(r["doc_id"])
    except BaseException:
        facts_sheet.close()  # end the sheet's temporary file cleanly; the caller removes the output
        raise
    found = sources(doc_ids) if callable(sources) else sources
    notes = book.create_sheet("说明 notes")
    notes.freeze_panes = "A2"
    notes.append(["item", "note"])
    for item in notes_rows(found, query, units, money):
        notes.append(list(item))
    book.save(output)
    return n


def _write_parquet(rows: Iterable[dict[str, Any]], columns: Sequence[str], output: Path, query: str,
                   money: str | None) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from zhibiao.store.schema import HEAD

    meta = {"zhibiao.schema": HEAD, "zhibiao.analysis.query": query, "zhibiao.money_unit": money or "元"}
    writer = None
    pending: list[Any] = []  # record batches of the row group being filled
    n = 0
    try:
        for batch in batches(rows):
            if writer is None:  # the types of columns not known by name come from the first batch
                schema = _arrow_schema(batch, columns).with_metadata(meta)
                writer = pq.ParquetWriter(output, schema, use_dictionary=True, compression="zstd")
            pending.append(pa.RecordBatch.from_pylist([{c: r.get(c) for c in columns} for r in batch],
                                                      schema=schema))
            n += len(batch)
            if sum(b.num_rows for b in pending) >= ROW_GROUP:
                writer.write_table(pa.Table.from_batches(pending), row_group_size=ROW_GROUP)
                pending = []
        if writer is None:  # no rows: an empty file that still has its columns
            schema = _arrow_schema([], columns).with_metadata(meta)
            writer = pq.ParquetWriter(output, schema, use_dictionary=True, compression="zstd")
        if pending:
            writer.write_table(pa.Table.from_batches(pending), row_group_size=ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()
    return n


def _arrow_schema(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> Any:
    import pyarrow as pa

    ints = {"id", "doc_id", "start", "end", "version", "n_facts", "actuals"}
    floats = {"value", "investment", "rate", "cap", "target_value", "actual_value"}
    bools = {"flagged", "disagree"}
    fields = []
    for c in columns:
        if c in ints:
            kind = pa.int64()
        elif c in bools:
            kind = pa.bool_()
        elif c in floats:
            kind = pa.float64()
        else:
            sample = next((r.get(c) for r in rows if r.get(c) is not None), None)
            kind = pa.float64() if isinstance(sample, float) else pa.int64() if isinstance(sample, int) and not \
                isinstance(sample, bool) else pa.string()
        fields.append(pa.field(c, kind))
    return pa.schema(fields)


def sources(store: Any, doc_ids: set[int]) -> list[dict[str, Any]]:
    """The documents behind a result (for the notes sheet)."""
    from sqlalchemy import select

    from zhibiao.store.schema import documents

    if not doc_ids:
        return []
    with store.read() as conn:
        q = select(documents.c.id, documents.c.name, documents.c.date, documents.c.path, documents.c.sha256)
        found = []
        ids = sorted(doc_ids)
        for i in range(0, len(ids), 500):
            found.extend(dict(r) for r in conn.execute(q.where(documents.c.id.in_(ids[i : i + 500]))).mappings())
    return found
