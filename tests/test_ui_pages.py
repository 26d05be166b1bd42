"""The single-page app's routes are real pages: a bookmark or a reload of ``/account`` or
``/admin`` gets the app (which then shows what the user may see), not a JSON 404."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.auth.users import create_user
from pydbpro.roles import VIEWER
from pydbpro.state import app_state

Login = Callable[..., Awaitable[Any]]
PAGES = ("/", "/browse", "/browse/orders", "/query", "/help", "/account", "/admin")


@pytest.mark.parametrize("path", PAGES)
async def test_an_anonymous_browser_is_sent_to_the_login_page(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


async def test_every_user_gets_the_app_on_each_page(app: Quart, login: Login) -> None:
    """The Administration page is refused by the app to a viewer, with a notice, and its
    API answers them 403: the HTML shell itself is the same for everyone."""
    await create_user(app_state(app).store, "victor", "viewer-password-1", role=VIEWER)
    client = app.test_client()
    await login(client, "victor", "viewer-password-1")
    for path in PAGES:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html", path
        assert response.headers["Cache-Control"] == "no-cache", path
