"""Row counts of browse pages (db/counting.py) through HTTP: the planner's estimate for a
filtered ``count=estimate``, and one COUNT for identical requests made at the same time,
which a waiter that leaves does not stop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from pydbpro.db.browse import BrowseParams
from pydbpro.db.counting import CountJob
from pydbpro.settings import Settings
from pydbpro.state import app_state

from .browsing import direct, get_json, scalar_list
from .conftest import TestDatabase, running_app
from .test_monitoring import TOKEN, scrape, value

FILTERED = "/api/tables/customers/data?filter_balance_gt=100"
#: What the planner is asked about for FILTERED (the app binds 100; same estimate).
PLANNED = "SELECT 1 FROM customers WHERE balance > 100"


async def _planner_estimate(db: TestDatabase) -> int:
    async with direct(db) as conn:
        if db.dialect == "postgresql":
            plan = (await conn.execute(text(f"EXPLAIN (FORMAT JSON) {PLANNED}"))).scalar_one()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return round(plan[0]["Plan"]["Plan Rows"])
        plan = json.loads((await conn.execute(text(f"EXPLAIN FORMAT=JSON {PLANNED}"))).scalar_one())
        steps = plan["query_block"].get("nested_loop") or [plan["query_block"]]
        table = steps[0]["table"]
        return round(table["rows"] * table.get("filtered", 100) / 100)


async def test_a_filtered_estimate_is_the_planners(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    body = await get_json(backend_client, f"{FILTERED}&count=estimate")
    assert body["total_is_estimate"] is True
    if backend_db.dialect == "sqlite":
        assert body["total"] is None  # EXPLAIN QUERY PLAN estimates no row counts
    else:
        assert body["total"] == await _planner_estimate(backend_db)


async def test_a_whole_tables_estimate_is_the_catalogs(backend_client: Any) -> None:
    listed = await get_json(backend_client, "/api/tables")
    row = next(t for t in listed["tables"] if t["name"] == "customers")
    # A table the database has no estimate for is counted for the list (rows_exact): the
    # catalog's estimate is then none.
    catalog = None if row["rows_exact"] else row["estimated_rows"]
    body = await get_json(backend_client, "/api/tables/customers/data?count=estimate")
    assert (body["total"], body["total_is_estimate"]) == (catalog, True)


async def test_identical_requests_at_once_count_once(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, metrics_token=TOKEN,
                             count_timeout=30)  # fmt: skip
    expected = len(await scalar_list(backend_db, "SELECT id FROM customers WHERE balance > 100"))
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        bodies = await asyncio.gather(*(get_json(client, FILTERED) for _ in range(8)))
        after = await scrape(client)
    assert {(b["total"], b["total_is_estimate"]) for b in bodies} == {(expected, False)}
    assert value(after, "pydbpro_row_counts_total", outcome="counted") == 1
    shared = value(after, "pydbpro_row_counts_total", outcome="shared")
    assert shared + value(after, "pydbpro_row_counts_total", outcome="cached") == 7


async def _lock_waits(db: TestDatabase) -> tuple[int, int]:
    """The app's statements waiting for a lock on the test database: (COUNTs, others)."""
    sql = (
        "SELECT query FROM pg_stat_activity WHERE datname = :name AND application_name = "
        "'pydbpro' AND state = 'active' AND wait_event_type = 'Lock'"
    )
    queries = await scalar_list(db, sql, name=db.name)
    counts = sum(q.lstrip().upper().startswith("SELECT COUNT(*)") for q in queries)
    return counts, len(queries) - counts


async def _until_waiting(db: TestDatabase, counts: int, pages: int) -> None:
    """Wait (not a timing assertion: as long as it takes) until these statements wait."""
    for _ in range(400):
        if await _lock_waits(db) == (counts, pages):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"waiting statements {await _lock_waits(db)}, not {(counts, pages)}")


