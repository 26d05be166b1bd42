"""Liveness and readiness for load balancers: cheap, public, free of versions or host names."""

from __future__ import annotations

import asyncio
from typing import Literal

from quart import Blueprint
from quart_schema import tag, validate_response

from .. import draining
from ..auth.permissions import public
from ..db.models import WriteAccess
from ..db.write_access import note_write_access
from ..state import AppState, app_state
from .responses import Body

blueprint = Blueprint("health", __name__, url_prefix="/api")

PING_SECONDS = 1.0


class Live(Body):
    status: Literal["ok"]


class Health(Body):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]


class Readiness(Body):
    #: "draining": the process is stopping (SIGTERM); it finishes what it has, takes no more.
    status: Literal["ok", "degraded", "draining"]
    database: Literal["ok", "unavailable"]
    store: Literal["ok", "unavailable"]
    #: Not part of the status: while Redis is down the store serves what it would.
    redis: Literal["ok", "unavailable", "off"]
    #: Whether the configured login could change data, were PyDBPro not read-only
    #: ("unknown" until the database has answered once).
    role: Literal["read_only", "can_write", "unknown"]


@blueprint.get("/health/live")
@public
@tag(["health"])
@validate_response(Live)
async def live() -> Live:
    """The process is serving requests. Touches no database, so an orchestrator's liveness
    probe never restarts PyDBPro because the explored database (or the store) is down."""
    return Live(status="ok")


@blueprint.get("/health")
@public
@tag(["health"])
@validate_response(Health, 200)
@validate_response(Health, 503)
async def health() -> tuple[Health, int]:
    """200 when the explored database answers ``SELECT 1`` on a new connection within a
    second, else 503. No answer at all also opens the database's circuit breaker (requests
    then get 503 at once); an answer closes it."""
    if await app_state().database.ping(timeout=PING_SECONDS):
        return Health(status="ok", database="ok"), 200
    return Health(status="degraded", database="unavailable"), 503


@blueprint.get("/health/ready")
@public
@tag(["health"])
@validate_response(Readiness, 200)
@validate_response(Readiness, 503)
async def ready() -> tuple[Readiness, int]:
    """Ready to serve: the explored database and PyDBPro's own store (users, sessions,
    activity log) both answer within a second, and the process is not stopping. 503
    otherwise, saying which: a stop answers "draining" from its first moment, to a probe
    on a connection kept alive from before (new connections are refused by then).
    ``redis`` (REDIS_URL) is reported but never makes this fail: the store serves login
    throttling and lookups while Redis is down."""
    state = app_state()
    database, store, redis = await asyncio.gather(
        state.database.ping(timeout=PING_SECONDS),
        state.store.ping(timeout=PING_SECONDS),
        _redis(state),
    )
    status: Literal["ok", "degraded", "draining"] = "ok" if database and store else "degraded"
    if draining.draining():
        status = "draining"
    role = state.database.write_access
    if database and role is WriteAccess.UNKNOWN:
        role = await note_write_access(state.database, timeout=PING_SECONDS)
    return Readiness(
        status=status,
        database="ok" if database else "unavailable",
        store="ok" if store else "unavailable",
        redis=redis,
        role=role.value,
    ), 200 if status == "ok" else 503


async def _redis(state: AppState) -> Literal["ok", "unavailable", "off"]:
    if state.redis is None:
        return "off"
    return "ok" if await state.redis.ping(timeout=PING_SECONDS) else "unavailable"
