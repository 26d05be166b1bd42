"""A database that hangs (connection open, nothing comes back) fails fast and recovers.

The proxy's ``stall()`` is a frozen server: requests must not wait for the 30 s statement
deadline (nor call that a query timeout); once it is known to be silent, every request that
needs it gets 503 at once, and the first answer it gives again ends that without a restart.
Bounds are generous on purpose (a 2-core CI machine): they tell seconds from tens of seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from pydbpro.settings import Settings

from .browsing import get_json
from .conftest import TestDatabase, require_server, running_app
from .support.tcp_proxy import proxied
from .test_monitoring import TOKEN, scrape, value
from .test_read_only_limits import slow_view

DATA = "/api/tables/customers/data?count=none"
#: Short in tests so the first failure comes quickly; the default is in settings.py.
CONNECT_TIMEOUT = 1.5


async def _timed(call: Awaitable[Any]) -> tuple[Any, float]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await call
    return result, loop.time() - started


async def _unavailable(client: Any, url: str = DATA) -> float:
    """Seconds one request took to answer 503 DATABASE_UNAVAILABLE (asserted)."""
    response, took = await _timed(client.get(url))
    body = await response.get_json()
    assert response.status_code == 503, (url, response.status_code, body, took)
    assert body["code"] == "DATABASE_UNAVAILABLE", body
    assert int(response.headers["Retry-After"]) >= 1
    return took


async def _recovers(client: Any, within: float) -> float:
    """Seconds until a data request succeeds again; meanwhile only 503s are allowed."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        response = await client.get(DATA)
        if response.status_code == 200:
            assert (await response.get_json())["rows"]
            return loop.time() - started
        assert response.status_code == 503, (response.status_code, await response.get_json())
        assert loop.time() - started < within, "no recovery"
        await asyncio.sleep(0.1)


def _settings(make_settings: Callable[..., Settings], url: str, **more: Any) -> Settings:
    return make_settings(database_url=url, db_connect_timeout=CONNECT_TIMEOUT, **more)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
async def test_a_hung_database_answers_503_fast_then_at_once_then_recovers(
    dialect: str, databases: dict[str, Any], make_settings: Callable[..., Settings], login: Any
) -> None:
    require_server(dialect)
    db: TestDatabase = await databases["get"](dialect)
    async with proxied(db.readonly_url) as (proxy, via_proxy):
        async with running_app(_settings(make_settings, via_proxy)) as app:
            client = app.test_client()
            await login(client)
            assert (await get_json(client, DATA))["rows"]  # a pooled connection, a warm catalog
            proxy.stall()
            first = await _unavailable(client)
            assert first < 5, f"first 503 after {first:.1f} s"
            later = [await _unavailable(client) for _ in range(5)]
            assert max(later) < 1, f"later 503s took {later}"
            health = await client.get("/api/health")  # says so too
            assert await health.get_json() == {"status": "degraded", "database": "unavailable"}
            live, took = await _timed(client.get("/api/health/live"))  # the process still serves
            assert (live.status_code, await live.get_json(), took < 0.5) == (200, {"status": "ok"},
                                                                             True)  # fmt: skip
            proxy.resume()
            took = await _recovers(client, within=5)
            print(f"{dialect}: first 503 {first:.2f} s, later {max(later):.3f} s, "
                  f"recovered in {took:.2f} s")  # fmt: skip


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
async def test_a_hung_database_with_no_pooled_connection_is_503_not_504(
    dialect: str, databases: dict[str, Any], make_settings: Callable[..., Settings], login: Any
) -> None:
    """Connecting to a silent server (the TCP connection opens, the handshake never comes)
    is a 503 within seconds, not a wait for the 30 s statement limit."""
    require_server(dialect)
    db: TestDatabase = await databases["get"](dialect)
    async with proxied(db.readonly_url) as (proxy, via_proxy):
        async with running_app(_settings(make_settings, via_proxy)) as app:
            client = app.test_client()
            await login(client)
            proxy.stall()
            took = await _unavailable(client, "/api/tables")
            assert took < 5, f"first 503 after {took:.1f} s"
            assert await _unavailable(client, "/api/tables") < 1
            proxy.resume()
            await _recovers(client, within=5)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
async def test_a_failed_health_check_makes_requests_answer_503_at_once(
    dialect: str, databases: dict[str, Any], make_settings: Callable[..., Settings], login: Any
) -> None:
    require_server(dialect)
    db: TestDatabase = await databases["get"](dialect)
    async with proxied(db.readonly_url) as (proxy, via_proxy):
        settings = _settings(make_settings, via_proxy, metrics_token=TOKEN)
        async with running_app(settings) as app:
            client = app.test_client()
            await login(client)
            assert (await get_json(client, DATA))["rows"]
            proxy.stall()
            health, took = await _timed(client.get("/api/health"))
            assert health.status_code == 503 and took < 3
            assert await _unavailable(client) < 1  # no request has waited for it yet
            export = "/api/tables/customers/export/csv"
            assert await _unavailable(client, export) < 1
            assert value(await scrape(client), "pydbpro_db_breaker_open") == 1
            proxy.resume()
            await _recovers(client, within=5)
            assert (await client.get("/api/health")).status_code == 200
            assert value(await scrape(client), "pydbpro_db_breaker_open") == 0


async def test_a_slow_statement_is_not_a_hung_database(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """A statement that runs longer than the connect timeout on a server that answers others
    ends in its own 504, and nobody else gets a 503 meanwhile."""
    settings = _settings(make_settings, backend_db.readonly_url, max_query_time=3)
    async with slow_view(backend_db), running_app(settings) as app:
        client = app.test_client()
        await login(client)
        await get_json(client, "/api/tables/slow_view/schema")  # warm the catalog cache

        async def meanwhile() -> list[int]:
            await asyncio.sleep(CONNECT_TIMEOUT + 1)  # the slow one is suspected by now
            statuses = []
            for url in ("/api/health", DATA, "/api/health/ready"):
                statuses.append((await client.get(url)).status_code)
            return statuses

        slow, others = await asyncio.gather(
            client.get("/api/tables/slow_view/data?count=none"), meanwhile()
        )
        assert slow.status_code == 504
        assert (await slow.get_json())["code"] == "QUERY_TIMEOUT"
        assert others == [200, 200, 200]
        assert (await get_json(client, DATA))["rows"]
