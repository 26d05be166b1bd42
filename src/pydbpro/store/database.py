"""Connection to the store and its idempotent create-or-upgrade at start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ..liveness import answers
from . import migrations

log = logging.getLogger(__name__)


def store_url(app_database_url: str | None, data_dir: Path) -> str:
    """The configured URL with its async driver, or the default SQLite file in DATA_DIR."""
    if not app_database_url:
        return f"sqlite+aiosqlite:///{(data_dir / 'pydbpro.sqlite3').resolve()}"
    url = make_url(app_database_url)
    driver = {
        "sqlite": "sqlite+aiosqlite",
        "postgresql": "postgresql+asyncpg",
        "postgres": "postgresql+asyncpg",
    }.get(url.drivername, url.drivername)
    return url.set(drivername=driver).render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let several Hypercorn workers share one SQLite store."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store:
    """PyDBPro's own database. One per app; never shared between apps."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        if self.url.get_backend_name() == "sqlite":
            # A local file needs no liveness ping, and every write here commits explicitly,
            # so the reset-on-return rollback would only cost a thread hop per request.
            self.engine: AsyncEngine = create_async_engine(self.url, pool_reset_on_return=None)
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_async_engine(self.url, pool_pre_ping=True)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A transaction on the store, committed on success."""
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads that may write: call ``commit()`` after writing."""
        async with self.engine.connect() as conn:
            try:
                yield conn
            except BaseException:
                await conn.rollback()
                raise

    async def upgrade(self) -> int:
        """Create or upgrade the schema; safe to run at every start and from every worker."""
        async with self.engine.begin() as conn:
            version = await conn.run_sync(migrations.upgrade)
        log.debug("store schema at version %s", version)
        return version

    async def schema_version(self) -> int:
        async with self.engine.connect() as conn:
            return await conn.run_sync(migrations.current_version)

    async def ping(self, timeout: float = 1.0) -> bool:
        return await answers(self.engine, timeout, "store")

    async def dispose(self) -> None:
        await self.engine.dispose()


def upsert(conn: AsyncConnection, table: Table) -> Any:
    """An INSERT that takes ``on_conflict_do_update``: SQLite and PostgreSQL spell it alike,
    but SQLAlchemy builds it per dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def inserted_id(result: CursorResult[Any]) -> int:
    """The new row's primary key. SQLAlchemy types it as optional because an INSERT of
    several rows has none; every insert that calls this adds exactly one row."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the insert reported no primary key")
    return int(key[0])
