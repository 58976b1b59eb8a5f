"""Serving with several processes: one event loop takes every connection, a pool of processes answers.

``zhibiao serve --workers N`` (N > 1) runs this front app in one uvicorn process. It reads each
request, hands it to the first free one of N worker processes (a `ProcessPoolExecutor`), each
of which holds the full web app (`zhibiao.web.app.create_app`) and its own database
connections, and sends back the answer the worker produced.

Why not uvicorn's own ``--workers``: there the processes share the listening socket and each
accepts every pending connection it can. Clients that keep their connection open (browsers,
the benchmark's 20 clients) then stay with whichever process woke first: measured, 19 of 20
connections on one of two processes, which left one core idle and tripled the latency. Here
the work is balanced per request, whatever the connections do.

The front refuses an upload that is not allowed before reading its body (as `Guard` does in a
single process) and reads at most the upload limit. A worker that dies answers its request
with 503 and the pool is started again. Each worker keeps its own response cache; an upload
clears the cache of the worker that stored it, and the others notice the new document within
`zhibiao.web.data.CACHE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from zhibiao.web.app import MULTIPART_SLACK, Message, Receive, Scope, Send, Settings, error, secured, upload_refusal

#: Scope keys a worker needs to answer (the rest, such as uvicorn's state, stays in the front).
_SCOPE_KEYS = ("type", "asgi", "http_version", "method", "scheme", "path", "raw_path", "root_path", "query_string",
               "headers", "client", "server")
#: Largest body the front reads for a request that is not an upload.
MAX_OTHER_BODY = 1024 * 1024

_app: Any = None
_loop: asyncio.AbstractEventLoop | None = None


def _start_worker(db: str, token: str | None, max_upload_mb: float) -> None:
    """Pool initializer: build this worker's app and event loop."""
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


def _ready() -> bool:
    return _app is not None


class PoolApp:
    """The front ASGI app: reads requests, has the pool answer them."""

    def __init__(self, db: str, workers: int, token: str | None, max_upload_mb: float) -> None:
        """Serve the fact base `db` (path or URL) with `workers` processes."""
        self.db = db
        self.workers = workers
        self.settings = Settings(token, max_upload_mb)
        self.pool: ProcessPoolExecutor | None = None

    def _start_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker,
                                   initargs=(self.db, self.settings.token, self.settings.max_upload_mb))
        for done in [pool.submit(_ready) for _ in range(self.workers)]:
            done.result()  # every worker started, or the error that stopped one
        return pool

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

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.pool = await asyncio.get_running_loop().run_in_executor(None, self._start_pool)
                except Exception as err:  # reported to uvicorn, which stops
                    await send({"type": "lifespan.startup.failed", "message": f"worker processes: {err}"})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    self.pool.shutdown(wait=True, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = (self.settings.max_upload_bytes + MULTIPART_SLACK if scope.get("method") == "POST"
                 else MAX_OTHER_BODY)
        body = await _read_body(receive, limit)
        if body is None:
            await error(413, f"the request body is over {limit / 1024 / 1024:.1f} MB")(scope, receive, send)
            return
        pool = self.pool
        if pool is None:
            await error(503, "the server processes are starting; try again")(scope, receive, send)
            return
        request = {k: scope[k] for k in _SCOPE_KEYS if k in scope}
        loop = asyncio.get_running_loop()
        try:
            messages = await loop.run_in_executor(pool, _answer, request, body)
        except BrokenProcessPool:
            await error(503, "a server process stopped while answering; try again")(scope, receive, send)
            if self.pool is pool:  # the first request to see the broken pool replaces it
                self.pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = await loop.run_in_executor(None, self._start_pool)
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
