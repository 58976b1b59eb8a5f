"""Ingest: files → loaded, extracted documents → the fact base, in batches of documents.

The writer (`zhibiao.store.write.BatchWriter`) commits up to 32 documents or a second's worth
at a time, each document under its own savepoint: one the database refuses leaves nothing of
itself and the batch goes on; an interrupt or a database error rolls back the open batch only,
so no document is ever half stored, and the documents rolled back count as not processed.

A file is known by its content key: the SHA-256 of its bytes, its sidecar metadata file and
the options that change its facts (``--date``, ``--encoding``). Keys already stored as
current are skipped before anything is loaded or extracted, so running the same command
again after a crash only does the work that is left. Loading and extraction (the slow part)
run in worker processes when there are enough files; the main process writes, in order.

A database error that will not go away by itself (locked past the timeout, disk full) stops
the batch; every document written before it stays complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from zhibiao.extract.pipeline import DocResult
from zhibiao.store import Store, StoreError
from zhibiao.store.db import translate
from zhibiao.store.write import BatchWriter, Prepared, Written, sync_indicators

#: Below this many files to extract, worker processes cost more than they save.
PARALLEL_FROM = 8
#: Documents per worker process submitted ahead of the writer (bounds ingest's memory).
IN_FLIGHT = 2
#: Documents from another engine whose hashes are looked up in one query (`ingest_results`).
KNOWN_BATCH = 256


@dataclass
class Failure:
    """A file that could not be ingested, and why (one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        """``path: reason``."""
        return f"{self.path}: {self.reason}"


@dataclass
class Summary:
    """What one ingest did."""

    stored: int = 0
    replaced: int = 0
    unchanged: int = 0
    same_text: int = 0  # files whose text a stored document has: added to its sources
    facts_added: int = 0
    facts_removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    skipped: list[Failure] = field(default_factory=list)  # files in folders that are no documents (README.md)
    stopped: str | None = None  # why the batch stopped early, if it did
    not_done: int = 0  # files left when it stopped
    documents: list[tuple[str, int, str]] = field(default_factory=list)  # (status, doc id, name)
    seconds: float = 0.0
    write_seconds: float = 0.0  # of `seconds`, the time spent writing documents to the database

    @property
    def ok(self) -> bool:
        """No file failed and the batch ran to its end."""
        return not self.failed and self.stopped is None

    def lines(self, where: str) -> list[str]:
        """The summary as printed by ``zhibiao ingest``."""
        same = f", {self.same_text} same text as a stored document (added as its sources)" if self.same_text else ""
        head = (f"{where}: {self.stored} documents stored, {self.replaced} replaced by a new version, "
                f"{self.unchanged} unchanged{same}, {len(self.failed)} failed; {self.facts_added:,} facts added")
        if self.facts_removed:
            head += f" ({self.facts_removed:,} facts of older versions removed)"
        out = [head + f" in {self.seconds:.1f} s"]
        if self.skipped:
            out.append("skipped:")
            out.extend(f"  {f}" for f in self.skipped)
        if self.failed:
            out.append("failed:")
            out.extend(f"  {f}" for f in self.failed)
        if self.stopped:
            out.append(f"stopped early: {self.stopped}; {self.not_done} files not processed "
                       "(run the same command again to finish)")
        return out


def content_key(path: Path, date: str | None = None, encoding: str | None = None) -> tuple[str, int]:
    """SHA-256 over the file's bytes, its sidecar ``.meta.json`` and the options; and its size."""
    h = hashlib.sha256()
    data = path.read_bytes()
    h.update(data)
    for sidecar in (path.with_name(path.name + ".meta.json"), path.with_name(path.stem + ".meta.json")):
        if sidecar.is_file():
            h.update(b"\0sidecar\0" + sidecar.read_bytes())
            break
    h.update(b"\0options\0" + json.dumps([date, encoding]).encode())
    return h.hexdigest(), len(data)


def prepare(path: Path, key: str, size: int, date: str | None = None, encoding: str | None = None) -> Prepared:
    """Load and extract one file (raises `zhibiao.load.LoadError` when it cannot be read)."""
    from zhibiao.extract.facts import extract
    from zhibiao.load import load_path

    doc = load_path(path, encoding=encoding)
    if date:
        doc.meta["date"] = date
    records = extract(doc.text, doc.name, doc.meta, doc.tables)
    prepared = Prepared(path=str(path.resolve()), name=doc.name, sha256=key, size=size, format=doc.format,
                        encoding=doc.encoding, meta=dict(doc.meta), text=doc.text, records=records)
    prepared.fact_values()  # the rows (bigrams, periods and all) are built here, in the worker
    prepared.document_fields()
    return prepared


def _prepare_safe(job: tuple[Path, str, int, str | None, str | None]) -> Prepared | Failure:
    from zhibiao.load import LoadError

    path = job[0]
    try:
        return prepare(*job)
    except LoadError as err:
        return Failure(err.path, err.reason)
    except Exception as err:  # an extractor bug must not stop the batch; report it for this file
        return Failure(str(path), f"extraction failed ({type(err).__name__}: {err})")


#: How much lower the extraction workers' CPU priority is than the writer's (``nice``): the one
#: writer sets the pace of a parallel ingest, so it must not wait for the CPU behind them.
WORKER_NICE = 5


def _worker_init() -> None:
    """Worker initializer: lower this worker's priority below the writer's; on Linux, be killed when
    the ingesting process dies (even by kill -9)."""
    with contextlib.suppress(OSError):  # not allowed here: run at the writer's priority
        os.nice(WORKER_NICE)
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # not Linux: workers still end when their queue closes
        return


def _prepared(jobs: Iterable[tuple[Path, str, int, str | None, str | None]], workers: int, count: int
              ) -> Iterator[Prepared | Failure]:
    """The `count` jobs loaded and extracted, in order: here, or in `workers` forked processes.

    At most `IN_FLIGHT` documents per worker are submitted and not yet taken, so results never
    queue up ahead of the writer and memory does not grow with the batch.
    """
    if workers <= 1 or count < PARALLEL_FROM:
        for job in jobs:
            yield _prepare_safe(job)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    from zhibiao.extract.pipeline import warm_up

    warm_up()  # loaders, extractor, gazetteer and taxonomy loaded once here, shared by forked workers
    import gc

    gc.freeze()  # keep the collector from touching (and so copying) the shared pages in every worker
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    todo = iter(jobs)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init) as pool:
        pending: deque[Future[Prepared | Failure]] = deque(
            pool.submit(_prepare_safe, job) for job in islice(todo, IN_FLIGHT * workers))
        try:
            while pending:
                result = pending.popleft().result()
                job = next(todo, None)
                if job is not None:  # submitted before the caller writes `result`: workers stay busy
                    pending.append(pool.submit(_prepare_safe, job))
                yield result
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _known_keys(store: Store, keys: list[str]) -> dict[str, tuple[int, str]]:
    from sqlalchemy import select

    from zhibiao.store.schema import document_sources, documents

    found: dict[str, tuple[int, str]] = {}
    with store.read() as conn:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            own = select(documents.c.sha256, documents.c.id, documents.c.name).where(
                documents.c.sha256.in_(chunk), documents.c.is_current)
            other = (select(document_sources.c.sha256, documents.c.id, documents.c.name)
                     .join(documents, documents.c.id == document_sources.c.doc_id)
                     .where(document_sources.c.sha256.in_(chunk), documents.c.is_current))
            for sha, doc_id, name in [*conn.execute(other), *conn.execute(own)]:
                found[sha] = (doc_id, name)
    return found


