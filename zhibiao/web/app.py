"""The web app: one FastAPI application serving the JSON API (``/api/…``), the HTML pages, the
static files (vendored, no CDN) and the OpenAPI schema with its docs page.

`create_app` opens the fact base once; requests read it through the store's connection pool.
The app is read-only unless it is given an API token: only ``POST /api/documents`` and marking
facts wrong (``/api/facts/{id}/flag``, `zhibiao.web.flags`) write, and only with that token
(``Authorization: Bearer TOKEN`` or ``X-Zhibiao-Token: TOKEN``).
Every response carries a Content-Security-Policy that allows scripts from this server only,
so even text that slipped through escaping could not run.
"""

from __future__ import annotations

import gc
import hmac
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from zhibiao import __version__
from zhibiao.analysis.query import QueryError
from zhibiao.store import Store, StoreError, open_store
from zhibiao.web.data import Cache

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
#: Requests a single server process works on at once. The work is CPU-bound (SQLite reads from
#: the page cache, Python, rendering), so more threads only share the GIL and make every answer
#: late (with FastAPI's default of 40, a few unlucky requests waited several times the median);
#: a few keep one long download from holding up the rest. (`zhibiao.web.pool`'s workers take
#: one request at a time.)
REQUEST_THREADS = 4
#: Default upload limit in megabytes (``--max-upload-mb``).
DEFAULT_MAX_UPLOAD_MB = 50
#: Bytes a multipart request may hold beyond the file itself (boundaries, headers, the date field).
MULTIPART_SLACK = 64 * 1024

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
#: The docs page starts Swagger UI with an inline script (its HTML comes from FastAPI, no stored text).
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Settings:
    """What the app was started with."""

    def __init__(self, token: str | None, max_upload_mb: float) -> None:
        """`token`: the API token (None: read-only); `max_upload_mb`: the upload size limit."""
        self.token = token or None
        self.max_upload_bytes = int(max_upload_mb * 1024 * 1024)

    @property
    def max_upload_mb(self) -> float:
        """The upload limit in megabytes."""
        return self.max_upload_bytes / 1024 / 1024

    def token_ok(self, given: str | None) -> bool:
        """Whether `given` is the API token (constant-time comparison)."""
        return bool(self.token and given and hmac.compare_digest(given.encode(), self.token.encode()))


def request_token(headers: dict[str, str]) -> str | None:
    """The token a request carries (``Authorization: Bearer …`` or ``X-Zhibiao-Token``)."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return headers.get("x-zhibiao-token") or None


class Guard:
    """ASGI middleware: security headers on every response; uploads refused early.

    ``POST /api/documents`` is answered before its body is read when there is no token, the
    token is wrong, or the declared size is over the limit; uvicorn never reads more bytes
    than the declared Content-Length.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        """Wrap `app`."""
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        refusal = upload_refusal(scope, self.settings)
        if refusal is not None:
            await refusal(scope, receive, secured(send, path))
            return
        await self.app(scope, receive, secured(send, path))


def upload_refusal(scope: Scope, settings: Settings) -> JSONResponse | None:
    """The answer to an upload that is not allowed (no token, wrong token, no or too large size), else None."""
    if scope.get("method") != "POST" or scope.get("path", "").rstrip("/") != "/api/documents":
        return None
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    if not settings.token:
        return error(403, "uploads are off: this server is read-only (start it with --token TOKEN or "
                          "ZHIBIAO_TOKEN=TOKEN to allow them)")
    if not settings.token_ok(request_token(headers)):
        return error(401, "uploads need the API token: send 'Authorization: Bearer TOKEN'",
                     headers={"WWW-Authenticate": "Bearer"})
    length = headers.get("content-length")
    if length is None:
        return error(411, "give the upload's size (Content-Length); chunked uploads are not accepted")
    try:
        size = int(length)
    except ValueError:
        return error(400, "bad Content-Length")
    if size > settings.max_upload_bytes + MULTIPART_SLACK:
        return error(413, f"the upload is {size / 1024 / 1024:.1f} MB, over the "
                          f"{settings.max_upload_mb:g} MB limit (--max-upload-mb)")
    return None


def secured(send: Send, path: str) -> Send:
    """`send` adding the security headers (Content-Security-Policy and others) to the response."""
    policy = DOCS_CSP if path == "/docs" else CSP

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", []),
                       (b"content-security-policy", policy.encode()),
                       (b"x-content-type-options", b"nosniff"),
                       (b"referrer-policy", b"same-origin"),
                       (b"x-frame-options", b"DENY")]
            message = {**message, "headers": headers}  # a copy: the message may be a cached one
        await send(message)

    return sending


