"""Every request, measured once: one access-log line and the HTTP metrics.

The measurement ends with the response's last byte, so a streamed export is logged with its
real duration and size. Lines are logfmt (``key=value``) on the ``pydbpro.access`` logger:
parseable by log platforms and still readable.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any

from quart import Quart, Response, g, request
from quart.wrappers.response import ResponseBody

from ..requestid import current_request_id
from ..state import app_state

log = logging.getLogger("pydbpro.access")

UNMATCHED = "<unmatched>"  # one label for every unknown path: no unbounded label values


class _MeasuredBody(ResponseBody):
    """Counts the bytes of a body as it is sent and reports when it is done."""

    def __init__(self, inner: ResponseBody, done: Callable[[int], None]) -> None:
        self.inner = inner
        self.done: Callable[[int], None] | None = done
        self.sent = 0
        self._iter: Any = None

    async def __aenter__(self) -> _MeasuredBody:
        self._iter = await self.inner.__aenter__()
        return self

    async def __aexit__(self, exc_type: type, exc_value: BaseException, tb: TracebackType) -> None:
        try:
            await self.inner.__aexit__(exc_type, exc_value, tb)
        finally:
            done, self.done = self.done, None
            if done is not None:  # a body read twice (a test client) is measured once
                done(self.sent)

    async def _chunks(self) -> AsyncIterator[bytes]:
        async for chunk in self._iter:
            self.sent += len(chunk)
            yield chunk

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()


def _logfmt(value: object) -> str:
    text = str(value)
    return (
        text if text and all(c.isprintable() and c not in ' "=' for c in text) else json.dumps(text)
    )


def init_app(app: Quart) -> None:
    @app.before_request
    async def _start() -> None:
        g.pydbpro_started = time.perf_counter()
        app_state().metrics.active.inc()

    @app.after_request
    async def _measure(response: Response) -> Response:
        started = g.pop("pydbpro_started", None)
        if started is None:  # a before_request hook ahead of ours failed: nothing to end
            return response
        metrics = app_state().metrics
        principal = g.get("pydbpro_principal")
        route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
        fields = {"method": request.method, "route": route, "path": request.path,
                  "status": response.status_code}  # fmt: skip
        user, rid = principal.username if principal else "-", current_request_id()

        def done(sent: int) -> None:
            seconds = time.perf_counter() - started
            metrics.active.dec()
            metrics.requests.labels(request_method, route, str(fields["status"])).inc()
            metrics.latency.labels(request_method, route).observe(seconds)
            if not log.isEnabledFor(logging.INFO):  # LOG_LEVEL=WARNING: no line to build
                return
            line = {**fields, "duration_ms": round(seconds * 1000, 1), "bytes": sent,
                    "user": user, "request_id": rid}  # fmt: skip
            log.info("request " + " ".join(f"{k}={_logfmt(v)}" for k, v in line.items()))

        request_method = request.method
        response.response = _MeasuredBody(response.response, done)
        return response
