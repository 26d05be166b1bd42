"""PyDBPro's own store: created or upgraded idempotently, never inside the explored database."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from pydbpro.settings import Settings
from pydbpro.state import app_state
from pydbpro.store import Store
from pydbpro.store.database import store_url
from pydbpro.store.schema import SCHEMA_VERSION

from .conftest import TestDatabase, require_server, running_app
from .support.databases import create_database, drop_database

TABLES = {"pydbpro_meta", "users", "sessions", "api_tokens", "login_counters"}


async def _tables(store: Store) -> set[str]:
    async with store.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    store = Store(store_url(None, tmp_path))
    try:
        assert await store.upgrade() == SCHEMA_VERSION
        assert await store.upgrade() == SCHEMA_VERSION
        assert await store.schema_version() == SCHEMA_VERSION
        assert await _tables(store) >= TABLES
    finally:
        await store.dispose()


async def test_version_1_store_is_upgraded(tmp_path: Path) -> None:
    """Version 2 replaces the per-failure login_failures rows by login_counters; version 3
    gives saved queries their chart."""
    store = Store(store_url(None, tmp_path))
    try:
        async with store.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE pydbpro_meta (key VARCHAR(64), value TEXT)"))
            await conn.execute(text("INSERT INTO pydbpro_meta VALUES ('schema_version', '1')"))
            await conn.execute(text("CREATE TABLE login_failures (id INTEGER PRIMARY KEY)"))
            await conn.execute(text("CREATE TABLE saved_queries (id INTEGER PRIMARY KEY)"))
        assert await store.upgrade() == SCHEMA_VERSION == 3
        assert await store.schema_version() == 3
        tables = await _tables(store)
        assert "login_counters" in tables
        assert "login_failures" not in tables
        async with store.engine.connect() as conn:
            found = await conn.execute(text("SELECT chart FROM saved_queries"))
            assert found.all() == []
    finally:
        await store.dispose()


async def test_first_admin_is_created_once_from_settings(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(
        database_url=sqlite_db.readonly_url,
        admin_user="root-admin",
        admin_password="first-admin-password",
    )
    async with running_app(settings) as app:
        response = await login(app.test_client(), "root-admin", "first-admin-password")
        assert (await response.get_json())["role"] == "admin"
    changed = make_settings(
        database_url=sqlite_db.readonly_url,
        admin_user="root-admin",
        admin_password="another-password",
    )
    async with running_app(changed) as app:  # the store has users now: nothing is reset
        await login(app.test_client(), "root-admin", "first-admin-password")
        await login(app.test_client(), "root-admin", "another-password", expect=401)


async def test_explored_sqlite_file_is_never_written(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    path = Path(make_url(sqlite_db.readonly_url).database or "")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    async with running_app(make_settings(database_url=sqlite_db.readonly_url)) as app:
        client = app.test_client()
        await login(client)
        assert (await client.get("/api/health")).status_code == 200
        assert app_state(app).store.url.database != str(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


async def test_store_on_postgresql(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, tmp_path: Path, login: Any
) -> None:
    """Several instances share one store by pointing APP_DATABASE_URL at PostgreSQL."""
    require_server("postgresql")
    store_db = await create_database("postgresql", tmp_path)
    try:
        settings = make_settings(
            database_url=sqlite_db.readonly_url, app_database_url=store_db.full_url
        )
        async with running_app(settings) as first, running_app(settings) as second:
            client = first.test_client()
            await login(client)
            other = second.test_client()
            other.cookie_jar = client.cookie_jar  # the same browser, another instance
            assert (await other.get("/api/me")).status_code == 200
            await other.post("/api/logout")
            assert (await client.get("/api/me")).status_code == 401
        store = Store(store_url(store_db.full_url, tmp_path))
        try:
            assert await _tables(store) >= TABLES
        finally:
            await store.dispose()
    finally:
        await drop_database(store_db)


@pytest.mark.parametrize("url", ["mysql://x@y/z", "oracle://a@b/c"])
def test_store_refuses_unsupported_backends(
    make_settings: Callable[..., Settings], url: str
) -> None:
    from pydbpro.settings import SettingsError
    from pydbpro.settings_loading import load_settings

    with pytest.raises(SettingsError, match="APP_DATABASE_URL"):
        load_settings(
            _env_file=None, secret_key="s" * 10 + "abcdefghijklmnopqrstuvwxyz", app_database_url=url
        )
