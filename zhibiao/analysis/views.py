"""Terminal views of the fact base: values in the units people read, and Rich tables.

Values are stored in base units (元, 人, 平方米); here they are shown as published figures
are (2323.54亿元, 2.4万户). Qualifiers become marks: ≈ (约, 左右), > (超, 以上),
< (不足, 以下), ≥ (不低于), ≤ (不超过). A compare cell whose sources disagree is marked ≠.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TextIO

QUALIFIER_MARK = {"approx": "≈", "over": ">", "under": "<", "at_least": "≥", "at_most": "≤"}
DISAGREE_MARK = "≠"
_SCALED_UNITS = frozenset({"元", "美元", "人", "户", "人次", "平方米", "吨", "千瓦", "家", "个", "件"})
_SCALES = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
#: Width of a console that never cuts (``--wide``, pipes, files).
UNBOUNDED = 100_000
#: `fit` cuts no column narrower than this (a word's start and …).
NARROWEST = 4


def number(value: float) -> str:
    """A number with at most 2 decimals, no trailing zeros, thousands separated."""
    if math.isnan(value):
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def scale_for(unit: str | None, values: Sequence[float]) -> tuple[float, str]:
    """A common divisor and unit label for a column (亿元 when the median is in the hundreds of millions)."""
    if unit not in _SCALED_UNITS or not values:
        return 1.0, unit or ""
    middle = sorted(abs(v) for v in values)[len(values) // 2]
    for factor, prefix in _SCALES:
        if middle >= factor:
            return factor, prefix + unit
    return 1.0, unit


def value_text(value: float | None, unit: str | None, qualifier: str | None = None) -> str:
    """One value as a reader expects it: ``≈2323.54亿元``, ``4.3%``."""
    if value is None:
        return ""
    factor, label = scale_for(unit, [value])
    return f"{QUALIFIER_MARK.get(qualifier or '', '')}{number(value / factor)}{label}"


def console(out: TextIO | None = None, wide: bool = False) -> Any:
    """A Rich console as wide as the terminal (``$COLUMNS`` there, else its size); with `wide`, or for a pipe or
    file, unbounded.

    Tables printed through `fit` keep one line per row: cut with … to a terminal, whole when
    unbounded (``--wide``, or output another program reads).
    """
    import sys

    from rich.console import Console

    stream = out or sys.stdout
    con = Console(file=stream, highlight=False)
    if wide or not con.is_terminal:
        return Console(file=stream, width=UNBOUNDED, highlight=False)
    return con


def _one_line(cell: Any) -> Any:
    """A cell's text on one line (evidence may hold line breaks); other renderables as they are."""
    return " ".join(cell.split()) if isinstance(cell, str) else cell


def one_line_table(columns: Sequence[str], title: str | None = None, keep: Sequence[str] = ()) -> Any:
    """A borderless table of `columns`, one line a row; `fit` never cuts those in `keep` (ids, values)."""
    from rich import box
    from rich.table import Table

    class OneLineTable(Table):
        kept = frozenset(keep)

        def add_row(self, *cells: Any, **options: Any) -> None:
            super().add_row(*(_one_line(c) for c in cells), **options)

    table = OneLineTable(title=title, header_style="bold", title_justify="left", box=box.SIMPLE_HEAD,
                         show_edge=False, pad_edge=False, collapse_padding=True)
    for col in columns:
        table.add_column(col, no_wrap=True, overflow="ellipsis")
    return table


def fit(table: Any, con: Any) -> Any:
    """`table` cut to `con`'s width: the widest columns shrink first (to `NARROWEST`), cells end in ….

    The columns a table keeps (`one_line_table`'s `keep`) are not cut; an unbounded console gets the table whole.
    """
    from rich.measure import Measurement

    options = con.options.update_width(UNBOUNDED)
    natural = [max(Measurement.get(con, options, cell).maximum for cell in (col.header, *col.cells))
               for col in table.columns]
    budget = con.width - (Measurement.get(con, options, table).maximum - sum(natural))  # less rules and padding
    if sum(natural) <= budget:
        return table
    kept = getattr(table, "kept", frozenset())
    cut = [col.header not in kept for col in table.columns]
    cap = max(natural)
    while cap > NARROWEST and sum(min(n, cap) if c else n for n, c in zip(natural, cut, strict=True)) > budget:
        cap -= 1
    for col in table.columns:
        if col.header not in kept:
            col.max_width = cap
    return table


def facts_table(rows: Sequence[dict[str, Any]], title: str | None = None) -> Any:
    """The readable table of facts (the CSV/XLSX exports carry every column)."""
    table = one_line_table(("id", "doc", "type", "region", "period", "kind", "what", "measure", "value",
                            "indicator", "evidence"), title, keep=("id", "period", "kind", "value"))
    for r in rows:
        what = r.get("subject") or r.get("name") or r.get("beneficiary") or ""
        if r["type"] == "quantity":
            value, measure = value_text(r["value"], r["unit"], r["qualifier"]), r["measure"]
        elif r["type"] == "project":
            value, measure = value_text(r["investment"], "元") if r.get("investment") else "", r["status"]
        else:
            value = value_text(r["cap"], "元", "at_most") if r.get("cap") else value_text(r.get("rate"), "%", "at_most")
            measure = "rule"
        table.add_row(str(r["id"]), r["doc"], r["type"], r["region"] or "", r["period"] or "", r["kind"] or "",
                      what, measure or "", value, r.get("indicator") or "", r.get("evidence") or "")
    return table


