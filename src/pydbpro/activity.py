"""The activity-log hook: every auditable action calls ``record`` here, in one place.

With ENABLE_ACTIVITY_LOG off nothing is recorded. When on, each call becomes one
``AuditEvent`` handed to the app's ``AuditLog`` (audit/), which writes it to the configured
sinks without the request waiting. SQL text is only included with LOG_SQL_QUERIES;
otherwise a hash and its length, so the log does not become a copy of every query.

Denied requests (401, 403, 429) are recorded by an ``after_request`` hook, so no route
can forget them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from quart import Quart, Response, g, has_request_context, request

from .audit import Actor, AuditEvent
from .clientaddr import client_address
from .requestid import current_request_id
from .settings import Settings
from .state import app_state
from .store.types import utcnow

#: ``record(..., user=ANONYMOUS)``: an event with no user even inside a logged-in request.
_UNSET: Any = object()

DENIED_STATUSES = frozenset({401, 403, 429})
#: Events that already say why a request was refused: no "denied" event repeats them.
_DENIAL_EVENTS = frozenset({"login_failed", "session_expired"})
#: Requests whose 401 only answers "not signed in" (the UI asks at every start): not denials.
_SIGN_IN_PROBES = frozenset({("GET", "/api/me")})


def sql_summary(settings: Settings, sql: str) -> dict[str, Any]:
    if settings.log_sql_queries:
        return {"sql": sql}
    return {"sql_sha256": hashlib.sha256(sql.encode()).hexdigest(), "sql_length": len(sql)}


def actor(user: str | None = _UNSET) -> Actor:
    """Who is acting in the current request; ``user`` overrides it (a login as typed)."""
    if user is _UNSET:
        principal = g.get("pydbpro_principal")
        user = principal.username if principal is not None else None
    client = client_address(app_state().settings.trusted_proxies) if has_request_context() else None
    return Actor(user=user, client=client, request_id=current_request_id())


def record(event: str, *, user: str | None = _UNSET, **fields: Any) -> None:
    """Record ``event`` for the current request (a no-op with the activity log off)."""
    audit = app_state().audit
    if not audit.enabled:
        return
    if event in _DENIAL_EVENTS:
        g.pydbpro_denial_recorded = True
    audit.enqueue(AuditEvent(utcnow(), event, actor(user), fields))


def later(event: str, **fields: Any) -> Callable[..., None]:
    """A recorder for an event that completes after the handler returns (a streamed export):
    who and where are captured now, the outcome's fields are given when it is called."""
    audit = app_state().audit
    who = actor() if audit.enabled else Actor(None, None, None)

    def finish(**more: Any) -> None:
        if audit.enabled:
            audit.enqueue(AuditEvent(utcnow(), event, who, {**fields, **more}))

    return finish


def denial_details(**fields: Any) -> None:
    """Fields for this request's "denied" event (what a refused statement was)."""
    g.pydbpro_denial_fields = fields


def init_app(app: Quart) -> None:
    @app.after_request
    async def _denied(response: Response) -> Response:
        probe = response.status_code == 401 and (request.method, request.path) in _SIGN_IN_PROBES
        if response.status_code in DENIED_STATUSES and not (
            probe or g.get("pydbpro_denial_recorded")
        ):
            record("denied", status=response.status_code, code=g.get("pydbpro_error_code"),
                   method=request.method, path=request.path,
                   **g.get("pydbpro_denial_fields", {}))  # fmt: skip
        return response
