"""Fixtures shared by every test: real databases per backend, apps, clients, users.

Throw-away databases on the real PostgreSQL and MariaDB servers are created once per test
session (with a read-only and a full-privilege role) and dropped at the end. When a server
is unreachable its tests are skipped with the reason, except under CI=true, where that is a
failure: CI must never pass by skipping.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.app import create_app
from pydbpro.auth.users import create_user, find_user
from pydbpro.roles import ADMIN
from pydbpro.settings import Settings
from pydbpro.state import app_state

from .support.databases import (
    TestDatabase,
    create_database,
    drop_database,
    redis_url,
    require_server,
)
from .support.redis import redis_prefix

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
USERNAME = "alice"  # an admin: the tests of everything but roles act as one
PASSWORD = "correct horse battery staple"
BACKENDS = ("sqlite", "postgresql", "mysql")


@pytest.fixture(scope="session")
async def databases(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    """Lazily created test databases, one per backend, dropped at session end."""
    created: dict[str, TestDatabase] = {}
    root = tmp_path_factory.mktemp("databases")

    async def get(dialect: str) -> TestDatabase:
        if dialect not in created:
            if dialect != "sqlite":
                require_server(dialect)
            created[dialect] = await create_database(dialect, root / dialect)
        return created[dialect]

    yield {"get": get}
    for db in created.values():
        await drop_database(db)


@pytest.fixture(params=BACKENDS)
async def backend_db(request: pytest.FixtureRequest, databases: dict[str, Any]) -> TestDatabase:
    """The fixture database on each backend in turn (tests using it run three times)."""
    return await databases["get"](request.param)  # type: ignore[no-any-return]


@pytest.fixture
async def sqlite_db(databases: dict[str, Any]) -> TestDatabase:
    return await databases["get"]("sqlite")  # type: ignore[no-any-return]


@pytest.fixture
async def sqlite_file(sqlite_db: TestDatabase) -> Path:
    """The SQLite fixture database's file path."""
    return Path(sqlite_db.name)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for a test app: own store in tmp_path, strong secret, given overrides."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "secret_key": TEST_SECRET,
            "data_dir": tmp_path / "var",
            "app_database_url": None,
            "admin_user": None,
            "admin_password": None,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Quart]:
    """An app with its start-up and shutdown hooks run (store created, pools disposed)."""
    app = create_app(settings)
    async with app.test_app():
        store = app_state(app).store
        if await find_user(store, USERNAME) is None:  # a second app may share the store
            await create_user(store, USERNAME, PASSWORD, role=ADMIN)
        yield app


@pytest.fixture
async def app(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase
) -> AsyncIterator[Quart]:
    """An app on the SQLite fixture database, for tests that do not depend on the backend."""
    async with running_app(make_settings(database_url=sqlite_db.readonly_url)) as app:
        yield app


@pytest.fixture(scope="session")
async def shared_apps(
    databases: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, Any]]:
    """One app per backend for the many read-only browse tests (start-up and login once)."""
    apps: dict[str, tuple[Quart, Any]] = {}
    stack = AsyncExitStack()

    async def get(dialect: str) -> tuple[Quart, Any]:
        if dialect not in apps:
            db = await databases["get"](dialect)
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                secret_key=TEST_SECRET,
                data_dir=tmp_path_factory.mktemp(f"shared-{dialect}"),
                database_url=db.readonly_url,
            )
            app = await stack.enter_async_context(running_app(settings))
            client = app.test_client()
            response = await client.post(
                "/api/login", json={"username": USERNAME, "password": PASSWORD}
            )
            assert response.status_code == 200
            apps[dialect] = (app, client.cookie_jar)
        return apps[dialect]

    async with stack:
        yield {"get": get}


@pytest.fixture
async def backend_app(backend_db: TestDatabase, shared_apps: dict[str, Any]) -> Quart:
    """A running app connected as the read-only role, for each backend in turn (shared)."""
    app, _ = await shared_apps["get"](backend_db.dialect)
    return app  # type: ignore[no-any-return]


@pytest.fixture
async def backend_client(backend_db: TestDatabase, shared_apps: dict[str, Any]) -> Client:
    """A logged-in client of the shared app of each backend in turn."""
    app, cookies = await shared_apps["get"](backend_db.dialect)
    client = app.test_client()
    client.cookie_jar = cookies  # type: ignore[attr-defined]
    return client


@pytest.fixture
async def redis_settings() -> AsyncIterator[dict[str, Any]]:
    """Settings for apps sharing the test Redis under a key prefix of this test's own."""
    async with redis_prefix() as prefix:
        yield {"redis_url": redis_url(), "redis_key_prefix": prefix, "redis_timeout": 5}


@pytest.fixture
def client(app: Quart) -> Client:
    return app.test_client()


@pytest.fixture
def login() -> Callable[..., Awaitable[Any]]:
    """Log a client in through the real endpoint; asserts success unless told otherwise."""

    async def do_login(
        client: Client,
        username: str = USERNAME,
        password: str = PASSWORD,
        expect: int = 200,
        **kwargs: Any,
    ) -> Any:
        response = await client.post(
            "/api/login", json={"username": username, "password": password}, **kwargs
        )
        assert response.status_code == expect, await response.get_data(as_text=True)
        return response

    return do_login


@pytest.fixture
def app_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """``caplog`` for the ``pydbpro`` loggers, which do not propagate to the root logger."""
    logger = logging.getLogger("pydbpro")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="pydbpro"):
            yield caplog
    finally:
        logger.removeHandler(caplog.handler)
