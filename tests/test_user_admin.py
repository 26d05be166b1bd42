"""User administration over HTTP, as an admin and as a viewer: create (with a generated
password shown once), change role, disable and enable, reset passwords, list and revoke a
user's tokens, end their sessions; never leave no active admin; every change logged.
The store is SQLite (the default); the tests whose queries differ most also run with it on
PostgreSQL (APP_DATABASE_URL), as several instances share it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.settings import Settings

from .conftest import PASSWORD, USERNAME, TestDatabase, running_app
from .support.activity import audit_events
from .support.databases import create_database, drop_database, require_server

Login = Callable[..., Awaitable[Any]]


BOTH_STORES = pytest.mark.parametrize(
    "logged_app", ["sqlite-store", "postgresql-store"], indirect=True
)


@pytest.fixture
async def logged_app(
    request: pytest.FixtureRequest,
    make_settings: Callable[..., Settings],
    sqlite_db: TestDatabase,
    tmp_path: Path,
) -> Any:
    store_db = None
    if getattr(request, "param", "sqlite-store") == "postgresql-store":
        require_server("postgresql")
        store_db = await create_database("postgresql", tmp_path)
    settings = make_settings(database_url=sqlite_db.readonly_url, enable_activity_log=True,
                             audit_sinks="store",
                             app_database_url=store_db.full_url if store_db else None)  # fmt: skip
    try:
        async with running_app(settings) as app:
            yield app
    finally:
        if store_db is not None:
            await drop_database(store_db)


async def _admin(app: Quart, login: Login) -> Client:
    client = app.test_client()
    await login(client)
    return client


async def _create(admin: Client, username: str, **body: Any) -> dict[str, Any]:
    response = await admin.post("/api/users", json={"username": username, **body})
    assert response.status_code == 201, await response.get_data(as_text=True)
    return dict(await response.get_json())


@BOTH_STORES
async def test_an_admin_creates_a_viewer_with_a_generated_password(
    logged_app: Quart, login: Login
) -> None:
    admin = await _admin(logged_app, login)
    created = await _create(admin, "victor")
    user, password = created["user"], created["password"]
    assert (user["username"], user["role"], user["active"]) == ("victor", "viewer", True)
    assert (user["sessions"], user["tokens"]) == (0, 0)
    assert isinstance(password, str) and len(password) >= 16

    viewer = logged_app.test_client()
    me = await (await login(viewer, "victor", password)).get_json()
    assert me["role"] == "viewer"
    listed = await (await admin.get("/api/users")).get_json()
    assert [(u["username"], u["role"], u["sessions"]) for u in listed["users"]] == [
        (USERNAME, "admin", 1), ("victor", "viewer", 1)]  # fmt: skip
    given = await _create(admin, "wanda", role="admin", password="a given password")
    assert given["password"] is None and given["user"]["role"] == "admin"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": USERNAME}, 409, "USER_EXISTS"),
        ({"username": "x", "password": "short"}, 400, "WEAK_PASSWORD"),
        ({"username": "x", "role": "owner"}, 400, None),
        ({"username": "a/b"}, 400, "BAD_USER_REQUEST"),
        ({"username": ""}, 400, None),
        ({"username": "x", "roles": "admin"}, 400, None),  # a misspelt field is not ignored
    ],
)
async def test_bad_user_creations_are_refused(
    logged_app: Quart, login: Login, body: dict[str, Any], status: int, code: str | None
) -> None:
    admin = await _admin(logged_app, login)
    response = await admin.post("/api/users", json=body)
    assert response.status_code == status
    if code:
        assert (await response.get_json())["code"] == code


@BOTH_STORES
async def test_a_role_change_holds_at_once_for_sessions_and_tokens(
    logged_app: Quart, login: Login
) -> None:
    admin = await _admin(logged_app, login)
    password = (await _create(admin, "victor"))["password"]
    viewer = logged_app.test_client()
    await login(viewer, "victor", password)
    token = (await (await viewer.post("/api/tokens", json={"name": "t"})).get_json())["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await logged_app.test_client().get("/api/audit", headers=bearer)).status_code == 403

    changed = await admin.patch("/api/users/victor", json={"role": "admin"})
    assert (await changed.get_json())["role"] == "admin"
    assert (await viewer.get("/api/me")).status_code == 401  # the session ended
    assert (await logged_app.test_client().get("/api/audit", headers=bearer)).status_code == 200
    await login(viewer, "victor", password)
    assert (await viewer.get("/api/users")).status_code == 200


async def test_disable_and_enable(logged_app: Quart, login: Login) -> None:
    admin = await _admin(logged_app, login)
    password = (await _create(admin, "victor"))["password"]
    viewer = logged_app.test_client()
    await login(viewer, "victor", password)
    disabled = await admin.patch("/api/users/victor", json={"active": False})
    assert (await disabled.get_json())["active"] is False
    assert (await viewer.get("/api/me")).status_code == 401
    await login(viewer, "victor", password, expect=401)
    await admin.patch("/api/users/victor", json={"active": True})
    await login(viewer, "victor", password)


@BOTH_STORES
async def test_no_change_leaves_no_active_admin(logged_app: Quart, login: Login) -> None:
    admin = await _admin(logged_app, login)
    for change in ({"role": "viewer"}, {"active": False}):
        refused = await admin.patch(f"/api/users/{USERNAME}", json=change)
        assert refused.status_code == 409, change
        assert (await refused.get_json())["code"] == "LAST_ADMIN"
    assert (await admin.get("/api/me")).status_code == 200
    await _create(admin, "wanda", role="admin")
    demoted = await admin.patch(f"/api/users/{USERNAME}", json={"role": "viewer"})
    assert demoted.status_code == 200
    assert (await admin.get("/api/me")).status_code == 401  # its session ended with the change


async def test_password_reset_ends_sessions_and_replaces_the_password(
    logged_app: Quart, login: Login
) -> None:
    admin = await _admin(logged_app, login)
    old = (await _create(admin, "victor"))["password"]
    viewer = logged_app.test_client()
    await login(viewer, "victor", old)
    generated = await (await admin.post("/api/users/victor/password", json={})).get_json()
    assert generated["password"] and generated["password"] != old
    assert (await viewer.get("/api/me")).status_code == 401
    await login(viewer, "victor", old, expect=401)
    await login(viewer, "victor", generated["password"])
    typed = await admin.post("/api/users/victor/password", json={"password": "typed password 1"})
    assert await typed.get_json() == {"password": None}
    weak = await admin.post("/api/users/victor/password", json={"password": "short"})
    assert weak.status_code == 400 and (await weak.get_json())["code"] == "WEAK_PASSWORD"


@BOTH_STORES
async def test_an_admin_lists_and_revokes_a_users_tokens_and_ends_their_sessions(
    logged_app: Quart, login: Login
) -> None:
    admin = await _admin(logged_app, login)
    password = (await _create(admin, "victor"))["password"]
    laptop, phone = logged_app.test_client(), logged_app.test_client()
    await login(laptop, "victor", password)
    await login(phone, "victor", password)
    token = await (await laptop.post("/api/tokens", json={"name": "cron"})).get_json()
    bearer = {"Authorization": f"Bearer {token['token']}"}

    tokens = (await (await admin.get("/api/users/victor/tokens")).get_json())["tokens"]
    assert [(t["id"], t["name"], t["active"]) for t in tokens] == [(token["info"]["id"], "cron",
                                                                     True)]  # fmt: skip
    wrong_owner = await admin.delete(f"/api/users/{USERNAME}/tokens/{token['info']['id']}")
    assert wrong_owner.status_code == 404
    revoked = await admin.delete(f"/api/users/victor/tokens/{token['info']['id']}")
    assert await revoked.get_json() == {"revoked": token["info"]["id"]}
    assert (await logged_app.test_client().get("/api/me", headers=bearer)).status_code == 401

    sessions = (await (await admin.get("/api/users/victor/sessions")).get_json())["sessions"]
    assert len(sessions) == 2 and not any(s["current"] for s in sessions)
    ended = await admin.delete("/api/users/victor/sessions")
    assert await ended.get_json() == {"ended": 2}
    assert (await laptop.get("/api/me")).status_code == 401
    assert (await phone.get("/api/me")).status_code == 401
    user = await (await admin.get("/api/users/victor")).get_json()
    assert (user["sessions"], user["tokens"]) == (0, 0)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/users/nobody", None),
        ("PATCH", "/api/users/nobody", {"role": "admin"}),
        ("POST", "/api/users/nobody/password", {}),
        ("GET", "/api/users/nobody/tokens", None),
        ("DELETE", "/api/users/nobody/tokens/1", None),
        ("GET", "/api/users/nobody/sessions", None),
        ("DELETE", "/api/users/nobody/sessions", None),
    ],
)
async def test_an_unknown_user_is_404(
    logged_app: Quart, login: Login, method: str, path: str, body: Any
) -> None:
    admin = await _admin(logged_app, login)
    response = await admin.open(path, method=method, json=body)
    assert response.status_code == 404
    assert (await response.get_json())["code"] == "USER_NOT_FOUND"


async def test_a_viewer_may_administer_nothing(logged_app: Quart, login: Login) -> None:
    admin = await _admin(logged_app, login)
    password = (await _create(admin, "victor"))["password"]
    viewer = logged_app.test_client()
    await login(viewer, "victor", password)
    for method, path, body in [
        ("GET", "/api/users", None),
        ("POST", "/api/users", {"username": "eve", "role": "admin"}),
        ("PATCH", "/api/users/victor", {"role": "admin"}),
        ("POST", f"/api/users/{USERNAME}/password", {"password": "taken over!"}),
        ("GET", f"/api/users/{USERNAME}/sessions", None),
        ("DELETE", f"/api/users/{USERNAME}/sessions", None),
    ]:
        response = await viewer.open(path, method=method, json=body)
        assert response.status_code == 403, (method, path)
    assert (await viewer.get("/api/me")).status_code == 200
    await login(logged_app.test_client(), USERNAME, PASSWORD)  # nothing changed
    assert "eve" not in str(await (await admin.get("/api/users")).get_json())


async def test_every_change_is_in_the_activity_log(logged_app: Quart, login: Login) -> None:
    admin = await _admin(logged_app, login)
    first = (await _create(admin, "victor"))["password"]
    await admin.patch("/api/users/victor", json={"role": "admin"})
    reset = await (await admin.post("/api/users/victor/password", json={})).get_json()
    await admin.delete("/api/users/victor/sessions")
    token = await (await admin.post("/api/tokens", json={"name": "mine"})).get_json()
    await admin.delete(f"/api/tokens/{token['info']['id']}")
    events = await audit_events(logged_app, admin, user=USERNAME)
    logged = [(e["event"], e.get("target") or e.get("owner")) for e in events
              if e["event"] not in ("login", "query_executed")]  # fmt: skip
    assert logged == [
        ("user_created", "victor"),
        ("user_updated", "victor"),
        ("password_reset", "victor"),
        ("sessions_ended", "victor"),
        ("token_created", USERNAME),
        ("token_revoked", USERNAME),
    ]
    assert first not in str(events) and reset["password"] not in str(events)
    assert token["token"] not in str(events)
