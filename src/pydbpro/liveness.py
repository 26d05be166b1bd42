"""Whether a database answers at all: the health endpoints ask it of both databases, and the
explored database's circuit breaker (db/breaker.py) asks it when reads wait too long."""

from __future__ import annotations

import asyncio
import enum
import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


class Answer(enum.Enum):
    OK = "ok"
    #: It said no (connection refused, too many connections, bad password...): it is there.
    REFUSED = "refused"
    #: Nothing came back in time: a hung server, or one behind a dead network path.
    SILENT = "silent"


async def probe(engine: AsyncEngine, timeout: float, name: str) -> Answer:
    """How ``SELECT 1`` on ``engine`` went within ``timeout`` seconds; a failure is logged
    by ``name`` (its class only: messages can carry hosts and users)."""
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return Answer.OK
    except (TimeoutError, SQLAlchemyError, OSError) as error:
        log.warning("%s ping failed: %s", name, type(error).__name__)
        return Answer.SILENT if timed_out(error) else Answer.REFUSED


async def answers(engine: AsyncEngine, timeout: float, name: str) -> bool:
    """True when ``SELECT 1`` answers within ``timeout`` seconds."""
    return await probe(engine, timeout, name) is Answer.OK


def timed_out(error: BaseException | None) -> bool:
    """A timeout, even one a driver wrapped (aiomysql's connect timeout is an
    OperationalError raised from TimeoutError)."""
    for _ in range(5):
        if error is None:
            return False
        if isinstance(error, TimeoutError):
            return True
        error = error.__cause__ or getattr(error, "orig", None)
    return False
