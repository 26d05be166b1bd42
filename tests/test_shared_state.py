"""Several instances behave as one: two apps sharing a PostgreSQL store and Redis (REDIS_URL).

Through HTTP: what happens on one instance holds on the other at once, also right after both
have used (and so cached) the session or token concerned; login throttling counts on both;
and a Redis that stops answering, or hangs, changes nothing a user sees (the store serves),
until it is back and used again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client
from sqlalchemy import func, select

from pydbpro.shared.link import RETRY_INTERVAL
from pydbpro.state import app_state
from pydbpro.store.schema import login_counters

from .cli import run_cli
from .conftest import USERNAME, TestDatabase, require_server, running_app
from .support.databases import create_database, drop_database, redis_url
from .support.redis import redis_keys, redis_prefix
from .support.tcp_proxy import TcpProxy, proxied

Login = Callable[..., Awaitable[Any]]
Apps = tuple[Quart, Quart, str]
VICTOR, VICTOR_PASSWORD = "victor", "victor's long password"
METRICS_TOKEN = "metrics-token-0123456789-abcdefghijklmnop"
METRICS_AUTH = {"Authorization": f"Bearer {METRICS_TOKEN}"}


@asynccontextmanager
async def _instances(
    make_settings: Callable[..., Any],
    sqlite_db: TestDatabase,
    tmp_path: Path,
    *,
    redis: str | None = None,
    proxy_store: bool = False,
    **overrides: Any,
) -> AsyncIterator[tuple[Quart, Quart, str, TcpProxy | None]]:
    """Two running apps on one new PostgreSQL store and one Redis key prefix."""
    require_server("postgresql")
    async with redis_prefix() as prefix:
        store_db = await create_database("postgresql", tmp_path)
        try:
            async with _store_url(store_db.full_url, proxy_store) as (store_proxy, store_url):
                settings = make_settings(
                    database_url=sqlite_db.readonly_url,
                    app_database_url=store_url,
                    redis_url=redis or redis_url(),
                    redis_key_prefix=prefix,
                    **{"redis_timeout": 2, **overrides},  # a loaded machine is no outage
                )
                async with running_app(settings) as first, running_app(settings) as second:
                    yield first, second, prefix, store_proxy
        finally:
            await drop_database(store_db)


@asynccontextmanager
async def _store_url(url: str, proxy: bool) -> AsyncIterator[tuple[TcpProxy | None, str]]:
    if not proxy:
        yield None, url
        return
    async with proxied(url) as (store_proxy, through_proxy):
        yield store_proxy, through_proxy


@pytest.fixture
async def apps(
    make_settings: Callable[..., Any], sqlite_db: TestDatabase, tmp_path: Path
) -> AsyncIterator[Apps]:
    async with _instances(make_settings, sqlite_db, tmp_path) as (first, second, prefix, _):
        yield first, second, prefix
        for app in (first, second):
            assert app_state(app).redis is not None
            assert app_state(app).redis.fallbacks == {}  # Redis served, not the store


def _session_cookie(response: Any) -> str:
    header = response.headers["Set-Cookie"]
    assert header.startswith("pydbpro_session=")
    return header.split(";", 1)[0].split("=", 1)[1]


def _browser(app: Quart, cookie: str) -> Client:
    """A client of ``app`` holding the session cookie (the same browser, on that instance)."""
    client = app.test_client()
    client.set_cookie("localhost", "pydbpro_session", cookie)
    return client


async def _logged_in(app: Quart, login: Login, *args: Any) -> str:
    return _session_cookie(await login(app.test_client(), *args))


async def _status(
    app: Quart, path: str, cookie: str | None = None, token: str | None = None
) -> int:
    client = _browser(app, cookie) if cookie else app.test_client()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return (await client.get(path, headers=headers)).status_code


async def _new_token(app: Quart, cookie: str) -> tuple[str, int]:
    response = await _browser(app, cookie).post("/api/tokens", json={"name": "script"})
    assert response.status_code == 201
    body = await response.get_json()
    return body["token"], body["info"]["id"]


async def test_a_login_works_on_every_instance_and_logout_ends_it_everywhere(
    apps: Apps, login: Login
) -> None:
    first, second, prefix = apps
    cookie = await _logged_in(first, login)
    for app in (second, first, second):  # the second time from the cache
        assert await _status(app, "/api/me", cookie) == 200
    assert [key for key in await redis_keys(prefix) if key.startswith("auth:session:")]
    assert (await _browser(first, cookie).post("/api/logout")).status_code == 200
    assert await _status(second, "/api/me", cookie) == 401
    assert await _status(first, "/api/me", cookie) == 401


async def test_a_cached_lookup_spares_the_store(
    make_settings: Callable[..., Any], sqlite_db: TestDatabase, tmp_path: Path, login: Login
) -> None:
    """While a session's lookup is cached, a request needs no store query at all."""
    async with _instances(make_settings, sqlite_db, tmp_path, proxy_store=True) as started:
        first, second, _, store = started
        assert store is not None
        cookie = await _logged_in(first, login)
        assert await _status(second, "/api/me", cookie) == 200
        await store.stop()
        try:
            assert await _status(second, "/api/me", cookie) == 200
            assert await _status(first, "/api/me", cookie) == 200
        finally:
            await store.start()


