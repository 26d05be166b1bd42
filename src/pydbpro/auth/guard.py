"""The request guard: who is calling, may they, and did the request come from this site.

Registered once as an app-wide ``before_request``, so no route can forget it: a view
without ``@public`` always needs a logged-in user, whatever decorators it has.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import quart_auth
from quart import Quart, Response, current_app, g, redirect, request

from .. import activity
from ..errors import Forbidden, Unauthorized, UnsupportedMediaType
from ..state import app_state
from .permissions import UI_ATTR, Permission, declared_permissions, is_allowed, is_public
from .principal import Principal
from .sessions import SessionExpired, hash_secret, resolve_session
from .tokens import resolve_token

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def current_principal() -> Principal:
    """The caller of a protected route (the guard has already ensured there is one)."""
    principal: Principal = g.pydbpro_principal  # ``g`` holds untyped attributes
    return principal


async def authenticate() -> Principal | None:
    """A bearer token if one is sent (and then only it), else the session cookie."""
    state = app_state()
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("malformed Authorization header; use: Bearer <token>")
        use = await resolve_token(state.store, token.strip(), state.lookups)
        if use is None:
            raise Unauthorized("invalid, expired or revoked API token", code="INVALID_TOKEN")
        principal = Principal(user=use.user, method="token", credential_id=str(use.token_id))
        if use.first_today:
            activity.record("token_used", user=principal.username, token_id=use.token_id)
        return principal
    secret = quart_auth.current_user.auth_id
    if secret is None:
        return None
    try:
        user = await resolve_session(state.store, secret, state.session_policy, state.lookups)
    except SessionExpired as expired:
        quart_auth.logout_user()
        activity.record("session_expired", user=expired.username)
        raise Unauthorized(
            "your session has expired; please log in again", code="SESSION_EXPIRED"
        ) from None
    if user is None:
        quart_auth.logout_user()
        return None
    return Principal(user=user, method="session", credential_id=hash_secret(secret))


def _check_same_site() -> None:
    """Refuse cross-site unsafe requests and non-JSON bodies (CSRF defence in depth).

    Browsers always send Origin on cross-site POSTs, so a foreign Origin (or Referer) is
    refused; a request with neither comes from a script, which cannot ride a victim's cookie.
    Requiring application/json forces a CORS preflight that we never answer.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if source is not None and "Authorization" not in request.headers:
        if source == "null" or urlsplit(source).netloc.lower() != request.host.lower():
            raise Forbidden("cross-site request refused", code="CROSS_SITE_REQUEST")
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    if (has_body or request.mimetype) and request.mimetype != "application/json":
        raise UnsupportedMediaType("request body must be application/json")


def _login_redirect(expired: bool) -> Response:
    target = request.full_path.rstrip("?")
    location = f"/login?next={quote(target, safe='/')}"
    if expired:
        location += "&expired=1"
    # quart's redirect is annotated with werkzeug's Response but makes Quart's.
    return redirect(location)  # type: ignore[return-value]


async def enforce_access() -> Response | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if request.method in UNSAFE_METHODS:
        _check_same_site()
    if view is None or is_public(view):
        return None
    is_page = bool(getattr(view, UI_ATTR, False))
    try:
        principal = await authenticate()
    except Unauthorized as error:
        if is_page:
            return _login_redirect(expired=error.error_code == "SESSION_EXPIRED")
        raise
    if principal is None:
        if is_page:
            return _login_redirect(expired=False)
        raise Unauthorized()
    g.pydbpro_principal = principal
    require(principal, *(declared_permissions(view) or (Permission.READ,)))
    return None


def require(principal: Principal, *needed: Permission) -> None:
    """Forbidden (403) unless ``principal`` holds every one of ``needed``."""
    switches = app_state().settings
    if not all(is_allowed(principal, permission, switches) for permission in needed):
        raise Forbidden(f"your role ({principal.user.role}) may not do this")


def init_app(app: Quart) -> None:
    app.before_request(enforce_access)
