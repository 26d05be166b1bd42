"""The graceful stop as the application sees it: from the moment a stop begins, readiness
answers 503 and every HTTP/1 response carries ``Connection: close``.

Why the second: a proxy keeps connections to the instances open and sends its next request
on whichever one it holds. An instance that closes such an idle connection while the proxy
is sending on it fails that request, and a proxy never resends a POST it has sent (nginx's
rule). Told ``Connection: close`` with a response, the proxy drops the connection itself.

The state belongs to the process, not to one app: a worker serves one app, and the stop
begins in the worker's server code (``pydbpro.graceful``), before the app is told anything.
"""

from __future__ import annotations

from quart import Quart, Response, request

_draining = False


def begin() -> None:
    """The stop has begun (called by the worker when it stops accepting connections)."""
    global _draining
    _draining = True


def draining() -> bool:
    """Whether this process is stopping: no longer ready for new work."""
    return _draining


def init_app(app: Quart) -> None:
    app.after_request(_close_when_draining)


async def _close_when_draining(response: Response) -> Response:
    # HTTP/2 and 3 have no Connection header (a stream's end is not the connection's).
    if _draining and request.http_version.startswith("1"):
        response.headers["Connection"] = "close"
    return response
