"""Login throttling: a lockout per (username, address), wide limits per address and username.

Through HTTP against a running app; the client address is set per request (ASGI scope), and
behind TRUSTED_PROXIES by X-Forwarded-For.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.auth.users import create_user
from pydbpro.state import app_state

from .conftest import USERNAME, TestDatabase, require_server, running_app
from .support.databases import create_database, drop_database

Login = Callable[..., Awaitable[Any]]
WINDOW = 15 * 60
OTHER, OTHER_PASSWORD = "bob", "bob-password-1"


def at(addr: str) -> dict[str, Any]:
    """Request options that make the request come from ``addr``."""
    return {"scope_base": {"client": (addr, 40000)}}


X, Y, Z, W = at("192.0.2.10"), at("192.0.2.20"), at("192.0.2.30"), at("192.0.2.40")


@asynccontextmanager
async def _started(settings: Any) -> AsyncIterator[Quart]:
    async with running_app(settings) as app:
        await create_user(app_state(app).store, OTHER, OTHER_PASSWORD)
        yield app


@pytest.fixture
def start(make_settings: Callable[..., Any], sqlite_db: TestDatabase) -> Callable[..., Any]:
    """Start an app with the given throttling settings (and a second user, bob)."""

    def run(**overrides: Any) -> Any:
        return _started(make_settings(database_url=sqlite_db.readonly_url, **overrides))

    return run


async def _fail(
    client: Client, login: Login, times: int, username: str = USERNAME, **kw: Any
) -> None:
    for _ in range(times):
        await login(client, username=username, password="wrong password", expect=401, **kw)


def _retry_after(response: Any) -> int:
    return int(response.headers["Retry-After"])


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
        await _fail(client, login, 2)
        assert _retry_after(await login(client, expect=429)) == 1
        await asyncio.sleep(1.1)
        await _fail(client, login, 1)  # one more try after the delay, then twice as long
        assert _retry_after(await login(client, expect=429)) == 2
        await asyncio.sleep(2.1)
        await _fail(client, login, 1)
        assert _retry_after(await login(client, expect=429)) == 4


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
) -> AsyncIterator[Any]:
    """Settings on a SQLite store and on a PostgreSQL one (what several instances share)."""
    if request.param == "sqlite":
        yield make_settings(database_url=sqlite_db.readonly_url)
        return
    require_server("postgresql")
    store_db = await create_database("postgresql", tmp_path)
    try:
        yield make_settings(database_url=sqlite_db.readonly_url, app_database_url=store_db.full_url)
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
        for index in range(8):
            await _fail(client, login, 1, username=f"guess{index}", **X)
        response = await login(client, expect=429, **X)  # the right password too
        assert WINDOW - 5 <= _retry_after(response) <= WINDOW
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
        for addr in (X, Y, Z):
            await _fail(client, login, 1, **addr)
        response = await login(client, expect=429, **W)
        assert WINDOW - 5 <= _retry_after(response) <= WINDOW
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