async def test_the_idle_timeout_holds_with_the_cache(
    make_settings: Callable[..., Any], sqlite_db: TestDatabase, tmp_path: Path, login: Login
) -> None:
    """Cached lookups still move the session's last-seen time: a session used on both
    instances outlives SESSION_TIMEOUT, and one left idle for it expires on both."""
    idle = 6.0
    async with _instances(  # entries that would outlive the timeout: they must not matter
        make_settings, sqlite_db, tmp_path, session_timeout=idle / 60, auth_cache_seconds=60
    ) as (first, second, _, _):
        cookie = await _logged_in(first, login)
        began = asyncio.get_running_loop().time()
        while asyncio.get_running_loop().time() - began < idle + 1:
            for app in (first, second):
                assert await _status(app, "/api/me", cookie) == 200
            await asyncio.sleep(0.4)
        await asyncio.sleep(idle + 0.5)
        expired = await _browser(second, cookie).get("/api/me")
        assert expired.status_code == 401
        assert (await expired.get_json())["code"] == "SESSION_EXPIRED"
        assert await _status(first, "/api/me", cookie) == 401


async def test_a_token_revoked_on_one_instance_is_refused_by_the_other_at_once(
    apps: Apps, login: Login
) -> None:
    first, second, _ = apps
    cookie = await _logged_in(first, login)
    token, token_id = await _new_token(first, cookie)
    for app in (second, first, second):
        assert await _status(app, "/api/me", token=token) == 200
    revoked = await _browser(first, cookie).delete(f"/api/tokens/{token_id}")
    assert revoked.status_code == 200
    assert await _status(second, "/api/me", token=token) == 401
    assert await _status(first, "/api/me", token=token) == 401


async def test_user_changes_on_one_instance_hold_on_the_other_at_once(
    apps: Apps, login: Login
) -> None:
    """Role, disabling and a password reset, made by an admin on the first instance, while
    victor's session and token are cached from his use of the second."""
    first, second, _ = apps
    admin = _browser(first, await _logged_in(first, login))
    created = await admin.post(
        "/api/users", json={"username": VICTOR, "role": "admin", "password": VICTOR_PASSWORD}
    )
    assert created.status_code == 201
    session = await _logged_in(second, login, VICTOR, VICTOR_PASSWORD)
    token, _ = await _new_token(second, session)
    for _ in range(2):
        assert await _status(second, "/api/users", session) == 200
        assert await _status(second, "/api/users", token=token) == 200

    assert (await admin.patch(f"/api/users/{VICTOR}", json={"role": "viewer"})).status_code == 200
    assert await _status(second, "/api/users", token=token) == 403  # tokens act with the new role
    assert await _status(second, "/api/me", session) == 401  # a role change ends sessions

    assert await _status(second, "/api/me", token=token) == 200
    assert (await admin.patch(f"/api/users/{VICTOR}", json={"active": False})).status_code == 200
    assert await _status(second, "/api/me", token=token) == 401
    assert (await admin.patch(f"/api/users/{VICTOR}", json={"active": True})).status_code == 200

    session = await _logged_in(second, login, VICTOR, VICTOR_PASSWORD)
    assert await _status(second, "/api/me", session) == 200
    reset = await admin.post(f"/api/users/{VICTOR}/password", json={})
    assert reset.status_code == 200
    assert await _status(second, "/api/me", session) == 401


async def test_changes_from_the_command_line_hold_on_every_instance_at_once(
    apps: Apps, login: Login, tmp_path: Path
) -> None:
    """`pydbpro tokens revoke` and `pydbpro users role`, run beside the instances with the
    same settings, clear the lookup cache they share too."""
    first, second, prefix = apps
    store_url = app_state(first).settings.app_database_url
    assert store_url is not None
    env = {"APP_DATABASE_URL": store_url, "REDIS_URL": redis_url(), "REDIS_KEY_PREFIX": prefix}
    cookie = await _logged_in(first, login)
    token, token_id = await _new_token(first, cookie)
    other, _ = await _new_token(first, cookie)
    for app in (first, second):
        for used in (token, other):
            assert await _status(app, "/api/users", token=used) == 200
    revoked = run_cli(tmp_path, "tokens", "revoke", str(token_id), **env)
    assert revoked.returncode == 0, revoked.stderr
    assert await _status(second, "/api/me", token=token) == 401
    demoted = run_cli(tmp_path, "users", "role", USERNAME, "viewer", **env)
    assert demoted.returncode == 0, demoted.stderr
    assert await _status(second, "/api/users", token=other) == 403
    assert await _status(first, "/api/me", cookie) == 401


