"""The one way to read from the explored database: a read-only transaction with a deadline.

Every database failure becomes a domain error here, once (``translate_db_error``): a full pool is
DatabaseBusy (503), an unreachable server DatabaseUnavailable (503), a statement past its
time limit QueryTimeout (504), a write the read-only transaction stopped 403, a value the
database refused 400, any other refusal 400 with the database's own message.

Getting a usable connection (pool checkout, connecting, starting the read-only transaction)
is not a statement: failing or running out of time there is 503 DATABASE_UNAVAILABLE, never
"the query exceeded". Every read is watched by the database's circuit breaker (breaker.py),
which answers 503 at once while the server is silent and stops reads waiting on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

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
from ..liveness import Answer, timed_out
from .adapters.base import DriverProblem, Problem
from .breaker import Watch, unavailable
from .engine import Database
from .statements import DriverStatement

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Extra seconds the client-side deadline allows beyond the server's own statement timeout,
#: so the server's error (with its clear cause) normally arrives first.
_GRACE = 2.0


@asynccontextmanager
async def read_only_connection(
    db: Database, timeout: float | None = None, explicit: bool = False, reset: bool = False
) -> AsyncIterator[AsyncConnection]:
    """Yield a connection inside a read-only transaction that is always rolled back.

    ``explicit`` asks for a real BEGIN ... READ ONLY even where the connection's own
    read-only default would do (server-side cursors need a transaction on PostgreSQL).
    ``reset``: the user's own SQL runs here (the console), so the connection goes back to
    the pool with a clean session (``adapter.reset_session``), or not at all.
    """
    seconds = timeout if timeout is not None else db.settings.max_query_time
    db.breaker.check()
    watch: Watch | None = None
    acquired = False
    try:
        async with asyncio.timeout(seconds + _GRACE) as deadline:
            with db.breaker.watching(deadline) as watch:
                conn = await _acquire(db, seconds, explicit, watch)
                acquired = True
                info = conn.info  # read now: after a failure the connection refuses access
                try:
                    yield conn
                except asyncio.CancelledError:
                    # The client disconnected or our deadline fired: stop the statement on
                    # the server too, and do not return a connection in an unknown state.
                    await _cancel(db, conn, info)
                    raise
                finally:
                    watch.drop = None  # back to the pool: someone else's soon
                    await _release(db, conn, reset)
    except Exception as error:
        raise _failure(db, error, seconds, watch, acquired) from None


async def _acquire(db: Database, seconds: float, explicit: bool, watch: Watch) -> AsyncConnection:
    """A pooled connection inside a read-only transaction; one that failed (or was stopped)
    on the way is discarded, not pooled in an unknown state."""
    conn = await db.checkout()
    watch.drop = _dropper(db, conn)
    try:
        await db.adapter.begin_read_only(conn, seconds, explicit)
    except BaseException:
        await _discard(db, conn)
        raise
    return conn


def _dropper(db: Database, conn: AsyncConnection) -> Callable[[], None]:
    assert conn.sync_connection is not None  # a checked-out connection has it
    driver_connection = conn.sync_connection.connection.driver_connection
    return lambda: db.adapter.drop(driver_connection)


async def _release(db: Database, conn: AsyncConnection, reset: bool) -> None:
    try:
        await _finish(db, conn, reset)
    except BaseException:
        await _discard(db, conn)  # a rollback that failed or was stopped
        raise
    finally:
        await asyncio.shield(conn.close())


def _failure(
    db: Database, error: Exception, seconds: float, watch: Watch | None, acquired: bool
) -> Exception:
    """``translate_db_error``, knowing whether the breaker stopped the read and whether a statement
    ran at all: running out of time before that is no query timeout."""
    if watch is not None and watch.stopped:
        log.warning("database silent: a read was stopped by the breaker")
        return unavailable()
    if acquired or not timed_out(error):
        return translate_db_error(db, error, seconds)
    if watch is not None and watch.deadline.expired():
        log.warning("no usable database connection within the read's deadline")
        db.breaker.suspect()  # the server may answer others: ask before opening
    else:  # the driver's connect timeout (DB_CONNECT_TIMEOUT): what a failed probe is
        log.warning("database connect timed out")
        db.breaker.note_answer(Answer.SILENT)
    return unavailable()


def translate_db_error(db: Database, error: Exception, seconds: float) -> Exception:
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
            said = f"{message}: it holds no data until REFRESH MATERIALIZED VIEW runs"
            return ObjectNotReadable(said, details={"reason": said})
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
    in ``read_only_connection``); ``abort`` (client gone, failure mid-stream) stops the running
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
        """Checkout and BEGIN only (no statement yet): every failure here is about getting
        a connection, so running out of time is 503, not a query timeout."""
        self.db.breaker.check()
        watch: Watch | None = None
        try:
            limit = min(self.timeout, self.db.settings.max_query_time)
            async with asyncio.timeout(limit) as deadline:
                with self.db.breaker.watching(deadline) as watch:
                    self.conn = await _acquire(self.db, self.timeout, True, watch)
                    self._info = self.conn.info
        except Exception as error:
            raise _failure(self.db, error, self.timeout, watch, acquired=False) from None
        return self.conn

    @asynccontextmanager
    async def watched(self) -> AsyncIterator[None]:
        """A step of the stream (its first statement) that the breaker may stop: it then
        raises 503 instead of waiting on a silent server."""
        watch: Watch | None = None
        try:
            async with asyncio.timeout(None) as deadline:
                with self.db.breaker.watching(deadline) as watch:
                    if self.conn is not None:
                        watch.drop = _dropper(self.db, self.conn)
                    yield
        except Exception:
            if watch is not None and watch.stopped:
                raise unavailable() from None
            raise

    async def close(self) -> None:
        """End normally: roll back and return the connection to the pool (reset first when
        the user's own SQL ran). Safe to call twice: the body's ``finally`` always calls it."""
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            await _finish(self.db, conn, self.reset)  # nothing to do if invalidated
            await conn.close()
        except Exception as error:
            log.warning("closing an export transaction failed: %s", type(error).__name__)
            await _discard(self.db, conn)

    async def abort(self) -> None:
        """End early (the client left, or writing failed): cancel the running statement on
        the server and discard the connection, whose state is then unknown."""
        if self.conn is None:
            return
        await _cancel(self.db, self.conn, self._info)  # servers: the connection is invalidated
        await self.close()


async def _discard(db: Database, conn: AsyncConnection) -> None:
    try:
        await _invalidate(db, conn)
        await conn.close()
    except Exception as error:  # the connection is gone either way
        log.debug("discarding a connection: %s", type(error).__name__)


async def _invalidate(db: Database, conn: AsyncConnection) -> None:
    """Take the connection out of the pool; while the server is silent, without waiting
    for the goodbye a graceful close expects (asyncpg would wait 2 s for it)."""
    if conn.invalidated:
        return
    if db.breaker.is_open:
        try:
            db.adapter.drop((await conn.get_raw_connection()).driver_connection)
        except Exception as error:  # then the graceful way below
            log.debug("dropping a connection: %s", type(error).__name__)
    await conn.invalidate()


async def _cancel(db: Database, conn: AsyncConnection, info: dict[str, Any]) -> None:
    """Stop the statement and discard a server's connection, even when this task is
    cancelled again meanwhile: the cancel travels on another connection and may reach the
    server late, where it would stop the next user's statement on a pooled connection."""
    try:
        if not db.breaker.is_open:  # a silent server would not hear the cancel either
            try:
                async with asyncio.timeout(_GRACE):
                    await db.adapter.cancel(db.side_engine, info)
            except Exception as error:  # best effort: the statement timeout still bounds it
                log.warning("could not cancel a running statement: %s", error)
    finally:
        if not db.adapter.local_file:  # a server's protocol state after it is not trusted
            await _invalidate(db, conn)


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
        async with read_only_connection(db, timeout) as conn:
            return await work(conn)
    except ConnectionLost:
        log.info("database connection lost; retrying once on a new connection")
        async with read_only_connection(db, timeout) as conn:
            return await work(conn)


async def fetch_all(
    db: Database, query: Executable, timeout: float | None = None
) -> list[Sequence[Any]]:
    """All rows of one (small, bounded) query, with the retry of ``run_read``; sent by the
    driver itself where the adapter can (``db/statements.py``)."""
    statement = db.statements.prepare(query)

    async def work(conn: AsyncConnection) -> list[Sequence[Any]]:
        if statement is not None:
            rows = await _fetch_compiled(db, conn, statement)
            if rows is not None:
                return list(rows)
        return list((await conn.execute(query)).all())

    return await run_read(db, work, timeout)


async def _fetch_compiled(
    db: Database, conn: AsyncConnection, statement: DriverStatement
) -> Sequence[Sequence[Any]] | None:
    """``adapter.fetch_compiled``, with what SQLAlchemy would have done on a failure: a
    connection that died under the statement leaves the pool and the read is retried."""
    try:
        return await db.adapter.fetch_compiled(conn, statement)
    except Exception as error:
        found = db.adapter.problem(error)
        if found is not None and found.problem is Problem.CONNECTION:
            await conn.invalidate()
            log.warning("database connection lost: %s", found.message)
            raise ConnectionLost() from error
        raise


async def fetch_scalar(db: Database, query: Executable, timeout: float | None = None) -> Any:
    async def work(conn: AsyncConnection) -> Any:
        return (await conn.execute(query)).scalar_one()

    return await run_read(db, work, timeout)
