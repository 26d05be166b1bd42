"""Roles through HTTP: an admin and a viewer, CONSOLE_ROLES and EXPORT_ROLES, and a role
change (``pydbpro users role``) that holds at once for cookies and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.auth.tokens import create_token
from pydbpro.auth.users import UserError, create_user
from pydbpro.roles import VIEWER
from pydbpro.settings import Settings
from pydbpro.settings_loading import SettingsError, load_settings
from pydbpro.state import app_state

from .cli import run_cli
from .conftest import TEST_SECRET, TestDatabase, running_app
from .support.activity import audit_events

VIEWER_NAME, VIEWER_PASSWORD = "victor", "viewer-password-1"
METRICS_TOKEN = "Qm4-roles-metrics-Lp8zX2cV6bN0wE5rT7yU"
QUERY = {"sql": "SELECT id FROM customers ORDER BY id"}


async def _clients(app: Quart, login: Any) -> tuple[Client, Client]:
    """A logged-in admin (the fixture user) and a logged-in viewer."""
    await create_user(app_state(app).store, VIEWER_NAME, VIEWER_PASSWORD, role=VIEWER)
    admin, viewer = app.test_client(), app.test_client()
    await login(admin)
    await login(viewer, VIEWER_NAME, VIEWER_PASSWORD)
    return admin, viewer


async def _status(client: Client, method: str, path: str, **kwargs: Any) -> int:
    response = await client.open(path, method=method, **kwargs)
    await response.get_data()  # a download is read to its end
    return response.status_code


async def _statuses(client: Client) -> dict[str, int]:
    """What a client gets from each thing a role may or may not do."""
    return {
        "tables": await _status(client, "GET", "/api/tables"),
        "structure": await _status(client, "GET", "/api/tables/customers/schema"),
        "rows": await _status(client, "GET", "/api/tables/customers/data"),
        "row": await _status(client, "GET", "/api/tables/customers/row", query_string={"id": "1"}),
        "query": await _status(client, "POST", "/api/query", json=QUERY),
        "explain": await _status(client, "POST", "/api/query/explain", json=QUERY),
        "table_export": await _status(client, "GET", "/api/tables/customers/export/csv"),
        "query_export": await _status(client, "POST", "/api/query/export/csv", json=QUERY),
        "audit": await _status(client, "GET", "/api/audit"),
        "users": await _status(client, "GET", "/api/users"),
    }


ALL_OK = {
    "tables": 200, "structure": 200, "rows": 200, "row": 200, "query": 200, "explain": 200,
    "table_export": 200, "query_export": 200, "audit": 200, "users": 200,
}  # fmt: skip


@pytest.mark.parametrize(
    ("switches", "viewer_denied", "viewer_permissions"),
    [
        ({}, {"audit", "users"}, ["read", "query", "export"]),
        (
            {"console_roles": "admin"},
            {"audit", "users", "query", "explain", "query_export"},
            ["read", "export"],
        ),
        (
            {"export_roles": "admin"},
            {"audit", "users", "table_export", "query_export"},
            ["read", "query"],
        ),
    ],
)
async def test_what_each_role_may_do(
    make_settings: Callable[..., Settings],
    sqlite_db: TestDatabase,
    login: Any,
    switches: dict[str, str],
    viewer_denied: set[str],
    viewer_permissions: list[str],
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, enable_activity_log=True,
                             audit_sinks="store", **switches)  # fmt: skip
    async with running_app(settings) as app:
        admin, viewer = await _clients(app, login)
        assert await _statuses(admin) == ALL_OK
        assert await _statuses(viewer) == {
            name: 403 if name in viewer_denied else status for name, status in ALL_OK.items()
        }
        refused = await viewer.get("/api/audit")
        assert (await refused.get_json())["code"] == "FORBIDDEN"
        me = await (await viewer.get("/api/me")).get_json()
        # What the UI offers the viewer: exactly what the server lets them do.
        assert me == {"username": VIEWER_NAME, "role": "viewer", "auth": "session",
                      "permissions": viewer_permissions}  # fmt: skip
        admin_me = await (await admin.get("/api/me")).get_json()
        assert admin_me["permissions"] == ["read", "query", "export", "audit", "metrics", "users"]
        denied = await audit_events(app, admin, event="denied", user=VIEWER_NAME)
    paths = {"audit": "/api/audit", "query": "/api/query", "explain": "/api/query/explain",
             "table_export": "/api/tables/customers/export/csv",
             "query_export": "/api/query/export/csv", "users": "/api/users"}  # fmt: skip
    expected = [paths[name] for name in viewer_denied] + ["/api/audit"]  # read twice
    assert sorted(e["path"] for e in denied) == sorted(expected)
    assert {(e["status"], e["code"]) for e in denied} == {(403, "FORBIDDEN")}


async def test_metrics_by_session_are_for_admins_and_the_scraper_gate_still_holds(
    make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    settings = make_settings(database_url=sqlite_db.readonly_url, metrics_token=METRICS_TOKEN)
    async with running_app(settings) as app:
        admin, viewer = await _clients(app, login)
        assert (await admin.get("/metrics")).status_code == 200
        refused = await viewer.get("/metrics")
        assert refused.status_code == 403
        assert (await refused.get_json())["code"] == "FORBIDDEN"
        scraper = app.test_client()
        bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        assert (await scraper.get("/metrics", headers=bearer)).status_code == 200
        assert (await viewer.get("/metrics", headers=bearer)).status_code == 200
        assert (await scraper.get("/metrics")).status_code == 401
    async with running_app(make_settings(database_url=sqlite_db.readonly_url)) as app:
        admin = app.test_client()
        await login(admin)
        assert (await admin.get("/metrics")).status_code == 404  # off stays off


async def test_a_role_change_holds_at_once_for_cookies_and_tokens(
    tmp_path: Path, make_settings: Callable[..., Settings], sqlite_db: TestDatabase, login: Any
) -> None:
    env = {"DATA_DIR": str(tmp_path / "var")}  # make_settings uses the same store
    added = run_cli(tmp_path, "users", "add", VIEWER_NAME, "--role", "viewer",
                    stdin=f"{VIEWER_PASSWORD}\n", **env)  # fmt: skip
    assert added.returncode == 0 and "(role viewer)" in added.stdout, added.stderr
    settings = make_settings(database_url=sqlite_db.readonly_url, enable_activity_log=True,
                             audit_sinks="store")  # fmt: skip
    async with running_app(settings) as app:
        token, _ = await create_token(app_state(app).store, VIEWER_NAME, "script")
        bearer = {"Authorization": f"Bearer {token}"}
        cookie = app.test_client()
        await login(cookie, VIEWER_NAME, VIEWER_PASSWORD)
        scripted = app.test_client()
        assert (await scripted.get("/api/audit", headers=bearer)).status_code == 403
        assert (await cookie.get("/api/audit")).status_code == 403

        changed = run_cli(tmp_path, "users", "role", VIEWER_NAME, "admin", **env)
        assert changed.returncode == 0, changed.stderr
        assert (await cookie.get("/api/me")).status_code == 401  # the session has ended
        me = await (await scripted.get("/api/me", headers=bearer)).get_json()
        assert (me["role"], me["auth"], me["permissions"][-1]) == ("admin", "token", "users")
        assert (await scripted.get("/api/audit", headers=bearer)).status_code == 200
        await login(cookie, VIEWER_NAME, VIEWER_PASSWORD)
        assert (await cookie.get("/api/audit")).status_code == 200

        back = run_cli(tmp_path, "users", "role", VIEWER_NAME, "viewer", **env)
        assert back.returncode == 0, back.stderr
        assert (await scripted.get("/api/audit", headers=bearer)).status_code == 403
    listed = run_cli(tmp_path, "users", "list", **env).stdout.splitlines()
    assert f"{VIEWER_NAME}\tviewer\tactive" in listed


def test_unknown_roles_are_refused_by_the_cli(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "var")}
    bogus = run_cli(tmp_path, "users", "add", "bob", "--role", "bogus",
                    stdin="s3cret-password\n", **env)  # fmt: skip
    assert bogus.returncode == 2
    assert "Invalid value for '--role': 'bogus' is not one of 'admin', 'viewer'" in bogus.stderr
    assert run_cli(tmp_path, "users", "list", **env).stdout == ""  # nothing was created
    added = run_cli(tmp_path, "users", "add", "bob", stdin="s3cret-password\n", **env)
    assert added.returncode == 0, added.stderr
    changed = run_cli(tmp_path, "users", "role", "bob", "root", **env)
    assert changed.returncode == 2 and "'root' is not one of 'admin', 'viewer'" in changed.stderr
    missing = run_cli(tmp_path, "users", "role", "nobody", "admin", **env)
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr


async def test_the_user_service_refuses_an_unknown_role(app: Quart) -> None:
    with pytest.raises(UserError, match="unknown role 'editor'; use one of admin, viewer"):
        await create_user(app_state(app).store, "eve", "eve-password-1", role="editor")


@pytest.mark.parametrize("name", ["console_roles", "export_roles"])
def test_an_unknown_role_in_the_settings_is_a_start_up_error(name: str) -> None:
    with pytest.raises(SettingsError, match=f"invalid setting {name.upper()}.*unknown role 'boss'"):
        load_settings(_env_file=None, secret_key=TEST_SECRET, **{name: "admin,boss"})
