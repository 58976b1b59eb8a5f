"""``zhibiao serve --workers 2``: one process takes the connections, two worker processes answer.

Run as a real server on a free loopback port over the seed fact base. The answers must be those
of the single-process app, both workers must share the work even when every client keeps one
connection open, uploads must be refused before their body is read, and a worker killed with
SIGKILL must cost at most the requests it held.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import need_shared
from tests.serving import serving
from tests.test_api import build_fact_base

URLS = ["/api/compare?indicator=gdp&measure=growth&within=广州市&periods=2019:2025",
        "/api/facts?place=南沙&size=20", "/api/targets?place=南沙",
        "/explore?indicator=gdp&measure=growth&within=广州市",
        "/api/places?q=nsq", "/api/indicators",
        "/api/facts?size=1000"]  # hundreds of KB: more than a pipe holds at once


def _quote(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="/?&=:,")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.fixture(scope="module")
def fact_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed fact base, built once."""
    need_shared()
    return build_fact_base(tmp_path_factory.mktemp("pool"))


@pytest.fixture(scope="module")
def pooled(fact_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``zhibiao serve --workers 2 --token secret`` over the seed fact base: (base URL, process)."""
    with serving(fact_base, tmp_path_factory.getbasetemp() / "serve-pool.log", "--workers", "2",
                 "--max-upload-mb", "1", token="secret") as server:
        yield server


def test_pooled_answers_are_those_of_one_process(pooled, fact_base):
    base, _ = pooled
    from zhibiao.web.app import create_app

    with TestClient(create_app(fact_base, token="secret")) as single:
        for url in URLS:
            with urllib.request.urlopen(base + _quote(url), timeout=30) as r:
                body, headers = r.read(), r.headers
            expected = single.get(url)
            assert expected.status_code == 200
            if url.startswith("/api"):
                assert json.loads(body) == expected.json(), url
            else:
                assert body.decode() == expected.text, url
            assert "script-src 'self'" in headers["content-security-policy"]  # the worker's security headers


def test_both_workers_share_the_work_of_keep_alive_clients(pooled):
    base, proc = pooled
    workers = [p for p in _children(proc.pid) if Path(f"/proc/{p}/cmdline").read_bytes().find(b"spawn_main") >= 0]
    assert len(workers) == 2
    before = {p: _cpu_ticks(p) for p in workers}
    host, port = base.removeprefix("http://").split(":")
    errors: list[str] = []

    def client(n: int) -> None:  # one connection per client, kept open for all its requests
        conn = HTTPConnection(host, int(port), timeout=60)
        for i in range(6):
            conn.request("GET", _quote(URLS[(n + i) % len(URLS)]))
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                errors.append(str(r.status))
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    used = {p: _cpu_ticks(p) - before[p] for p in workers}
    assert min(used.values()) >= 0.25 * max(used.values()), used  # uvicorn --workers gave one of them 1 in 20


def test_uploads_are_refused_before_the_body_is_read(pooled):
    base, _ = pooled
    for headers, status in (({}, 401), ({"Authorization": "Bearer wrong"}, 401),
                            ({"Authorization": "Bearer secret", "Content-Length": str(5 * 1024 * 1024)}, 413)):
        req = urllib.request.Request(base + "/api/documents", data=b"x" * 10, method="POST", headers=headers)
        if "Content-Length" in headers:  # declared far over the 1 MB limit; only 10 bytes are sent
            host, port = base.removeprefix("http://").split(":")
            conn = HTTPConnection(host, int(port), timeout=10)
            conn.putrequest("POST", "/api/documents")
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.endheaders()
            r = conn.getresponse()
            assert r.status == status and "1 MB limit" in json.loads(r.read())["error"]
            conn.close()
            continue
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == status


def test_a_killed_worker_costs_only_its_requests(pooled):
    base, proc = pooled
    victim = next(p for p in _children(proc.pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes())
    os.kill(victim, signal.SIGKILL)
    statuses = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + _quote(URLS[0]), timeout=30) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as err:
            statuses.append(err.code)
            assert err.code == 503 and "try again" in json.loads(err.read())["error"]
        if statuses[-3:] == [200, 200, 200]:
            break
        time.sleep(0.2)
    assert statuses[-3:] == [200, 200, 200], statuses
    assert proc.poll() is None