class UTF8JSON(JSONResponse):
    """JSON with Chinese as it is (not ``\\u`` escapes)."""

    def render(self, content: Any) -> bytes:
        """Serialise `content` (orjson: UTF-8 as it is, several times faster than the json module)."""
        return orjson.dumps(content, default=str, option=orjson.OPT_NON_STR_KEYS)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The API's error body: ``{"ok": false, "status": …, "error": "…"}``."""
    return UTF8JSON({"ok": False, "status": status, "error": message}, status_code=status, headers=headers)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and request.url.path not in ("/openapi.json",)


def warm_up() -> None:
    """Load the gazetteer, the taxonomy and the pinyin tables now, then freeze them out of the
    garbage collector's sight.

    They are hundreds of thousands of objects that live as long as the server. Loaded by the
    first request, they made it slow; left to the collector, every full collection walked them
    all, which put pauses of 50-100 ms into a few unlucky requests.
    """
    from pypinyin import lazy_pinyin

    from zhibiao.extract.indicators import taxonomy
    from zhibiao.extract.places import gazetteer

    gazetteer()
    taxonomy()
    lazy_pinyin("广州")
    gc.collect()
    gc.freeze()


def create_app(db: str | os.PathLike[str] | None = None, *, token: str | None = None,
               max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB, store: Store | None = None) -> FastAPI:
    """The web app over the fact base at `db` (path or URL; default ``ZHIBIAO_DB`` or ./zhibiao.db).

    `token` enables uploads (default: ``ZHIBIAO_TOKEN``; none means read-only). A `store` that
    is already open may be given instead of `db`; it is then not closed with the app.
    Raises `zhibiao.store.StoreError` when the database cannot be opened.
    """
    from zhibiao.web import api, flags, pages

    own = store is None
    store = store or open_store(db, say=None)
    settings = Settings(token if token is not None else os.environ.get("ZHIBIAO_TOKEN"), max_upload_mb)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        warm_up()
        yield
        if own:
            store.close()

    app = FastAPI(
        title="zhibiao",
        version=__version__,
        description="Source-grounded facts from Chinese regional economic documents: every figure with its place, "
                    "period, indicator and the exact sentence it came from. Read-only unless the server has an API "
                    "token; tables come as JSON, CSV (`format=csv`) or XLSX (`format=xlsx`).",
        docs_url=None, redoc_url=None, lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.cache = Cache(store)
    app.state.upload_lock = threading.Lock()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(flags.router)
    app.include_router(pages.router)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url="/openapi.json", title="zhibiao API",
                                   swagger_js_url="/static/vendor/swagger-ui-5.35.0-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui-5.35.0.css",
                                   swagger_favicon_url="/static/favicon.svg")

    @app.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError) -> Any:
        if _wants_html(request):
            return pages.error_page(request, 400, str(exc))
        return error(400, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Any:
        if _wants_html(request):
            return pages.error_page(request, 503, str(exc))
        return error(503, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if _wants_html(request):
            return pages.error_page(request, exc.status_code, str(exc.detail))
        return error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body"))
            parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
        message = "; ".join(parts) or "invalid request"
        if _wants_html(request):
            return pages.error_page(request, 422, message)
        return error(422, message)

    from zhibiao.web.responses import ResponseCache

    app.add_middleware(ResponseCache, cache=app.state.cache)
    app.add_middleware(Guard, settings=settings)  # outermost: uploads are refused before anything else
    return app


#: The answer to a request line holding raw (not percent-encoded) non-ASCII bytes, which the
#: HTTP parser refuses before the app sees the request (uvicorn's own answer only says "Invalid").
RAW_URL_ANSWER = ("Invalid HTTP request: the URL holds characters that are not percent-encoded (such as a "
                  "Chinese place name). Encode them: curl -G http://HOST:PORT/api/facts --data-urlencode "
                  "'within=PLACE' -d indicator=gdp -d format=csv, or write within=%E5%B9%BF%E5%B7%9E%E5%B8%82 "
                  "for Guangzhou.")


def http_protocol() -> type | str:
    """uvicorn's HTTP protocol (httptools) answering a raw non-ASCII request line with `RAW_URL_ANSWER`.

    ``"auto"`` when httptools is not there (uvicorn's h11 refuses such a line just the same).
    """
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return "auto"

    class ClearRefusals(HttpToolsProtocol):
        """HttpToolsProtocol whose 400 for a request line that is not ASCII says how to send one."""

        last_received = b""

        def data_received(self, data: bytes) -> None:
            self.last_received = data
            super().data_received(data)

        def send_400_response(self, msg: str) -> None:
            line = self.last_received.split(b"\n", 1)[0]
            super().send_400_response(RAW_URL_ANSWER if any(byte > 0x7F for byte in line) else msg)

    return ClearRefusals
