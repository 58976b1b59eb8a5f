"""Ray engine: extraction as a Ray Data pipeline, on a local Ray instance or an existing cluster.

    input paths / URLs ──(driver lists them)──▶ ray.data.from_items
        ──map_batches(read bytes → process → write one pair of Parquet shards)──▶ status rows

Each task reads its files (local paths, or any pyarrow/fsspec filesystem URL the workers can
read: ``s3://``, ``gs://``, ``hdfs://``, ``abfs://``, ``file://`` …), runs
`zhibiao.extract.pipeline.process` on each, and writes ``facts/part-….parquet`` and
``documents/part-….parquet`` under the output folder itself, so documents never travel back to
the driver; only one small status row per document does. Ray's streaming executor applies
back-pressure, so millions of inputs never sit in memory at once.

A task whose worker process dies is retried; a node-local marker per document in progress
tells the retry which document was being processed, and a document that killed its worker
`MAX_DEATHS` times is reported as failed ("worker died …") while the rest of its task
completes. Part names follow from the documents, so a retried task overwrites its own files;
the manifest lists each document's pair once.

Ray is an optional dependency: ``pip install 'zhibiao[ray]'``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import socket
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from zhibiao.extract.pipeline import DocResult, failed, process

#: Seconds to wait for a TCP connection to a cluster before giving up.
CONNECT_TIMEOUT = 5.0
#: Tasks per CPU when the documents are split (each task extracts a batch and writes one shard).
#: Each task costs a pause of 0.1-0.3 s (Ray Data looks for finished tasks every 0.1 s), so
#: fewer is better, as long as the run does not end on one long task (see `_largest_first`).
TASKS_PER_CPU = 4
#: Deaths of a worker process on one document before that document is reported as failed.
MAX_DEATHS = 2
#: Retries of a Ray task whose worker process died (enough for two such documents in one task).
MAX_RETRIES = 2 * MAX_DEATHS + 1
_MAX_BYTES = 100 * 2**20
_MAX_SIDECAR = 2**20

ProcessFn = Callable[..., DocResult]


class EngineError(Exception):
    """The engine cannot run (Ray missing, cluster unreachable, bad output folder); one line."""


@dataclass
class RunStats:
    """What one `run_ray` did."""

    documents: int = 0
    failed: int = 0
    facts: int = 0
    parts: int = 0
    errors: list[str] = field(default_factory=list)  # one line per failed document, in input order
    startup_seconds: float = 0.0  # ray.init (0 when Ray was already running in this process)
    run_seconds: float = 0.0  # listing, extraction and writing
    cpus: float = 0.0  # CPUs of the Ray cluster
    out_dir: str = ""
    address: str | None = None

    @property
    def seconds(self) -> float:
        """Start-up plus run time."""
        return self.startup_seconds + self.run_seconds


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as err:
        raise EngineError(f"the Ray engine needs Ray: pip install 'zhibiao[ray]' ({err})") from None
    return ray


# -- inputs --------------------------------------------------------------------------------

def _is_url(item: str) -> bool:
    return "://" in item


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/") if part)


def list_inputs(inputs: Iterable[str]) -> Iterator[str | DocResult]:
    """Document paths/URLs under `inputs`, in order; an input that yields nothing as a failed result.

    Local paths, folders and globs expand as ``zhibiao extract`` expands them. A URL names a
    file (taken whatever its extension) or a folder (searched recursively for the supported
    extensions, hidden entries skipped).
    """
    from zhibiao.load import SUPPORTED_EXTENSIONS
    from zhibiao.scale.local import _jobs
    from zhibiao.scale.parquet import ShardError, filesystem

    local: list[str] = []

    def flush() -> Iterator[str | DocResult]:
        if local:
            yield from _jobs(list(local))
            local.clear()

    for raw in inputs:
        item = os.fspath(raw)
        if not _is_url(item):
            local.append(item)
            continue
        yield from flush()
        import pyarrow.fs as pafs

        try:
            fs, path = filesystem(item)
            info = fs.get_file_info(path)
        except (ShardError, OSError, ValueError) as err:
            yield failed(item.rsplit("/", 1)[-1], item, f"{item}: cannot open ({err})")
            continue
        if info.type == pafs.FileType.File:
            yield item
            continue
        if info.type != pafs.FileType.Directory:
            yield failed(item.rsplit("/", 1)[-1], item, f"{item}: no such file or directory")
            continue
        base = item.rstrip("/")
        found = []
        for f in fs.get_file_info(pafs.FileSelector(path, recursive=True)):
            rel = f.path[len(path.rstrip("/")):].lstrip("/")
            if f.type == pafs.FileType.File and not _hidden(rel) and \
                    os.path.splitext(f.base_name)[1].lower() in SUPPORTED_EXTENSIONS:
                found.append(rel)
        if not found:
            yield failed(base.rsplit("/", 1)[-1], item, f"{item}: no documents found in folder (supported: "
                         + " ".join(SUPPORTED_EXTENSIONS) + ")")
        for rel in sorted(found):
            yield f"{base}/{rel}"
    yield from flush()


# -- one document on a worker --------------------------------------------------------------

def _fetch(url: str, folder: str) -> str:
    """Copy the file at `url` (and its sidecar ``.meta.json``, if any) into `folder`; its local path."""
    import pyarrow.fs as pafs

    from zhibiao.scale.parquet import filesystem

    fs, path = filesystem(url)
    name = path.rsplit("/", 1)[-1] or "document"
    local = os.path.join(folder, name)
    with fs.open_input_stream(path) as src, open(local, "wb") as dst:
        dst.write(src.read(_MAX_BYTES + 1))
    parent = path.rsplit("/", 1)[0] if "/" in path else ""
    stem = os.path.splitext(name)[0]
    for cand in (name + ".meta.json", stem + ".meta.json"):
        cpath = f"{parent}/{cand}" if parent else cand
        info = fs.get_file_info(cpath)
        if info.type == pafs.FileType.File and (info.size or 0) <= _MAX_SIDECAR:
            with fs.open_input_stream(cpath) as src, open(os.path.join(folder, cand), "wb") as dst:
                dst.write(src.read())
            break
    return local


def process_location(source: str, fn: ProcessFn = process, **kwargs: Any) -> DocResult:
    """`fn` on a local path, or on a URL's file fetched to a scratch folder (labelled with the URL)."""
    if not _is_url(source):
        return fn(source, **kwargs)
    name = source.rstrip("/").rsplit("/", 1)[-1]
    folder = tempfile.mkdtemp(prefix="zhibiao-")
    try:
        try:
            local = _fetch(source, folder)
        except Exception as err:
            return failed(name, source, f"{source}: cannot read ({type(err).__name__}: {err})")
        result = fn(local, **kwargs)
        result.path = source
        if result.error and result.error.startswith(local):
            result.error = source + result.error[len(local):]
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _guarded(i: int, src: str, markers: str, fn: ProcessFn, kwargs: dict[str, Any]) -> DocResult:
    """`process_location`, unless earlier attempts on this node died on this very document.

    A marker file (node-local) records each attempt and is removed when the document is done;
    markers left behind are attempts whose worker process died. After `MAX_DEATHS` of them the
    document is reported as failed, so the retried task completes without it.
    """
    marker = os.path.join(markers, str(i))
    try:
        with open(marker, "a+") as f:
            f.seek(0)
            deaths = len(f.read())
            f.write("x")
    except OSError:
        deaths = 0
    if deaths >= MAX_DEATHS:  # the marker stays, so that a later retry of the task skips it too
        return failed(src.rstrip("/").rsplit("/", 1)[-1], src,
                      f"{src}: worker died ({deaths} attempts on this document ended their worker process)")
    result = process_location(src, fn, **kwargs)
    with contextlib.suppress(OSError):
        os.remove(marker)
    return result


