"""What the fact-base commands do (`zhibiao ingest`, `query`, `compare`, `targets`, `conflicts`,
`show`, `doc`, and the database part of `demo`); `zhibiao.cli` declares their options.

Every expected failure (no database, not a zhibiao database, locked, unknown place or
indicator, bad period or format) ends as one ``zhibiao: error: …`` line on stderr and exit
status 1; an empty result is said on stderr with exit status 0.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Rows a terminal table shows unless --limit says otherwise.
TABLE_LIMIT = 100


class Failed(Exception):
    """A command failed with a message already worth showing; exit status 1."""


def err(message: str) -> None:
    """One error line on stderr."""
    print(f"zhibiao: error: {message}", file=sys.stderr)


def note(message: str) -> None:
    """One informational line on stderr (kept off stdout, which may be data)."""
    print(f"zhibiao: {message}", file=sys.stderr)


@contextmanager
def opened(db: str | None, create: bool = False) -> Iterator[Any]:
    """The store for a command; expected errors become `Failed`."""
    from sqlalchemy.exc import DBAPIError

    from zhibiao.analysis.export import ExportError
    from zhibiao.analysis.query import QueryError
    from zhibiao.store import StoreError, open_store
    from zhibiao.store.db import translate

    try:
        store = open_store(db, create=create)
    except StoreError as e:
        raise Failed(str(e)) from None
    try:
        yield store
    except (QueryError, ExportError) as e:
        raise Failed(str(e)) from None
    except StoreError as e:
        raise Failed(str(e)) from None
    except DBAPIError as e:
        translated = translate(e, store.where)
        if translated is None:
            raise
        raise Failed(str(translated)) from None
    finally:
        store.close()


def run(action: Callable[[], int | None]) -> int:
    """Run a command body: `Failed` → error line and 1; else its exit status (0 by default)."""
    try:
        return action() or 0
    except Failed as e:
        err(str(e))
        return 1


def ingest(db: str | None, paths: Sequence[str], date: str | None, encoding: str | None, force: bool,
           workers: int | None, verbose: bool) -> int:
    """`zhibiao ingest`: store the documents, print the summary; 1 if any file failed."""
    from zhibiao.store.ingest import Progress
    from zhibiao.store.ingest import ingest as run_ingest

    with opened(db, create=True) as store:
        progress = Progress()
        try:
            summary = run_ingest(store, paths, date=date, encoding=encoding, force=force, workers=workers,
                                 on_error=err, progress=progress)
        finally:
            progress.close()
        if verbose or len(summary.documents) <= 20:
            for status, doc_id, name in summary.documents:
                print(f"  {status:<9} doc {doc_id:>5}  {name}")
        for line in summary.lines(store.where):
            print(line)
    return 0 if summary.ok else 1


def ingest_engine(db: str | None, paths: Sequence[str], engine: str, address: str | None, out: str | None,
                  from_parquet: str | None, date: str | None, encoding: str | None, force: bool) -> int:
    """`zhibiao ingest --engine ray` / `--from-parquet DIR`: store facts extracted as Parquet shards."""
    import tempfile

    from zhibiao.scale.parquet import read_shards
    from zhibiao.store.ingest import ingest_results

    with tempfile.TemporaryDirectory(prefix="zhibiao-ray-") as scratch:
        shards = from_parquet
        if engine == "ray":
            from zhibiao.scale.ray_engine import run_ray

            shards = out or scratch
            stats = run_ray(paths, shards, address, encoding=encoding, date=date, overwrite=out is None)
            note(f"ray: {stats.documents} documents ({stats.failed} failed) extracted in {stats.seconds:.1f} s "
                 f"on {stats.cpus:g} CPUs; shards in {shards}")
        assert shards is not None
        with opened(db, create=True) as store:
            summary = ingest_results(store, read_shards(shards), force=force, on_error=err)
            for line in summary.lines(store.where):
                print(line)
    return 0 if summary.ok else 1


def _output(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str | None, output: Path | None, *,
            store: Any, query: str, table: Callable[[list[dict[str, Any]]], Any], bom: bool, sheet: str,
            doc_ids: set[int] | None = None, total: int | None = None, wide: bool = False) -> None:
    from zhibiao.analysis import export, views

    chosen = export.choose_format(fmt, output)
    if chosen == "table":
        con = views.console(output.open("w", encoding="utf-8") if output else None, wide)
        con.print(views.fit(table(rows), con))
        if total is not None and total > len(rows):
            note(f"showing {len(rows)} of {total:,} rows; --limit 0 shows all, -o FILE.csv/.xlsx exports them")
        return
    sources = export.sources(store, doc_ids) if chosen == "xlsx" and doc_ids else []
    export.write(rows, columns, chosen, output, sources=sources, query=query, sheet=sheet, bom=bom)
    if output:
        note(f"wrote {len(rows):,} rows to {output}")


def query(db: str | None, flt: Any, fmt: str | None, output: Path | None, limit: int | None, bom: bool,
          described: str, wide: bool = False, unit: str | None = None) -> int:
    """`zhibiao query`: matching facts as a table, or streamed to a file (money in `unit` if given)."""
    from itertools import chain

    from zhibiao.analysis import export, views
    from zhibiao.analysis.query import COLUMNS, count, find, iter_find

    with opened(db) as store:
        chosen = export.choose_format(fmt, output)
        export.check_unit(unit)
        if chosen != "table":  # every match, a batch at a time: memory does not grow with the result
            rows = iter_find(store, flt, limit or None)
            first = next(rows, None)
            if first is None:
                note("no facts match")
                return 0
            n = export.write(chain([first], rows), COLUMNS, chosen, output, sources=lambda ids: export.sources(
                store, ids), query=described, sheet="facts", bom=bom, unit=unit)
            if output:
                note(f"wrote {n:,} rows to {output}")
            return 0
        cap = TABLE_LIMIT if limit is None else (limit or None)
        found = list(export.in_unit(find(store, flt, cap), unit))
        if not found:
            note("no facts match")
            return 0
        total = count(store, flt) if cap and len(found) == cap else len(found)
        _output(found, COLUMNS, fmt, output, store=store, query=described, table=views.facts_table, bom=bom,
                sheet="facts", doc_ids={r["doc_id"] for r in found}, total=total, wide=wide)
    return 0


def compare(db: str | None, indicator: str, measure: str, kind: str, place: list[str] | None, within: str | None,
            periods: str | None, fmt: str | None, output: Path | None, bom: bool, described: str,
            wide: bool = False) -> int:
    """`zhibiao compare`: a place × period table; disagreeing cells marked and explained below."""
    from zhibiao.analysis import views
    from zhibiao.analysis.compare import compare as run_compare
    from zhibiao.analysis.compare import wide_records

    with opened(db) as store:
        cmp = run_compare(store, indicator, measure=measure, kind=kind, place=place, within=within, periods=periods)
        if not cmp.cells:
            note(f"no {kind} {measure} reports of {cmp.indicator} match")
            return 0
        columns, rows = wide_records(cmp)
        doc_ids = {r["doc_id"] for c in cmp.cells.values() for r in c.reports}
        _output(rows, columns, fmt, output, store=store, query=described, table=lambda _: views.compare_table(cmp),
                bom=bom, sheet=f"{cmp.indicator} {cmp.measure}"[:31], doc_ids=doc_ids, wide=wide)
        if fmt in (None, "table") and output is None:
            _compare_notes(cmp)
    return 0


def _compare_notes(cmp: Any) -> None:
    from zhibiao.analysis import views

    marks = "≈ about · > over · < under · ≥ at least · ≤ at most · ≠ reports disagree · – no report"
    print(f"cell = value as reported ({marks})")
    if cmp.other_units:
        print("left out (other units): " + ", ".join(f"{n} in {u}" for u, n in cmp.other_units.items()))
    for cell in cmp.cells.values():
        if cell.disagree:
            shown = "; ".join(f"{views.value_text(r['value'], r['unit'], r['qualifier'])} in {r['doc']} "
                              f"(fact {r['id']})" for r in cell.reports)
            print(f"≠ {cell.region} {cell.period} ({cell.conflict}): {shown}")


def targets(db: str | None, place: list[str] | None, within: str | None, period: str | None,
            indicator: list[str] | None, measure: str | None, status: str | None, fmt: str | None,
            output: Path | None, bom: bool, described: str, wide: bool = False) -> int:
    """`zhibiao targets`: each target, the actual reported for it, met / missed / pending."""
    from zhibiao.analysis import views
    from zhibiao.analysis.targets import TARGET_COLUMNS, target_records
    from zhibiao.analysis.targets import targets as run_targets

    with opened(db) as store:
        found = run_targets(store, place=place, within=within, period=period, indicator=indicator, measure=measure)
        if status:
            if status not in ("met", "missed", "pending"):
                raise Failed(f"unknown status {status!r}: use met, missed or pending")
            found = [r for r in found if r.status == status]
        if not found:
            note("no targets match")
            return 0
        doc_ids = {r.target["doc_id"] for r in found} | {r.actual["doc_id"] for r in found if r.actual}
        _output(target_records(found), TARGET_COLUMNS, fmt, output, store=store, query=described,
                table=lambda _: views.targets_table(found), bom=bom, sheet="targets", doc_ids=doc_ids, wide=wide)
        if fmt in (None, "table") and output is None:
            tally = {s: sum(r.status == s for r in found) for s in ("met", "missed", "pending")}
            print(f"{len(found)} targets: {tally['met']} met, {tally['missed']} missed, {tally['pending']} pending")
    return 0


def conflicts(db: str | None, flt: Any, fmt: str | None, output: Path | None, bom: bool, described: str,
              wide: bool = False) -> int:
    """`zhibiao conflicts`: reports of the same thing that cannot all be true."""
    from zhibiao.analysis import views
    from zhibiao.analysis.compare import CONFLICT_COLUMNS, conflict_records
    from zhibiao.analysis.compare import conflicts as run_conflicts

    with opened(db) as store:
        groups = run_conflicts(store, flt)
        if not groups:
            note("no conflicting reports found")
            return 0
        rows = conflict_records(groups)
        _output(rows, CONFLICT_COLUMNS, fmt, output, store=store, query=described,
                table=lambda _: views.conflicts_table(groups), bom=bom, sheet="conflicts",
                doc_ids={r["doc_id"] for r in rows}, wide=wide)
    return 0


def show(db: str | None, fact_id: int) -> int:
    """`zhibiao show`: a fact with its sentence."""
    from zhibiao.analysis import views
    from zhibiao.analysis.query import fact

    with opened(db) as store:
        row = fact(store, fact_id)
        if row is None:
            raise Failed(f"no fact {fact_id} in {store.where} (ids are in the first column of `zhibiao query`)")
        views.console().print(views.fact_view(row))
    return 0


def flag(db: str | None, fact_id: int, note: str | None, clear: bool) -> int:
    """`zhibiao flag`: mark a fact wrong with an optional note, or remove the mark."""
    from zhibiao.store.flags import FlagError, clear_flag, flag_fact

    if clear and note:
        raise Failed("--note and --clear: give one of them")
    with opened(db) as store:
        try:
            if clear:
                removed = clear_flag(store, fact_id)
                print(f"fact {fact_id}: mark removed" if removed else f"fact {fact_id} was not marked wrong")
            else:
                done = flag_fact(store, fact_id, note)
                print(f"fact {fact_id}: marked wrong at {done['flagged_at']}" + (f" ({note})" if note else ""))
        except FlagError as err:
            raise Failed(f"{err} in {store.where} (ids are in the first column of `zhibiao query`)") from None
    return 0


def doc(db: str | None, doc_ref: str | None, limit: int | None, wide: bool = False) -> int:

    """`zhibiao doc`: the documents, or one document's metadata and facts."""
    from zhibiao.analysis import views
    from zhibiao.analysis.query import closest_documents, document, document_list

    with opened(db) as store:
        con = views.console(wide=wide)
        if doc_ref is None:
            con.print(views.fit(views.documents_table(document_list(store)), con))
            return 0
        found = document(store, doc_ref)
        if found is None:
            raise Failed(f"no document {doc_ref!r} in {store.where}{closest_documents(store, doc_ref)}")
        meta, rows = found
        con.print(views.document_view(meta))
        cap = TABLE_LIMIT if limit is None else (limit or None)
        con.print(views.fit(views.facts_table(rows[:cap] if cap else rows, title=f"{len(rows)} facts"), con))
        if cap and len(rows) > cap:
            note(f"showing {cap} of {len(rows)} facts; --limit 0 shows all")
    return 0