async def test_a_shared_count_runs_once_beside_pages_that_wait(
    make_settings: Callable[..., Settings], databases: dict[str, Any], login: Any
) -> None:
    """A table lock holds every read of it: the statements waiting on it show which ran.
    The first request starts the COUNT beside its page; three more join it; the first
    leaves (its page is stopped, the COUNT not). One COUNT answered the three."""
    db: TestDatabase = await databases["get"]("postgresql")
    settings = make_settings(database_url=db.readonly_url, metrics_token=TOKEN,
                             count_timeout=30)  # fmt: skip
    expected = len(await scalar_list(db, "SELECT id FROM customers WHERE balance > 100"))
    async with running_app(settings) as app, direct(db) as locker:
        client = app.test_client()
        await login(client)
        await get_json(client, f"{FILTERED}&count=none")  # the table's structure, read now
        await locker.execute(text("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE"))
        async with client.request(FILTERED, method="GET") as leaving:
            await leaving.send_complete()
            await _until_waiting(db, counts=1, pages=1)
            staying = [asyncio.create_task(get_json(client, FILTERED)) for _ in range(3)]
            await _until_waiting(db, counts=1, pages=4)
            await leaving.disconnect()
        await _until_waiting(db, counts=1, pages=3)
        await locker.commit()
        bodies = await asyncio.gather(*staying)
        after = await scrape(client)
    assert {(b["total"], b["total_is_estimate"]) for b in bodies} == {(expected, False)}
    assert value(after, "pydbpro_row_counts_total", outcome="counted") == 1
    shared = value(after, "pydbpro_row_counts_total", outcome="shared")
    # A request with no spare connection for its count joins after its page, or reads
    # the cache: never a COUNT of its own.
    assert shared + value(after, "pydbpro_row_counts_total", outcome="cached") == 3


async def test_a_waiter_who_leaves_does_not_stop_the_count_others_wait_for(
    make_settings: Callable[..., Settings], databases: dict[str, Any]
) -> None:
    """The same lock, with the count alone (a request's page cannot be held while its
    count is not): the first waiter is cancelled while it awaits the shared COUNT, which
    goes on for the second; a lone waiter who leaves stops its COUNT."""
    db: TestDatabase = await databases["get"]("postgresql")
    settings = make_settings(database_url=db.readonly_url, count_timeout=30)
    expected = len(await scalar_list(db, "SELECT id FROM customers WHERE balance > 100"))
    async with running_app(settings) as app, direct(db) as locker:
        state = app_state(app)
        table = await state.catalog.resolve("customers")
        params = BrowseParams(page_size=50, filters=(("filter_balance_gt", "100"),))
        plan = state.browser._plan(await state.catalog.structure(table), params)
        job = CountJob(table, plan.source, plan.where, plan.where_digest)
        counts = state.browser.counts
        await locker.execute(text("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE"))
        first = asyncio.create_task(counts.total(job, None))
        await _until_waiting(db, counts=1, pages=0)
        second = asyncio.create_task(counts.total(job, None))
        await asyncio.sleep(0)  # the second joins the running COUNT
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)
        await _until_waiting(db, counts=1, pages=0)  # still waiting: not cancelled
        await locker.commit()
        assert await second == (expected, False)
        assert first.cancelled()
        assert (counts.outcomes["counted"], counts.outcomes["shared"]) == (1, 1)

        other = CountJob(table, plan.source, plan.where, f"{plan.where_digest} again")
        await locker.execute(text("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE"))
        alone = asyncio.create_task(counts.total(other, "exact"))
        await _until_waiting(db, counts=1, pages=0)
        alone.cancel()
        await _until_waiting(db, counts=0, pages=0)  # nobody waits: stopped on the server
        await locker.commit()
    assert counts.outcomes["counted"] == 1


async def test_a_count_that_ran_out_of_time_is_not_run_again_for_a_while(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """A table too big to count within COUNT_TIMEOUT answers the estimate; the next pages
    do too, without holding a connection for another COUNT_TIMEOUT to learn nothing."""
    if backend_db.dialect != "postgresql":
        pytest.skip("pg_sleep makes a count slow while the page stays quick (PostgreSQL)")
    view = "slow_to_count"
    # 500 rows, 1 ms each: within a page's time limit, not within COUNT_TIMEOUT.
    async with direct(backend_db) as conn:
        await conn.execute(text(f"CREATE VIEW {view} AS SELECT g AS id, pg_sleep(0.001)::text AS "
                                "nap FROM generate_series(1, 500) AS g"))  # fmt: skip
        await conn.execute(text(f'GRANT SELECT ON {view} TO "{backend_db.ro_user}"'))
    try:
        settings = make_settings(database_url=backend_db.readonly_url, metrics_token=TOKEN,
                                 count_timeout=0.3)  # fmt: skip
        async with running_app(settings) as app:
            client = app.test_client()
            await login(client)
            pages = [await get_json(client, f"/api/tables/{view}/data?page_size=5")
                     for _ in range(3)]  # fmt: skip
            after = await scrape(client)
    finally:
        async with direct(backend_db) as conn:
            await conn.execute(text(f"DROP VIEW {view}"))
    assert [len(p["rows"]) for p in pages] == [5, 5, 5]
    assert {p["total_is_estimate"] for p in pages} == {True}
    assert value(after, "pydbpro_row_counts_total", outcome="timeout") == 1
    assert value(after, "pydbpro_row_counts_total", outcome="counted") == 0
