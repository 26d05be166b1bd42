"""The one way to read from the explored database: a read-only transaction with a deadline.

Every database failure becomes a domain error here, once (``translate``): a full pool is
DatabaseBusy (503), an unreachable server DatabaseUnavailable (503), a statement past its
time limit QueryTimeout (504), a write the read-only transaction stopped 403, a value the
database refused 400, any other refusal 400 with the database's own message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from ..errors import (
    BadRequest,
    DatabaseBusy,
    DatabaseUnavailable,
    DataError,
    Forbidden,
    ObjectNotReadable,
    PyDBProError,
    QueryTimeout,
    SqlError,
)
from .adapters.base import DriverProblem, Problem
from .engine import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Extra seconds the client-side deadline allows beyond the server's own statement timeout,
#: so the server's error (with its clear cause) normally arrives first.
_GRACE = 2.0


@asynccontextmanager
async def read_only(
    db: Database, timeout: float | None = None, explicit: bool = False, reset: bool = False
) -> AsyncIterator[AsyncConnection]:
    """Yield a connection inside a read-only transaction that is always rolled back.

    ``explicit`` asks for a real BEGIN ... READ ONLY even where the connection's own
    read-only default would do (server-side cursors need a transaction on PostgreSQL).
    ``reset``: the user's own SQL runs here (the console), so the connection goes back to
    the pool with a clean session (``adapter.reset_session``), or not at all.
    """
    seconds = timeout if timeout is not None else db.settings.max_query_time
    try:
        async with asyncio.timeout(seconds + _GRACE):
            async with db.connection() as conn:
                await db.adapter.begin_read_only(conn, seconds, explicit)
                info = conn.info  # read now: after a failure the connection refuses access
                try:
                    yield conn
                except asyncio.CancelledError:
                    # The client disconnected or our deadline fired: stop the statement on
                    # the server too, and do not return a connection in an unknown state.
                    await _cancel(db, conn, info)
                    raise
                finally:
                    await _finish(db, conn, reset)
    except Exception as error:
        raise translate(db, error, seconds) from None


def translate(db: Database, error: Exception, seconds: float) -> Exception:
    """The domain error for a failure while reading, whenever it happened (execute, first
    fetch, later fetch, a stream); errors that did not come from the database come back
    unchanged."""
    if isinstance(error, PyDBProError):
        return error
    if isinstance(error, PoolTimeout):
        return DatabaseBusy()
    if isinstance(error, TimeoutError):
        return _timeout(seconds)
    found = db.adapter.problem(error)
    if found is None:
        if isinstance(error, (OSError, ConnectionError)):
            log.warning("database unreachable: %s", error)
            return DatabaseUnavailable()
        return error
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        log.warning("database connection lost: %s", found.message)
        return ConnectionLost()
    return _domain_error(found, error, seconds)


def _domain_error(found: DriverProblem, error: Exception, seconds: float) -> PyDBProError:
    message = found.message
    match found.problem:
        case Problem.TIMEOUT:
            return _timeout(seconds)
        case Problem.CONNECTION:
            log.warning("database unreachable or connection lost: %s", message)
            if isinstance(error, DBAPIError) and error.statement is not None:
                return ConnectionLost()  # it died under a statement: worth one retry
            return DatabaseUnavailable()
        case Problem.READ_ONLY:
            said = f"the statement tried to write, and PyDBPro is read-only ({message})"
            return Forbidden(said, code="READ_ONLY_VIOLATION")
        case Problem.PERMISSION:
            return Forbidden(message, code="DATABASE_REFUSED")
        case Problem.NOT_POPULATED:
            return ObjectNotReadable(
                f"{message}: it holds no data until REFRESH MATERIALIZED VIEW runs"
            )
        case Problem.DATA:
            return DataError(message)
        case Problem.PARAMETER:
            return BadRequest(f"a value cannot be used: {message}", code="BAD_VALUE")
    details = {"position": found.position} if found.position else None
    return SqlError(message, details=details)


class StreamSession:
    """A read-only transaction that outlives the call that opened it: an export opens it
    (so every error is still an HTTP error), and the response body reads and closes it.

    ``close`` rolls back and returns the connection (its session reset when ``reset``, as
    in ``read_only``); ``abort`` (client gone, failure mid-stream) stops the running
    statement and discards the connection instead, since a half-read result leaves it in
    a state not worth trusting.
    """

    def __init__(self, db: Database, timeout: float, reset: bool = False) -> None:
        self.db = db
        self.timeout = timeout
        self.reset = reset
        self.conn: AsyncConnection | None = None
        self._info: dict[str, Any] = {}

    async def open(self) -> AsyncConnection:
        try:
            async with asyncio.timeout(min(self.timeout, self.db.settings.max_query_time)):
                self.conn = await self.db.checkout()
                self._info = self.conn.info
                await self.db.adapter.begin_read_only(self.conn, self.timeout, explicit=True)
        except BaseException as error:
            conn, self.conn = self.conn, None
            if conn is not None:
                await _discard(conn)
            raise (translate(self.db, error, self.timeout)
                   if isinstance(error, Exception) else error) from None  # fmt: skip
        return self.conn

    async def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            await _finish(self.db, conn, self.reset)  # nothing to do if invalidated
            await conn.close()
        except Exception as error:
            log.warning("closing an export transaction failed: %s", type(error).__name__)
            await _discard(conn)

    async def abort(self) -> None:
        if self.conn is None:
            return
        await _cancel(self.db, self.conn, self._info)  # servers: the connection is invalidated
        await self.close()


async def _discard(conn: AsyncConnection) -> None:
    try:
        if not conn.invalidated:
            await conn.invalidate()
        await conn.close()
    except Exception as error:  # the connection is gone either way
        log.debug("discarding a connection: %s", type(error).__name__)


async def _cancel(db: Database, conn: AsyncConnection, info: dict[str, Any]) -> None:
    try:
        async with asyncio.timeout(_GRACE):
            await db.adapter.cancel(db.side_engine, info)
    except Exception as error:  # best effort: the statement timeout still bounds the query
        log.warning("could not cancel a running statement: %s", error)
    if db.dialect != "sqlite":
        await conn.invalidate()


async def _finish(db: Database, conn: AsyncConnection, reset: bool = False) -> None:
    if conn.invalidated:
        return
    await conn.rollback()
    if not reset:
        await db.adapter.end_read_only(conn)
        return
    try:
        await db.adapter.reset_session(conn)
    except BaseException as error:
        # Half reset (or cancelled mid-command) is not clean: never hand it to the next user.
        log.warning("resetting a session failed, discarding the connection: %s",
                    type(error).__name__)  # fmt: skip
        await conn.invalidate()
        if not isinstance(error, Exception):
            raise


def _timeout(seconds: float) -> QueryTimeout:
    return QueryTimeout(f"the query exceeded {seconds:g} s and was stopped")


class ConnectionLost(DatabaseUnavailable):
    """A pooled connection died under us (the server restarted): a read may be retried."""


async def run_read(
    db: Database, work: Callable[[AsyncConnection], Awaitable[T]], timeout: float | None = None
) -> T:
    """Run one read. If its pooled connection turns out dead, retry once on a new one.

    This replaces a liveness ping on every checkout (which costs round trips on every
    request) with a cost paid only after an outage; reads are safe to repeat.
    """
    try:
        async with read_only(db, timeout) as conn:
            return await work(conn)
    except ConnectionLost:
        log.info("database connection lost; retrying once on a new connection")
        async with read_only(db, timeout) as conn:
            return await work(conn)


async def fetch_all(
    db: Database, query: Executable, timeout: float | None = None
) -> list[Row[Any]]:
    """All rows of one (small, bounded) query, with the retry of ``run_read``."""

    async def work(conn: AsyncConnection) -> list[Row[Any]]:
        return list((await conn.execute(query)).all())

    return await run_read(db, work, timeout)


async def fetch_scalar(db: Database, query: Executable, timeout: float | None = None) -> Any:
    async def work(conn: AsyncConnection) -> Any:
        return (await conn.execute(query)).scalar_one()

    return await run_read(db, work, timeout)
