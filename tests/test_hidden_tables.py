"""HIDDEN_TABLES in the SQL console (issue 15, item 6), through HTTP on every backend:
every way of naming a hidden table is refused with 403, statements that only look like
they name one are not, and functions that run SQL given as text are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import text

from pydbpro.settings import Settings

from .browsing import direct, get_json
from .conftest import TestDatabase, running_app
from .test_console_api import post

QUOTE = {"postgresql": '"{}"', "mysql": "`{}`", "sqlite": '"{}"'}


@pytest.fixture
async def hiding_client(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> AsyncIterator[Any]:
    """A console with ``orders`` hidden (present on every backend, and joined to customers)."""
    settings = make_settings(database_url=backend_db.readonly_url, hidden_tables="orders")
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        yield client


async def _default_schema(client: Any) -> str:
    tables = (await get_json(client, "/api/tables"))["tables"]
    return str(next(t["schema"] for t in tables if t["name"] == "customers"))


def _namings(dialect: str, schema: str) -> list[str]:
    quoted = QUOTE[dialect].format
    statements = [
        "SELECT * FROM orders",
        f"SELECT * FROM {quoted(schema)}.orders",
        f"SELECT * FROM {schema}.{quoted('orders')}",
        f"SELECT * FROM {quoted('orders')}",
        "SELECT * FROM ORDERS",
        "SELECT c.id FROM customers c JOIN orders o ON o.customer_id = c.id",
        "SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders)",
        "SELECT * FROM (SELECT * FROM orders) AS x",
        "WITH x AS (SELECT * FROM orders) SELECT * FROM x",
        "WITH orders AS (SELECT * FROM orders) SELECT * FROM orders",
        "SELECT id FROM customers UNION SELECT id FROM orders",
        "SELECT * FROM (WITH orders AS (SELECT 1 AS id) SELECT * FROM orders) AS a, orders",
    ]
    if dialect == "postgresql":
        statements += ["TABLE orders", "SELECT id FROM customers UNION TABLE orders"]
    if dialect == "mysql":
        statements += ["DESCRIBE orders", "SHOW COLUMNS FROM orders"]
    if dialect == "sqlite":
        statements += ["PRAGMA table_info(orders)", "SELECT * FROM [orders]"]
    return statements


async def test_every_naming_of_a_hidden_table_is_refused(
    hiding_client: Any, backend_db: TestDatabase
) -> None:
    client = hiding_client
    for sql in _namings(backend_db.dialect, await _default_schema(client)):
        body = await post(client, "/api/query", {"sql": sql}, expect=403)
        assert body["code"] == "READ_ONLY_VIOLATION", sql
        assert "HIDDEN_TABLES" in body["error"], (sql, body)
    explain = await post(client, "/api/query/explain", {"sql": "SELECT * FROM orders"}, 403)
    assert "HIDDEN_TABLES" in explain["error"]
    run_explain = await post(client, "/api/query", {"sql": "EXPLAIN SELECT * FROM orders"}, 403)
    assert "HIDDEN_TABLES" in run_explain["error"]
    response = await client.post("/api/query/export/csv", json={"sql": "SELECT * FROM orders"})
    assert response.status_code == 403
    assert "attachment" not in response.headers.get("Content-Disposition", "")


async def test_names_that_are_not_the_hidden_table_are_allowed(hiding_client: Any) -> None:
    client = hiding_client
    cte = "WITH orders AS (SELECT 7 AS id) SELECT id FROM orders"
    assert (await post(client, "/api/query", {"sql": cte}))["rows"] == [[7]]
    body = await post(client, "/api/query", {"sql": "SELECT count(*) FROM customers"})
    assert body["rows"][0][0] > 0
    response = await client.post("/api/query/export/csv", json={"sql": cte})
    assert response.status_code == 200


async def test_without_hidden_tables_the_same_statements_run(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    """The refusals above come from HIDDEN_TABLES, not from the statements' shape: the guard
    lets them through (the database may still reject one, e.g. MySQL's case-sensitive
    ``ORDERS`` or SQLite's always-recursive CTEs)."""
    client = backend_client
    for sql in _namings(backend_db.dialect, await _default_schema(client)):
        response = await client.post("/api/query", json={"sql": sql})
        assert response.status_code in (200, 400), (sql, await response.get_json())


async def test_sql_text_functions_are_refused(hiding_client: Any, backend_db: TestDatabase) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("query_to_xml and friends are PostgreSQL functions")
    for sql in (
        "SELECT query_to_xml('SELECT * FROM orders', true, false, '')",
        "SELECT table_to_xml('orders', true, false, '')",
        "SELECT cursor_to_xml('c', 1, true, false, '')",
        "SELECT schema_to_xml('public', true, false, '')",
        "SELECT database_to_xml(true, false, '')",
        "SELECT query_to_xml_and_xmlschema('SELECT 1', true, false, '')",
    ):
        body = await post(hiding_client, "/api/query", {"sql": sql}, expect=403)
        assert "runs SQL given as text" in body["error"], sql


async def test_sql_text_functions_are_refused_without_hidden_tables(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("query_to_xml is a PostgreSQL function")
    sql = "SELECT query_to_xml('SELECT 1', true, false, '')"
    assert (await post(backend_client, "/api/query", {"sql": sql}, expect=403))["error"]


async def _listed(client: Any) -> set[str]:
    return {t["name"] for t in (await get_json(client, "/api/tables"))["tables"]}


async def test_views_over_hidden_tables_are_hidden(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    """customer_orders reads orders; chain_view reads customer_orders (a view on a view);
    "view with space" reads only customers and stays."""
    async with direct(backend_db) as conn:
        await conn.execute(text("CREATE VIEW chain_view AS SELECT * FROM customer_orders"))
        await conn.commit()
    try:
        plain = make_settings(database_url=backend_db.readonly_url)
        async with running_app(plain) as app:  # the control: all three are listed
            client = app.test_client()
            await login(client)
            assert {"customer_orders", "chain_view", "view with space"} <= await _listed(client)
        hiding = make_settings(database_url=backend_db.readonly_url, hidden_tables="orders")
        async with running_app(hiding) as app:
            client = app.test_client()
            await login(client)
            names = await _listed(client)
            assert "view with space" in names
            assert not {"orders", "customer_orders", "chain_view"} & names
            for view in ("customer_orders", "chain_view"):
                for path in (f"/api/tables/{view}/data", f"/api/tables/{view}/schema"):
                    body = await get_json(client, path, expect=404)
                    assert body["code"] == "TABLE_NOT_FOUND"
                sql = f"SELECT * FROM {view}"
                assert (
                    "HIDDEN_TABLES"
                    in (await post(client, "/api/query", {"sql": sql}, 403))["error"]
                )
                response = await client.get(f"/api/tables/{view}/export/csv")
                assert response.status_code == 404
            spaced = QUOTE[backend_db.dialect].format("view with space")
            await post(client, "/api/query", {"sql": f"SELECT * FROM {spaced}"})
    finally:
        async with direct(backend_db) as conn:
            await conn.execute(text("DROP VIEW chain_view"))
            await conn.commit()


async def test_a_materialized_view_over_a_hidden_table_is_hidden(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("materialized views are PostgreSQL's")
    settings = make_settings(database_url=backend_db.readonly_url, hidden_tables="sales.regions")
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        names = await _listed(client)
        assert "region_summary" not in names and "regions" not in names
        assert "customer_orders" in names  # nothing else went with it
        body = await get_json(client, "/api/tables/region_summary/data?schema=sales", expect=404)
        assert body["code"] == "TABLE_NOT_FOUND"
        sql = "SELECT * FROM sales.region_summary"
        assert "HIDDEN_TABLES" in (await post(client, "/api/query", {"sql": sql}, 403))["error"]
