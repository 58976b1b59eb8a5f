"""Opening a fact base: where it is, what it is, and bringing its schema up to date.

``--db``/``ZHIBIAO_DB`` takes a path (``zhibiao.db``) or a URL (``sqlite:///path.db``,
``postgresql://user@host/db``). Before anything is written, a SQLite file is checked to be a
SQLite database at all, then to be a zhibiao one (its ``documents``, ``facts`` and
``alembic_version`` tables), then to be no newer than this code; an older one is migrated.

SQLite runs in WAL mode (readers never wait for a writer, a kill -9 loses at most the open
transaction) with a busy timeout; write transactions start with ``BEGIN IMMEDIATE`` so two
writers queue instead of failing mid-transaction.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from zhibiao.store.schema import HEAD, REQUIRED_TABLES, REVISIONS

DEFAULT_DB = "zhibiao.db"
#: Seconds a SQLite writer waits for another writer before giving up.
DEFAULT_TIMEOUT = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: PostgreSQL advisory lock held while migrating (any fixed number unlikely to clash).
_PG_MIGRATION_LOCK = 0x7A68_6962


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do (one line)."""


class NotAFactBase(StoreError):
    """The file or database exists but is not a zhibiao fact base."""


class SchemaTooNew(StoreError):
    """The database was written by a newer zhibiao."""


class DatabaseLocked(StoreError):
    """Another process holds the database's write lock for longer than the timeout."""


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for a path or URL (default: ``ZHIBIAO_DB``, else ``./zhibiao.db``)."""
    raw = os.fspath(db) if db is not None else (os.environ.get("ZHIBIAO_DB") or DEFAULT_DB)
    if "://" not in raw:
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    scheme = raw.split("://", 1)[0].lower()
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    if scheme in ("postgresql+psycopg", "sqlite", "sqlite+pysqlite"):
        return raw
    raise StoreError(f"unsupported database URL {raw!r}: use a file path, sqlite:///PATH or postgresql://…")


def describe(url: str) -> str:
    """The URL as shown to users: a SQLite path, or the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True).replace("+psycopg", "")


def translate(err: BaseException, where: str) -> StoreError | None:
    """A `StoreError` with a plain message for the database errors users meet, else None."""
    orig = getattr(err, "orig", err)
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = message.lower()
    if "database is locked" in low or "database table is locked" in low or "lock timeout" in low:
        return DatabaseLocked(f"{where}: the database is locked by another process (a running ingest?); "
                              "try again when it has finished, or raise ZHIBIAO_DB_TIMEOUT")
    if "file is not a database" in low or "file is encrypted" in low:
        return NotAFactBase(f"{where}: not a SQLite database")
    if "disk is full" in low or "no space left" in low:
        return StoreError(f"{where}: the disk is full; nothing half-written was kept ({message})")
    if "readonly" in low or "read-only" in low:
        return StoreError(f"{where}: the database is read-only ({message})")
    if "unable to open" in low:
        return StoreError(f"{where}: cannot open the database ({message})")
    if isinstance(err, OperationalError) and ("connection" in low or "could not" in low):
        return StoreError(f"{where}: cannot connect ({message})")
    return None


