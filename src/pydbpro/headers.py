"""Security headers on every response, static assets and errors included."""

from __future__ import annotations

from urllib.parse import urlsplit

from quart import Quart, Response

from .settings import Settings


def content_security_policy(settings: Settings) -> str:
    """Self-only policy; no inline script anywhere (the SPA and /docs load scripts from files).

    Inline *styles* are allowed because the UI component library sets element styles at run
    time; styles cannot execute code.
    """
    img_sources = ["'self'", "data:"]
    if settings.brand_logo_url:
        parts = urlsplit(settings.brand_logo_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            img_sources.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(img_sources)}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Quart, settings: Settings) -> None:
    fixed = {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.preferred_url_scheme == "https":
        fixed["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    @app.after_request
    async def _secure(response: Response) -> Response:
        response.headers.update(fixed)
        return response
