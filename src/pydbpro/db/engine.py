"""The explored database: its pooled engine, its dialect adapter, and a liveness probe."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from ..liveness import Answer, probe
from ..settings import Settings
from .adapters import DialectAdapter, adapter_for
from .breaker import Breaker
from .models import WriteAccess
from .statements import StatementCache
from .url import database_url, dialect_name
from .values import JsonText

log = logging.getLogger(__name__)
#: In a pooled connection's ``info`` while it holds one of ``Database._permits``.
_PERMIT = "pydbpro_permit"


@dataclass(frozen=True)
class PoolStatus:
    size: int  # connections the pool keeps
    in_use: int  # checked out now
    waiting: int  # callers waiting for a connection (including its opening)


class Database:
    """One explored database, owned by one app; disposed at shutdown."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url: URL = database_url(settings)
        self.dialect = dialect_name(self.url)
        self.adapter: DialectAdapter = adapter_for(self.dialect)
        local = self.adapter.local_file
        connect_args = self.adapter.connect_args(settings)
        self.engine: AsyncEngine = create_async_engine(
            self.url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_max_overflow,
            pool_timeout=settings.db_pool_timeout,
            # No ping per checkout (it costs round trips on every request): a connection
            # broken by a server restart is detected on use and the read retried once
            # (reading.run_read). Reads always end in an explicit rollback.
            pool_reset_on_return=None if local else "rollback",
            pool_recycle=1800,
            connect_args=connect_args,
            # SQLAlchemy's asyncpg codec would json.loads every json/jsonb value; keep the
            # database's text instead: the API parses it once, exports write it unchanged.
            json_deserializer=JsonText,
        )
        event.listen(self.engine.sync_engine, "connect", self._on_connect)
        self.statements = StatementCache(self.engine.dialect)
        # Unpooled connections for cancelling a running statement from outside: the pool
        # may be full, or already handing the interrupted connection out again.
        self.side_engine: AsyncEngine = create_async_engine(
            self.url, poolclass=NullPool, connect_args=connect_args
        )

        self._waiting = 0
        #: One permit per connection the pool may hand out; callers wait for one here, in
        #: turn (asyncio.Semaphore lets no newcomer pass a waiter), so the pool itself never
        #: makes anyone wait. Its own queue lets a caller that arrives as a connection comes
        #: back take it before the waiter woken for it, which then queues again at the end:
        #: under 100 clients some pages waited 5 s while the median took 90 ms.
        self._permits = asyncio.Semaphore(settings.db_pool_size + settings.db_pool_max_overflow)
        event.listen(self.engine.sync_engine.pool, "checkin", self._on_checkin)
        #: Set once by ``write_access.note_write_access`` (start-up, else the first
        #: readiness check the database answers).
        self.write_access = WriteAccess.UNKNOWN
        self.write_access_lock = asyncio.Lock()
        # A local file never goes silent the way a server does (see breaker.py).
        self.breaker = Breaker(self._probe, enabled=not local)

    async def checkout(self) -> AsyncConnection:
        """A pooled connection; the caller closes it. Waiters are counted for /metrics."""
        self._waiting += 1
        try:
            await self._permit()
        finally:
            self._waiting -= 1
        try:
            conn = await self.engine.connect()
        except BaseException:
            self._permits.release()
            raise
        conn.info[_PERMIT] = True  # given back by ``_on_checkin``, however the connection ends
        return conn

    async def _permit(self) -> None:
        try:
            async with asyncio.timeout(self.settings.db_pool_timeout):
                await self._permits.acquire()
        except TimeoutError:
            raise PoolTimeout(
                f"no free connection within DB_POOL_TIMEOUT ({self.settings.db_pool_timeout:g} s)"
            ) from None

    def _on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        """A connection is back in the pool (or discarded): its permit, if ``checkout`` gave
        one, goes to the next waiter. Other users of the pool (probes) take none."""
        if record.info.pop(_PERMIT, False):
            self._permits.release()

    def pool_status(self) -> PoolStatus:
        pool = self.engine.sync_engine.pool
        size = pool.size() if hasattr(pool, "size") else 0
        in_use = pool.checkedout() if hasattr(pool, "checkedout") else 0
        return PoolStatus(size=size, in_use=in_use, waiting=self._waiting)

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        self.adapter.on_connect(dbapi_connection, record.info, self.settings)

    @property
    def name(self) -> str:
        """The database name shown to users (file name only for SQLite: no server paths)."""
        database = self.url.database or ""
        if self.adapter.local_file:
            return database.rsplit("/", 1)[-1]
        return database

    async def ping(self, timeout: float = 1.0) -> bool:
        """Whether the database answers ``SELECT 1`` on a new connection within ``timeout``
        (not a pooled one: a full pool is no outage); the breaker learns the answer."""
        answer = await probe(self.side_engine, timeout, "database")
        self.breaker.note_answer(answer)
        return answer is Answer.OK

    async def _probe(self) -> Answer:
        return await probe(self.side_engine, self.settings.db_connect_timeout, "database")

    async def dispose(self) -> None:
        await self.breaker.close()
        await self.engine.dispose()
        await self.side_engine.dispose()
