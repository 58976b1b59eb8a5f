"""Writing query results: CSV (UTF-8 with BOM, for Excel), JSON, JSONL, XLSX, Parquet.

Facts are exported tidy: one row per fact, every column, values in base units with the unit
in its own column. XLSX files carry a notes sheet (说明) with the sources (document, path,
date, hash), what the unit, measure and qualifier columns mean and the query that produced
the file; Parquet files carry the schema revision and the query in their key-value metadata.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
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


def write_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    """CSV with every column; the caller opens files with ``utf-8-sig`` so Excel reads UTF-8."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])


def notes_rows(sources: Sequence[dict[str, Any]], query: str, units: Sequence[str]) -> list[tuple[str, str]]:
    """The notes sheet: generated when and how, column meanings, units, sources."""
    from zhibiao import __version__

    rows: list[tuple[str, str]] = [
        ("generated", datetime.now(UTC).isoformat(timespec="seconds")),
        ("by", f"zhibiao {__version__}"),
        ("query", query),
        ("", ""),
    ]
    rows.extend((k, v) for k, v in GLOSSARY)
    rows.append(("units in this file", ", ".join(u for u in units if u)))
    rows.append(("", ""))
    rows.append(("sources", "doc_id · name · date · path · sha256"))
    rows.extend((str(s["id"]), " · ".join(str(s.get(k) or "") for k in ("name", "date", "path", "sha256")))
                for s in sources)
    return rows


def write(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, output: Path | None, *,
          sources: Sequence[dict[str, Any]] = (), query: str = "", sheet: str = "facts", bom: bool = True) -> None:
    """Write `rows` (dicts with `columns`) as `fmt` to `output` (stdout for text formats when None)."""
    if fmt in ("csv", "json", "jsonl"):
        encoding = "utf-8-sig" if fmt == "csv" and bom else "utf-8"
        if output is None:
            if fmt == "csv" and bom:
                sys.stdout.write("\ufeff")
            _write_text(rows, columns, fmt, sys.stdout)
        else:
            with output.open("w", encoding=encoding, newline="") as out:
                _write_text(rows, columns, fmt, out)
    elif fmt == "xlsx":
        assert output is not None
        _write_xlsx(rows, columns, output, sources, query, sheet)
    elif fmt == "parquet":
        assert output is not None
        _write_parquet(rows, columns, output, query)
    else:
        raise ExportError(f"cannot write {fmt} to a file")


def _write_text(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, out: TextIO) -> None:
    if fmt == "csv":
        write_csv(rows, columns, out)
        return
    records = [record(r) if "type" in r else {c: r.get(c) for c in columns} for r in rows]
    if fmt == "json":
        json.dump(records, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")


def _write_xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str], output: Path,
                sources: Sequence[dict[str, Any]], query: str, sheet: str) -> None:
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(columns))
    units = sorted({str(r.get("unit")) for r in rows if r.get("unit")})
    notes = pd.DataFrame(notes_rows(sources, query, units), columns=["item", "note"])
    with pd.ExcelWriter(output, engine="openpyxl") as xl:
        frame.to_excel(xl, sheet_name=sheet, index=False)
        notes.to_excel(xl, sheet_name="说明 notes", index=False)
        for ws in xl.book.worksheets:
            ws.freeze_panes = "A2"


def _write_parquet(rows: Sequence[dict[str, Any]], columns: Sequence[str], output: Path, query: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from zhibiao.store.schema import HEAD

    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows],
                                 schema=_arrow_schema(rows, columns))
    table = table.replace_schema_metadata({"zhibiao.schema": HEAD, "zhibiao.analysis.query": query})
    pq.write_table(table, output, use_dictionary=True, compression="zstd")


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