def _use_wal(cur: sqlite3.Cursor, timeout: float) -> None:
    """Put the file in WAL mode (it stays so), waiting up to `timeout` for other connections.

    Switching the mode needs a lock that SQLite does not wait for with its busy handler: three
    connections creating one new file got "database is locked" here. So it is retried by hand.
    """
    deadline = time.monotonic() + timeout
    pause = 0.005
    while cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cur.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _sqlite_engine(url: str, timeout: float) -> Engine:
    engine = create_engine(url, connect_args={"timeout": timeout, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event decides BEGIN below
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        _use_wal(cur, timeout)
        cur.execute("PRAGMA synchronous = NORMAL")
        # 32 MB of page cache per connection (SQLite's default is 2 MB): queries over a million
        # facts went 15% faster with their index and table pages kept here rather than re-read
        cur.execute("PRAGMA cache_size = -32768")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("zhibiao_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Store:
    """An open fact base: its engine, backend and the name it is shown by."""

    def __init__(self, url: str, engine: Engine) -> None:
        """Wrap an engine; use `open_store` rather than calling this."""
        self.url = url
        self.engine = engine
        self.dialect = engine.dialect.name
        self.where = describe(url)
        # What never changes once stored, remembered by readers: a document's (name, date) by id,
        # a place's full name by code (see zhibiao.analysis.query.document_labels and place_names).
        self.doc_labels: dict[int, tuple[str, str | None]] = {}
        self.place_names: dict[str, str] = {}

    @property
    def is_sqlite(self) -> bool:
        """Whether the backend is SQLite (else PostgreSQL)."""
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction (``BEGIN IMMEDIATE`` on SQLite): all or nothing."""
        with self.engine.connect() as conn:
            conn.execution_options(zhibiao_write=True)
            with conn.begin():
                yield conn

    def revision(self) -> str | None:
        """The schema revision stored in the database (None for an empty one)."""
        with self.read() as conn:
            if "alembic_version" not in inspect(conn).get_table_names():
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def optimize(self) -> None:
        """Refresh the query planner's statistics (SQLite: a sampled ANALYZE, milliseconds on 1M facts)."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE facts")
                conn.exec_driver_sql("ANALYZE documents")

    def close(self) -> None:
        """Release connections (a SQLite WAL file is checkpointed by the last one out)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        """Use as a context manager; closes on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close."""
        self.close()


def _check_sqlite_file(url: str, create: bool) -> None:
    path = make_url(url).database
    if not path or path == ":memory:":
        return
    p = Path(path)
    if p.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    if not p.exists():
        if not create:
            raise StoreError(f"{path}: no zhibiao database here; create one with `zhibiao ingest FILES --db {path}`")
        if not p.parent.is_dir():
            raise StoreError(f"{path}: folder {p.parent} does not exist")
        return
    try:
        with p.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as err:
        raise StoreError(f"{path}: cannot read ({err.strerror or err})") from None
    if head and head != _SQLITE_MAGIC:
        raise NotAFactBase(f"{path}: not a zhibiao database (not a SQLite file); choose another --db")


def upgrade(store: Store, target: str = "head", say: Callable[[str], None] | None = None) -> None:
    """Run the Alembic migrations up to `target` on the store, in one transaction."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with store.write() as conn:
        if not store.is_sqlite:  # two processes opening a new database: the second waits, then finds it done
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    if say:
        say(f"{store.where}: schema upgraded to revision {store.revision()}")


def _stderr(message: str) -> None:
    print(f"zhibiao: {message}", file=sys.stderr)


def open_store(db: str | os.PathLike[str] | None = None, *, create: bool = False, timeout: float | None = None,
               say: Callable[[str], None] | None = _stderr) -> Store:
    """Open (and with `create`, make) a fact base, migrating an older schema to this code's.

    Raises `StoreError` (`NotAFactBase`, `SchemaTooNew`, `DatabaseLocked`) with a message
    that names the database and what to do.
    """
    url = resolve_url(db)
    if timeout is None:
        timeout = float(os.environ.get("ZHIBIAO_DB_TIMEOUT") or DEFAULT_TIMEOUT)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        _check_sqlite_file(url, create)
        engine = _sqlite_engine(url, timeout)
    else:
        engine = create_engine(url, connect_args={"connect_timeout": max(1, int(timeout))}, pool_pre_ping=True)
    store = Store(url, engine)
    try:
        _prepare(store, create, say)
    except StoreError:
        store.close()
        raise
    except DBAPIError as err:
        store.close()
        raise (translate(err, store.where) or StoreError(f"{store.where}: {err.orig}")) from None
    return store


def _prepare(store: Store, create: bool, say: Callable[[str], None] | None) -> None:
    with store.read() as conn:
        tables = set(inspect(conn).get_table_names())
        revision = None
        if "alembic_version" in tables:
            revision = conn.execute(select(text("version_num")).select_from(text("alembic_version"))).scalar()
    if not tables:
        if not create:
            raise StoreError(f"{store.where}: the database is empty; fill it with `zhibiao ingest FILES`")
        upgrade(store)
        return
    if not tables >= REQUIRED_TABLES:
        shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
        raise NotAFactBase(f"{store.where}: not a zhibiao database (it has tables {shown}); choose another --db")
    if revision not in REVISIONS:
        raise SchemaTooNew(f"{store.where}: written by a newer zhibiao (schema revision {revision!r}; this "
                           f"version knows up to {HEAD}); upgrade zhibiao to use it")
    if revision != HEAD:
        upgrade(store, say=say)
