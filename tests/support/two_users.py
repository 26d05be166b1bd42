"""An app whose store is SQLite or PostgreSQL, with a logged-in admin and a logged-in viewer:
what the per-user features (history, saved queries) are tested with."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.auth.users import create_user
from pydbpro.roles import VIEWER
from pydbpro.settings import Settings
from pydbpro.state import app_state

from ..conftest import running_app
from .databases import TestDatabase, create_database, drop_database, require_server

VIEWER_NAME, VIEWER_PASSWORD = "victor", "viewer-password-1"
#: The store's backends: SQLite by default, PostgreSQL with APP_DATABASE_URL.
STORES = ("sqlite", "postgresql")


@dataclass
class TwoUsers:
    app: Quart
    admin: Client  # alice, the fixture's admin
    viewer: Client


@asynccontextmanager
async def two_users(
    make_settings: Callable[..., Settings],
    explored: TestDatabase,
    store: str,
    tmp_path: Path,
    login: Callable[..., Awaitable[Any]],
    **overrides: Any,
) -> AsyncIterator[TwoUsers]:
    """A running app on ``explored`` with its store on ``store``, and both users' clients."""
    store_db = None
    if store == "postgresql":
        require_server("postgresql")
        store_db = await create_database("postgresql", tmp_path / "store")
        overrides["app_database_url"] = store_db.full_url
    try:
        settings = make_settings(database_url=explored.readonly_url, **overrides)
        async with running_app(settings) as app:
            await create_user(app_state(app).store, VIEWER_NAME, VIEWER_PASSWORD, role=VIEWER)
            admin, viewer = app.test_client(), app.test_client()
            await login(admin)
            await login(viewer, VIEWER_NAME, VIEWER_PASSWORD)
            yield TwoUsers(app, admin, viewer)
    finally:
        if store_db is not None:
            await drop_database(store_db)