def compare_table(cmp: Any) -> Any:
    """A place × period table of a `zhibiao.analysis.compare.Comparison`."""
    values = [c.value for c in cmp.cells.values()]
    factor, label = scale_for(cmp.unit, values) if cmp.measure == "level" else (1.0, cmp.unit or "")
    title = f"{cmp.indicator} · {cmp.measure} · {cmp.kind} ({label})"
    table = one_line_table(("place", *cmp.periods), title, keep=cmp.periods)
    for code, name in cmp.places:
        cells = []
        for period in cmp.periods:
            cell = cmp.cells.get((code, period))
            if cell is None:
                cells.append("–")
                continue
            mark = QUALIFIER_MARK.get(cell.qualifier or "", "")
            cells.append(f"{mark}{number(cell.value / factor)}{' ' + DISAGREE_MARK if cell.disagree else ''}")
        table.add_row(name, *cells)
    return table


def targets_table(rows: Sequence[Any], title: str | None = "targets") -> Any:
    """Targets beside their actuals, with the verdict and both sources."""
    table = one_line_table(("place", "period", "what", "measure", "target", "actual", "status", "target source",
                            "actual source"), title, keep=("period", "target", "actual", "status"))
    style = {"met": "[green]met[/]", "missed": "[red]missed[/]", "pending": "[yellow]pending[/]"}
    for row in rows:
        t, a = row.target, row.actual
        what = t["indicator"] or t["subject"] or ""
        table.add_row(t["region"] or "", t["period"] or "", what, t["measure"] or "",
                      value_text(t["value"], t["unit"], t["qualifier"]),
                      value_text(a["value"], a["unit"], a["qualifier"]) if a else "",
                      style[row.status], _source(t), _source(a) if a else "")
    return table


def _source(fact: dict[str, Any]) -> str:
    """``#id evidence · document``: what a narrow terminal keeps first is the fact and its words."""
    return f"#{fact['id']} {fact['evidence']} · {fact['doc']}"


def conflicts_table(groups: Sequence[Any]) -> Any:
    """Conflicting reports side by side: one block per place, topic and period."""
    table = one_line_table(("place", "what", "period", "kind", "measure", "conflict", "value", "document", "fact",
                            "evidence"), "conflicts", keep=("period", "conflict", "value", "fact"))
    for g in groups:
        for i, r in enumerate(g.reports):
            head = (g.region, g.topic.lstrip("~"), g.period, g.kind, g.measure, g.scope) if i == 0 else ("",) * 6
            table.add_row(*head, value_text(r["value"], r["unit"], r["qualifier"]), r["doc"], str(r["id"]),
                          r["evidence"] or "", end_section=i == len(g.reports) - 1)
    return table


def documents_table(docs: Sequence[dict[str, Any]]) -> Any:
    """The list of documents (`zhibiao doc` without an id)."""
    table = one_line_table(("id", "name", "title", "version", "date", "place", "facts", "sources"),
                           keep=("id", "version", "date", "facts"))
    for d in docs:
        place = f"{d['place']} ({d['place_code']})" if d["place"] else ""
        table.add_row(*(str(d[k] or "") for k in ("id", "name", "title", "version", "date")), place,
                      str(d["n_facts"]), d["sources"])
    return table


def context(text: str, start: int, end: int, width: int = 160) -> tuple[str, str, str]:
    """The sentence around ``text[start:end]``: (before, the span, after)."""
    stops = "。！？!?\n"
    lo = max(0, start - width)
    cut = max((text.rfind(c, lo, start) for c in stops), default=-1)
    lo = cut + 1 if cut >= 0 else lo
    hi = min(len(text), end + width)
    ends = [i for i in (text.find(c, end, hi) for c in stops) if i >= 0]
    hi = min(ends) + 1 if ends else hi
    return text[lo:start].lstrip(), text[start:end], text[end:hi].rstrip()


def fact_view(row: dict[str, Any]) -> Any:
    """A fact's fields, and its evidence highlighted inside its sentence."""
    from rich.markup import escape
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # Chinese runs have no spaces: fold them, never cut them with …
    skip = {"text", "path"}
    for key, value in row.items():
        if key not in skip and value is not None:
            grid.add_row(key, str(value))
    before, span, after = context(row["text"], row["start"], row["end"])
    grid.add_row("in context", f"…{escape(before)}[bold yellow]{escape(span)}[/]{escape(after)}…")
    grid.add_row("source", row.get("path") or row["doc"])
    return grid


def document_view(doc: dict[str, Any]) -> Any:
    """A document's metadata."""
    import json

    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key in ("id", "name", "path", "version", "is_current", "previous_id", "format", "encoding", "title", "date",
                "place", "place_code", "sha256", "size", "n_facts", "extractor", "ingested_at"):
        if doc.get(key) is not None:
            grid.add_row(key, str(doc[key]))
    for source in doc.get("sources", [])[1:]:  # the first is the document's own file
        grid.add_row("also in", f"{source['path'] or source['name']} ({source['format']}, {source['encoding'] or '-'})")
    meta = json.loads(doc["meta"] or "{}")
    for key, value in meta.items():
        if key not in ("title", "date", "place"):
            grid.add_row(f"meta.{key}", str(value))
    grid.add_row("text", f"{len(doc['text']):,} characters")
    return grid
