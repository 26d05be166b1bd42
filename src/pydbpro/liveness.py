"""Whether a database answers at all: the health endpoints ask it of both databases."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


async def answers(engine: AsyncEngine, timeout: float, name: str) -> bool:
    """True when ``SELECT 1`` answers within ``timeout`` seconds; a failure is logged by
    ``name`` (its class only: messages can carry hosts and users)."""
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return True
    except (TimeoutError, SQLAlchemyError, OSError) as error:
        log.warning("%s ping failed: %s", name, type(error).__name__)
        return False
