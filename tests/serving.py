"""``zhibiao serve`` as a real server on a free loopback port, for the tests that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: str | Path, log: Path, *args: str, token: str = "", timeout: float = 60
            ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``zhibiao serve --db DB ARGS…`` until the block ends: (base URL, process); output goes to `log`.

    Fails the test, with the log, when the server does not answer ``/api`` within `timeout` seconds.
    """
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "zhibiao", "serve", "--db", str(db), "--port", str(port),
                                 *args], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "ZHIBIAO_TOKEN": token})
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/api", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"zhibiao serve {' '.join(args)} did not start: " + log.read_text())
            time.sleep(0.2)
        try:
            yield base, proc
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
