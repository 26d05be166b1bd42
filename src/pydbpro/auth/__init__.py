"""Authentication (sessions, API tokens, throttling) and the permission hook."""

from __future__ import annotations

from typing import Any

from quart import Quart
from quart.sessions import SecureCookieSessionInterface
from quart_auth import QuartAuth

from ..settings import Settings

COOKIE_NAME = "pydbpro_session"


class _NoQuartSession(SecureCookieSessionInterface):
    """Logins live in Quart-Auth's cookie; Quart's own cookie session is never used. Opening
    it anyway cost every request about 7% of a data page's CPU (itsdangerous builds its
    serializer each time); code that wrote to it now fails loudly (Quart's NullSession)."""

    async def open_session(self, app: Quart, request: Any) -> None:
        return None

    async def save_session(self, app: Quart, session: Any, response: Any) -> None:
        return None


def init_app(app: Quart, settings: Settings) -> None:
    """A QuartAuth per app: it keeps its configuration on the instance."""
    app.session_interface = _NoQuartSession()
    QuartAuth(
        app,
        cookie_name=COOKIE_NAME,
        cookie_secure=settings.secure_cookies,
        cookie_samesite="Lax",  # Strict would log users out when they follow a bookmark link
        cookie_http_only=True,
        duration=int(settings.session_max_age * 3600),
        salt="pydbpro-session",
        mode="cookie",
    )
    from . import guard  # imported late: guard needs the app state module, which needs us

    guard.init_app(app)
