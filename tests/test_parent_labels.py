"""Labels of parent rows for a page's foreign-key values (``GET /api/tables/<t>/labels``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from pydbpro.settings import Settings

from .browsing import get_json, scalar_list
from .conftest import TestDatabase, running_app


async def test_labels_of_a_page(backend_client: Any, backend_db: TestDatabase) -> None:
    client = backend_client
    page = await get_json(client, "/api/tables/orders/data?page_size=20&sort=id")
    index = [c["name"] for c in page["columns"]].index("customer_id")
    ids = sorted({row[index] for row in page["rows"]})
    query = "&".join(f"value_customer_id={i}" for i in ids)
    body = await get_json(client, f"/api/tables/orders/labels?{query}&value_customer_id=999999")
    listed = ",".join(map(str, ids))
    names = await scalar_list(
        backend_db, f"SELECT name FROM customers WHERE id IN ({listed}) ORDER BY id"
    )
    # Every id of the page gets its customer's name; an id without a parent (or whose name
    # is empty) gets nothing.
    expected = {str(i): n for i, n in zip(ids, names, strict=True) if n}
    assert body["labels"] == {"customer_id": expected}


async def test_awkward_labels_and_self_reference(backend_client: Any) -> None:
    client = backend_client
    # Customer 3 is "O'Brien", the SQL injection name is bound, never spliced.
    body = await get_json(client, "/api/tables/employees/labels?value_manager_id=1")
    boss = await get_json(client, "/api/tables/employees/row?id=1")
    assert body["labels"]["manager_id"] == {"1": boss["row"][1]}
    named = await get_json(client, "/api/tables/orders/labels?value_customer_id=3")
    assert named["labels"]["customer_id"] == {"3": "O'Brien"}


async def test_label_errors(backend_client: Any) -> None:
    client = backend_client
    not_fk = await get_json(client, "/api/tables/orders/labels?value_status=x", expect=400)
    assert not_fk["code"] == "NOT_A_FOREIGN_KEY"
    bad = await get_json(client, "/api/tables/orders/labels?value_customer_id=abc", expect=400)
    assert bad["code"] == "BAD_VALUE"
    none = await get_json(client, "/api/tables/orders/labels", expect=400)
    assert none["code"] == "MISSING_VALUES"
    missing = await get_json(client, "/api/tables/nope/labels?value_a=1", expect=404)
    assert missing["code"] == "TABLE_NOT_FOUND"
    many = "&".join(f"value_customer_id={i}" for i in range(1, 1003))
    capped = await get_json(client, f"/api/tables/orders/labels?{many}", expect=400)
    assert capped["code"] == "TOO_MANY_VALUES"


async def test_a_configured_label_column(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    """LABEL_COLUMNS picks the parent's column; a table not named keeps the first text one."""
    settings = make_settings(
        database_url=sqlite_db.readonly_url, label_columns="customers=email,nowhere=x"
    )
    async with running_app(settings) as app:
        client = app.test_client()
        await login(client)
        body = await get_json(client, "/api/tables/orders/labels?value_customer_id=3")
        email = await scalar_list(sqlite_db, "SELECT email FROM customers WHERE id = 3")
        assert body["labels"] == {"customer_id": {"3": email[0]}}
        boss = await get_json(client, "/api/tables/employees/labels?value_manager_id=1")
        assert set(boss["labels"]["manager_id"]) == {"1"}


def test_label_columns_must_name_a_column(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(ValidationError, match="table=column"):
        make_settings(label_columns="customers")
