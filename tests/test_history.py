"""Each user's console history, kept in the store: recorded by POST /api/query (refusals
and errors too), read newest first and paged, isolated per user, capped, cleared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as Client
from sqlalchemy import text

from pydbpro.settings import Settings
from pydbpro.state import app_state

from .conftest import USERNAME, TestDatabase, running_app
from .support.activity import audit_events
from .support.two_users import STORES, VIEWER_NAME, two_users


async def _run(client: Client, sql: str, **body: Any) -> int:
    response = await client.post("/api/query", json={"sql": sql, **body})
    await response.get_data()
    return response.status_code


async def _history(client: Client, **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/history", query_string=params)
    assert response.status_code == 200, await response.get_data(as_text=True)
    return (await response.get_json())["entries"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("store", STORES)
async def test_each_user_sees_only_their_own_runs_newest_first(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, tmp_path: Path,
    login: Any, store: str,
) -> None:  # fmt: skip
    async with two_users(make_settings, sqlite_db, store, tmp_path, login) as users:
        assert await _run(users.admin, "SELECT id FROM customers WHERE id = :id",
                          params={"id": 1}) == 200  # fmt: skip
        assert await _run(users.admin, "DELETE FROM customers") == 403
        assert await _run(users.admin, "SELECT nope FROM customers") == 400
        assert await _run(users.viewer, "SELECT 42 AS answer") == 200

        mine = await _history(users.admin)
        assert [(e["sql"], e["ok"], e["error_code"]) for e in mine] == [
            ("SELECT nope FROM customers", False, "SQL_ERROR"),
            ("DELETE FROM customers", False, "READ_ONLY_VIOLATION"),
            ("SELECT id FROM customers WHERE id = :id", True, None),
        ]
        assert mine[2]["row_count"] == 1 and mine[2]["elapsed_ms"] >= 0
        assert mine[0]["row_count"] is None and mine[0]["at"].endswith("Z")
        theirs = await _history(users.viewer)
        assert [(e["sql"], e["ok"], e["row_count"]) for e in theirs] == [
            ("SELECT 42 AS answer", True, 1)
        ]

        # An admin may read another user's history; a viewer may not (even a missing user).
        assert await _history(users.admin, user=VIEWER_NAME) == theirs
        assert await _history(users.viewer, user=VIEWER_NAME) == theirs
        for name in (USERNAME, "nobody"):
            refused = await users.viewer.get("/api/history", query_string={"user": name})
            assert refused.status_code == 403
            assert (await refused.get_json())["code"] == "NOT_YOUR_HISTORY"
        missing = await users.admin.get("/api/history", query_string={"user": "nobody"})
        assert missing.status_code == 404

        # One entry: own deleted, another's 403 for a viewer, a missing one 404.
        assert (await users.viewer.delete(f"/api/history/{mine[0]['id']}")).status_code == 403
        assert (await users.admin.delete(f"/api/history/{mine[0]['id']}")).status_code == 200
        assert (await users.admin.delete(f"/api/history/{mine[0]['id']}")).status_code == 404
        assert [e["id"] for e in await _history(users.admin)] == [e["id"] for e in mine[1:]]

        # Ids no store table holds (PostgreSQL's INTEGER is 32-bit) are no entry, not a 500.
        for big in (2**31, 2**63, 2**70):
            assert (await users.admin.delete(f"/api/history/{big}")).status_code == 404
            assert (await users.admin.get(f"/api/saved-queries/{big}")).status_code == 404
            assert (await users.admin.get(f"/api/history?cursor={big}")).status_code == 400


@pytest.mark.parametrize("store", STORES)
async def test_history_is_paged_capped_and_cleared(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, tmp_path: Path,
    login: Any, store: str,
) -> None:  # fmt: skip
    async with two_users(make_settings, sqlite_db, store, tmp_path, login,
                         query_history_limit=5, enable_activity_log=True,
                         audit_sinks="store") as users:  # fmt: skip
        for n in range(8):
            assert await _run(users.admin, f"SELECT {n} AS n") == 200
        assert await _run(users.viewer, "SELECT 'kept' AS v") == 200

        page = await users.admin.get("/api/history", query_string={"limit": "3"})
        first = await page.get_json()
        assert [e["sql"] for e in first["entries"]] == [f"SELECT {n} AS n" for n in (7, 6, 5)]
        cursor = str(first["next_cursor"])
        rest = await _history(users.admin, limit="3", cursor=cursor)
        assert [e["sql"] for e in rest] == ["SELECT 4 AS n", "SELECT 3 AS n"]  # the newest 5

        cleared = await users.admin.delete("/api/history")
        assert (await cleared.get_json()) == {"deleted": 5}
        assert await _history(users.admin) == []
        assert len(await _history(users.viewer)) == 1  # someone else's is untouched
        events = await audit_events(users.app, users.admin, event="history_cleared")
        assert [(e["user"], e["entries"]) for e in events] == [(USERNAME, 5)]


async def test_bad_history_requests_are_400s(app: Any, login: Any) -> None:
    client = app.test_client()
    await login(client)
    for params in ({"limit": "0"}, {"cursor": "x"}, {"cursor": str(2**70)}, {"page": "2"}):
        assert (await client.get("/api/history", query_string=params)).status_code == 400
    assert (await client.delete(f"/api/history/{2**70}")).status_code == 404
    assert (await client.get(f"/api/saved-queries/{2**70}")).status_code == 404


async def test_history_needs_the_console(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, tmp_path: Path, login: Any
) -> None:
    """Without QUERY (CONSOLE_ROLES=admin) a viewer has no history to read or clear."""
    async with two_users(make_settings, sqlite_db, "sqlite", tmp_path, login,
                         console_roles="admin") as users:  # fmt: skip
        for method, path in (("GET", "/api/history"), ("DELETE", "/api/history"),
                             ("DELETE", "/api/history/1")):  # fmt: skip
            response = await users.viewer.open(path, method=method)
            assert response.status_code == 403, path
        assert (await users.admin.get("/api/history")).status_code == 200


async def test_a_run_is_answered_when_the_history_cannot_be_written(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any, app_log: Any
) -> None:
    """The store refusing the history's write is logged; the statement's answer is intact."""
    async with running_app(make_settings(database_url=sqlite_db.readonly_url)) as app:
        client = app.test_client()
        await login(client)
        store = app_state(app).store
        async with store.begin() as conn:
            await conn.execute(text("DROP TABLE query_history"))
        response = await client.post("/api/query", json={"sql": "SELECT 1 AS one"})
        assert response.status_code == 200
        assert (await response.get_json())["rows"] == [[1]]
        await app_state(app).history.flush()
    assert "query history: 1 run(s) not recorded" in app_log.text
