"""SQLite's small reads (``adapters/sqlite.py``): tried on the event loop's thread for
INLINE_SECONDS, then read in aiosqlite's thread. Both give the page, and the time limit
still holds for a read that takes the second way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from pydbpro.settings import Settings

from .browsing import direct, get_json
from .conftest import TestDatabase, running_app

ROWS = 300_000
TABLE = "many_rows"


async def _many_rows(db: TestDatabase) -> None:
    async with direct(db) as conn:
        await conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
        await conn.execute(text(f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, n INTEGER)"))
        await conn.execute(text(
            f"WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {ROWS}) "
            f"INSERT INTO {TABLE} SELECT x, (x * 7919) % 1000 FROM g"
        ))  # fmt: skip


async def test_a_quick_page_and_a_slow_one_both_answer(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    """Page 1 by key reads a few rows, well within INLINE_SECONDS (2 ms); a filtered page
    on an unindexed column scans all 300,000 rows (~13 ms here), so it is stopped on the
    loop's thread and read again in aiosqlite's. Both are the right rows."""
    await _many_rows(sqlite_db)
    try:
        settings = make_settings(database_url=sqlite_db.readonly_url)
        async with running_app(settings) as app:
            client = app.test_client()
            await login(client)
            quick = await get_json(client, f"/api/tables/{TABLE}/data?page_size=3&count=none")
            slow = await get_json(
                client,
                f"/api/tables/{TABLE}/data?filter_n_eq=7&sort=n&order=desc&page_size=3&count=none",
            )
    finally:
        async with direct(sqlite_db) as conn:
            await conn.execute(text(f"DROP TABLE {TABLE}"))
    assert [row[0] for row in quick["rows"]] == [1, 2, 3]
    ids = [row[0] for row in slow["rows"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3
    assert all((i * 7919) % 1000 == 7 for i in ids)
    assert ids[0] == max(i for i in range(ROWS - 2000, ROWS + 1) if (i * 7919) % 1000 == 7)


async def test_a_read_past_its_time_limit_is_stopped_in_either_way(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    """MAX_QUERY_TIME below what the slow page takes: 504 with QUERY_TIMEOUT, as before."""
    await _many_rows(sqlite_db)
    try:
        settings = make_settings(database_url=sqlite_db.readonly_url, max_query_time=0.001)
        async with running_app(settings) as app:
            client = app.test_client()
            await login(client)
            response = await client.get(
                f"/api/tables/{TABLE}/data?filter_n_eq=7&sort=n&order=desc&count=none"
            )
            body = await response.get_json()
            again = await get_json(client, f"/api/tables/{TABLE}/data?page_size=2&count=none")
    finally:
        async with direct(sqlite_db) as conn:
            await conn.execute(text(f"DROP TABLE {TABLE}"))
    assert response.status_code == 504 and body["code"] == "QUERY_TIMEOUT"
    assert [row[0] for row in again["rows"]] == [1, 2]  # the connection serves on
