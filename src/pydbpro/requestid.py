"""Request ids: accepted from a proxy when well-formed, generated otherwise, echoed back.

The id lives in a context variable rather than ``g`` so that log records written outside a
request context (background tasks spawned by a request, the error handler) still carry it.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from quart import Quart, Response, request

_REQUEST_ID: ContextVar[str] = ContextVar("pydbpro_request_id", default="-")
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    return _REQUEST_ID.get()


def init_app(app: Quart) -> None:
    @app.before_request
    async def _assign() -> None:
        incoming = request.headers.get(HEADER, "")
        _REQUEST_ID.set(incoming if _ACCEPTED.match(incoming) else uuid.uuid4().hex)

    @app.after_request
    async def _echo(response: Response) -> Response:
        response.headers[HEADER] = current_request_id()
        return response
