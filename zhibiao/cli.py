"""Command-line interface: `zhibiao extract`, `text`, `eval` and `demo`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="zhibiao: source-grounded facts from Chinese regional economic documents.",
)

#: Fields of a JSONL record, in the order of shared/spec/facts.md, then offsets.
FIELDS = {
    "quantity": ["type", "doc", "region", "subject", "indicator", "period", "kind", "measure", "value",
                 "unit", "qualifier", "evidence", "start", "end"],
    "project": ["type", "doc", "region", "name", "status", "period", "kind", "investment", "evidence",
                "start", "end"],
    "policy": ["type", "doc", "region", "policy", "beneficiary", "condition", "rate", "cap", "evidence",
               "start", "end"],
}


def _err(message: str) -> None:
    print(f"zhibiao: error: {message}", file=sys.stderr)


def _documents(inputs: Iterable[str], encoding: str | None, date: str | None, failures: list[str]) -> Iterator:
    """Loaded documents of the inputs, one at a time; failures are reported and counted."""
    from zhibiao.load import LoadError, iter_inputs, load_path

    for item in iter_inputs(inputs):
        if isinstance(item, LoadError):
            _err(str(item))
            failures.append(str(item))
            continue
        try:
            doc = load_path(item, encoding=encoding)
        except LoadError as err:
            _err(str(err))
            failures.append(str(err))
            continue
        if date:
            doc.meta["date"] = date
        yield doc


def _facts(doc, with_codes: bool) -> list[dict]:
    from zhibiao.facts import extract

    out = []
    for rec in extract(doc.text, doc.name, doc.meta, doc.tables):
        row = {k: rec.get(k) for k in FIELDS[rec["type"]]}
        if with_codes:
            row["region_code"] = rec.get("region_code")
        out.append(row)
    return out


def _table(records: list[dict], out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for col in ("doc", "type", "region", "period", "kind", "what", "measure", "value", "unit", "qual", "indicator"):
        table.add_column(col, overflow="fold")
    for r in records:
        what = r.get("subject") or r.get("name") or r.get("beneficiary") or ""
        if r["type"] == "quantity":
            value, unit, measure, qual = r["value"], r["unit"], r["measure"], r["qualifier"]
        elif r["type"] == "project":
            value, unit, measure, qual = r.get("investment") or "", "元" if r.get("investment") else "", r["status"], ""
        else:
            value = r.get("cap") or r.get("rate") or ""
            unit = "元" if r.get("cap") else ("%" if r.get("rate") else "")
            measure, qual = "rule", "at_most"
        table.add_row(r["doc"], r["type"], r["region"], r.get("period", ""), r.get("kind", ""), what, measure,
                      f"{value:,}" if isinstance(value, int | float) else str(value), unit, qual,
                      r.get("indicator") or "")
    console = Console(file=out)
    if not console.is_terminal:
        console = Console(file=out, width=180)  # files and pipes get the whole table, not 80 columns
    console.print(table)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (searched recursively).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or table.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    date: Annotated[str | None, typer.Option(help="The documents' date (YYYY-MM-DD) when the text lacks one.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Decode text files with this encoding.")] = None,
    with_codes: Annotated[bool, typer.Option("--with-codes", help="Add region_code to each record.")] = False,
) -> None:
    """Extract facts (quantities, projects, policy rules) from documents."""
    if fmt not in ("jsonl", "table"):
        _err(f"unknown format {fmt!r}: use jsonl or table")
        raise typer.Exit(2)
    failures: list[str] = []
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for doc in _documents(paths, encoding, date, failures):
            records = _facts(doc, with_codes)
            if fmt == "jsonl":
                for r in records:
                    out.write(json.dumps(r, ensure_ascii=False) + "\n")
            else:
                _table(records, out)
    finally:
        if output:
            out.close()
    if failures:
        raise typer.Exit(1)


@app.command()
def text(
    path: Annotated[str, typer.Argument(help="A document.")],
    encoding: Annotated[str | None, typer.Option(help="Decode with this encoding.")] = None,
) -> None:
    """Print the text zhibiao derived from a file; every offset points into it."""
    from zhibiao.load import LoadError, load_path

    try:
        doc = load_path(path, encoding=encoding)
    except LoadError as err:
        _err(str(err))
        raise typer.Exit(1) from None
    sys.stdout.write(doc.text)


@app.command("eval")
def evaluate(
    pred: Annotated[list[str], typer.Argument(help="Predictions (JSONL files or folders) or documents to extract.")],
    gold: Annotated[Path, typer.Option(help="Folder of gold <doc>.jsonl files.")],
    docs: Annotated[Path, typer.Option(help="Folder holding the documents.")],
    misses: Annotated[int, typer.Option(help="Show up to N missed and N spurious records per type.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score facts against a gold folder (the matching rules of shared/spec/facts.md)."""
    from zhibiao.evaluate import format_scores, load_records, score

    predicted: list[dict] = []
    to_extract = []
    for p in pred:
        if Path(p).suffix == ".jsonl" or (Path(p).is_dir() and any(Path(p).glob("*.jsonl"))):
            predicted.extend(load_records(Path(p)))
        else:
            to_extract.append(p)
    failures: list[str] = []
    for doc in _documents(to_extract, None, None, failures):
        predicted.extend(_facts(doc, False))
    result = score(load_records(gold), predicted, docs, misses)
    print(json.dumps(result["scores"], ensure_ascii=False) if as_json else format_scores(result))


@app.command()
def demo() -> None:
    """Extract the real documents bundled with zhibiao and print their facts as a table."""
    from importlib.resources import as_file, files

    bundled = files("zhibiao.data").joinpath("demo")
    with as_file(bundled) as folder:
        failures: list[str] = []
        total = 0
        for doc in _documents([str(folder)], None, None, failures):
            records = _facts(doc, False)
            total += len(records)
            print(f"\n{doc.name}: {len(records)} facts")
            _table(records, sys.stdout)
        print(f"\n{total} facts. Next: zhibiao extract YOUR_FILES --format jsonl > facts.jsonl")


def main() -> None:
    """Entry point of the `zhibiao` console script."""
    app()