def _markers(run_id: str) -> str:
    return os.path.join(tempfile.gettempdir(), "zhibiao-ray", run_id)


def _process_batch(batch: Any, out_dir: str, run_id: str, fn: ProcessFn, kwargs: dict[str, Any]) -> Any:
    """Ray task: process the batch's documents, write their pair of shards, return status rows."""
    import pyarrow as pa

    from zhibiao.scale.parquet import write_shard

    markers = _markers(run_id)
    os.makedirs(markers, exist_ok=True)
    rows = batch.to_pylist()
    results = [(int(r["i"]), _guarded(int(r["i"]), r["src"], markers, fn, kwargs)) for r in rows]
    info = write_shard(out_dir, results)
    return pa.table({
        "i": pa.array([i for i, _ in results], pa.int64()),
        "part": pa.array([info.part] * len(results), pa.string()),
        "n_facts": pa.array([len(r.facts) for _, r in results], pa.int64()),
        "error": pa.array([r.error for _, r in results], pa.string()),
    })


# -- connecting ----------------------------------------------------------------------------

def _host_port(address: str) -> tuple[str, int] | None:
    rest = address.split("://", 1)[1] if "://" in address else address
    rest = rest.split("/", 1)[0]
    if rest.startswith("["):  # [ipv6]:port
        host, _, port = rest[1:].partition("]:")
    else:
        host, _, port = rest.rpartition(":")
    if not host or not port.isdigit():
        return None
    return host, int(port)


