"""Login throttling: too many recent failures for a username or an address answer 429.

Failures live in the store, so every worker and every instance sees the same count. The
username is counted whether or not the account exists, so a 429 reveals nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import Store
from ..store.schema import login_failures
from ..store.types import utcnow


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    window: timedelta


def _key(username: str) -> str:
    return username.strip().lower()[:150]


async def retry_after(store: Store, policy: ThrottlePolicy, username: str, addr: str) -> int:
    """Seconds until another attempt is allowed; 0 when not throttled."""
    async with store.begin() as conn:
        by_user = await _wait(conn, policy, login_failures.c.username, _key(username))
        by_addr = await _wait(conn, policy, login_failures.c.client_addr, addr)
    return max(by_user, by_addr)


async def _wait(
    conn: AsyncConnection, policy: ThrottlePolicy, column: Column[str], value: str
) -> int:
    """When the limit is reached, the wait until the oldest counted failure ages out."""
    now = utcnow()
    rows = (
        await conn.execute(
            select(login_failures.c.failed_at)
            .where(column == value, login_failures.c.failed_at > now - policy.window)
            .order_by(login_failures.c.failed_at.desc())
            .limit(policy.max_failures)
        )
    ).all()
    if len(rows) < policy.max_failures:
        return 0
    oldest: datetime = rows[-1].failed_at
    return max(1, math.ceil((oldest + policy.window - now).total_seconds()))


async def record_failure(store: Store, policy: ThrottlePolicy, username: str, addr: str) -> None:
    now = utcnow()
    async with store.begin() as conn:
        await conn.execute(
            login_failures.insert().values(username=_key(username), client_addr=addr, failed_at=now)
        )
        # Pruning on write keeps the table no bigger than one window of failures.
        await conn.execute(
            delete(login_failures).where(login_failures.c.failed_at < now - policy.window)
        )


async def clear_failures(store: Store, username: str) -> None:
    """A successful login forgives that username's earlier typos (not the address's)."""
    async with store.begin() as conn:
        await conn.execute(
            delete(login_failures).where(login_failures.c.username == _key(username))
        )