async def test_throttling_counts_failures_on_every_instance(apps: Apps, login: Login) -> None:
    first, second, prefix = apps
    for index in range(5):  # LOGIN_MAX_FAILURES, spread over both
        client = (first, second)[index % 2].test_client()
        await login(client, password="wrong password", expect=401)
    await login(first.test_client(), expect=429)  # even the right password
    await login(second.test_client(), expect=429)
    assert [key for key in await redis_keys(prefix) if key.startswith(f"throttle:pair:{USERNAME}")]
    async with app_state(first).store.begin() as conn:
        assert (await conn.execute(select(func.count()).select_from(login_counters))).scalar() == 0


def _redis_records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "pydbpro.shared.link" and r.levelno == level]


async def test_redis_stopping_changes_nothing_a_user_sees(
    make_settings: Callable[..., Any],
    sqlite_db: TestDatabase,
    tmp_path: Path,
    login: Login,
    app_log: pytest.LogCaptureFixture,
) -> None:
    require_server("redis")
    async with (
        proxied(redis_url()) as (redis, through_proxy),
        _instances(make_settings, sqlite_db, tmp_path, redis=through_proxy, redis_timeout=0.5,
                   metrics_token=METRICS_TOKEN) as (first, second, prefix, _),  # fmt: skip
    ):
        admin = await _logged_in(first, login)
        kept = await _logged_in(first, login)  # a second browser, ended during the outage
        token, _ = await _new_token(first, admin)
        for app in (first, second):
            for cookie in (admin, kept):
                assert await _status(app, "/api/me", cookie) == 200
            assert await _status(app, "/api/me", token=token) == 200

        await redis.stop()
        for app in (first, second):  # every request answers, from the store
            for cookie in (admin, kept):
                assert await _status(app, "/api/me", cookie) == 200
            assert await _status(app, "/api/me", token=token) == 200
            ready = await app.test_client().get("/api/health/ready")
            assert ready.status_code == 200
            assert (await ready.get_json())["redis"] == "unavailable"
        assert (await _browser(second, kept).post("/api/logout")).status_code == 200
        assert await _status(first, "/api/me", kept) == 401
        during = await _logged_in(second, login)  # login works
        assert await _status(first, "/api/me", during) == 200
        for _ in range(5):  # and so does throttling, in the store
            await login(first.test_client(), VICTOR, "wrong", expect=401)
        await login(second.test_client(), VICTOR, "wrong", expect=429)
        async with app_state(first).store.begin() as conn:
            assert (await conn.execute(select(func.count()).select_from(login_counters))).scalar()
        scraped = await first.test_client().get("/metrics", headers=METRICS_AUTH)
        metrics = await scraped.get_data(as_text=True)
        assert "pydbpro_redis_up 0.0" in metrics
        assert 'pydbpro_redis_fallbacks_total{use="lookup"}' in metrics
        assert len(_redis_records(app_log, logging.WARNING)) == 2  # one per instance
        assert not _redis_records(app_log, logging.INFO)

        await redis.start()
        await asyncio.sleep(RETRY_INTERVAL + 0.2)
        for app in (first, second):
            assert await _status(app, "/api/me", kept) == 401  # no entry from before revives it
            assert await _status(app, "/api/me", admin) == 200
            assert await _status(app, "/api/me", token=token) == 200
            assert app_state(app).redis is not None and app_state(app).redis.up
            ready = await app.test_client().get("/api/health/ready")
            assert (await ready.get_json())["redis"] == "ok"
        assert len(_redis_records(app_log, logging.INFO)) == 2
        assert len(_redis_records(app_log, logging.WARNING)) == 2
        assert [key for key in await redis_keys(prefix) if key.startswith("auth:session:")]
        await login(first.test_client(), "nobody", "wrong", expect=401)  # counted in Redis again
        assert [key for key in await redis_keys(prefix) if key.startswith("throttle:user:nobody")]


async def test_a_hung_redis_costs_a_request_no_more_than_its_timeout(
    make_settings: Callable[..., Any], sqlite_db: TestDatabase, tmp_path: Path, login: Login
) -> None:
    """Redis accepting connections but answering nothing: requests still answer (the command
    times out after REDIS_TIMEOUT, then Redis is skipped until it answers again)."""
    require_server("redis")
    async with (
        proxied(redis_url()) as (redis, through_proxy),
        _instances(make_settings, sqlite_db, tmp_path, redis=through_proxy,
                   redis_timeout=0.3) as (first, second, _, _),  # fmt: skip
    ):
        cookie = await _logged_in(first, login)
        redis.stall()
        try:
            for app in (second, first, second):
                assert await _status(app, "/api/me", cookie) == 200
            await login(second.test_client(), expect=200)
            ready = await first.test_client().get("/api/health/ready")
            assert ready.status_code == 200
            assert (await ready.get_json())["redis"] == "unavailable"
        finally:
            redis.resume()
        await asyncio.sleep(RETRY_INTERVAL + 0.2)
        assert await _status(first, "/api/me", cookie) == 200
        ready = await first.test_client().get("/api/health/ready")
        assert (await ready.get_json())["redis"] == "ok"