def _resolve(address: str) -> str:
    """The concrete address for `address` (``auto`` looks up RAY_ADDRESS and the running cluster)."""
    if address != "auto":
        return address
    env = os.environ.get("RAY_ADDRESS")
    if env and env != "auto":
        return env
    try:
        from ray._private.services import get_ray_address_from_environment
    except ImportError:  # a Ray without this helper: let ray.init find it
        return address
    try:
        found = get_ray_address_from_environment("auto", None)
    except ConnectionError:
        raise EngineError("--address auto: no running Ray cluster found on this machine (start one with "
                          "`ray start --head`, or give ray://HEAD:10001)") from None
    return found or address


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> str:
    """Raise `EngineError` unless a TCP connection to the cluster at `address` opens within `timeout` s.

    Returns the resolved address. ``auto`` is resolved first (RAY_ADDRESS, then the cluster
    this machine last started or joined).
    """
    resolved = _resolve(address)
    hp = _host_port(resolved)
    if hp is None:
        if resolved == "auto":
            return resolved
        raise EngineError(f"--address {address}: not an address (use auto, HOST:PORT or ray://HOST:PORT)")
    host, port = hp
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except TimeoutError:
        raise EngineError(f"cannot reach the Ray cluster at {resolved}: no answer within {timeout:g} s") from None
    except OSError as err:
        reason = err.strerror or str(err)
        raise EngineError(f"cannot reach the Ray cluster at {resolved}: {reason}") from None
    problem = _grpc_probe(host, port, timeout)
    if problem:
        raise EngineError(f"cannot reach the Ray cluster at {resolved}: {problem}")
    return resolved


def _grpc_probe(host: str, port: int, timeout: float) -> str | None:
    """Why `host:port` is not a gRPC server (Ray's GCS and client server both are), or None.

    A made-up method is called: a gRPC server answers UNIMPLEMENTED at once, while a proxy or
    another HTTP/2 server answers with an HTTP status and a dead end never answers.
    """
    if os.environ.get("RAY_USE_TLS", "0").lower() not in ("0", "false", ""):
        return None  # a TLS cluster: the TCP check above is all we do
    try:
        import grpc
    except ImportError:
        return None
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    channel = grpc.insecure_channel(target)
    try:
        ping = channel.unary_unary("/zhibiao.Probe/Ping", request_serializer=bytes, response_deserializer=bytes)
        ping(b"", timeout=timeout)
        return None
    except grpc.RpcError as err:
        code, details = err.code(), err.details() or ""
        if code == grpc.StatusCode.UNIMPLEMENTED and not details.startswith("Received http2 header"):
            return None
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return f"no gRPC answer within {timeout:g} s"
        return f"it does not answer as a Ray cluster ({code.name}: {details})"
    finally:
        channel.close()


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[-1] if text else ''}"


# -- the run -------------------------------------------------------------------------------

@dataclass
class _Outcome:
    """What came back from the tasks: which documents, their errors, and the parts written."""

    seen: bytearray
    errors: dict[int, str] = field(default_factory=dict)
    shards: dict[str, Any] = field(default_factory=dict)  # part name -> ShardInfo


