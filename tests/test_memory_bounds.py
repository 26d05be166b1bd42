"""A request's memory stays bounded whatever the data: long values are cut in the database
for pages and row views (and, on PostgreSQL, for console results), and rows are fetched
in batches sized to a byte budget. The test and the app share this process: its resident
memory is sampled while the request runs. The documented bound is 64 MB above idle."""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from pydbpro.settings import Settings

from .browsing import direct
from .conftest import TestDatabase, running_app

BOUND = 64_000_000
#: 300 rows of a 1 MB text: 300 MB if a request held them whole.
BIG_ROWS = {
    "postgresql": "SELECT g AS id, repeat('x', 1000000) AS big FROM generate_series(1, 300) g",
    "mysql": "SELECT seq AS id, REPEAT('x', 1000000) AS big FROM seq_1_to_300",
    "sqlite": "WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < 300)"
    " SELECT id, printf('%.*c', 1000000, 'x') AS big FROM c",
}


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def peak_growth(work: Awaitable[Any]) -> tuple[int, Any]:
    """(highest resident memory while ``work`` ran, minus before; its result)."""
    baseline = peak = _rss()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss())
            done.wait(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = await work
    finally:
        done.set()
        await asyncio.to_thread(sampler.join)
    return max(peak, _rss()) - baseline, result


@asynccontextmanager
async def big_table(db: TestDatabase) -> AsyncIterator[str]:
    """A table of the rows above, with a primary key, made by the owner."""
    name = f"big_{secrets.token_hex(4)}"
    text_type = "LONGTEXT" if db.dialect == "mysql" else "TEXT"
    rows = BIG_ROWS[db.dialect].replace("%", "%%" if db.dialect == "mysql" else "%")
    async with direct(db) as conn:
        await conn.exec_driver_sql(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, big {text_type})")
        await conn.exec_driver_sql(f"INSERT INTO {name} (id, big) {rows}")
    try:
        yield name
    finally:
        async with direct(db) as conn:
            await conn.exec_driver_sql(f"DROP TABLE {name}")


@pytest.fixture
async def client(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> AsyncIterator[Any]:
    """An app of its own: the tables made here must not linger in a shared app's catalog."""
    async with running_app(make_settings(database_url=backend_db.readonly_url)) as app:
        client = app.test_client()
        await login(client)
        yield client


async def test_a_page_of_long_values_is_cut_in_the_database(
    client: Any, backend_db: TestDatabase
) -> None:
    async with big_table(backend_db) as name:  # created before the app lists tables
        growth, response = await peak_growth(
            client.get(f"/api/tables/{name}/data?page_size=300&sort=id&count=none")
        )
        body = await response.get_json()
        assert response.status_code == 200, body
        assert len(body["rows"]) == 300
        assert body["rows"][0][1] == {"$truncated": True, "value": "x" * 10_000,
                                      "length": 1_000_000}  # fmt: skip
        assert growth < BOUND, f"a page grew the process by {growth / 1e6:.0f} MB"
        growth, response = await peak_growth(client.get(f"/api/tables/{name}/row?id=7"))
        assert (await response.get_json())["row"][1]["length"] == 1_000_000
        assert growth < BOUND, f"a row view grew the process by {growth / 1e6:.0f} MB"


async def test_a_console_result_of_long_values_stays_bounded(
    client: Any, backend_db: TestDatabase
) -> None:
    growth, response = await peak_growth(
        client.post("/api/query", json={"sql": BIG_ROWS[backend_db.dialect]})
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["row_count"] == 300 and body["rows"][299][1]["length"] == 1_000_000
    assert [c["name"] for c in body["columns"]] == ["id", "big"]  # the statement's own names
    assert growth < BOUND, f"the console grew the process by {growth / 1e6:.0f} MB"


async def test_one_huge_value_is_cut_before_it_reaches_the_app(
    client: Any, backend_db: TestDatabase
) -> None:
    """200 MB in one cell: only PostgreSQL's console reads it in part (other dialects'
    derived tables do not keep the statement's order, so they are not wrapped)."""
    if backend_db.dialect != "postgresql":
        pytest.skip("console statements are read in part on PostgreSQL only")
    sql = "SELECT 1 AS id, repeat('x', 200000000) AS huge"
    growth, response = await peak_growth(client.post("/api/query", json={"sql": sql}))
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["rows"][0][1] == {"$truncated": True, "value": "x" * 10_000,
                                  "length": 200_000_000}  # fmt: skip
    assert growth < BOUND, f"one value grew the process by {growth / 1e6:.0f} MB"
