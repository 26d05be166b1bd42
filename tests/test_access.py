"""Every route but login, health, docs and static assets needs authentication.

The routes are enumerated from the app's URL map, so a route added later cannot be
forgotten: it is probed here automatically.
"""

from __future__ import annotations

import re

from quart import Quart
from quart.typing import TestClientProtocol as Client

from pydbpro.auth.permissions import declared_permissions, is_public

PUBLIC_ENDPOINTS = {
    "auth.login",
    "health.health",
    "health.ready",
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
#: Values for converters that only match a certain shape (``/x`` is no legacy page).
CONVERTER_EXAMPLES = {"legacypage": "Default.asp"}


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


async def test_every_protected_route_refuses_anonymous_requests(app: Quart, client: Client) -> None:
    probed = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = _concrete_path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            kwargs = {"json": {}} if method == "POST" else {}
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