@contextlib.contextmanager
def _without_memory_budget(ray: Any) -> Iterator[None]:
    """Ray Data's settings for the datasets made inside: no object-store memory budget.

    Ray Data's default resource-budget back-pressure starts one task, waits for its output to
    size the budget, then adds tasks one by one, each after a pause: measured on two CPUs, the
    second CPU started a second late and every task after 0.1-0.3 s. Here each task returns a
    few bytes per document (the shards go straight to files) and the inputs are a list of
    paths, so there is no memory to guard; CPUs alone bound the tasks. The other policies stay,
    and the setting is put back afterwards (the caller's own Ray session may run other datasets).
    A Ray without these (internal) names keeps its defaults.
    """
    try:
        from ray.data._internal.execution.backpressure_policy import (
            ENABLED_BACKPRESSURE_POLICIES,
            ENABLED_BACKPRESSURE_POLICIES_CONFIG_KEY,
            ResourceBudgetBackpressurePolicy,
        )
    except ImportError:
        yield
        return
    ctx = ray.data.DataContext.get_current()
    saved = ctx.get_config(ENABLED_BACKPRESSURE_POLICIES_CONFIG_KEY, None)
    current = saved if saved is not None else ENABLED_BACKPRESSURE_POLICIES
    ctx.set_config(ENABLED_BACKPRESSURE_POLICIES_CONFIG_KEY,
                   [p for p in current if p is not ResourceBudgetBackpressurePolicy])
    try:
        yield
    finally:
        if saved is None:
            ctx.remove_config(ENABLED_BACKPRESSURE_POLICIES_CONFIG_KEY)
        else:
            ctx.set_config(ENABLED_BACKPRESSURE_POLICIES_CONFIG_KEY, saved)


