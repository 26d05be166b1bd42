"""Nothing one console request does on MySQL/MariaDB is visible to the next request.

MySQL session state (user variables, ``LAST_INSERT_ID(expr)``, anything a stored function
sets) survives a ROLLBACK, and pooled connections are shared by every user. The guard
refuses ``@v := ...`` and ``INTO @v``; what it cannot see (a function's body) is cleared
by resetting the session when the connection goes back to the pool. With one pooled
connection every request below runs on the same server session, so a leak is certain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text

from pydbpro.db.engine import Database
from pydbpro.db.reading import read_only_connection
from pydbpro.settings import Settings

from .browsing import direct
from .conftest import TestDatabase, running_app
from .test_console_api import post
from .test_exports import csv_rows, download

MAX_QUERY_TIME = 7.0


@pytest.fixture
async def mysql_db(databases: dict[str, Any]) -> TestDatabase:
    return await databases["get"]("mysql")  # type: ignore[no-any-return]


def _one_connection(make_settings: Callable[..., Settings], url: str) -> Settings:
    return make_settings(database_url=url, db_pool_size=1, db_pool_max_overflow=0,
                         max_query_time=MAX_QUERY_TIME)  # fmt: skip


@pytest.fixture
async def client(
    make_settings: Callable[..., Settings], mysql_db: TestDatabase, login: Any
) -> AsyncIterator[Any]:
    """A logged-in client of an app with exactly one pooled connection (the owner's, so
    that a stored function can be called)."""
    async with running_app(_one_connection(make_settings, mysql_db.full_url)) as app:
        client = app.test_client()
        await login(client)
        yield client


async def _row(client: Any, sql: str) -> list[Any]:
    body = await post(client, "/api/query", {"sql": sql})
    return body["rows"][0]  # type: ignore[no-any-return]


async def test_a_refused_assignment_leaves_the_variable_unset(client: Any) -> None:
    (session,) = await _row(client, "SELECT CONNECTION_ID()")
    refused = await post(client, "/api/query", {"sql": "SELECT @acc_var := 42"}, expect=403)
    assert refused["code"] == "READ_ONLY_VIOLATION"
    assert "would leak into later requests" in refused["error"]
    await post(client, "/api/query", {"sql": "SELECT 1 INTO @acc_var"}, expect=403)
    derived = "SELECT d.x FROM (SELECT @acc_var := 42 AS x) AS d"
    await post(client, "/api/query", {"sql": derived}, expect=403)
    assert await _row(client, "SELECT @acc_var, CONNECTION_ID()") == [None, session]


@pytest.mark.parametrize(
    ("set_sql", "read_sql", "clean"),
    [
        ("SELECT LAST_INSERT_ID(42)", "SELECT LAST_INSERT_ID()", 0),
        ("SELECT pydbpro_set_var(42)", "SELECT @acc_var", None),
    ],
)
async def test_state_an_allowed_statement_sets_is_gone_on_the_next_request(
    client: Any, mysql_db: TestDatabase, set_sql: str, read_sql: str, clean: Any
) -> None:
    """Statements the guard lets through can still change the session (a side-effecting
    built-in, a stored function's body): the reset on return to the pool clears them."""
    async with _set_var_function(mysql_db):
        (session,) = await _row(client, "SELECT CONNECTION_ID()")
        assert await _row(client, set_sql) == [42]
        assert await _row(client, f"{read_sql}, CONNECTION_ID()") == [clean, session]


async def test_an_exported_statement_is_reset_too(client: Any) -> None:
    _, body = await download(client, "/api/query/export/csv",
                             json={"sql": "SELECT LAST_INSERT_ID(42) AS x"})  # fmt: skip
    assert csv_rows(body)[-1] == ["42"]
    assert await _row(client, "SELECT LAST_INSERT_ID()") == [0]


async def test_a_reset_session_keeps_its_read_only_settings(client: Any) -> None:
    """The reset returns session variables to the server's defaults; PyDBPro's own (read
    only, the time limit, autocommit off, the character set) are applied again."""
    await _row(client, "SELECT LAST_INSERT_ID(42)")
    row = await _row(client, "SELECT @@tx_read_only, @@max_statement_time, @@autocommit, "
                             "@@character_set_client, LAST_INSERT_ID()")  # fmt: skip
    assert row == [1, MAX_QUERY_TIME, 0, "utf8mb4", 0]
    await post(client, "/api/query", {"sql": "SELECT SLEEP(0.01)"})  # still usable


async def test_the_data_layer_resets_a_pooled_connection(
    make_settings: Callable[..., Settings], mysql_db: TestDatabase
) -> None:
    """Directly on the app's own pool: what a console read sets is gone on the next
    checkout of the same connection, which was reset rather than replaced."""
    db = Database(_one_connection(make_settings, mysql_db.readonly_url))
    try:
        async with read_only_connection(db, explicit=True, reset=True) as conn:
            await conn.execute(text("SET @x = 1"))
            session = (await conn.execute(text("SELECT CONNECTION_ID()"))).scalar_one()
        async with read_only_connection(db) as conn:
            row = (await conn.execute(text("SELECT @x, CONNECTION_ID()"))).one()
            assert tuple(row) == (None, session)
    finally:
        await db.dispose()


@asynccontextmanager
async def _set_var_function(db: TestDatabase) -> AsyncIterator[None]:
    """``pydbpro_set_var(n)``: sets ``@acc_var`` as a side effect and returns ``n``."""
    async with direct(db) as conn:
        await conn.execute(text("DROP FUNCTION IF EXISTS pydbpro_set_var"))
        await conn.execute(text("CREATE FUNCTION pydbpro_set_var(n INT) RETURNS INT NO SQL "
                                "BEGIN SET @acc_var = n; RETURN n; END"))  # fmt: skip
    try:
        yield
    finally:
        async with direct(db) as conn:
            await conn.execute(text("DROP FUNCTION pydbpro_set_var"))
