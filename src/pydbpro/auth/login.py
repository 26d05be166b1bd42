"""Password login and logout, as one service the HTTP layer calls."""

from __future__ import annotations

import quart_auth

from .. import activity
from ..errors import TooManyRequests, Unauthorized
from ..state import AppState
from . import throttle
from .passwords import needs_rehash, verify_password
from .principal import Principal
from .sessions import create_session, end_session, hash_secret
from .users import find_user, rehash_password

INVALID = "invalid username or password"


async def login(state: AppState, username: str, password: str, client_addr: str) -> Principal:
    """Check credentials under throttling and start a cookie session.

    The same message and (argon2) cost apply to unknown users, wrong passwords and disabled
    accounts. The attempt is reserved before the hash runs (see ``throttle``), so a throttled
    (username, address) answers 429 even with the right password.
    """
    async with throttle.serialised(username):
        try:
            reservation = await state.login_counters.reserve(username, client_addr)
        except throttle.Throttled as exc:
            _failed(state, username, "throttled")
            raise TooManyRequests(
                "too many failed logins; try again later", retry_after=exc.retry_after
            ) from None
        found = await find_user(state.store, username)
        password_hash = found[1] if found else None
        valid = await verify_password(password_hash, password)
        if not found or not valid or not found[0].is_active:
            # The reserved attempt stays counted as the failure.
            reason = "unknown_user" if not found else "wrong_password" if not valid else "inactive"
            _failed(state, username, reason)
            raise Unauthorized(INVALID, code="INVALID_CREDENTIALS")
        await state.login_counters.succeeded(reservation)
    user, password_hash = found
    if needs_rehash(password_hash):
        await rehash_password(state.store, user.id, password)
    previous = quart_auth.current_user.auth_id
    if previous is not None:
        # A new id at every login, and the one the browser held before is ended: a session
        # id planted in a victim's browser never becomes their login (no fixation).
        await end_session(state.store, hash_secret(previous), lookups=state.lookups)
    secret = await create_session(state.store, user, client_addr)
    quart_auth.login_user(quart_auth.AuthUser(secret))
    activity.record("login", user=user.username)
    return Principal(user=user, method="session", credential_id=hash_secret(secret))


def _failed(state: AppState, username: str, reason: str) -> None:
    """Counted for /metrics; the reason class only reaches the operator, never the client."""
    state.metrics.login_failures.labels(reason).inc()
    activity.record("login_failed", user=username, reason=reason)


async def logout(state: AppState, principal: Principal) -> None:
    """End the session server-side, so a copied cookie stops working too."""
    if principal.method == "session":
        await end_session(state.store, principal.credential_id, lookups=state.lookups)
        quart_auth.logout_user()
    activity.record("logout")
