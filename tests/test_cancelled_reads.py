"""A read stopped while its statement runs never hands its connection to the next user.

Stopping a read sends the server a cancel (``pg_cancel_backend``, ``KILL QUERY``) on another
connection, and that cancel reaches the server when it does: if the read's connection went
back to the pool first, it would stop whatever statement the next user runs there, which
then fails at once as a query timeout (504). So the connection is discarded, even when the
task is cancelled a second time while the cancel is on its way (a row count whose page
failed is cancelled by its waiter and by its own deadline; a request cancelled by its
client while its deadline fires).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import pytest
from sqlalchemy import text

from pydbpro.db.engine import Database
from pydbpro.db.reading import read_only_connection
from pydbpro.settings import Settings

from .conftest import TestDatabase

BACKEND_ID = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}
SLEEP = {"postgresql": "SELECT pg_sleep(:s)", "mysql": "SELECT SLEEP(:s)"}


@pytest.fixture(params=sorted(BACKEND_ID))
async def server_db(request: pytest.FixtureRequest, databases: dict[str, Any]) -> TestDatabase:
    return await databases["get"](request.param)  # type: ignore[no-any-return]


async def _hold(db: Database, dialect: str, waits_on_server: bool, started: asyncio.Event,
                ids: list[int]) -> None:  # fmt: skip
    """A read that waits on the server (a statement runs) or between its statements."""
    async with read_only_connection(db) as conn:
        ids.append((await conn.execute(text(BACKEND_ID[dialect]))).scalar_one())
        started.set()
        if waits_on_server:
            await conn.execute(text(SLEEP[dialect]), {"s": 30})
        else:
            await asyncio.sleep(30)


@pytest.mark.parametrize("waits_on_server", [True, False], ids=["in-statement", "between"])
@pytest.mark.parametrize("second_cancel_after", [0.0, 0.002, 0.01])
async def test_a_read_cancelled_again_while_its_statement_is_cancelled_is_not_pooled(
    make_settings: Callable[..., Settings],
    server_db: TestDatabase,
    waits_on_server: bool,
    second_cancel_after: float,
) -> None:
    dialect = server_db.dialect
    settings = make_settings(database_url=server_db.readonly_url, db_pool_size=1,
                             db_pool_max_overflow=0, max_query_time=20.0)  # fmt: skip
    db = Database(settings)
    try:
        started, ids = asyncio.Event(), []
        task = asyncio.create_task(_hold(db, dialect, waits_on_server, started, ids))
        await started.wait()
        await asyncio.sleep(0.2)  # the sleep has begun
        task.cancel()
        await asyncio.sleep(second_cancel_after)  # the cancel is on its way, or about to be
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task

        # The only pooled connection is a new one, and a statement there runs to its end.
        async with read_only_connection(db) as conn:
            backend = (await conn.execute(text(BACKEND_ID[dialect]))).scalar_one()
            await conn.execute(text(SLEEP[dialect]), {"s": 0.5})
        assert backend != ids[0]
    finally:
        await db.dispose()
