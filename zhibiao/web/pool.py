"""Serving with several processes: one event loop takes every connection, worker processes answer.

``zhibiao serve --workers N`` (N > 1) runs this front app in one uvicorn process. It reads each
request and hands it, over a pipe, to the first idle one of N worker processes, each of which
holds the full web app (`zhibiao.web.app.create_app`) and its own database connections; the
worker sends back the ASGI messages of its answer, which the front sends on.

Why not uvicorn's own ``--workers``: there the processes share the listening socket and each
accepts every pending connection it can. Clients that keep their connection open (browsers,
the benchmark's 20 clients) then stay with whichever process woke first: measured, 19 of 20
connections on one of two processes, which left one core idle and tripled the latency. Here
the work is balanced per request, whatever the connections do. The dispatch runs on the front's
event loop itself (a pipe per worker, watched with ``add_reader``): a `ProcessPoolExecutor`
did the same with two helper threads and cost the front twice the CPU per request.

The front refuses an upload that is not allowed before reading its body (as `Guard` does in a
single process) and reads at most the upload limit. A worker that dies answers its request
with 503 and is replaced. Each worker keeps its own response cache; an upload clears the cache
of the worker that stored it, and the others notice the new document within
`zhibiao.web.data.CACHE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import collections
import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any

from zhibiao.web.app import MULTIPART_SLACK, Message, Receive, Scope, Send, Settings, error, secured, upload_refusal

#: Scope keys a worker needs to answer (the rest, such as uvicorn's state, stays in the front).
_SCOPE_KEYS = ("type", "asgi", "http_version", "method", "scheme", "path", "raw_path", "root_path", "query_string",
               "headers", "client", "server")
#: Largest body the front reads for a request that is not an upload.
MAX_OTHER_BODY = 1024 * 1024
#: Seconds the workers get to start (import, open the database, load the gazetteer).
START_TIMEOUT = 120.0
READY = "ready"

_app: Any = None
_loop: asyncio.AbstractEventLoop | None = None


def _start_worker(db: str, token: str | None, max_upload_mb: float) -> None:
    """Build this worker's app and event loop."""
    global _app, _loop
    from zhibiao.web.app import create_app, warm_up

    _app = create_app(db, token=token or "", max_upload_mb=max_upload_mb)
    _loop = asyncio.new_event_loop()
    warm_up()  # the worker never runs the app's lifespan


def _answer(scope: dict[str, Any], body: bytes) -> list[Message]:
    """Run one request through this worker's app: the ASGI messages it sends."""
    assert _app is not None and _loop is not None
    sent: list[Message] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the answer is sent
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(dict(message))

    _loop.run_until_complete(_app(dict(scope), receive, send))
    return sent


def _worker_main(conn: Connection, db: str, token: str | None, max_upload_mb: float) -> None:
    """A worker process: say it is ready, then answer requests until the front closes the pipe."""
    _start_worker(db, token, max_upload_mb)
    conn.send(READY)
    while True:
        try:
            scope, body = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_answer(scope, body))


class WorkerDied(Exception):
    """The worker process answering a request stopped."""


class _Worker:
    """One worker process, the pipe to it, and the request it is answering (if any)."""

    def __init__(self, args: tuple[str, str | None, float]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, *args), daemon=True,
                                       name="zhibiao-web-worker")
        self.process.start()
        child.close()
        self.waiter: asyncio.Future[Any] | None = None
        self.ready = False


