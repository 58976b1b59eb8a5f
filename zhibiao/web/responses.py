"""A cache of whole GET responses, valid until the fact base's documents change.

Every answer of the API and the pages is a function of the URL, the language cookie and the
stored documents, and the documents change only when something is ingested. So a repeated
request (the same explorer table, the same document) is answered from memory. An upload through
the server empties the cache at once; an ingest by another process is noticed within
`zhibiao.web.data.CACHE_SECONDS` (the documents' fingerprint is checked that often). Only 200
answers under `MAX_BODY` bytes are kept, in least-recently-used order up to `MAX_BYTES` in all.
``ZHIBIAO_WEB_CACHE=0`` turns it off (the benchmark does, to measure the work itself).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any

from zhibiao.web.app import ASGIApp, Message, Receive, Scope, Send

MAX_BYTES = 64 * 1024 * 1024
MAX_BODY = 2 * 1024 * 1024
_SKIP = ("/static/", "/docs", "/openapi.json")


class ResponseCache:
    """ASGI middleware replaying cached 200 responses to GET requests."""

    def __init__(self, app: ASGIApp, cache: Any, enabled: bool | None = None) -> None:
        """Wrap `app`; `cache` is the app's `zhibiao.web.data.Cache` (for the documents' fingerprint)."""
        self.app = app
        self.cache = cache
        self.enabled = (os.environ.get("ZHIBIAO_WEB_CACHE", "1") != "0") if enabled is None else enabled
        self._entries: OrderedDict[tuple[Any, ...], tuple[Any, list[Message]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every response."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from the cache, or pass on and keep the answer."""
        path = scope.get("path", "")
        if (not self.enabled or scope["type"] != "http" or scope.get("method") != "GET"
                or path.startswith(_SKIP)):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        if headers.get(b"authorization") or headers.get(b"x-zhibiao-token"):
            await self.app(scope, receive, send)
            return
        cookie = headers.get(b"cookie", b"")
        lang = b"en" if b"zhibiao_lang=en" in cookie else b"zh"
        key = (path, scope.get("query_string", b""), lang)
        generation = self.cache.generation()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == generation:
                self._entries.move_to_end(key)
                messages = hit[1]
            else:
                messages = None
        if messages is not None:
            for message in messages:
                await send(dict(message))
            return
        kept: list[Message] = []
        size = 0
        status = 0

        async def keeping(message: Message) -> None:
            nonlocal size, status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            kept.append(dict(message))
            await send(message)

        await self.app(scope, receive, keeping)
        if status == 200 and size <= MAX_BODY:
            with self._lock:
                old = self._entries.pop(key, None)
                if old is not None:
                    self._bytes -= _size(old[1])
                self._entries[key] = (generation, kept)
                self._bytes += size
                while self._bytes > MAX_BYTES and self._entries:
                    _, (_, dropped) = self._entries.popitem(last=False)
                    self._bytes -= _size(dropped)


def _size(messages: list[Message]) -> int:
    return sum(len(m.get("body", b"")) for m in messages if m["type"] == "http.response.body")
