"""Saved queries through HTTP: private to their owner or shared, edited only by the owner
or an administrator, parameters checked against the statement's placeholders, and run
through the console like any statement."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client

from pydbpro.settings import Settings

from .conftest import USERNAME, TestDatabase
from .support.activity import audit_events
from .support.two_users import STORES, VIEWER_NAME, two_users

BY_ID = {
    "name": "Customer by id",
    "description": "One customer",
    "sql": "SELECT id, name FROM customers WHERE id = :id -- :not_a_parameter",
    "parameters": [{"name": "id", "default": 1}],
}


async def _save(client: Client, expect: int = 201, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/saved-queries", json={**BY_ID, **fields})
    body = await response.get_json()
    assert response.status_code == expect, body
    return body  # type: ignore[no-any-return]


async def _names(client: Client) -> list[tuple[str, str, bool, bool]]:
    response = await client.get("/api/saved-queries")
    assert response.status_code == 200
    return [(q["name"], q["owner"], q["shared"], q["editable"])
            for q in (await response.get_json())["queries"]]  # fmt: skip


@pytest.mark.parametrize("store", STORES)
async def test_private_and_shared_queries(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, tmp_path: Path,
    login: Any, store: str,
) -> None:  # fmt: skip
    async with two_users(make_settings, sqlite_db, store, tmp_path, login,
                         enable_activity_log=True, audit_sinks="store") as users:  # fmt: skip
        mine = await _save(users.viewer, name="Mine")
        assert mine["owner"] == VIEWER_NAME and mine["editable"] and not mine["shared"]
        assert mine["parameters"] == [{"name": "id", "default": 1}]
        team = await _save(users.viewer, name="Team", shared=True)
        admins = await _save(users.admin, name="Admin's", sql="SELECT 1 AS one", parameters=[])
        await _save(users.viewer, expect=409, name="Mine")  # unique per owner...
        await _save(users.admin, name="Mine", sql="SELECT 2 AS two", parameters=[])  # ...only

        assert await _names(users.viewer) == [("Mine", VIEWER_NAME, False, True),
                                              ("Team", VIEWER_NAME, True, True)]  # fmt: skip
        assert await _names(users.admin) == [("Admin's", USERNAME, False, True),
                                             ("Mine", USERNAME, False, True),
                                             ("Team", VIEWER_NAME, True, True)]  # fmt: skip

        # Another's private query: 403 for everyone, administrators included.
        for client, other in ((users.admin, mine), (users.viewer, admins)):
            for method in ("GET", "PUT", "DELETE"):
                response = await client.open(f"/api/saved-queries/{other['id']}", method=method,
                                             json=BY_ID if method == "PUT" else None)  # fmt: skip
                assert response.status_code == 403, method
                assert (await response.get_json())["code"] == "SAVED_QUERY_PRIVATE"
        assert (await users.viewer.get("/api/saved-queries/999999")).status_code == 404

        # A shared one: everyone reads it; the owner or an administrator changes it.
        as_admin = await (await users.admin.get(f"/api/saved-queries/{team['id']}")).get_json()
        assert as_admin["editable"] and as_admin["owner"] == VIEWER_NAME
        shared_by_id = {**BY_ID, "shared": True}
        edited = await users.admin.put(f"/api/saved-queries/{team['id']}",
                                       json={**shared_by_id, "name": "Team v2"})  # fmt: skip
        assert edited.status_code == 200
        assert (await edited.get_json())["owner"] == VIEWER_NAME
        admins_shared = await users.admin.put(f"/api/saved-queries/{admins['id']}",
                                              json={**shared_by_id, "name": "Admin's"})  # fmt: skip
        assert admins_shared.status_code == 200
        seen = await (await users.viewer.get(f"/api/saved-queries/{admins['id']}")).get_json()
        assert seen["shared"] and not seen["editable"]
        for method in ("PUT", "DELETE"):
            response = await users.viewer.open(f"/api/saved-queries/{admins['id']}",
                                               method=method, json=BY_ID if method == "PUT"
                                               else None)  # fmt: skip
            assert response.status_code == 403, method
            assert (await response.get_json())["code"] == "SAVED_QUERY_READ_ONLY"
        renamed = await users.viewer.put(f"/api/saved-queries/{team['id']}",
                                         json={**BY_ID, "name": "Mine"})  # fmt: skip
        assert renamed.status_code == 409  # the owner already has a "Mine"
        assert (await users.admin.delete(f"/api/saved-queries/{team['id']}")).status_code == 200
        assert (await users.viewer.get(f"/api/saved-queries/{team['id']}")).status_code == 404

        events = await audit_events(users.app, users.admin)
        changes = [(e["event"], e["user"], e["name"]) for e in events
                   if e["event"].startswith("saved_query_")]  # fmt: skip
        assert changes == [
            ("saved_query_created", VIEWER_NAME, "Mine"),
            ("saved_query_created", VIEWER_NAME, "Team"),
            ("saved_query_created", USERNAME, "Admin's"),
            ("saved_query_created", USERNAME, "Mine"),
            ("saved_query_updated", USERNAME, "Team v2"),
            ("saved_query_updated", USERNAME, "Admin's"),
            ("saved_query_deleted", USERNAME, "Team v2"),
        ]
        assert all("sql" not in e and e["sql_length"] for e in events
                   if e["event"].startswith("saved_query_"))  # fmt: skip


async def test_parameters_are_the_statements_placeholders(app: Any, login: Any) -> None:
    client = app.test_client()
    await login(client)
    refused = await _save(client, expect=400,
                          parameters=[{"name": "not_a_parameter", "default": None}])  # fmt: skip
    assert refused["code"] == "UNKNOWN_PARAMETER" and "(placeholders: :id)" in refused["error"]
    twice = await _save(client, expect=400, parameters=[{"name": "id", "default": 1},
                                                        {"name": "id", "default": 2}])  # fmt: skip
    assert twice["code"] == "DUPLICATE_PARAMETER"
    for bad in (
        {"name": " "}, {"name": "x" * 101}, {"sql": ""}, {"sql": "x" * 100_001},
        {"parameters": [{"name": "1id", "default": 1}]}, {"parameters": [{"name": "id"}]},
        {"parameters": [{"name": "id", "default": {}}]},
        {"parameters": [{"name": "id", "default": 1, "type": "int"}]},
        {"shared": "perhaps"}, {"public": True},
    ):  # fmt: skip
        await _save(client, expect=400, **bad)
    # No parameter entry for a placeholder is fine: the console asks for its value.
    await _save(client, name="No defaults", parameters=[])


async def test_a_saved_query_runs_through_the_console(app: Any, login: Any) -> None:
    """Opened, its SQL and parameters go to POST /api/query: the console's guard, the
    console's read-only transaction, and the caller's history."""
    client = app.test_client()
    await login(client)
    saved = await _save(client, shared=True)
    opened = await (await client.get(f"/api/saved-queries/{saved['id']}")).get_json()
    params = {p["name"]: p["default"] for p in opened["parameters"]}
    response = await client.post("/api/query", json={"sql": opened["sql"], "params": params})
    assert response.status_code == 200
    assert (await response.get_json())["rows"] == [[1, "Zoë Müller"]]
    again = await client.post("/api/query", json={"sql": opened["sql"], "params": {"id": 2}})
    assert [row[0] for row in (await again.get_json())["rows"]] == [2]
    history = await (await client.get("/api/history")).get_json()
    assert [e["sql"] for e in history["entries"]] == [opened["sql"]] * 2


async def test_saved_queries_need_the_console(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, tmp_path: Path, login: Any
) -> None:
    async with two_users(make_settings, sqlite_db, "sqlite", tmp_path, login,
                         console_roles="admin") as users:  # fmt: skip
        shared = await _save(users.admin, shared=True)
        for method, path in (("GET", "/api/saved-queries"), ("POST", "/api/saved-queries"),
                             ("GET", f"/api/saved-queries/{shared['id']}"),
                             ("PUT", f"/api/saved-queries/{shared['id']}"),
                             ("DELETE", f"/api/saved-queries/{shared['id']}")):  # fmt: skip
            body = BY_ID if method in ("POST", "PUT") else None
            response = await users.viewer.open(path, method=method, json=body)
            assert response.status_code == 403, (method, path)


async def test_a_saved_query_keeps_its_chart(app: Any, login: Any) -> None:
    """The chart shown with the result is saved with the query and read back as given;
    replacing the query without one removes it; a chart the UI cannot draw is a 400."""
    client = app.test_client()
    await login(client)
    chart = {"type": "bar", "x": "name", "y": ["id", "total amount"], "stacked": True}
    saved = await _save(client, chart=chart)
    assert saved["chart"] == chart
    opened = await (await client.get(f"/api/saved-queries/{saved['id']}")).get_json()
    assert opened["chart"] == chart
    listed = await (await client.get("/api/saved-queries")).get_json()
    assert [q["chart"] for q in listed["queries"]] == [chart]
    plain = await _save(client, name="Without a chart")
    assert plain["chart"] is None
    pie = {"type": "pie", "x": "name", "y": ["id"], "stacked": False}
    replaced = await client.put(f"/api/saved-queries/{saved['id']}", json={**BY_ID, "chart": pie})
    assert (await replaced.get_json())["chart"] == pie
    cleared = await client.put(f"/api/saved-queries/{saved['id']}", json=BY_ID)
    assert (await cleared.get_json())["chart"] is None
    for bad in (
        {**chart, "type": "radar"}, {**chart, "y": []}, {**chart, "x": ""}, {**chart, "x": 1},
        {**chart, "colour": "red"}, {"type": "line", "y": ["id"], "stacked": False},
        {"type": "line", "x": "name", "y": ["id"]}, {**chart, "y": "id"}, [],
    ):  # fmt: skip
        refused = await _save(client, expect=400, name="Bad chart", chart=bad)
        assert all(d["field"].startswith("chart") for d in refused["details"]), refused
