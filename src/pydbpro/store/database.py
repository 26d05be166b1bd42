"""Connection to the store and its idempotent create-or-upgrade at start-up."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ..liveness import answers
from ..settings import Settings
from . import migrations

log = logging.getLogger(__name__)
#: pg_advisory_xact_lock key held while the schema is created or upgraded ("PyDB" in ASCII).
UPGRADE_LOCK = 0x50794442


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


def sqlite_store_file(settings: Settings) -> Path | None:
    """The store's file when it is SQLite (the default), else None."""
    url = make_url(store_url(settings.app_database_url, settings.data_dir))
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


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
        """Create or upgrade the schema; safe to run at every start and from every worker,
        also when several start at the same moment on an empty store: one at a time does it,
        the next ones find it done."""
        async with self._upgrading(), self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Released with the transaction; instances on other machines wait here.
                lock = text("SELECT pg_advisory_xact_lock(:key)")
                await conn.execute(lock, {"key": UPGRADE_LOCK})
            version = await conn.run_sync(migrations.upgrade)
        log.debug("store schema at version %s", version)
        return version

    @asynccontextmanager
    async def _upgrading(self) -> AsyncIterator[None]:
        """For a SQLite store, a lock file beside it (SQLite's own locks do not cover
        "check then create"); every instance sharing the file runs on this machine."""
        if self.url.get_backend_name() != "sqlite" or not self.url.database:
            yield
            return
        fd = await asyncio.to_thread(_locked, Path(f"{self.url.database}.upgrade-lock"))
        try:
            yield
        finally:
            os.close(fd)  # releases the lock

    async def schema_version(self) -> int:
        async with self.engine.connect() as conn:
            return await conn.run_sync(migrations.current_version)

    async def ping(self, timeout: float = 1.0) -> bool:
        return await answers(self.engine, timeout, "store")

    async def dispose(self) -> None:
        await self.engine.dispose()


def _locked(path: Path) -> int:
    """Open ``path`` and wait for an exclusive lock on it (blocking: run in a thread)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


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
