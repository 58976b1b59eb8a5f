"""A PostgreSQL server for the store tests.

``ZHIBIAO_TEST_PG`` (an admin URL, e.g. ``postgresql://postgres@127.0.0.1:54329/postgres``,
set by ``.ci/run``) names a running server. Without it, a throwaway server is started from
Debian's ``postgresql`` binaries on a free loopback port in a scratch folder (as the
``postgres`` user when the tests run as root) and stopped at the end of the session. When
neither works, PostgreSQL tests are skipped with the reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class Server:
    """A running server: its admin URL, and `stop` when this process started it."""

    def __init__(self, admin_url: str, data: Path | None = None, as_user: list[str] | None = None,
                 pgbin: Path | None = None) -> None:
        self.admin_url = admin_url
        self._data = data
        self._as = as_user or []
        self._bin = pgbin

    def database(self) -> tuple[str, str]:
        """Create an empty database; its URL and name."""
        import psycopg

        name = "zt_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{name}", name

    def drop(self, name: str) -> None:
        """Drop a database made by `database` (closing any connection left to it)."""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server if this process started it, and remove its folder."""
        if self._data is None or self._bin is None:
            return
        subprocess.run([*self._as, str(self._bin / "pg_ctl"), "-D", str(self._data / "data"), "-m", "immediate",
                        "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self._data, ignore_errors=True)


def _reachable(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as err:  # any failure means: not usable, say why
        return f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}"
    return None


def start() -> tuple[Server | None, str]:
    """A usable server, or None and the reason none is available."""
    url = os.environ.get("ZHIBIAO_TEST_PG")
    if url:
        problem = _reachable(url)
        return (None, f"ZHIBIAO_TEST_PG={url} is not reachable ({problem})") if problem else (Server(url), "")
    pgbin = _bin()
    if pgbin is None:
        return None, "no PostgreSQL server: set ZHIBIAO_TEST_PG or install Debian's postgresql package"
    as_user: list[str] = []
    data = Path(tempfile.mkdtemp(prefix="zhibiao-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(data, "postgres")
    port = _free_port()
    log = data / "log"
    steps = [
        [*as_user, str(pgbin / "initdb"), "-D", str(data / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"],
        [*as_user, str(pgbin / "pg_ctl"), "-D", str(data / "data"), "-l", str(log), "-w", "-t", "60", "-o",
         f"-k {data} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c synchronous_commit=off "
         "-c full_page_writes=off", "start"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            why = (done.stderr or done.stdout).strip().splitlines()
            return None, f"could not start PostgreSQL ({step[len(as_user)]}: {why[-1] if why else done.returncode})"
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    problem = _reachable(url)
    server = Server(url, data, as_user, pgbin)
    if problem:
        server.stop()
        return None, f"started PostgreSQL but cannot connect ({problem})"
    return server, ""
