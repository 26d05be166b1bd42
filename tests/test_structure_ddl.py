"""The structure tab's server side: DDL, triggers, comments, the primary key's index,
partitions, exact counts of small unanalysed tables, and SHOW_ROUTINES -- on every backend."""

from __future__ import annotations

from typing import Any

import pytest

from .browsing import get_json
from .conftest import TestDatabase, running_app
from .support.fixture_real import PG_PARTITIONS, TRIGGER, UNREADABLE


async def test_a_table_s_ddl_has_its_columns_keys_and_indexes(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    body = await get_json(backend_client, "/api/tables/orders/definition")
    ddl = body["ddl"]
    assert body["reason"] is None and "CREATE TABLE" in ddl and ddl.rstrip().endswith(";")
    assert "customer_id" in ddl and "REFERENCES" in ddl.upper() and "PRIMARY KEY" in ddl.upper()
    awkward = await get_json(backend_client, "/api/tables/weird%22name/definition")
    assert "weird" in awkward["ddl"]
    if backend_db.dialect == "postgresql":
        customers = (await get_json(backend_client, "/api/tables/customers/definition"))["ddl"]
        assert "name character varying(100) NOT NULL" in customers
        assert "COMMENT ON COLUMN public.customers.name IS 'Display name; may be '''''" in customers


async def test_a_view_s_ddl_is_its_definition(backend_client: Any) -> None:
    body = await get_json(backend_client, "/api/tables/customer_orders/definition")
    assert "VIEW" in body["ddl"].upper() and "orders" in body["ddl"] and body["triggers"] == []


async def test_a_broken_view_answers_a_reason_or_its_text_never_a_500(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    for name in UNREADABLE[backend_db.dialect]:
        body = await get_json(backend_client, f"/api/tables/{name}/definition")
        assert (body["ddl"] is None) == (body["reason"] is not None), body
        assert body["ddl"] is None or "CREATE" in body["ddl"].upper()


async def test_triggers_are_listed_with_timing_and_event(
    backend_client: Any, backend_db: TestDatabase, make_settings: Any, login: Any
) -> None:
    body = await get_json(backend_client, "/api/tables/customers/definition")
    if backend_db.dialect == "mysql":
        # information_schema.TRIGGERS shows only what the login has the TRIGGER privilege
        # on: a SELECT-only login sees none; the owner sees them.
        assert body["triggers"] == []
        settings = make_settings(database_url=backend_db.full_url)
        async with running_app(settings) as app:
            client = app.test_client()
            await login(client)
            body = await get_json(client, "/api/tables/customers/definition")
    trigger = next(t for t in body["triggers"] if t["name"] == TRIGGER)
    assert trigger["timing"] == "BEFORE" and "UPDATE" in trigger["event"]
    assert "TRIGGER" in trigger["definition"].upper() and TRIGGER in trigger["definition"]


async def test_column_comments_and_the_primary_key_index(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    body = await get_json(backend_client, "/api/tables/customers/schema")
    comments = {c["name"]: c["comment"] for c in body["columns"]}
    expected = None if backend_db.dialect == "sqlite" else "Display name; may be ''"
    assert comments["name"] == expected and comments["id"] is None
    primary = [ix for ix in body["indexes"] if ix["primary"]]
    assert len(primary) == 1 and primary[0]["columns"] == ["id"] and primary[0]["unique"]
    no_pk = await get_json(backend_client, "/api/tables/no_pk/schema")
    assert not any(ix["primary"] for ix in no_pk["indexes"])


async def test_partitions_are_listed_under_their_parent_and_open(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("declarative partitions are PostgreSQL's")
    body = await get_json(backend_client, "/api/tables/measurements/definition")
    assert [p["table"] for p in body["partitions"]] == list(PG_PARTITIONS)
    assert body["partitions"][0]["bound"].startswith("FOR VALUES FROM ('2024-01-01')")
    assert body["partitions"][-1]["bound"] == "DEFAULT"
    assert "PARTITION BY RANGE (taken_on)" in body["ddl"]
    child = await get_json(backend_client, f"/api/tables/{PG_PARTITIONS[0]}/definition")
    assert "PARTITION OF public.measurements" in child["ddl"]
    assert "measurements_2024_01_employee_fk" in child["ddl"]  # its own key, not the parent's
    rows = await get_json(backend_client, f"/api/tables/{PG_PARTITIONS[0]}/data")
    assert len(rows["rows"]) == 2
    listed = {t["name"] for t in (await get_json(backend_client, "/api/tables"))["tables"]}
    assert not listed & set(PG_PARTITIONS)


async def test_small_tables_without_an_estimate_are_counted_for_the_list(
    backend_client: Any, backend_db: TestDatabase
) -> None:
    tables = (await get_json(backend_client, "/api/tables"))["tables"]
    by_name = {t["name"]: t for t in tables if t["schema"] in ("public", "main", t["schema"])}
    measurements = by_name.get("measurements")
    if backend_db.dialect == "mysql":  # InnoDB always has an estimate
        assert all(not t["rows_exact"] for t in tables)
        return
    customers = by_name["customers"]
    assert customers["estimated_rows"] is not None
    if customers["rows_exact"]:
        data = await get_json(backend_client, "/api/tables/customers/data?count=exact")
        assert customers["estimated_rows"] == data["total"]
    if measurements is not None:  # a partitioned parent: counted over its partitions
        assert measurements["estimated_rows"] == 5 and measurements["rows_exact"]
    assert all(t["estimated_rows"] is None for t in tables if t["type"] == "view")


async def test_routines_are_listed_only_with_show_routines(
    backend_client: Any, backend_db: TestDatabase, make_settings: Any, login: Any
) -> None:
    refused = await backend_client.get("/api/routines")
    assert refused.status_code == 403
    assert (await refused.get_json())["code"] == "FEATURE_DISABLED"
    # MariaDB lists only routines the login may execute or alter: the owner's view there.
    url = backend_db.full_url if backend_db.dialect == "mysql" else backend_db.readonly_url
    settings = make_settings(database_url=url, show_routines=True)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        routines = (await get_json(client, "/api/routines"))["routines"]
        config = await get_json(client, "/api/config")
    assert config["show_routines"] is True
    named = {(r["name"], r["kind"]): r for r in routines}
    if backend_db.dialect == "sqlite":
        assert routines == []
    elif backend_db.dialect == "postgresql":
        assert named[("broken_value", "function")]["signature"] == "() → integer"
        assert ("customers_id_seq", "sequence") in named
    else:
        assert named[("add_one", "function")]["signature"] == "(x int(11)) → int(11)"


async def test_a_hidden_table_s_partitions_are_hidden_too(
    backend_db: TestDatabase, make_settings: Any, login: Any
) -> None:
    if backend_db.dialect != "postgresql":
        pytest.skip("declarative partitions are PostgreSQL's")
    settings = make_settings(database_url=backend_db.readonly_url, hidden_tables="measurements")
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        for name in PG_PARTITIONS:
            for path in (f"/api/tables/{name}/data", f"/api/tables/{name}/definition"):
                assert (await client.get(path)).status_code == 404, path
        assert (await client.get(f"/api/tables/{PG_PARTITIONS[0]}/data")).status_code == 404


async def test_the_definition_follows_enable_schema_view(
    make_settings: Any, login: Any, backend_db: TestDatabase
) -> None:
    if backend_db.dialect != "sqlite":
        pytest.skip("a setting, the same on every backend")
    settings = make_settings(database_url=backend_db.readonly_url, enable_schema_view=False)
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        refused = await client.get("/api/tables/customers/definition")
        assert refused.status_code == 403
        assert (await refused.get_json())["code"] == "FEATURE_DISABLED"