class PoolApp:
    """The front ASGI app: reads requests, has the workers answer them."""

    def __init__(self, db: str, workers: int, token: str | None, max_upload_mb: float) -> None:
        """Serve the fact base `db` (path or URL) with `workers` processes."""
        self.size = workers
        self.settings = Settings(token, max_upload_mb)
        self.args = (db, self.settings.token, self.settings.max_upload_mb)
        self.workers: list[_Worker] = []
        self.idle: collections.deque[_Worker] = collections.deque()  # longest idle first
        self.queue: collections.deque[tuple[tuple[dict[str, Any], bytes], asyncio.Future[Any]]] = collections.deque()
        self.serving = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call (lifespan or HTTP)."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            refusal = upload_refusal(scope, self.settings)
            if refusal is not None:  # before the body is read
                await refusal(scope, receive, secured(send, scope.get("path", "")))
            else:
                await self._answer(scope, receive, send)

    # -- workers -------------------------------------------------------------------------------

    def _spawn(self, awaited: bool = True) -> _Worker:
        worker = _Worker(self.args)
        if awaited:  # resolved by its "ready"
            worker.waiter = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().add_reader(worker.conn.fileno(), self._readable, worker)
        # uvloop makes a watched descriptor non-blocking; whole messages are read and written
        # here at once (the worker is writing or waiting to read), so make it blocking again
        os.set_blocking(worker.conn.fileno(), True)
        self.workers.append(worker)
        return worker

    def _readable(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._died(worker)
            return
        waiter, worker.waiter = worker.waiter, None
        if waiter is not None and not waiter.done():  # done: its client went away meanwhile
            waiter.set_result(message)
        worker.ready = True
        self.idle.append(worker)
        self._feed()

    def _died(self, worker: _Worker) -> None:
        if worker not in self.workers:
            return  # noticed twice (a failed send, then the end of its pipe)
        asyncio.get_running_loop().remove_reader(worker.conn.fileno())
        worker.conn.close()
        worker.process.join(0.1)
        self.workers.remove(worker)
        if worker in self.idle:
            self.idle.remove(worker)
        if worker.waiter is not None and not worker.waiter.done():
            worker.waiter.set_exception(WorkerDied(f"exit code {worker.process.exitcode}"))
        if self.serving and worker.ready:  # a worker that never started is not retried
            self._spawn(awaited=False)
        if not self.workers:
            while self.queue:
                _, waiter = self.queue.popleft()
                if not waiter.done():
                    waiter.set_exception(WorkerDied("no worker process is left"))

    def _feed(self) -> None:
        while self.queue and self.idle:
            request, waiter = self.queue.popleft()
            if waiter.done():
                continue  # its client went away
            worker = self.idle.popleft()
            worker.waiter = waiter
            try:
                worker.conn.send(request)
            except OSError:  # it died after it went idle: its request fails as if it died answering
                self._died(worker)

    async def _call(self, request: tuple[dict[str, Any], bytes]) -> list[Message]:
        if not self.workers:
            raise WorkerDied("no worker process is left")
        waiter: asyncio.Future[list[Message]] = asyncio.get_running_loop().create_future()
        self.queue.append((request, waiter))
        self._feed()
        return await waiter

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                started = [self._spawn() for _ in range(self.size)]
                try:
                    await asyncio.wait_for(asyncio.gather(*(w.waiter for w in started if w.waiter)), START_TIMEOUT)
                except (WorkerDied, TimeoutError) as err:
                    await send({"type": "lifespan.startup.failed", "message": f"worker processes did not start: {err}"})
                    return
                self.serving = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.serving = False
                for worker in list(self.workers):
                    asyncio.get_running_loop().remove_reader(worker.conn.fileno())
                    worker.conn.close()  # the worker reads EOF and exits
                for worker in self.workers:
                    worker.process.join(5)
                    if worker.process.is_alive():
                        worker.process.kill()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- requests ------------------------------------------------------------------------------

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = (self.settings.max_upload_bytes + MULTIPART_SLACK if scope.get("method") == "POST"
                 else MAX_OTHER_BODY)
        body = await _read_body(receive, limit)
        if body is None:
            await error(413, f"the request body is over {limit / 1024 / 1024:.1f} MB")(scope, receive, send)
            return
        try:
            messages = await self._call(({k: scope[k] for k in _SCOPE_KEYS if k in scope}, body))
        except WorkerDied:
            await error(503, "a server process stopped while answering; try again")(scope, receive, send)
            return
        for message in messages:
            await send(message)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is longer than `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
