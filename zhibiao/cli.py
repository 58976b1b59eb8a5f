"""Command-line interface: `zhibiao extract`, `text`, `eval`, the fact base (`ingest`, `query`, `compare`,
`targets`, `conflicts`, `show`, `doc`) and `demo`."""

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
    from zhibiao.extract.facts import extract

    return _rows(extract(doc.text, doc.name, doc.meta, doc.tables), with_codes)


def _rows(records: Iterable[dict], with_codes: bool) -> list[dict]:
    """Fact records projected to the JSONL fields (plus region_code when asked)."""
    out = []
    for rec in records:
        row = {k: rec.get(k) for k in FIELDS[rec["type"]]}
        if with_codes:
            row["region_code"] = rec.get("region_code")
        out.append(row)
    return out


def _table(records: list[dict], out: TextIO) -> None:
    from zhibiao.analysis import views

    table = views.one_line_table(("doc", "type", "region", "period", "kind", "what", "measure", "value", "unit",
                                  "qual", "indicator"), keep=("period", "value", "unit"))
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
    console = views.console(out)
    console.print(views.fit(table, console))


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (searched recursively).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or table.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    date: Annotated[str | None, typer.Option(help="The documents' date (YYYY-MM-DD) when the text lacks one.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Decode text files with this encoding.")] = None,
    with_codes: Annotated[bool, typer.Option("--with-codes", help="Add region_code to each record.")] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=0,
        help="Processes to extract with (0: all CPUs). Local engine: default 1; the output is the same "
             "whatever the number. Ray: the CPUs of the local Ray instance (default all).")] = None,
    engine: Annotated[str, typer.Option(help="local (processes on this machine) or ray (Ray Data; "
                                             "pip install 'zhibiao[ray]').")] = "local",
    address: Annotated[str | None, typer.Option(
        help="Ray cluster to join: auto, HOST:PORT or ray://HOST:PORT (default: start a local Ray instance).")] = None,
    out: Annotated[str | None, typer.Option(
        "--out", help="Write Parquet shards (documents/ and facts/) to this folder or URL instead of JSONL; "
                      "required with --engine ray.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace shards already in --out.")] = False,
) -> None:
    """Extract facts (quantities, projects, policy rules) from documents."""
    if fmt not in ("jsonl", "table"):
        _err(f"unknown format {fmt!r}: use jsonl or table")
        raise typer.Exit(2)
    if engine not in ("local", "ray"):
        _err(f"unknown engine {engine!r}: use local or ray")
        raise typer.Exit(2)
    if address and engine != "ray":
        _err("--address joins a Ray cluster: add --engine ray")
        raise typer.Exit(2)
    if engine == "ray" and not out:
        _err("--engine ray writes Parquet shards: give the folder with --out DIR")
        raise typer.Exit(2)
    if out and (output or fmt != "jsonl"):
        _err("--out writes Parquet shards instead of JSONL: drop --output/--format")
        raise typer.Exit(2)
    if engine == "ray":
        _extract_ray(paths, out or "", address, workers, date, encoding, overwrite)
        return
    from zhibiao.scale.local import run_local

    results = run_local(paths, 1 if workers is None else workers, encoding=encoding, date=date)
    if out:
        _extract_shards(results, out, overwrite)
        return
    failures: list[str] = []
    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for result in results:
            if result.error:
                _err(result.error)
                failures.append(result.error)
                continue
            records = _rows(result.facts, with_codes)
            if fmt == "jsonl":
                for r in records:
                    stream.write(json.dumps(r, ensure_ascii=False) + "\n")
            else:
                _table(records, stream)
    finally:
        if output:
            stream.close()
    if failures:
        raise typer.Exit(1)


def _parts(n: int) -> str:
    return f"{n} part" + ("" if n == 1 else "s")