def default_workers() -> int:
    """Worker processes for extraction: the CPUs this process may use, at most 8."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def ingest(store: Store, inputs: Iterable[str], *, date: str | None = None, encoding: str | None = None,
           force: bool = False, workers: int | None = None,
           on_error: Callable[[str], None] | None = None,
           progress: Callable[[int, int, Summary], None] | None = None) -> Summary:
    """Ingest files, folders and glob patterns into `store`; see the module docstring.

    `on_error` is called with each failure as it happens; `progress(done, total, summary)`
    after each file.
    """
    from zhibiao.load import LoadError, iter_inputs

    started = time.perf_counter()
    summary = Summary()
    fail = _failer(summary, on_error)

    paths: list[Path] = []
    for item in iter_inputs(inputs, on_skip=lambda path, why: summary.skipped.append(Failure(str(path), why))):
        if isinstance(item, LoadError):
            fail(item.path, item.reason)
        else:
            paths.append(item)
    jobs = []
    for path in paths:
        try:
            key, size = content_key(path, date, encoding)
        except OSError as err:
            fail(str(path), f"cannot read ({err.strerror or err})")
            continue
        jobs.append((path, key, size, date, encoding))
    total = len(jobs)
    done = 0
    writer: BatchWriter | None = None
    try:
        sync_indicators(store)
        known = {} if force else _known_keys(store, [j[1] for j in jobs])
        todo = []
        for job in jobs:
            if job[1] in known:
                summary.unchanged += 1
                summary.documents.append(("unchanged", known[job[1]][0], job[0].name))
                done += 1
            else:
                todo.append(job)
        if progress and done:
            progress(done, total, summary)
        writer = _writer(store, force, summary)
        for result in _prepared(todo, default_workers() if workers is None else workers, len(todo)):
            if isinstance(result, Failure):
                fail(result.path, result.reason)
            else:
                _store_one(writer, result, summary, fail)
            done += 1
            if progress:
                progress(done, total, summary)
        _timed(summary, writer.commit)
    except (KeyboardInterrupt, Exception) as err:
        done -= writer.rollback() if writer else 0
        summary.stopped = _stop_reason(err, store)
    if summary.stored + summary.replaced and store.is_sqlite:  # PostgreSQL's autovacuum keeps its own
        try:
            store.optimize()  # the planner picks its indexes by these statistics
        except Exception as err:  # statistics are an optimisation: never fail an ingest over them
            if on_error:
                on_error(f"{store.where}: statistics not refreshed ({type(err).__name__})")
    summary.not_done = total - done
    summary.seconds = time.perf_counter() - started
    return summary


def _stop_reason(err: BaseException, store: Store) -> str:
    """Why a batch stopped: an interrupt or a database error (anything else is a bug: re-raised)."""
    if isinstance(err, KeyboardInterrupt):
        return "interrupted"
    if isinstance(err, StoreError):
        return str(err)
    translated = translate(err, store.where) if isinstance(err, Exception) else None
    if translated is None:
        raise err
    return str(translated)


def _failer(summary: Summary, on_error: Callable[[str], None] | None) -> Callable[[str, str], None]:
    """A function that records a failed document in `summary` and tells `on_error` about it."""

    def fail(path: str, reason: str) -> None:
        summary.failed.append(Failure(path, reason))
        if on_error:
            on_error(f"{path}: {reason}")

    return fail


def _writer(store: Store, force: bool, summary: Summary) -> BatchWriter:
    """A batch writer whose commits are counted in `summary`."""
    def counted(done: list[tuple[Written, str]]) -> None:
        for written, name in done:
            _count(summary, written, name)

    return BatchWriter(store, force=force, on_commit=counted)


def _timed(summary: Summary, step: Callable[[], Any]) -> Any:
    """Run `step`, its time added to the summary's writing time."""
    started = time.perf_counter()
    try:
        return step()
    finally:
        summary.write_seconds += time.perf_counter() - started


