"""Instances that start together on one empty store all come up (a first Kubernetes rollout
with two replicas): one creates the schema and ADMIN_USER, the others carry on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from pydbpro.app import create_app
from pydbpro.auth.users import list_users
from pydbpro.settings import Settings
from pydbpro.state import app_state

from .conftest import TestDatabase
from .support.databases import create_database, drop_database, require_server

INSTANCES = 4


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
async def test_instances_starting_together_on_an_empty_store_all_come_up(
    make_settings: Callable[..., Settings],
    sqlite_db: TestDatabase,
    tmp_path: Path,
    store: str,
    login: Any,
) -> None:
    store_db = None
    if store == "postgresql":
        require_server("postgresql")
        store_db = await create_database("postgresql", tmp_path)
    settings = make_settings(
        database_url=sqlite_db.readonly_url,
        app_database_url=store_db.full_url if store_db else None,
        admin_user="acc",
        admin_password="first-admin-password",
    )
    apps = [create_app(settings) for _ in range(INSTANCES)]
    try:
        async with AsyncExitStack() as stack:
            await asyncio.gather(*(stack.enter_async_context(app.test_app()) for app in apps))
            for app in apps:
                await login(app.test_client(), "acc", "first-admin-password")
            users = await list_users(app_state(apps[0]).store)
            assert [(u.username, u.role) for u in users] == [("acc", "admin")]
    finally:
        if store_db is not None:
            await drop_database(store_db)
