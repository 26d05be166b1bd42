"""Cross-site protection for cookie-authenticated POSTs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from quart.typing import TestClientProtocol as Client

Login = Callable[..., Awaitable[Any]]


async def test_cross_origin_login_is_refused(client: Client, login: Login) -> None:
    response = await login(client, expect=403, headers={"Origin": "https://evil.example"})
    assert (await response.get_json())["code"] == "CROSS_SITE_REQUEST"
    assert "Set-Cookie" not in response.headers


async def test_cross_origin_post_with_a_session_cookie_is_refused(
    client: Client, login: Login
) -> None:
    await login(client)
    response = await client.post("/api/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert (await client.get("/api/me")).status_code == 200  # still logged in
    referer = await client.post("/api/logout", headers={"Referer": "https://evil.example/page"})
    assert referer.status_code == 403
    null_origin = await client.post("/api/logout", headers={"Origin": "null"})
    assert null_origin.status_code == 403


async def test_same_origin_post_is_accepted(client: Client, login: Login) -> None:
    await login(client, headers={"Origin": "http://localhost"})
    response = await client.post("/api/logout", headers={"Origin": "http://localhost"})
    assert response.status_code == 200


async def test_form_encoded_body_is_refused(client: Client) -> None:
    """A cross-site HTML form can send text/plain or form bodies without a preflight."""
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = await client.post(
            "/api/login",
            data='{"username": "alice", "password": "correct horse battery staple"}',
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 415, content_type
        assert (await response.get_json())["code"] == "UNSUPPORTED_MEDIA_TYPE"
