"""Local engine: `process` in N worker processes on one machine, results in input order.

The parent hands each worker one document at a time over its own pipe, so it always knows
which document a worker holds. A worker that dies (a crash in a native library, the OOM
killer, ``os._exit``, SIGKILL) costs exactly that document: it is reported as failed
("worker died (killed by SIGKILL)"), a fresh worker takes its place, and every other document
is processed once. At most `window` documents are in flight or waiting to be yielded, so
memory stays bounded however many inputs there are.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from zhibiao.extract.pipeline import DocResult, failed, process
from zhibiao.scale import default_workers

#: The per-document function: ``fn(path, encoding=..., date=...) -> DocResult``.
ProcessFn = Callable[..., DocResult]


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # not Linux: the worker still ends when its pipe closes
        return


def _worker_main(conn: Connection, fn: ProcessFn, kwargs: dict[str, Any]) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        seq, source = job
        try:
            result = fn(source, **kwargs)
        except Exception as err:  # fn should not raise; if it does, the document fails, not the worker
            result = failed(os.path.basename(source), source, f"{source}: {type(err).__name__}: {err}")
        try:
            conn.send((seq, result))
        except (EOFError, OSError):
            return
        except Exception as err:  # an unpicklable result
            conn.send((seq, failed(os.path.basename(source), source, f"{source}: result not sendable ({err})")))


def _death_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "worker died"
    if exitcode < 0:
        try:
            return f"worker died (killed by {signal.Signals(-exitcode).name})"
        except ValueError:
            return f"worker died (killed by signal {-exitcode})"
    return f"worker died (exit code {exitcode})"


@dataclass(eq=False)
class _Worker:
    proc: Any
    conn: Connection
    job: tuple[int, str] | None = None
    started: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class _Pool:
    """Worker processes fed one document at a time; replaced when they die."""

    def __init__(self, n: int, fn: ProcessFn, kwargs: dict[str, Any], start_method: str | None) -> None:
        methods = multiprocessing.get_all_start_methods()
        method = start_method or ("fork" if "fork" in methods else "spawn")
        self.ctx = multiprocessing.get_context(method)
        self.fn, self.kwargs = fn, kwargs
        self.workers: list[_Worker] = []
        self.restarts = 0
        if method == "fork":
            from zhibiao.extract.pipeline import warm_up

            warm_up()  # loaded once in the parent, shared copy-on-write by the forked workers
        for _ in range(n):
            self.workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.fn, self.kwargs), daemon=True,
                                name="zhibiao-worker")
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def replace(self, w: _Worker) -> None:
        """Kill `w` if it still runs, reap it, and put a fresh worker in its place."""
        with contextlib.suppress(Exception):
            w.conn.close()
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        self.workers[self.workers.index(w)] = self._spawn()
        self.restarts += 1

    def close(self) -> None:
        """Stop every worker (politely, then by force)."""
        for w in self.workers:
            with contextlib.suppress(Exception):
                w.conn.send(None)
        deadline = time.monotonic() + 2
        for w in self.workers:
            w.proc.join(max(0.0, deadline - time.monotonic()) if w.job is None else 0)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(5)
            with contextlib.suppress(Exception):
                w.conn.close()


def _jobs(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[str | DocResult]:
    """Document paths of the inputs (folders and globs expanded); failures as `DocResult`s."""
    from zhibiao.load import LoadError, iter_inputs

    for item in iter_inputs(os.fspath(i) for i in inputs):
        if isinstance(item, LoadError):
            yield failed(os.path.basename(item.path) or item.path, item.path, str(item))
        else:
            yield str(item)


def run_local(
    inputs: Iterable[str | os.PathLike[str]],
    workers: int | None = None,
    *,
    encoding: str | None = None,
    date: str | None = None,
    fn: ProcessFn = process,
    timeout: float | None = None,
    window: int | None = None,
    isolate: bool | None = None,
    start_method: str | None = None,
) -> Iterator[DocResult]:
    """`DocResult`s of the documents under `inputs` (files, folders, globs), in input order.

    `workers` processes (None or 0: every CPU this process may use) run `fn` (default
    `zhibiao.extract.pipeline.process`) on one document at a time. With one worker and `isolate`
    unset, documents run in this process (no pool). A document whose worker dies, or runs
    longer than `timeout` seconds, is yielded as failed; the others are unaffected and none
    is processed twice. At most `window` (default 4 per worker) documents are in flight or
    buffered. Inputs that do not exist are yielded as failed results in their place.
    """
    n = workers or default_workers()
    if n < 0:
        raise ValueError(f"workers must be at least 1 (0 or None: all CPUs), got {workers}")
    kwargs: dict[str, Any] = {"encoding": encoding, "date": date}
    if n == 1 and not isolate and timeout is None:
        for job in _jobs(inputs):
            yield job if isinstance(job, DocResult) else fn(job, **kwargs)
        return
    yield from _run_pool(_jobs(inputs), n, fn, kwargs, timeout, window or 4 * n, start_method)


def _assign(pool: _Pool, i: int, job: tuple[int, str]) -> None:
    """Send `job` to worker `i`; one that died while idle is replaced first."""
    for _ in range(3):
        w = pool.workers[i]
        try:
            w.conn.send(job)
        except OSError:
            pool.replace(w)
            continue
        w.job, w.started = job, time.monotonic()
        return
    raise RuntimeError("zhibiao: worker processes die as soon as they start")


def _run_pool(jobs: Iterator[str | DocResult], n: int, fn: ProcessFn, kwargs: dict[str, Any],
              timeout: float | None, window: int, start_method: str | None) -> Iterator[DocResult]:
    pool = _Pool(n, fn, kwargs, start_method)
    done: dict[int, DocResult] = {}
    next_seq = next_out = 0
    exhausted = False
    try:
        while True:
            # Feed idle workers, never running more than `window` ahead of what was yielded.
            for i in range(len(pool.workers)):
                while pool.workers[i].job is None and not exhausted and next_seq - next_out < window:
                    job = next(jobs, None)
                    if job is None:
                        exhausted = True
                    elif isinstance(job, DocResult):
                        done[next_seq] = job
                        next_seq += 1
                    else:
                        _assign(pool, i, (next_seq, job))
                        next_seq += 1
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            busy = [w for w in pool.workers if w.job is not None]
            if not busy:
                if exhausted and not done:
                    return
                continue
            wait_for: float | None = None
            if timeout is not None:
                now = time.monotonic()
                wait_for = max(0.0, min(w.started + timeout - now for w in busy))
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_for))
            for w in busy:
                assert w.job is not None
                seq, source = w.job
                if w.conn in ready or w.proc.sentinel in ready:
                    try:
                        if w.conn.poll():
                            got_seq, result = w.conn.recv()
                            done[got_seq] = result
                            w.job = None
                            continue
                    except (EOFError, OSError):
                        pass
                    if w.proc.is_alive() and w.proc.sentinel not in ready:
                        continue  # spurious wake-up
                    w.proc.join(5)
                    done[seq] = failed(os.path.basename(source), source,
                                       f"{source}: {_death_reason(w.proc.exitcode)}")
                    w.job = None
                    pool.replace(w)
                elif timeout is not None and time.monotonic() - w.started >= timeout:
                    done[seq] = failed(os.path.basename(source), source,
                                       f"{source}: worker killed after {timeout:g} s on this document")
                    w.job = None
                    pool.replace(w)
    finally:
        pool.close()