def _store_one(writer: BatchWriter, doc: Prepared, summary: Summary, fail: Callable[[str, str], None]) -> None:
    """Write one document in the writer's batch; one the database refuses for its data is a
    failure, not a stop (its savepoint is rolled back, the batch goes on)."""
    try:
        _timed(summary, lambda: writer.write(doc))
    except (DataError, IntegrityError) as err:  # this document's data, not the database
        fail(doc.path or doc.name, f"could not store ({str(err.orig).strip().splitlines()[0]})")


def _count(summary: Summary, written: Written, name: str) -> None:
    if written.status == "unchanged":
        summary.unchanged += 1
    elif written.status == "same_text":
        summary.same_text += 1
    elif written.status == "replaced":
        summary.replaced += 1
    else:
        summary.stored += 1
    summary.facts_added += written.facts_added
    summary.facts_removed += written.facts_removed
    summary.documents.append((written.status, written.doc_id, name))


class Progress:
    """Progress on stderr: a live bar on a terminal, a line every 10% elsewhere (long batches only)."""

    def __init__(self, stream: Any = None, min_files: int = 10) -> None:
        """Report to `stream` (stderr) when a batch has at least `min_files` files."""
        self.stream = stream or sys.stderr
        self.min_files = min_files
        self._bar: Any = None
        self._task: Any = None
        self._last_step = 0

    def __call__(self, done: int, total: int, summary: Summary) -> None:
        """Report that `done` of `total` files are handled."""
        if total < self.min_files:
            return
        if self.stream.isatty():
            if self._bar is None:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

                self._bar = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                                     TextColumn("{task.fields[facts]} facts"), TimeRemainingColumn(),
                                     console=Console(file=self.stream), transient=True)
                self._bar.start()
                self._task = self._bar.add_task("ingest", total=total, facts="0")
            self._bar.update(self._task, completed=done, facts=f"{summary.facts_added:,}")
            return
        step = done * 10 // total
        if step != self._last_step and total >= 100:
            self._last_step = step
            print(f"ingest: {done}/{total} files, {summary.facts_added:,} facts added", file=self.stream, flush=True)

    def close(self) -> None:
        """Remove the live bar."""
        if self._bar is not None:
            self._bar.stop()


