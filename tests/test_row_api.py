"""One row by primary key, with its parent and child records."""

from __future__ import annotations

from typing import Any

from .browsing import get_json, scalar_list
from .conftest import TestDatabase


async def test_row_with_children(backend_client: Any, backend_db: TestDatabase) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables/customers/row?id=3")
    values = dict(zip([c["name"] for c in body["columns"]], body["row"], strict=True))
    assert values["id"] == 3 and values["name"] == "O'Brien"
    orders = next(child for child in body["children"] if child["table"] == "orders")
    assert orders["filter"] == {"filter_customer_id": 3}
    expected = await scalar_list(backend_db, "SELECT count(*) FROM orders WHERE customer_id = 3")
    assert orders["count"] == expected[0]
    listed = await get_json(client, "/api/tables/orders/data?filter_customer_id=3&count=exact")
    assert listed["total"] == orders["count"]


async def test_row_with_parent_link(backend_client: Any, backend_db: TestDatabase) -> None:
    client = backend_client
    body = await get_json(client, "/api/tables/orders/row?id=1")
    customer_id = (await scalar_list(backend_db, "SELECT customer_id FROM orders WHERE id = 1"))[0]
    parent = next(p for p in body["parents"] if p["table"] == "customers")
    assert parent["key"] == {"id": customer_id}
    followed = await get_json(client, f"/api/tables/customers/row?id={customer_id}")
    assert followed["row"][0] == customer_id


async def test_self_reference_with_null_parent(backend_client: Any) -> None:
    client = backend_client
    employees = await get_json(client, "/api/tables/employees/data?filter_manager_id_isnull=1")
    boss_id = employees["rows"][0][0]
    boss = await get_json(client, f"/api/tables/employees/row?id={boss_id}")
    assert all(p["key"] is None for p in boss["parents"])
    reports = next(c for c in boss["children"] if c["table"] == "employees")
    assert reports["count"] >= 1


async def test_row_errors(backend_client: Any) -> None:
    client = backend_client
    missing = await get_json(client, "/api/tables/customers/row?id=999999", expect=404)
    assert missing["code"] == "ROW_NOT_FOUND"
    no_key = await get_json(client, "/api/tables/customers/row", expect=400)
    assert no_key["code"] == "MISSING_KEY" and "id" in no_key["error"]
    bad = await get_json(client, "/api/tables/customers/row?id=abc", expect=400)
    assert bad["code"] == "BAD_VALUE"
    keyless = await get_json(client, "/api/tables/no_pk/row?a=1", expect=400)
    assert keyless["code"] == "NO_PRIMARY_KEY"
