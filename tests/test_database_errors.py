"""Every database error maps to the same answer whenever it is raised (at execute, at the
first fetch, at a later fetch, in an export): a write stopped by the read-only transaction
is 403, a value the database refuses 400 DATA_ERROR, anything else 400 with the database's
own message; never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from .browsing import direct
from .conftest import TestDatabase

#: Functions that write, created by the owner and called through the read-only console.
PG_WRITERS = """
CREATE TABLE IF NOT EXISTS written (x int);
GRANT SELECT ON written TO {ro};
CREATE OR REPLACE FUNCTION writes_sql() RETURNS int LANGUAGE sql
    AS $$ INSERT INTO written VALUES (1) RETURNING x $$;
CREATE OR REPLACE FUNCTION writes_stable() RETURNS int LANGUAGE sql STABLE
    AS $$ INSERT INTO written VALUES (1) RETURNING x $$;
CREATE OR REPLACE FUNCTION writes_plpgsql() RETURNS int LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO written VALUES (1); RETURN 1; END $$;
"""
#: A value error per dialect, raised by the database while it computes a row.
DATA_ERRORS = {
    "postgresql": "SELECT 1 / (x - x) FROM generate_series(1, 3) AS x",
    "mysql": "SELECT 18446744073709551615 + 1 AS too_big",
    "sqlite": "SELECT zeroblob(2000000000) AS too_big",
}


@pytest.fixture
async def pg_writers(backend_db: TestDatabase) -> AsyncIterator[None]:
    if backend_db.dialect != "postgresql":
        pytest.skip("user functions that write are a PostgreSQL fixture")
    async with direct(backend_db) as conn:
        for statement in PG_WRITERS.format(ro=backend_db.ro_user).split(";\n"):
            if statement.strip():
                await conn.execute(text(statement))
    yield
    async with direct(backend_db) as conn:
        assert (await conn.execute(text("SELECT count(*) FROM written"))).scalar() == 0


async def _post(client: Any, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = await client.post(path, json=body)
    return response.status_code, await response.get_json()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT writes_sql()",
        "SELECT writes_stable()",  # "INSERT is not allowed in a non-volatile function"
        "SELECT x, writes_plpgsql() FROM generate_series(1, 3) AS x",
    ],
)
async def test_a_function_that_writes_is_403_in_the_console_and_exports(
    backend_client: Any, pg_writers: None, sql: str
) -> None:
    for path in ("/api/query", "/api/query/export/csv", "/api/query/export/xlsx"):
        status, body = await _post(backend_client, path, {"sql": sql})
        assert status == 403, (path, status, body)
        assert body["code"] == "READ_ONLY_VIOLATION"
        assert body["error"].startswith("the statement tried to write"), body


async def test_a_value_error_is_400_data_error(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    sql = DATA_ERRORS[backend_db.dialect]
    for path in ("/api/query", "/api/query/export/csv"):
        status, body = await _post(backend_client, path, {"sql": sql})
        assert (status, body["code"]) == (400, "DATA_ERROR"), (path, body)
        assert "Traceback" not in body["error"] and body["error"]
    status, _ = await _post(backend_client, "/api/query", {"sql": "SELECT 1 AS x"})
    assert status == 200


async def test_an_error_at_a_later_fetch_is_400_not_500(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """The first batches are fine; the database stops the statement further on."""
    if backend_db.dialect != "postgresql":
        pytest.skip("MariaDB and SQLite return NULL for a division by zero")
    sql = "SELECT x, 1 / (x - 1700) AS boom FROM generate_series(1, 3000) AS x"
    status, body = await _post(backend_client, "/api/query", {"sql": sql})
    assert (status, body["code"]) == (400, "DATA_ERROR"), body
    assert "division by zero" in body["error"]