def prepared_from(result: DocResult) -> Prepared | Failure:
    """A document extracted by another engine (`zhibiao.extract.pipeline.DocResult`) ready to write."""
    if not result.ok or result.sha256 is None:
        return Failure(result.path or result.name, (result.error or "no content").split(": ", 1)[-1])
    prepared = Prepared(path=result.path, name=result.name, sha256=result.sha256, size=result.size or 0,
                        format=result.format or "text", encoding=result.encoding, meta=dict(result.meta),
                        text=result.text, records=list(result.facts))
    prepared.fact_values()
    prepared.document_fields()
    return prepared


def _batches(items: Iterable[DocResult], size: int) -> Iterator[list[DocResult]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ingest_results(store: Store, results: Iterable[DocResult], *, force: bool = False,
                   on_error: Callable[[str], None] | None = None) -> Summary:
    """Store documents already extracted elsewhere (Ray shards, ``--from-parquet``), in batches
    as `ingest` does, idempotent by the SHA-256 of each document's bytes.

    As in `ingest`, a document the database refuses for its data is reported as failed and
    the others are still stored; on PostgreSQL the facts are loaded with COPY.
    """
    started = time.perf_counter()
    summary = Summary()
    fail = _failer(summary, on_error)

    writer: BatchWriter | None = None
    try:
        sync_indicators(store)
        writer = _writer(store, force, summary)
        for batch in _batches(results, KNOWN_BATCH):
            known = {} if force else _known_keys(store, [r.sha256 for r in batch if r.ok and r.sha256])
            for result in batch:
                if result.ok and result.sha256 in known:  # skipped before its rows are built
                    summary.unchanged += 1
                    summary.documents.append(("unchanged", known[result.sha256][0], result.name))
                    continue
                item = prepared_from(result)
                if isinstance(item, Failure):
                    fail(item.path, item.reason)
                else:
                    _store_one(writer, item, summary, fail)
        _timed(summary, writer.commit)
    except (KeyboardInterrupt, Exception) as err:
        if writer:
            writer.rollback()
        summary.stopped = _stop_reason(err, store)
    summary.seconds = time.perf_counter() - started
    return summary
