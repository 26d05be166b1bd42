"""Login throttling: 429 with Retry-After after repeated failures, revealing nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from quart.typing import TestClientProtocol as Client

from .conftest import PASSWORD, USERNAME

Login = Callable[..., Awaitable[Any]]


async def _fail(
    client: Client, login: Login, times: int, username: str = USERNAME, **kw: Any
) -> None:
    for _ in range(times):
        await login(client, username=username, password="wrong password", expect=401, **kw)


async def test_username_is_throttled_after_five_failures(client: Client, login: Login) -> None:
    await _fail(client, login, 5)
    response = await login(client, expect=429)  # even the right password
    body = await response.get_json()
    assert body["code"] == "TOO_MANY_REQUESTS"
    retry_after = int(response.headers["Retry-After"])
    assert 800 < retry_after <= 15 * 60


async def test_unknown_username_is_throttled_the_same_way(client: Client, login: Login) -> None:
    await _fail(client, login, 5, username="nobody-here")
    response = await login(client, username="nobody-here", expect=429)
    assert "Retry-After" in response.headers


async def test_one_address_is_throttled_across_usernames(app: Any, login: Login) -> None:
    client = app.test_client()
    for index in range(5):
        await login(client, username=f"guess{index}", password="x-wrong-x", expect=401)
    await login(client, expect=429)


async def test_success_resets_the_username_count(client: Client, login: Login) -> None:
    await _fail(client, login, 4)
    await login(client)
    await _fail(client, login, 1)
    await login(client)


async def test_other_addresses_are_not_affected_by_an_attacker(
    make_settings: Any, sqlite_db: Any, login: Login
) -> None:
    from .conftest import running_app

    settings = make_settings(database_url=sqlite_db.readonly_url, trusted_proxies="127.0.0.1")
    async with running_app(settings) as app:
        client = app.test_client()
        via_proxy = {"scope_base": {"client": ("127.0.0.1", 40000)}}
        attacker = {"X-Forwarded-For": "203.0.113.9"}
        for index in range(5):
            await login(
                client,
                username=f"g{index}",
                password="x-wrong-x",
                expect=401,
                headers=attacker,
                **via_proxy,
            )
        await login(
            client, username="someone", password="x", expect=429, headers=attacker, **via_proxy
        )
        await login(
            client, USERNAME, PASSWORD, headers={"X-Forwarded-For": "198.51.100.7"}, **via_proxy
        )


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    client: Client, login: Login
) -> None:
    """Without TRUSTED_PROXIES, rotating X-Forwarded-For does not escape the address limit."""
    for index in range(5):
        await login(
            client,
            username=f"g{index}",
            password="x-wrong-x",
            expect=401,
            headers={"X-Forwarded-For": f"203.0.113.{index}"},
        )
    await login(client, expect=429, headers={"X-Forwarded-For": "198.51.100.7"})
