"""Schemas, tables and structure through HTTP, on every backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quart import Quart

from pydbpro.settings import Settings

from .browsing import get_json
from .conftest import TestDatabase, running_app


async def _client(app: Quart, login: Any) -> Any:
    client = app.test_client()
    await login(client)
    return client


async def test_tables_lists_tables_and_views(backend_client: Any, backend_db: TestDatabase) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables")
    by_name = {(t["schema"], t["name"]): t for t in body["tables"]}
    names = {t["name"] for t in body["tables"]}
    assert {"customers", "orders", "no_pk", "select", 'weird"name'} <= names
    assert next(t for t in body["tables"] if t["name"] == "customer_orders")["type"] == "view"
    assert next(t for t in body["tables"] if t["name"] == "customers")["type"] == "table"
    for table in body["tables"]:
        assert set(table) == {"name", "schema", "type", "estimated_rows", "system", "rows_exact"}
        assert table["estimated_rows"] is None or isinstance(table["estimated_rows"], int)
        assert table["system"] is False  # SHOW_SYSTEM_TABLES is off
    if backend_db.dialect == "postgresql":
        assert by_name[("sales", "region_summary")]["type"] == "materialized_view"
        assert ("sales", "regions") in by_name
    assert not any(n.startswith(("pg_", "sqlite_")) for n in names)


async def test_system_objects_are_flagged_when_shown(
    make_settings: Any, backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, show_system_tables=True)
    async with running_app(settings) as app:
        client = await _client(app, login)
        tables = (await get_json(client, "/api/tables"))["tables"]
    system = {(t["schema"], t["name"]) for t in tables if t["system"]}
    user = {(t["schema"], t["name"]) for t in tables if not t["system"]}
    assert any(name == "customers" for _, name in user)
    assert not any(name == "customers" for _, name in system)
    assert all(schema not in ("public", "main") for schema, _ in system)
    if backend_db.dialect == "postgresql":  # the others list only the connected database
        assert {"information_schema", "pg_catalog"} <= {schema for schema, _ in system}


async def test_schemas(backend_client: Any, backend_db: TestDatabase) -> None:
    client = backend_client
    body = await get_json(client, "/api/schemas")
    assert body["default"] in body["schemas"]
    if backend_db.dialect == "postgresql":
        assert {"public", "sales"} <= set(body["schemas"])
        assert "pg_catalog" not in body["schemas"] and "information_schema" not in body["schemas"]
    elif backend_db.dialect == "mysql":
        assert body["schemas"] == [backend_db.name]
    else:
        assert body["schemas"] == ["main"]


async def test_structure_of_a_table(backend_client: Any) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables/orders/schema")
    assert body["table"] == "orders" and body["primary_key"] == ["id"]
    columns = {c["name"]: c for c in body["columns"]}
    assert columns["id"]["primary_key"] == 1 and not columns["id"]["nullable"]
    assert columns["total"]["kind"] == "decimal"
    assert [fk["references"]["table"] for fk in body["foreign_keys"]] == ["customers"]
    assert body["foreign_keys"][0]["columns"] == ["customer_id"]
    customers = await get_json(client, "/api/tables/customers/schema")
    incoming = {(fk["table"], tuple(fk["columns"])) for fk in customers["referenced_by"]}
    assert ("orders", ("customer_id",)) in incoming


async def test_structure_of_awkward_names(backend_client: Any) -> None:
    client = backend_client
    for name in ("select", 'weird"name', "it's", "café", "a.b", "Mixed Case"):
        body = await get_json(client, f"/api/tables/{name}/schema")
        assert body["table"] == name and body["columns"]


async def test_schema_view_can_be_disabled(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, enable_schema_view=False)
    async with running_app(settings) as app:
        client = await _client(app, login)
        body = await get_json(client, "/api/tables/customers/schema", expect=403)
        assert body["code"] == "FEATURE_DISABLED"


async def test_hidden_tables_are_invisible_everywhere(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=backend_db.readonly_url, hidden_tables="ORDERS,*.regions")
    async with running_app(settings) as app:
        client = await _client(app, login)
        names = {t["name"] for t in (await get_json(client, "/api/tables"))["tables"]}
        assert "orders" not in names and "regions" not in names and "customers" in names
        for path in (
            "/api/tables/orders/data",
            "/api/tables/orders/schema",
            "/api/tables/orders/row?id=1",
        ):
            assert (await get_json(client, path, expect=404))["code"] == "TABLE_NOT_FOUND"
        customers = await get_json(client, "/api/tables/customers/schema")
        assert all(fk["table"] != "orders" for fk in customers["referenced_by"])
        row = await get_json(client, "/api/tables/customers/row?id=1")
        assert all(child["table"] != "orders" for child in row["children"])


async def test_unknown_table_is_404(backend_client: Any) -> None:
    client = backend_client
    for path in (
        "/api/tables/nope/data",
        "/api/tables/nope/schema",
        "/api/tables/customers/data?schema=nope",
    ):
        body = await get_json(client, path, expect=404)
        assert body["code"] == "TABLE_NOT_FOUND"


async def test_read_only_role_sees_only_what_it_may_select(
    make_settings: Callable[..., Settings], databases: dict[str, Any], login: Any
) -> None:
    """PostgreSQL grants per table: a table the role may not read is not listed at all."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from .browsing import direct
    from .support.databases import require_server

    require_server("postgresql")
    db: TestDatabase = await databases["get"]("postgresql")
    role = make_url(db.readonly_url).username
    async with direct(db) as conn:
        await conn.execute(text("CREATE TABLE secret_plans (id int PRIMARY KEY)"))
        await conn.execute(text(f'REVOKE ALL ON secret_plans FROM "{role}"'))
        owner = make_url(db.full_url).username
        await conn.execute(text(f'GRANT SELECT ON secret_plans TO "{owner}"'))
    try:
        async with running_app(make_settings(database_url=db.readonly_url)) as app:
            client = await _client(app, login)
            names = {t["name"] for t in (await get_json(client, "/api/tables"))["tables"]}
            assert "secret_plans" not in names and "customers" in names
            await get_json(client, "/api/tables/secret_plans/data", expect=404)
        async with running_app(make_settings(database_url=db.full_url)) as app:
            client = await _client(app, login)
            names = {t["name"] for t in (await get_json(client, "/api/tables"))["tables"]}
            assert "secret_plans" in names  # the check above is about privileges, not luck
    finally:
        async with direct(db) as conn:
            await conn.execute(text("DROP TABLE secret_plans"))


async def test_metadata_is_cached_until_refresh(
    make_settings: Callable[..., Settings], backend_db: TestDatabase, login: Any
) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from .browsing import direct

    async with running_app(make_settings(database_url=backend_db.full_url)) as app:
        client = await _client(app, login)
        before = {t["name"] for t in (await get_json(client, "/api/tables"))["tables"]}
        async with direct(backend_db) as conn:
            await conn.execute(text("CREATE TABLE late_arrival (id int PRIMARY KEY)"))
            if (
                backend_db.dialect == "postgresql"
            ):  # created by the admin: let the app's role read it
                owner = make_url(backend_db.full_url).username
                await conn.execute(text(f'GRANT SELECT ON late_arrival TO "{owner}"'))
        try:
            cached = {t["name"] for t in (await get_json(client, "/api/tables"))["tables"]}
            assert cached == before  # served from the cache: no catalog query per request
            fresh = await get_json(client, "/api/tables?refresh=1")
            assert "late_arrival" in {t["name"] for t in fresh["tables"]}
            assert (await get_json(client, "/api/tables/late_arrival/data"))["rows"] == []
        finally:
            async with direct(backend_db) as conn:
                await conn.execute(text("DROP TABLE late_arrival"))