def _extract_shards(results: Iterable, out: str, overwrite: bool) -> None:
    """`extract --out` with the local engine: results to Parquet shards, a summary on stderr."""
    import time

    from zhibiao.scale.parquet import ShardError, ShardWriter

    started = time.perf_counter()
    try:
        writer = ShardWriter(out, overwrite=overwrite)
        failed = 0
        for result in results:
            if result.error:
                _err(result.error)
                failed += 1
            writer.add(result)
        manifest = writer.close()
    except (ShardError, OSError) as err:
        _err(str(err))
        raise typer.Exit(1) from None
    print(f"zhibiao: {manifest['documents']:,} documents ({failed} failed), {manifest['facts']:,} facts "
          f"→ {out} ({_parts(len(manifest['parts']))}) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if failed:
        raise typer.Exit(1)


def _extract_ray(paths: list[str], out: str, address: str | None, workers: int | None, date: str | None,
                 encoding: str | None, overwrite: bool) -> None:
    """`extract --engine ray`: a Ray Data run writing Parquet shards, a summary on stderr."""
    from zhibiao.scale.ray_engine import EngineError, run_ray

    if address and workers:
        _err("--workers sets the CPUs of a local Ray instance; a cluster joined with --address has its own")
        raise typer.Exit(2)
    try:
        stats = run_ray(paths, out, address=address, num_cpus=workers or None, encoding=encoding, date=date,
                        overwrite=overwrite)
    except EngineError as err:
        _err(str(err))
        raise typer.Exit(1) from None
    for error in stats.errors:
        _err(error)
    print(f"zhibiao: {stats.documents:,} documents ({stats.failed} failed), {stats.facts:,} facts → {out} "
          f"({_parts(stats.parts)}) in {stats.run_seconds:.1f} s on {stats.cpus:g} CPUs "
          f"(+ {stats.startup_seconds:.1f} s Ray start-up)", file=sys.stderr)
    if stats.failed:
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
    from zhibiao.extract.evaluate import format_scores, load_records, score

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


def main() -> None:
    """Entry point of the `zhibiao` console script."""
    app()


# --------------------------------------------------------------------------- fact base
# Thin wrappers: the work is in zhibiao.commands (and zhibiao.store, ingest, query, compare, targets).

DbOption = Annotated[str | None, typer.Option(
    "--db", envvar="ZHIBIAO_DB", show_envvar=True,
    help="The fact base: a path (default ./zhibiao.db) or a URL (sqlite:///PATH, postgresql://…).")]
FormatOption = Annotated[str | None, typer.Option(
    "--format", "-f", help="table, csv, json, jsonl, xlsx or parquet (default: from -o's extension, else table).")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
NoBomOption = Annotated[bool, typer.Option("--no-bom", help="CSV without the UTF-8 BOM Excel needs.")]
PlaceOption = Annotated[list[str] | None, typer.Option(
    "--place", "-p", help="Place name, alias, full name or 6-digit code (repeatable).")]
WithinOption = Annotated[str | None, typer.Option(
    help="A place and every place below it (--within 广州市; 全国 or 中国: everywhere).")]
PeriodOption = Annotated[str | None, typer.Option(
    help="2023, 2023年, 2024H1, 2024Q1, 2020-01/2020-07, or years 2019-2025 (also 2019:2025, 2019~2025, 2019/2025, "
         "2019年至2025年; 2019: from 2019 on).")]
WideOption = Annotated[bool, typer.Option(
    "--wide", help="Tables in full: every character of every cell (default: cut with … to the terminal).")]
IndicatorOption = Annotated[list[str] | None, typer.Option(
    "--indicator", "-i", help="Indicator id or any of its names: gdp, 地区生产总值, GDP (repeatable).")]


def _described(ctx: typer.Context) -> str:
    """The command as typed, for the notes of an export (from the parsed options, not argv)."""
    parts = [f"zhibiao {ctx.command.name}"]
    for name, value in ctx.params.items():
        if value in (None, False, [], ()) or name in ("db", "output", "fmt", "no_bom"):
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            parts.append(f"--{name.replace('_', '-')}" + ("" if item is True else f" {item}"))
    return " ".join(parts)


@app.command()
def ingest(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders (recursive) or glob patterns.")] = None,
    db: DbOption = None,
    date: Annotated[str | None, typer.Option(help="The documents' date (YYYY-MM-DD) when the text lacks one.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Decode text files with this encoding.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Extract again even documents already stored.")] = False,
    jobs: Annotated[int | None, typer.Option("--workers", "--jobs", "-j",
                                             help="Extraction processes (default: CPUs).")] = None,
    engine: Annotated[str, typer.Option(help="local (processes on this machine) or ray.")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster: auto, HOST:PORT or ray://HOST:PORT.")] = None,
    out: Annotated[str | None, typer.Option(help="With --engine ray: keep the Parquet shards here.")] = None,
    from_parquet: Annotated[str | None, typer.Option(
        "--from-parquet", help="Store facts from Parquet shards made elsewhere (extract/ingest --engine ray).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every document.")] = False,
) -> None:
    """Extract documents and store them with their facts (idempotent: unchanged files are skipped)."""
    from zhibiao import commands

    if engine not in ("local", "ray"):
        commands.err(f"unknown engine {engine!r}: use local or ray")
        raise typer.Exit(2)
    if not paths and not from_parquet:
        commands.err("nothing to ingest: give files or folders, or --from-parquet DIR")
        raise typer.Exit(2)
    if engine == "ray" or from_parquet:
        raise typer.Exit(commands.run(lambda: commands.ingest_engine(
            db, paths or [], engine, address, out, from_parquet, date, encoding, force)))
    raise typer.Exit(commands.run(lambda: commands.ingest(db, paths or [], date, encoding, force, jobs, verbose)))


@app.command()
def query(
    ctx: typer.Context,
    place: PlaceOption = None,
    within: WithinOption = None,
    indicator: IndicatorOption = None,
    period: PeriodOption = None,
    kind: Annotated[str | None, typer.Option(help="actual or target.")] = None,
    measure: Annotated[str | None, typer.Option(help="level, growth, change, share, rank or rate.")] = None,
    fact_type: Annotated[str | None, typer.Option("--type", help="quantity, project or policy.")] = None,
    search: Annotated[str | None, typer.Option(
        "--search", "-s", help="Words in the subject or evidence (all must occur): 新能源汽车 投资.")] = None,
    doc: Annotated[int | None, typer.Option(help="Only this document id.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N rows (tables default to 100; 0: all).")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    unit: Annotated[str | None, typer.Option(
        help="Money in 万元 or 亿元 instead of 元 (values in 元, investments, caps).")] = None,
    no_bom: NoBomOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Find stored facts by place, indicator, period, kind, measure, type and words."""
    from zhibiao import commands
    from zhibiao.analysis.query import Filters

    flt = Filters(place=place, within=within, indicator=indicator, period=period, kind=kind, measure=measure,
                  type=fact_type, search=search, doc=doc)
    raise typer.Exit(commands.run(lambda: commands.query(db, flt, fmt, output, limit, not no_bom,
                                                         _described(ctx), wide=wide, unit=unit)))


@app.command()
def compare(
    ctx: typer.Context,
    indicator: Annotated[str, typer.Option("--indicator", "-i", help="Indicator id or name: gdp, 地区生产总值.")],
    measure: Annotated[str, typer.Option(help="level, growth, change, share, rank or rate.")] = "level",
    kind: Annotated[str, typer.Option(help="actual or target.")] = "actual",
    place: PlaceOption = None,
    within: WithinOption = None,
    periods: Annotated[str | None, typer.Option(
        help="Years as columns: 2019-2025 (or 2019:2025, 2019年至2025年).")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    no_bom: NoBomOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """A place × year table of one indicator (≠ marks cells whose sources disagree)."""
    from zhibiao import commands

    raise typer.Exit(commands.run(lambda: commands.compare(db, indicator, measure, kind, place, within, periods, fmt,
                                                           output, not no_bom, _described(ctx), wide)))


@app.command()
def targets(
    ctx: typer.Context,
    place: PlaceOption = None,
    within: WithinOption = None,
    period: PeriodOption = None,
    indicator: IndicatorOption = None,
    measure: Annotated[str | None, typer.Option(help="level, growth, change, share, rank or rate.")] = None,
    status: Annotated[str | None, typer.Option(help="Only met, missed or pending.")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    no_bom: NoBomOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Each target beside the actual reported later: met, missed or pending, with both sources."""
    from zhibiao import commands

    raise typer.Exit(commands.run(lambda: commands.targets(db, place, within, period, indicator, measure, status, fmt,
                                                           output, not no_bom, _described(ctx), wide)))


@app.command()
def conflicts(
    ctx: typer.Context,
    place: PlaceOption = None,
    within: WithinOption = None,
    indicator: IndicatorOption = None,
    period: PeriodOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    no_bom: NoBomOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Reports of the same place, indicator, period, kind and measure whose values contradict."""
    from zhibiao import commands
    from zhibiao.analysis.query import Filters

    flt = Filters(place=place, within=within, indicator=indicator, period=period)
    raise typer.Exit(commands.run(lambda: commands.conflicts(db, flt, fmt, output, not no_bom,
                                                             _described(ctx), wide)))


@app.command()
def show(
    fact_id: Annotated[int, typer.Argument(help="A fact id (first column of `zhibiao query`).")],
    db: DbOption = None,
) -> None:
    """A fact with its fields and its sentence in context."""
    from zhibiao import commands

    raise typer.Exit(commands.run(lambda: commands.show(db, fact_id)))


@app.command()
def flag(
    fact_id: Annotated[int, typer.Argument(help="A fact id (first column of `zhibiao query`).")],
    note: Annotated[str | None, typer.Option("--note", "-n", help="Why the fact is wrong.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the mark instead.")] = False,
    db: DbOption = None,
) -> None:
    """Mark a fact wrong (compare, targets and conflicts leave it out; exports say flagged), or --clear it."""
    from zhibiao import commands

    raise typer.Exit(commands.run(lambda: commands.flag(db, fact_id, note, clear)))


@app.command("doc")
def doc_command(
    doc_ref: Annotated[str | None, typer.Argument(metavar="[DOC_ID]", help="A document id or file name.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N facts (default 100; 0: all).")] = None,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """A document's metadata and facts; without DOC_ID, the list of documents."""
    from zhibiao import commands

    raise typer.Exit(commands.run(lambda: commands.doc(db, doc_ref, limit, wide)))


@app.command()
def demo(db: DbOption = None, wide: WideOption = False) -> None:
    """Ingest the real documents bundled with zhibiao into ./zhibiao.db; compare places, check targets."""
    from importlib.resources import as_file, files

    from zhibiao import commands

    bundled = files("zhibiao.data").joinpath("demo")
    serve = any((c.name or getattr(c.callback, "__name__", "")) == "serve" for c in app.registered_commands)
    with as_file(bundled) as folder:
        status = commands.run(lambda: commands.demo_database(db, str(folder), serve, wide))
    raise typer.Exit(status)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    token: Annotated[str | None, typer.Option(
        envvar="ZHIBIAO_TOKEN", show_envvar=True,
        help="API token that allows uploads (POST /api/documents); without one the server is read-only.")] = None,
    max_upload_mb: Annotated[float, typer.Option(help="Largest upload accepted, in MB.", min=0.001)] = 50,
    workers: Annotated[int, typer.Option(help="Server processes (more serve more clients at once).", min=1)] = 1,
) -> None:
    """Browse the fact base in a web browser, and serve its JSON API (docs at /docs)."""
    from zhibiao import commands

    raise typer.Exit(commands.run(lambda: _serve(db, host, port, token, max_upload_mb, workers)))


def _serve(db: str | None, host: str, port: int, token: str | None, max_upload_mb: float, workers: int) -> int:
    try:
        import uvicorn

        from zhibiao.web.app import create_app, http_protocol
    except ImportError as err:
        from zhibiao.commands import Failed

        raise Failed(f"the web app needs {err.name}: pip install 'zhibiao' with its dependencies") from None
    from zhibiao.commands import Failed, note, opened

    with opened(db) as store:  # fail here, with the CLI's message, when the database cannot be used
        where = store.where
    if host not in ("127.0.0.1", "localhost", "::1"):
        note(f"listening on {host}: other machines can reach this server" + ("" if token else " (read-only)"))
    note(f"serving {where} at http://{'[' + host + ']' if ':' in host else host}:{port}/ "
         f"({'uploads allowed with the token' if token else 'read-only'}); Ctrl-C stops")
    if workers > 1:  # one process takes the connections, `workers` processes answer (zhibiao.web.pool)
        from zhibiao.store import resolve_url
        from zhibiao.web.pool import PoolApp

        uvicorn.run(PoolApp(resolve_url(db), workers, token or None, max_upload_mb), host=host, port=port,
                    log_level="warning", http=http_protocol())
        return 0
    try:
        app = create_app(db, token=token or "", max_upload_mb=max_upload_mb)
    except Exception as err:  # StoreError and the like: one line
        raise Failed(str(err)) from None
    uvicorn.run(app, host=host, port=port, log_level="warning", http=http_protocol())
    return 0