def _largest_first(jobs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Jobs by file size, largest first (URLs, whose size is not at hand, after them as they came).

    Batches are contiguous runs of jobs, so they then go from long to short: the run ends on
    short batches, and no CPU sits idle while another finishes a long last one (measured on
    two CPUs: the last of eight batches in input order kept one CPU busy alone for 1-2 s).
    """
    def size(job: tuple[int, str]) -> int:
        if _is_url(job[1]):
            return -1
        try:
            return os.stat(job[1]).st_size
        except OSError:
            return -1

    return sorted(jobs, key=size, reverse=True)


def _run_pass(ray: Any, jobs: list[tuple[int, str]], per_task: int, out_dir: str, run_id: str, fn: ProcessFn,
              kwargs: dict[str, Any], size: int) -> _Outcome:
    """Run `jobs` through Ray Data, `per_task` documents per task, and gather their status rows."""
    from zhibiao.scale.parquet import ShardInfo

    outcome = _Outcome(seen=bytearray(size))
    if not jobs:
        return outcome
    with _without_memory_budget(ray):
        ds = ray.data.from_items([{"i": i, "src": src} for i, src in jobs],
                                 override_num_blocks=max(1, math.ceil(len(jobs) / per_task)))
        args: dict[str, Any] = {"batch_size": per_task, "batch_format": "pyarrow", "zero_copy_batch": True,
                                "fn_kwargs": {"out_dir": out_dir, "run_id": run_id, "fn": fn, "kwargs": kwargs},
                                "num_cpus": 1}
        with warnings.catch_warnings():
            # Ray Data retries a task whose worker died forever by default; bound it (the remote
            # argument is deprecated from Ray 2.60 on without a replacement, hence the fallback).
            warnings.simplefilter("ignore")
            try:
                ds = ds.map_batches(_process_batch, **args, max_retries=MAX_RETRIES)
            except TypeError:
                ds = ds.map_batches(_process_batch, **args)
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            columns = (batch.column(c).to_pylist() for c in ("i", "part", "n_facts", "error"))
            for i, part, n_facts, error in zip(*columns, strict=True):
                if outcome.seen[i]:
                    continue  # a status row seen already (a retried task): count each document once
                outcome.seen[i] = 1
                info = outcome.shards.setdefault(part, ShardInfo(part, 0, 0, 0))
                info.documents += 1
                info.facts += n_facts
                if error:
                    info.failed += 1
                    outcome.errors[i] = error
    return outcome


def _drive(inputs: list[str], out_dir: str, kwargs: dict[str, Any], docs_per_task: int | None, overwrite: bool,
           fn: ProcessFn, address: str | None) -> RunStats:
    """The run itself, in a process connected to Ray (the caller's, or a task on the cluster)."""
    import ray

    from zhibiao.scale.parquet import ShardError, finish, prepare_out_dir, write_shard

    stats = RunStats(out_dir=out_dir, address=address)
    t1 = time.perf_counter()
    data_log = logging.getLogger("ray.data")
    saved_level = data_log.level
    data_log.setLevel(logging.WARNING)
    try:
        try:
            prepare_out_dir(out_dir, overwrite)
        except (ShardError, OSError) as err:
            raise EngineError(str(err)) from None
        stats.cpus = float(ray.cluster_resources().get("CPU", 1) or 1)
        jobs: list[tuple[int, str]] = []
        early: list[tuple[int, DocResult]] = []
        for i, item in enumerate(list_inputs(inputs)):
            if isinstance(item, DocResult):
                early.append((i, item))
            else:
                jobs.append((i, item))
        jobs = _largest_first(jobs)
        per_task = docs_per_task or max(1, min(256, math.ceil(len(jobs) / (TASKS_PER_CPU * stats.cpus))))
        run_id = uuid.uuid4().hex
        try:
            outcome = _run_pass(ray, jobs, per_task, out_dir, run_id, fn, kwargs, len(jobs) + len(early))
        except Exception as err:
            raise EngineError(f"the Ray run failed: {_first_line(err)}") from err
        finally:
            shutil.rmtree(_markers(run_id), ignore_errors=True)
        missing = [(i, failed(src.rstrip("/").rsplit("/", 1)[-1], src, f"{src}: no result came back from Ray"))
                   for i, src in jobs if not outcome.seen[i]]
        shards = outcome.shards
        for chunk in (early, missing):
            if chunk:
                info = write_shard(out_dir, chunk)
                shards[info.part] = info
                outcome.errors.update((i, r.error or "") for i, r in chunk)
        finish(out_dir, shards.values(), "ray", {"cpus": stats.cpus, "address": address})
        stats.documents = sum(s.documents for s in shards.values())
        stats.facts = sum(s.facts for s in shards.values())
        stats.parts = len(shards)
        stats.errors = [outcome.errors[i] for i in sorted(outcome.errors)]
        stats.failed = len(stats.errors)
    finally:
        data_log.setLevel(saved_level)
        stats.run_seconds = time.perf_counter() - t1
    return stats


def _client_mode(ray: Any) -> bool:
    try:
        return bool(ray.util.client.ray.is_connected())
    except AttributeError:
        return False


def run_ray(
    inputs: Iterable[str],
    out_dir: str,
    address: str | None = None,
    num_cpus: int | None = None,
    *,
    encoding: str | None = None,
    date: str | None = None,
    docs_per_task: int | None = None,
    overwrite: bool = False,
    runtime_env: dict[str, Any] | None = None,
    fn: ProcessFn = process,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> RunStats:
    """Extract every document under `inputs` with Ray Data; Parquet shards go to `out_dir`.

    Without `address` a local Ray instance is started (`num_cpus` CPUs, default all) and shut
    down afterwards. With ``auto`` (the cluster this machine runs or last joined), ``HOST:PORT``
    (the head's GCS, from a cluster node) or ``ray://HOST:PORT`` (Ray Client, from anywhere;
    the run then drives itself from a task on the cluster) it joins that cluster, whose workers
    must have zhibiao installed (or get it through `runtime_env`), read `inputs` and write
    `out_dir` (a shared folder or a URL such as ``s3://bucket/run``). An address that does not
    answer fails within `connect_timeout` seconds with `EngineError`. If Ray is already
    initialised in this process, that session is used and left running.

    `out_dir` must not hold shards already unless `overwrite`. Bad documents are counted,
    listed in `RunStats.errors` and stored as rows with an ``error`` in documents.parquet.
    """
    ray = _ray()
    started_here = False
    t0 = time.perf_counter()
    if not ray.is_initialized():
        common: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING,
                                  "log_to_driver": False}
        if runtime_env:
            common["runtime_env"] = runtime_env
        if address and address != "local":
            resolved = check_reachable(address, connect_timeout)
            try:  # "auto" goes to Ray as is: it then picks up the local cluster's auth token
                ray.init(address=address if address == "auto" else resolved, **common)
            except (ConnectionError, RuntimeError) as err:
                raise EngineError(
                    f"cannot join the Ray cluster at {resolved}: {_first_line(err)} (a cluster with token "
                    "authentication needs RAY_AUTH_MODE=token and RAY_AUTH_TOKEN or RAY_AUTH_TOKEN_PATH)"
                ) from None
        else:
            ray.init(address="local", num_cpus=num_cpus, **common)
        started_here = True
    startup = time.perf_counter() - t0
    args = ([os.fspath(i) for i in inputs], out_dir, {"encoding": encoding, "date": date}, docs_per_task,
            overwrite, fn, address)
    try:
        if _client_mode(ray):  # Ray Data needs a driver inside the cluster: run it as a task there
            stats = ray.get(ray.remote(num_cpus=0, max_retries=0)(_drive).remote(*args))
        else:
            stats = _drive(*args)
    finally:
        if started_here:
            with contextlib.suppress(Exception):
                ray.shutdown()
    stats.startup_seconds = startup
    return stats
