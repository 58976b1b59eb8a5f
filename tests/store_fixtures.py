"""Fixtures of the fact-base tests: both backends, and real documents extracted once a session.

`db_url` runs a test on SQLite (a file in a scratch folder) and on PostgreSQL (a fresh
database on the server of `tests.pg`), skipping PostgreSQL with the reason when no server
can be had. `filled` is an open store holding the `REAL_DOCS` (written directly from their
extraction, which runs once per session); `filled_ro` is the same, shared by a module's
read-only tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg
from tests.conftest import REAL, SEEDS, need_shared

#: Real documents most store tests use: Hailar reports (targets set one year, reported the
#: next), Guangzhou districts (compare within 广州市), a seed news page (南沙 2023).
REAL_DOCS = (
    "hulunbuir-hailar-2016-gov-work-report.txt",
    "hulunbuir-hailar-2017-gov-work-report.txt",
    "hulunbuir-hailar-2018-gov-work-report.txt",
    "guangzhou-nansha-2023-gov-work-report-news.txt",
    "guangzhou-panyu-2023-gov-work-report.excerpt.txt",
    "guangzhou-panyu-2024-plan-report.excerpt.txt",
    "guangzhou-huangpu-2020-communique.excerpt.txt",
    "guangzhou-tianhe-2025-gov-work-report.excerpt.txt",
    "guangdong-2021-jan-feb-economy-news.txt",
)
NANSHA_SEED = "000_3651a326c51bf532.txt"
_PG: dict[str, str] = {"reason": ""}


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.Server | None]:
    """The PostgreSQL server of this session (None when there is none, the reason in `_PG`)."""
    server, _PG["reason"] = pg.start()
    yield server
    if server is not None:
        server.stop()


def _database(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(folder / "kb.db")
        return
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip(f"PostgreSQL: {_PG['reason']}")
    url, name = server.database()
    yield url
    server.drop(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that does not exist yet (SQLite) or is empty (PostgreSQL)."""
    yield from _database(request, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like `db_url`, shared by the tests of one module."""
    yield from _database(request, tmp_path_factory.mktemp("kb"))


@pytest.fixture(scope="session")
def real_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Copies of the real documents in a session folder (name → path)."""
    need_shared()
    folder = tmp_path_factory.mktemp("real")
    out = {}
    for name in REAL_DOCS:
        out[name] = folder / name
        shutil.copyfile(REAL / name, out[name])
    out[NANSHA_SEED] = folder / "nansha-2024-npc-news.txt"
    shutil.copyfile(SEEDS / NANSHA_SEED, out[NANSHA_SEED])
    return out


@pytest.fixture(scope="session")
def prepared(real_docs: dict[str, Path]) -> list:
    """The real documents loaded and extracted once (`zhibiao.store.write.Prepared`)."""
    from zhibiao.store.ingest import content_key, prepare

    out = []
    for path in real_docs.values():
        key, size = content_key(path)
        out.append(prepare(path, key, size))
    return out


def _fill(url: str, prepared: list):
    from zhibiao.store import open_store
    from zhibiao.store.write import PlaceSync, sync_indicators, write_document

    store = open_store(url, create=True, say=None)
    sync_indicators(store)
    sync = PlaceSync()
    for doc in prepared:
        write_document(store, doc, place_sync=sync)
    return store


@pytest.fixture
def filled(db_url: str, prepared: list) -> Iterator:
    """An open store holding the prepared real documents (a test may change it)."""
    store = _fill(db_url, prepared)
    yield store
    store.close()


@pytest.fixture(scope="module")
def filled_ro(module_db_url: str, prepared: list) -> Iterator:
    """Like `filled`, shared by a module's tests: they must not change it."""
    store = _fill(module_db_url, prepared)
    yield store
    store.close()
