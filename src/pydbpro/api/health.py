"""Liveness for load balancers: cheap, public, and free of versions or host names."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from quart import Blueprint
from quart_schema import tag, validate_response

from ..auth.permissions import public
from ..state import app_state

blueprint = Blueprint("health", __name__, url_prefix="/api")


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]


@blueprint.get("/health")
@public
@tag(["health"])
@validate_response(Health, 200)
@validate_response(Health, 503)
async def health() -> tuple[Health, int]:
    """200 when the explored database answers ``SELECT 1`` within a second, else 503."""
    if await app_state().database.ping(timeout=1.0):
        return Health(status="ok", database="ok"), 200
    return Health(status="degraded", database="unavailable"), 503
