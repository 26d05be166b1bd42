"""One's own account over HTTP: API tokens (create, shown once, revoke), login sessions
(list, end one), and a new session id at every login (no fixation)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.auth.users import create_user
from pydbpro.state import app_state

from .conftest import USERNAME

Login = Callable[..., Awaitable[Any]]
VIEWER_NAME, VIEWER_PASSWORD = "victor", "viewer-password-1"


def _cookie(response: Any) -> str:
    header = response.headers["Set-Cookie"]
    assert header.startswith("pydbpro_session=")
    return str(header.split(";", 1)[0].split("=", 1)[1])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _new_token(client: Client, name: str = "laptop", **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/tokens", json={"name": name, **extra})
    assert response.status_code == 201, await response.get_data(as_text=True)
    return dict(await response.get_json())


async def test_a_token_is_shown_once_works_and_stops_when_revoked(
    app: Quart, client: Client, login: Login
) -> None:
    await login(client)
    created = await _new_token(client, expires_days=30)
    token, info = created["token"], created["info"]
    assert token.startswith("pdb_") and token.startswith(info["prefix"])
    assert info["name"] == "laptop" and info["active"] and info["expires_at"] is not None
    listed = await (await client.get("/api/tokens")).get_json()
    assert [t["id"] for t in listed["tokens"]] == [info["id"]]
    assert token not in str(listed)  # the value is never shown again
    me = await app.test_client().get("/api/me", headers=_bearer(token))
    assert (await me.get_json())["auth"] == "token"

    revoked = await client.delete(f"/api/tokens/{info['id']}")
    assert await revoked.get_json() == {"revoked": info["id"]}
    assert (await app.test_client().get("/api/me", headers=_bearer(token))).status_code == 401
    [after] = (await (await client.get("/api/tokens")).get_json())["tokens"]
    assert not after["active"] and after["revoked_at"] is not None
    again = await client.delete(f"/api/tokens/{info['id']}")
    assert again.status_code == 404 and (await again.get_json())["code"] == "TOKEN_NOT_FOUND"


async def test_a_token_cannot_create_tokens(app: Quart, client: Client, login: Login) -> None:
    await login(client)
    token = (await _new_token(client))["token"]
    response = await app.test_client().post(
        "/api/tokens", json={"name": "minted"}, headers=_bearer(token)
    )
    assert response.status_code == 403
    assert (await response.get_json())["code"] == "SESSION_REQUIRED"


async def test_bad_token_requests_are_400(client: Client, login: Login) -> None:
    await login(client)
    for body in ({"name": ""}, {"name": "x", "expires_days": 0}, {"name": "x", "other": 1},
                 {"name": "x", "expires_days": 100_000}):  # fmt: skip
        response = await client.post("/api/tokens", json=body)
        assert response.status_code == 400, body
    assert (await client.delete("/api/tokens/99999999999999999999")).status_code == 404


async def test_users_see_and_revoke_only_their_own_tokens(app: Quart, login: Login) -> None:
    await create_user(app_state(app).store, VIEWER_NAME, VIEWER_PASSWORD)
    admin, viewer = app.test_client(), app.test_client()
    await login(admin)
    await login(viewer, VIEWER_NAME, VIEWER_PASSWORD)
    admins = await _new_token(admin, "admin's")
    mine = await _new_token(viewer, "viewer's")
    listed = (await (await viewer.get("/api/tokens")).get_json())["tokens"]
    assert [t["name"] for t in listed] == ["viewer's"]
    refused = await viewer.delete(f"/api/tokens/{admins['info']['id']}")
    assert refused.status_code == 404  # another user's token is not theirs to name
    still = await app.test_client().get("/api/me", headers=_bearer(admins["token"]))
    assert still.status_code == 200
    assert (await viewer.delete(f"/api/tokens/{mine['info']['id']}")).status_code == 200


async def test_sessions_are_listed_and_one_can_be_ended(app: Quart, login: Login) -> None:
    laptop, phone = app.test_client(), app.test_client()
    await login(laptop)
    await login(phone)
    sessions = (await (await laptop.get("/api/sessions")).get_json())["sessions"]
    assert len(sessions) == 2
    [current] = [s for s in sessions if s["current"]]
    [other] = [s for s in sessions if not s["current"]]
    assert current["client"] is not None and current["created_at"] and current["last_seen_at"]

    ended = await laptop.delete(f"/api/sessions/{other['id']}")
    assert await ended.get_json() == {"ended": 1}
    assert (await phone.get("/api/me")).status_code == 401
    assert (await laptop.get("/api/me")).status_code == 200
    missing = await laptop.delete(f"/api/sessions/{other['id']}")
    assert missing.status_code == 404 and (await missing.get_json())["code"] == "SESSION_NOT_FOUND"

    await laptop.delete(f"/api/sessions/{current['id']}")  # signs this browser out
    assert (await laptop.get("/api/me")).status_code == 401


async def test_a_user_cannot_end_someone_elses_session(app: Quart, login: Login) -> None:
    await create_user(app_state(app).store, VIEWER_NAME, VIEWER_PASSWORD)
    admin, viewer = app.test_client(), app.test_client()
    await login(admin)
    await login(viewer, VIEWER_NAME, VIEWER_PASSWORD)
    [theirs] = (await (await admin.get("/api/sessions")).get_json())["sessions"]
    assert (await viewer.delete(f"/api/sessions/{theirs['id']}")).status_code == 404
    assert (await admin.get("/api/me")).status_code == 200


async def test_login_gives_a_new_session_id_and_ends_the_planted_one(
    app: Quart, login: Login
) -> None:
    """Session fixation: an attacker plants their own logged-in cookie in the victim's
    browser; when the victim logs in, the cookie changes and the planted one is ended, so
    the attacker's copy never becomes the victim's session."""
    await create_user(app_state(app).store, "mallory", "mallory-password-1")
    attacker = app.test_client()
    planted = _cookie(await login(attacker, "mallory", "mallory-password-1"))
    victim = app.test_client()
    victim.set_cookie("localhost", "pydbpro_session", planted)
    assert (await (await victim.get("/api/me")).get_json())["username"] == "mallory"

    fresh = _cookie(await login(victim))
    assert fresh != planted
    assert (await (await victim.get("/api/me")).get_json())["username"] == USERNAME
    assert (await attacker.get("/api/me")).status_code == 401


async def test_logging_in_again_rotates_the_cookie(client: Client, login: Login) -> None:
    first = _cookie(await login(client))
    second = _cookie(await login(client))
    assert first != second
    sessions = (await (await client.get("/api/sessions")).get_json())["sessions"]
    assert len(sessions) == 1 and sessions[0]["current"]
