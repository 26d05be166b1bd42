"""Login throttling: a lockout per (username, address), wide limits per address and username.

Through HTTP against a running app; the client address is set per request (ASGI scope), and
behind TRUSTED_PROXIES by X-Forwarded-For. Every test runs twice: counting in the store, and
in Redis (REDIS_URL), where it also checks that Redis, not the store's fallback, counted.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client
from sqlalchemy import func, select

from pydbpro.auth.users import create_user
from pydbpro.state import app_state
from pydbpro.store.schema import login_counters

from .conftest import USERNAME, TestDatabase, require_server, running_app
from .support.databases import create_database, drop_database, redis_url
from .support.redis import redis_keys, redis_prefix, redis_ttl

Login = Callable[..., Awaitable[Any]]
WINDOW = 15 * 60
OTHER, OTHER_PASSWORD = "bob", "bob-password-1"


def at(addr: str) -> dict[str, Any]:
    """Request options that make the request come from ``addr``."""
    return {"scope_base": {"client": (addr, 40000)}}


X, Y, Z, W = at("192.0.2.10"), at("192.0.2.20"), at("192.0.2.30"), at("192.0.2.40")


@pytest.fixture(params=["store", "redis"])
async def counted_in(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Any]]:
    """The settings that put the login counters in the store, then in Redis."""
    if request.param == "store":
        yield {}
        return
    async with redis_prefix() as prefix:
        # A generous timeout: on a loaded machine a slow answer would count in the store.
        yield {"redis_url": redis_url(), "redis_key_prefix": prefix, "redis_timeout": 5}


async def counted_where_configured(app: Quart) -> None:
    """With Redis, every attempt was counted there: no fallback, nothing in the store."""
    state = app_state(app)
    if state.redis is None:
        return
    assert state.redis.fallbacks == {}
    async with state.store.begin() as conn:
        assert (await conn.execute(select(func.count()).select_from(login_counters))).scalar() == 0


@asynccontextmanager
async def _started(settings: Any) -> AsyncIterator[Quart]:
    async with running_app(settings) as app:
        await create_user(app_state(app).store, OTHER, OTHER_PASSWORD)
        yield app
        await counted_where_configured(app)


@pytest.fixture
async def app(
    make_settings: Callable[..., Any], sqlite_db: TestDatabase, counted_in: dict[str, Any]
) -> AsyncIterator[Quart]:
    async with _started(make_settings(database_url=sqlite_db.readonly_url, **counted_in)) as app:
        yield app


@pytest.fixture
def start(
    make_settings: Callable[..., Any], sqlite_db: TestDatabase, counted_in: dict[str, Any]
) -> Callable[..., Any]:
    """Start an app with the given throttling settings (and a second user, bob)."""

    def run(**overrides: Any) -> Any:
        settings = {"database_url": sqlite_db.readonly_url, **counted_in, **overrides}
        return _started(make_settings(**settings))

    return run


async def _fail(
    client: Client, login: Login, times: int, username: str = USERNAME, **kw: Any
) -> None:
    for _ in range(times):
        await login(client, username=username, password="wrong password", expect=401, **kw)


def _retry_after(response: Any) -> int:
    return int(response.headers["Retry-After"])


def _window_left(began: float) -> int:
    """The least Retry-After of a window opened after ``began``: the whole window less the
    time the failures took (seconds on a loaded machine, or beside other test workers)."""
    return math.ceil(WINDOW - (time.monotonic() - began))


async def test_pair_is_locked_out_after_max_failures(client: Client, login: Login) -> None:
    await _fail(client, login, 5)
    response = await login(client, expect=429)  # even the right password
    body = await response.get_json()
    assert body["code"] == "TOO_MANY_REQUESTS"
    assert body["error"] and body["request_id"]
    assert 59 <= _retry_after(response) <= 60  # LOGIN_LOCKOUT_DELAY


async def test_lockout_delays_grow(start: Any, login: Login) -> None:
    async with start(login_max_failures=2, login_lockout_delay=1) as app:
        client = app.test_client()
        await _fail(client, login, 1)
        for delay in (1, 2, 4):  # from the 2nd failure on, twice as long after each one
            began = time.monotonic()
            await _fail(client, login, 1)  # its delay starts before the (slow) password hash
            waited = _retry_after(await login(client, expect=429))
            assert math.ceil(delay - (time.monotonic() - began)) <= waited <= delay
            await asyncio.sleep(waited + 0.1)


async def test_unknown_username_is_throttled_the_same_way(client: Client, login: Login) -> None:
    await _fail(client, login, 5, username="nobody-here")
    response = await login(client, username="nobody-here", expect=429)
    assert 59 <= _retry_after(response) <= 60


async def test_success_resets_the_pair(client: Client, login: Login) -> None:
    await _fail(client, login, 4)
    await login(client)
    await _fail(client, login, 4)
    await login(client)


@pytest.fixture(params=["sqlite", "postgresql"])
async def store_settings(
    request: pytest.FixtureRequest,
    make_settings: Callable[..., Any],
    sqlite_db: TestDatabase,
    tmp_path: Path,
    counted_in: dict[str, Any],
) -> AsyncIterator[Any]:
    """Settings on a SQLite store and on a PostgreSQL one (what several instances share)."""
    if request.param == "sqlite":
        yield make_settings(database_url=sqlite_db.readonly_url, **counted_in)
        return
    require_server("postgresql")
    store_db = await create_database("postgresql", tmp_path)
    try:
        yield make_settings(
            database_url=sqlite_db.readonly_url, app_database_url=store_db.full_url, **counted_in
        )
    finally:
        await drop_database(store_db)


async def test_concurrent_guesses_get_no_more_than_the_limit(
    store_settings: Any, login: Login
) -> None:
    """100 guesses at once: 5 are checked (401), the rest answer 429, the password too."""
    async with running_app(store_settings) as first, running_app(store_settings) as second:
        clients = [first.test_client(), second.test_client()]  # two instances, one store
        guesses = [
            clients[index % 2].post(
                "/api/login", json={"username": USERNAME, "password": f"guess-{index}"}
            )
            for index in range(100)
        ]
        statuses = Counter(response.status_code for response in await asyncio.gather(*guesses))
        assert statuses == {401: 5, 429: 95}
        await login(clients[0], expect=429)
        await counted_where_configured(first)
        await counted_where_configured(second)


async def test_failures_on_one_pair_block_nobody_else(start: Any, login: Login) -> None:
    async with start() as app:
        client = app.test_client()
        for _ in range(20):
            response = await client.post(
                "/api/login", json={"username": USERNAME, "password": "wrong"}, **X
            )
            assert response.status_code in (401, 429)
        await login(client, expect=429, **X)
        await login(client, OTHER, OTHER_PASSWORD, **X)  # another user, same address
        await login(client, **Y)  # the same user, another address


async def test_spraying_one_address_is_stopped(start: Any, login: Login) -> None:
    async with start(login_address_max_failures=8) as app:
        client = app.test_client()
        began = time.monotonic()
        for index in range(8):
            await _fail(client, login, 1, username=f"guess{index}", **X)
        response = await login(client, expect=429, **X)  # the right password too
        assert _window_left(began) <= _retry_after(response) <= WINDOW
        await login(client, **Y)


async def test_a_few_failures_across_usernames_block_no_address(
    client: Client, login: Login
) -> None:
    """Five typos for five names from one address (one office) block nobody there."""
    for index in range(5):
        await _fail(client, login, 1, username=f"guess{index}")
    await login(client)


async def test_username_limit_across_addresses(start: Any, login: Login) -> None:
    async with start(login_username_max_failures=3) as app:
        client = app.test_client()
        began = time.monotonic()
        for addr in (X, Y, Z):
            await _fail(client, login, 1, **addr)
        response = await login(client, expect=429, **W)
        assert _window_left(began) <= _retry_after(response) <= WINDOW
        await login(client, OTHER, OTHER_PASSWORD, **W)


async def test_success_from_a_clean_address_resets_the_username_limit(
    start: Any, login: Login
) -> None:
    async with start(login_username_max_failures=3) as app:
        client = app.test_client()
        await _fail(client, login, 2, **X)
        await login(client, **Y)  # Y had not failed: the username count starts again
        await _fail(client, login, 2, **Z)
        await login(client, **W)


async def test_success_from_a_failed_address_keeps_the_username_count(
    start: Any, login: Login
) -> None:
    async with start(login_username_max_failures=3) as app:
        client = app.test_client()
        await _fail(client, login, 2, **X)
        await login(client, **X)  # forgives X's pair, not the username's count
        await _fail(client, login, 1, **Z)
        await login(client, expect=429, **W)


async def test_forwarded_address_is_used_behind_a_trusted_proxy(start: Any, login: Login) -> None:
    async with start(trusted_proxies="127.0.0.1") as app:
        client = app.test_client()
        via_proxy = at("127.0.0.1")
        attacker = {"X-Forwarded-For": "203.0.113.9"}
        await _fail(client, login, 5, headers=attacker, **via_proxy)
        await login(client, expect=429, headers=attacker, **via_proxy)
        owner = {"X-Forwarded-For": "198.51.100.7"}
        await login(client, headers=owner, **via_proxy)


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    client: Client, login: Login
) -> None:
    """Without TRUSTED_PROXIES, rotating X-Forwarded-For does not escape the lockout."""
    for index in range(5):
        await _fail(client, login, 1, headers={"X-Forwarded-For": f"203.0.113.{index}"})
    await login(client, expect=429, headers={"X-Forwarded-For": "198.51.100.7"})


async def test_redis_holds_the_counters_and_they_expire(
    make_settings: Callable[..., Any], sqlite_db: TestDatabase, login: Login
) -> None:
    """With REDIS_URL the three counters are Redis keys under REDIS_KEY_PREFIX, each ending
    with its window (as the store prunes its rows); a success forgets the pair and gives the
    attempt back."""
    async with redis_prefix() as prefix:
        settings = make_settings(
            database_url=sqlite_db.readonly_url, redis_url=redis_url(), redis_key_prefix=prefix
        )
        async with _started(settings) as app:
            client = app.test_client()
            await _fail(client, login, 1, **X)
            keys = {
                "throttle:addr:192.0.2.10",
                f"throttle:pair:{USERNAME}\n192.0.2.10",
                f"throttle:user:{USERNAME}",
            }
            assert set(await redis_keys(prefix)) == keys
            for key in keys:
                assert 0 < await redis_ttl(prefix + key) <= WINDOW
            await login(client, **X)
            # X had failed before: the username's count only gets this attempt back
            assert set(await redis_keys(prefix)) == keys - {f"throttle:pair:{USERNAME}\n192.0.2.10"}
