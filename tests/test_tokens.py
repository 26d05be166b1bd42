"""API tokens: Bearer authentication for scripts, revocation, expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from pydbpro.auth import tokens as token_service
from pydbpro.auth import users as user_service
from pydbpro.state import app_state
from pydbpro.store.schema import api_tokens
from pydbpro.store.types import utcnow

from .conftest import USERNAME


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_token_authenticates_without_a_cookie(app: Any) -> None:
    token, info = await token_service.create_token(app_state(app).store, USERNAME, "script")
    client = app.test_client()
    response = await client.get("/api/me", headers=bearer(token))
    assert response.status_code == 200
    assert await response.get_json() == {
        "username": USERNAME,
        "role": "admin",
        "auth": "token",
        "permissions": ["read", "query", "export", "audit", "metrics", "users"],
    }
    assert "Set-Cookie" not in response.headers
    listed = await token_service.list_tokens(app_state(app).store, USERNAME)
    assert [t.id for t in listed] == [info.id]
    assert listed[0].last_used_at is not None


async def test_store_keeps_only_a_hash_of_the_token(app: Any) -> None:
    store = app_state(app).store
    token, _ = await token_service.create_token(store, USERNAME)
    async with store.begin() as conn:
        stored = (await conn.execute(api_tokens.select())).one()
    assert token not in stored.token_hash and stored.token_hash != token
    assert token.startswith(stored.prefix)


async def test_revoked_token_stops_working(app: Any) -> None:
    token, info = await token_service.create_token(app_state(app).store, USERNAME)
    client = app.test_client()
    assert (await client.get("/api/me", headers=bearer(token))).status_code == 200
    await token_service.revoke_token(app_state(app).store, info.id, lookups=app_state(app).lookups)
    response = await client.get("/api/me", headers=bearer(token))
    assert response.status_code == 401
    assert (await response.get_json())["code"] == "INVALID_TOKEN"


async def test_expired_token_is_refused(app: Any) -> None:
    store = app_state(app).store
    token, info = await token_service.create_token(store, USERNAME, expires_days=1)
    async with store.begin() as conn:
        await conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == info.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert (await app.test_client().get("/api/me", headers=bearer(token))).status_code == 401


async def test_token_of_a_disabled_user_is_refused(app: Any) -> None:
    token, _ = await token_service.create_token(app_state(app).store, USERNAME)
    await user_service.set_active(
        app_state(app).store, USERNAME, False, lookups=app_state(app).lookups
    )
    assert (await app.test_client().get("/api/me", headers=bearer(token))).status_code == 401


async def test_bad_authorization_headers_are_401_not_500(app: Any) -> None:
    client = app.test_client()
    for header in (
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer pdb_not-a-real-token",
        "x" * 5000,
    ):
        response = await client.get("/api/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert (await response.get_json())["code"] in ("UNAUTHORIZED", "INVALID_TOKEN")


async def test_token_posts_need_no_origin_match(app: Any) -> None:
    token, _ = await token_service.create_token(app_state(app).store, USERNAME)
    response = await app.test_client().post(
        "/api/logout", headers={**bearer(token), "Origin": "https://elsewhere.example"}
    )
    assert response.status_code == 200
