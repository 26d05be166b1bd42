"""Every request, measured once: one access-log line and the HTTP metrics.

The measuring is an ASGI middleware around the app, the one place every request passes
through exactly once whatever its client does. It ends when the app is done with the
request: after the response's last byte (so a streamed export is logged with its real
duration and size), or when the client left and Quart cancelled the handler. A request whose
client left before the response started is logged with status 499, nginx's "client closed
request"; one left during its body keeps the status it was sent and the bytes that went out.

Route, user and request id are only known inside Quart: a teardown hook, which runs even for
a cancelled request, hands them to the middleware through the ASGI scope.

Lines are logfmt (``key=value``) on the ``pydbpro.access`` logger: parseable by log
platforms and still readable.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from hypercorn.typing import ASGIReceiveCallable, ASGISendCallable, ASGISendEvent, Scope
from quart import Quart, g, request

from ..requestid import current_request_id
from ..state import app_state

log = logging.getLogger("pydbpro.access")

UNMATCHED = "<unmatched>"  # one label for every unknown path: no unbounded label values
CLIENT_CLOSED_REQUEST = 499
_SCOPE_KEY = "pydbpro.exchange"


@dataclass
class _Exchange:
    """One request as the access log tells it; the teardown hook fills in who and which."""

    method: str
    path: str
    route: str = UNMATCHED
    user: str = "-"
    request_id: str = "-"
    status: int | None = None  # as sent; None until the response starts
    sent: int = 0


class _Measured:
    """The app behind it, measured (``app.asgi_app = _Measured(app, app.asgi_app)``)."""

    def __init__(self, app: Quart, inner: Any) -> None:
        self.app, self.inner = app, inner

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        exchange = _Exchange(scope["method"], scope["path"])

        async def measured_send(message: ASGISendEvent) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
            elif message["type"] == "http.response.body":
                exchange.sent += len(message.get("body", b""))
            await send(message)

        metrics = app_state(self.app).metrics
        started = time.perf_counter()
        metrics.active.inc()
        try:
            await self.inner({**scope, _SCOPE_KEY: exchange}, receive, measured_send)
        except Exception:
            if exchange.status is None:
                exchange.status = 500  # what the server answers for an app that failed
            raise
        finally:
            if exchange.status is None:
                exchange.status = CLIENT_CLOSED_REQUEST
            metrics.active.dec()
            _record(exchange, time.perf_counter() - started, metrics)


def _record(exchange: _Exchange, seconds: float, metrics: Any) -> None:
    status = str(exchange.status)
    metrics.requests.labels(exchange.method, exchange.route, status).inc()
    metrics.latency.labels(exchange.method, exchange.route).observe(seconds)
    if not log.isEnabledFor(logging.INFO):  # LOG_LEVEL=WARNING: no line to build
        return
    line = {"method": exchange.method, "route": exchange.route, "path": exchange.path,
            "status": status, "duration_ms": round(seconds * 1000, 1), "bytes": exchange.sent,
            "user": exchange.user, "request_id": exchange.request_id}  # fmt: skip
    # Written outside the request's context: the record is told its request id.
    log.info("request " + " ".join(f"{k}={_logfmt(v)}" for k, v in line.items()),
             extra={"request_id": exchange.request_id})  # fmt: skip


def _logfmt(value: object) -> str:
    text = str(value)
    return (
        text if text and all(c.isprintable() and c not in ' "=' for c in text) else json.dumps(text)
    )


def init_app(app: Quart) -> None:
    # Quart's documented way to add ASGI middleware; mypy sees a method being replaced.
    app.asgi_app = _Measured(app, app.asgi_app)  # type: ignore[method-assign]

    @app.teardown_request
    async def _identify(_: BaseException | None) -> None:
        exchange = request.scope.get(_SCOPE_KEY)
        if not isinstance(exchange, _Exchange):  # a request made without the ASGI app
            return  # (test_request_context)
        principal = g.get("pydbpro_principal")
        exchange.route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
        exchange.path = request.path
        exchange.user = principal.username if principal else "-"
        exchange.request_id = current_request_id()