def demo_database(db: str | None, folder: str, serve: bool = False, wide: bool = False) -> int:
    """The database part of `zhibiao demo`: ingest, a compare table, a targets table, what next."""
    from zhibiao.analysis import views
    from zhibiao.analysis.compare import compare as run_compare
    from zhibiao.analysis.targets import targets as run_targets
    from zhibiao.store.ingest import ingest as run_ingest

    with opened(db, create=True) as store:
        summary = run_ingest(store, [folder], on_error=err)
        for status, doc_id, name in summary.documents:
            print(f"  {status:<9} doc {doc_id:>5}  {name}")
        for line in summary.lines(store.where):
            print(line)
        con = views.console(wide=wide)
        cmp = run_compare(store, "gdp", measure="growth")
        if cmp.cells:
            print("\nzhibiao compare --indicator gdp --measure growth")
            con.print(views.fit(views.compare_table(cmp), con))
        rows = [r for r in run_targets(store) if r.target["indicator"]]
        if rows:
            print("\nzhibiao targets   (targets with an indicator id)")
            con.print(views.fit(views.targets_table(rows[:20]), con))
        db_opt = "" if store.where.endswith("/zhibiao.db") and Path(store.where).parent == Path.cwd() else \
            f" --db {store.where}"
        print(f"""
Go on with your own documents:
  zhibiao ingest REPORTS/{db_opt}                 # files, folders or globs; run again any time
  zhibiao query --within 广州市 --indicator gdp{db_opt}   # -o facts.xlsx / .csv / .parquet
  zhibiao compare --indicator gdp --measure growth --within 广州市 --periods 2019:2025{db_opt}
  zhibiao targets --place 广州市白云区{db_opt}
  zhibiao conflicts{db_opt}
  zhibiao show FACT_ID{db_opt}
  python -c 'import zhibiao; print(zhibiao.open("zhibiao.db").facts(indicator="gdp"))'""")
        if serve:
            print(f"  zhibiao serve{db_opt}   # browse the facts with their sources")
    return 0 if summary.ok else 1
