"""Login, logout, sessions: what a user and an attacker holding a copied cookie see."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from quart.typing import TestClientProtocol as Client

from pydbpro.auth import users as user_service
from pydbpro.settings import Settings
from pydbpro.state import app_state

from .conftest import PASSWORD, USERNAME, TestDatabase, running_app

Login = Callable[..., Awaitable[Any]]


def _session_cookie(response: Any) -> str:
    header = response.headers["Set-Cookie"]
    assert header.startswith("pydbpro_session=")
    return header.split(";", 1)[0].split("=", 1)[1]


async def test_login_then_me(client: Client, login: Login) -> None:
    response = await login(client)
    assert await response.get_json() == {
        "username": USERNAME,
        "role": "admin",
        "auth": "session",
        "permissions": ["read", "query", "export", "audit", "metrics", "users"],
    }
    me = await client.get("/api/me")
    assert me.status_code == 200
    assert (await me.get_json())["username"] == USERNAME


async def test_session_cookie_is_httponly_and_samesite(client: Client, login: Login) -> None:
    header = (await login(client)).headers["Set-Cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header
    assert "secure" not in header  # plain http deployment: a Secure cookie would be dropped


async def test_cookie_is_secure_when_served_over_https(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Login
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, preferred_url_scheme="https")
    async with running_app(settings) as app:
        client = app.test_client()
        response = await login(client, scheme="https")
        assert "secure" in response.headers["Set-Cookie"].lower()
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


async def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: Client, login: Login
) -> None:
    wrong = await (await login(client, password="nope-nope", expect=401)).get_json()
    unknown = await (await login(client, username="mallory", expect=401)).get_json()
    assert wrong["error"] == unknown["error"] == "invalid username or password"
    assert wrong["code"] == unknown["code"] == "INVALID_CREDENTIALS"
    assert (await client.get("/api/me")).status_code == 401


async def test_disabled_user_cannot_log_in_and_loses_sessions(
    client: Client, login: Login, app: Any
) -> None:
    await login(client)
    state = app_state(app)
    await user_service.set_active(state.store, USERNAME, False, lookups=state.lookups)
    assert (await client.get("/api/me")).status_code == 401
    body = await (await login(app.test_client(), expect=401)).get_json()
    assert body["error"] == "invalid username or password"


async def test_logout_invalidates_a_copied_cookie(app: Any, login: Login) -> None:
    client = app.test_client()
    cookie = _session_cookie(await login(client))
    thief = app.test_client()
    thief.set_cookie("localhost", "pydbpro_session", cookie)
    assert (await thief.get("/api/me")).status_code == 200
    response = await client.post("/api/logout")
    assert response.status_code == 200
    assert (
        'pydbpro_session=""' in response.headers["Set-Cookie"]
        or "Expires=Thu, 01 Jan 1970" in response.headers["Set-Cookie"]
    )
    assert (await client.get("/api/me")).status_code == 401
    stolen = await thief.get("/api/me")
    assert stolen.status_code == 401


async def test_password_change_ends_existing_sessions(app: Any, login: Login) -> None:
    client = app.test_client()
    await login(client)
    state = app_state(app)
    await user_service.set_password(
        state.store, USERNAME, "a brand new password", lookups=state.lookups
    )
    assert (await client.get("/api/me")).status_code == 401
    await login(client, password="a brand new password")
    await login(app.test_client(), password=PASSWORD, expect=401)


async def test_forged_cookie_is_rejected(client: Client) -> None:
    client.set_cookie("localhost", "pydbpro_session", "forged.value.here")
    assert (await client.get("/api/me")).status_code == 401


async def test_idle_session_expires_and_activity_keeps_it_alive(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Login
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, session_timeout=2.5 / 60)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for _ in range(3):  # 4.5 s of activity in total, longer than the 2.5 s timeout
            await asyncio.sleep(1.5)
            assert (await client.get("/api/me")).status_code == 200
        await asyncio.sleep(3)
        expired = await client.get("/api/me")
        assert expired.status_code == 401
        assert (await expired.get_json())["code"] == "SESSION_EXPIRED"
        # a page request after expiry goes to the login page, which can say "expired"
        await login(client)
        await asyncio.sleep(3)
        page = await client.get("/query")
        assert page.status_code == 302
        assert page.headers["Location"] == "/login?next=/query&expired=1"


async def test_session_ends_at_its_absolute_lifetime_despite_activity(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Login
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, session_max_age=2.5 / 3600)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        await asyncio.sleep(1.5)
        assert (await client.get("/api/me")).status_code == 200
        await asyncio.sleep(1.5)
        assert (await client.get("/api/me")).status_code == 401


async def test_login_body_is_validated(client: Client) -> None:
    response = await client.post("/api/login", json={"username": "alice"})
    assert response.status_code == 400
    body = await response.get_json()
    assert body["code"] == "BAD_REQUEST"
    assert any(item["field"] == "password" for item in body["details"])
