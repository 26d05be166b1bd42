"""Authentication (sessions, API tokens, throttling) and the permission hook."""

from __future__ import annotations

from quart import Quart
from quart_auth import QuartAuth

from ..settings import Settings

COOKIE_NAME = "pydbpro_session"


def init_app(app: Quart, settings: Settings) -> None:
    """A QuartAuth per app: it keeps its configuration on the instance."""
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
