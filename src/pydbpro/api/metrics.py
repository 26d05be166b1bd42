"""``GET /metrics``: Prometheus text format, for scrapers rather than people.

It sits outside the login (a scraper has no session) behind its own gate: the bearer
METRICS_TOKEN, or a client address in METRICS_ALLOWED_ADDRESSES. With neither configured
the endpoint is off, so a default installation publishes nothing. When it is on, a person
may also read it in a browser with their session cookie: an admin only (Permission.METRICS).
"""

from __future__ import annotations

import hmac

from quart import Blueprint, Response, g, request
from quart_schema import hide

from ..auth.guard import authenticate, require
from ..auth.permissions import Permission, public
from ..clientaddr import client_address, in_networks
from ..errors import Forbidden, NotFound, Unauthorized
from ..monitoring.metrics import CONTENT_TYPE
from ..settings import Settings
from ..state import app_state

blueprint = Blueprint("metrics", __name__)


@blueprint.get("/metrics")
@public  # gated by _check_access, not by a login
@hide
async def metrics() -> Response:
    state = app_state()
    await _check_access(state.settings)
    return Response(state.metrics.render(), content_type=CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})  # fmt: skip


async def _check_access(settings: Settings) -> None:
    token, allowed = settings.metrics_token, settings.metrics_allowed_addresses
    if token is None and not allowed:
        raise NotFound("metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_ADDRESSES",
                       code="METRICS_DISABLED")  # fmt: skip
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if token is not None and scheme.lower() == "bearer":
        if hmac.compare_digest(sent.strip().encode(), token.get_secret_value().encode()):
            return
        raise Unauthorized("invalid metrics token", code="INVALID_TOKEN")
    if allowed and in_networks(client_address(settings.trusted_proxies), allowed):
        return
    if "Authorization" not in request.headers and await _session_may_read():
        return
    if token is not None:
        raise Unauthorized("GET /metrics needs the METRICS_TOKEN as a bearer token",
                           headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    raise Forbidden("this address may not read the metrics", code="METRICS_FORBIDDEN")


async def _session_may_read() -> bool:
    """True for an admin's session; Forbidden for anyone else's; False without a session."""
    principal = await authenticate()
    if principal is None:
        return False
    g.pydbpro_principal = principal  # the guard's place for it: a denial names the user
    require(principal, Permission.METRICS)
    return True
