"""Every route but login, health, docs and static assets needs authentication.

The routes are enumerated from the app's URL map, so a route added later cannot be
forgotten: it is probed here automatically.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol as Client
from werkzeug.routing import Rule

from pydbpro.auth.permissions import declared_permissions, is_public
from pydbpro.auth.users import create_user
from pydbpro.roles import VIEWER
from pydbpro.state import app_state

Login = Callable[..., Awaitable[Any]]

PUBLIC_ENDPOINTS = {
    "auth.login",
    "health.health",
    "health.ready",
    "health.live",
    "metrics.metrics",  # its own gate: METRICS_TOKEN or METRICS_ALLOWED_ADDRESSES (off by default)
    "config.config",  # branding for the login page; features only when logged in
    "web.login_page",
    "web.assets",
    "web.docs",
    "web.docs_init",
    "web.docs_assets",
    "web.openapi",
    "legacy.refused_method",  # a form post to an old .asp page: always 405, nothing to log in for
}
#: What a viewer may not call (metrics by session, also admin-only, is a public route).
ADMIN_ONLY_ENDPOINTS = {
    "audit.events",
    "users.list_users",
    "users.create_user",
    "users.get_user",
    "users.change_user",
    "users.reset_password",
    "users.user_tokens",
    "users.revoke_user_token",
    "users.user_sessions",
    "users.end_user_sessions",
}
#: Values for converters that only match a certain shape (``/x`` is no legacy page).
CONVERTER_EXAMPLES = {"legacypage": "Default.asp", "int": "1"}


def _concrete_path(rule: str) -> str:
    """Fill converters with plausible values (any() converters take their first choice)."""
    rule = re.sub(r"<any\('([^']+)'[^>]*>", r"\1", rule)
    return re.sub(r"<(?:([a-z]+):)?[a-z_]+>", lambda m: CONVERTER_EXAMPLES.get(m[1], "x"), rule)


async def test_public_endpoints_are_exactly_the_allowed_ones(app: Quart) -> None:
    public = {name for name, view in app.view_functions.items() if is_public(view)}
    assert public == PUBLIC_ENDPOINTS


async def test_every_protected_view_declares_a_permission(app: Quart) -> None:
    missing = [
        name
        for name, view in app.view_functions.items()
        if not is_public(view) and declared_permissions(view) is None
    ]
    assert missing == []


def _probes(rules: Iterable[Rule]) -> Iterator[tuple[Rule, str, str, dict[str, Any]]]:
    """(rule, concrete path, method, request arguments) for every protected route."""
    for rule in rules:
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = _concrete_path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, path, method, {"json": {}} if method == "POST" else {}


async def test_every_protected_route_refuses_anonymous_requests(app: Quart, client: Client) -> None:
    probed = 0
    for _, path, method, kwargs in _probes(app.url_map.iter_rules()):
        response = await client.open(path, method=method, **kwargs)
        probed += 1
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            body = await response.get_json()
            assert body["code"] == "UNAUTHORIZED"
        else:
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/login?next=")
    assert probed >= 7


async def test_every_protected_route_lets_a_viewer_in_but_the_admin_only_ones(
    app: Quart, login: Login
) -> None:
    """A viewer gets 403 exactly on the admin-only routes and on no other (whatever else
    the probe's made-up arguments earn); logging out is probed last."""
    await create_user(app_state(app).store, "victor", "viewer-password-1", role=VIEWER)
    client = app.test_client()
    await login(client, "victor", "viewer-password-1")
    forbidden, probed = set(), 0
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout")
    for rule, path, method, kwargs in _probes(rules):
        response = await client.open(path, method=method, **kwargs)
        await response.get_data()
        probed += 1
        assert response.status_code != 401, (method, path)
        if response.status_code == 403:
            code = (await response.get_json())["code"]
            if code == "FEATURE_DISABLED":  # off for everyone (SHOW_ROUTINES), not a role's
                continue
            assert code == "FORBIDDEN", (method, path)
            forbidden.add(rule.endpoint)
    assert forbidden == ADMIN_ONLY_ENDPOINTS
    assert probed >= 7


async def test_ui_redirect_keeps_the_requested_url(client: Client) -> None:
    response = await client.get("/browse/orders?page=3&sort=id")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/browse/orders%3Fpage%3D3%26sort%3Did"


async def test_public_routes_answer_without_login(client: Client) -> None:
    for path in (
        "/api/health",
        "/login",
        "/docs",
        "/docs/init.js",
        "/openapi.json",
        "/docs/assets/swagger-ui.css",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
