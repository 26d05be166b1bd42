"""Read-only in depth, time limits, a full pool and outages: what users see, per backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text

from pydbpro.db.engine import Database
from pydbpro.db.reading import read_only_connection
from pydbpro.errors import Forbidden
from pydbpro.settings import Settings

from .browsing import direct, get_json
from .conftest import TestDatabase, require_server, running_app
from .support.tcp_proxy import proxied

SLOW_VIEW = {
    "postgresql": "CREATE VIEW slow_view AS SELECT pg_sleep(5)::text AS x",
    "mysql": "CREATE VIEW slow_view AS SELECT SLEEP(5) AS x",
    "sqlite": "CREATE VIEW slow_view AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
    "SELECT x + 1 FROM c) SELECT max(x) AS x FROM (SELECT x FROM c LIMIT 2000000000)",
}
WRITES = {
    "postgresql": "INSERT INTO customers (id, name) VALUES (-1, 'x')",
    "mysql": "INSERT INTO customers (id, name) VALUES (-1, 'x')",
    "sqlite": "INSERT INTO customers (id, name) VALUES (-1, 'x')",
}


@asynccontextmanager
async def slow_view(db: TestDatabase) -> AsyncIterator[None]:
    async with direct(db) as conn:
        await conn.execute(text(SLOW_VIEW[db.dialect]))
    try:
        yield
    finally:
        async with direct(db) as conn:
            await conn.execute(text("DROP VIEW slow_view"))


async def _logged_in(app: Any, login: Any) -> Any:
    client = app.test_client()
    await login(client)
    return client


async def test_reads_are_read_only_even_as_a_full_privilege_user(
    make_settings: Callable[..., Settings], backend_db: TestDatabase
) -> None:
    """The database refuses writes inside PyDBPro's transactions, whatever the user may do."""
    db = Database(make_settings(database_url=backend_db.full_url))
    try:
        with pytest.raises(Forbidden) as raised:
            async with read_only_connection(db) as conn:
                await conn.execute(text(WRITES[backend_db.dialect]))
        assert raised.value.error_code == "READ_ONLY_VIOLATION"
        message = raised.value.message.lower()  # the database's own words, after ours
        assert message.startswith("the statement tried to write"), message
        assert any(word in message.split("(", 1)[1] for word in ("read-only", "read only",
                                                                  "readonly")), message
    finally:
        await db.dispose()
    async with direct(backend_db) as conn:
        assert (
            await conn.execute(text("SELECT count(*) FROM customers WHERE id = -1"))
        ).scalar() == 0


async def test_statement_timeout_is_504(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, max_query_time=0.5)
    async with slow_view(backend_db), running_app(settings) as app:
        client = await _logged_in(app, login)
        started = asyncio.get_running_loop().time()
        body = await get_json(client, "/api/tables/slow_view/data?count=none", expect=504)
        assert body["code"] == "QUERY_TIMEOUT"
        assert asyncio.get_running_loop().time() - started < 4
        assert (await get_json(client, "/api/tables/customers/data"))["rows"]  # still serving


async def test_full_pool_answers_503_instead_of_waiting(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(
        database_url=backend_db.readonly_url,
        max_query_time=2,
        db_pool_size=1,
        db_pool_max_overflow=0,
        db_pool_timeout=0.3,
    )
    async with slow_view(backend_db), running_app(settings) as app:
        client = await _logged_in(app, login)
        await get_json(client, "/api/tables/slow_view/schema")  # warm the catalog cache
        await get_json(client, "/api/tables/customers/schema")

        async def later() -> Any:
            await asyncio.sleep(0.3)
            return await client.get("/api/tables/customers/data?count=none")

        slow, busy = await asyncio.gather(
            client.get("/api/tables/slow_view/data?count=none"), later()
        )
        assert slow.status_code == 504
        assert busy.status_code == 503
        assert (await busy.get_json())["code"] == "DATABASE_BUSY"
        assert (await client.get("/api/tables/customers/data")).status_code == 200


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
async def test_data_recovers_after_an_outage(
    dialect: str, databases: dict[str, Any], make_settings: Callable[..., Settings], login: Any
) -> None:
    require_server(dialect)
    db: TestDatabase = await databases["get"](dialect)
    async with proxied(db.readonly_url) as (proxy, via_proxy):
        async with running_app(make_settings(database_url=via_proxy)) as app:
            client = await _logged_in(app, login)
            assert (await get_json(client, "/api/tables/customers/data"))["rows"]
            await proxy.stop()
            down = await get_json(client, "/api/tables/customers/data?count=none", expect=503)
            assert down["code"] == "DATABASE_UNAVAILABLE"
            await proxy.start()
            assert (await get_json(client, "/api/tables/customers/data?count=none"))["rows"]


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
async def test_a_server_restart_between_requests_is_invisible(
    dialect: str, databases: dict[str, Any], make_settings: Callable[..., Settings], login: Any
) -> None:
    """Pooled connections die with the restart; the next read retries once and succeeds."""
    require_server(dialect)
    db: TestDatabase = await databases["get"](dialect)
    async with proxied(db.readonly_url) as (proxy, via_proxy):
        async with running_app(make_settings(database_url=via_proxy)) as app:
            client = await _logged_in(app, login)
            assert (await get_json(client, "/api/tables/customers/data?count=none"))["rows"]
            await proxy.stop()  # every pooled connection is cut...
            await proxy.start()  # ...and the server is back before the next request
            body = await get_json(client, "/api/tables/customers/data?count=none")
            assert body["rows"]
