"""Login counters in the store: one row of ``login_counters`` per counter (see ``throttle``).

A reservation is one statement per counter that counts the attempt as a failure only while
the counter is under its limit (INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING,
SQLite >= 3.35 and PostgreSQL), all in one transaction, rolled back when any counter is at
its limit.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import Store, upsert
from ..store.schema import login_counters as counters
from ..store.types import UTCDateTime, utcnow
from .throttle import Reservation, Throttled, ThrottlePolicy, normalised, subjects


class StoreCounters:
    def __init__(self, store: Store, policy: ThrottlePolicy) -> None:
        self.store = store
        self.policy = policy

    async def reserve(self, username: str, addr: str) -> Reservation:
        policy, now = self.policy, utcnow()
        waits: list[int] = []
        pair_failures = 0
        async with self.store.begin() as conn:
            await conn.execute(
                delete(counters).where(counters.c.window_start <= now - policy.window)
            )
            for scope, subject in subjects(username, addr).items():
                failures = await _count(conn, policy, scope, subject, now)
                if failures is None:
                    waits.append(await _wait(conn, policy, scope, subject, now))
                elif scope == "pair":
                    pair_failures = failures
            if waits:
                raise Throttled(max(waits))  # rolls back the counters this attempt raised
        return Reservation(normalised(username), addr, address_had_failed=pair_failures > 1)

    async def succeeded(self, reservation: Reservation) -> None:
        named = subjects(reservation.username, reservation.addr)
        give_back = ["addr", "user"]
        async with self.store.begin() as conn:
            await conn.execute(_where(delete(counters), "pair", named["pair"]))
            if not reservation.address_had_failed:
                await conn.execute(_where(delete(counters), "user", named["user"]))
                give_back = ["addr"]
            for scope in give_back:
                await conn.execute(
                    _where(update(counters), scope, named[scope]).values(
                        failures=counters.c.failures - 1
                    )
                )


def _where(statement: Any, scope: str, subject: str) -> Any:
    return statement.where(counters.c.scope == scope, counters.c.subject == subject)


def _at(value: datetime | None) -> Any:
    return bindparam(None, value, type_=UTCDateTime)


async def _count(
    conn: AsyncConnection, policy: ThrottlePolicy, scope: str, subject: str, now: datetime
) -> int | None:
    """The counter's new value, or None when it is at its limit (and left unchanged)."""
    expired = counters.c.window_start <= now - policy.window
    new_failures = case((expired, 1), else_=counters.c.failures + 1)
    values: dict[str, Any] = {"failures": new_failures}
    if scope == "pair":
        allowed: ColumnElement[bool] = or_(
            counters.c.blocked_until.is_(None), counters.c.blocked_until <= now
        )
        values |= {"window_start": now, "blocked_until": _blocked_until(policy, new_failures, now)}
        first_block = now + policy.delays()[0] if policy.max_failures == 1 else None
    else:
        limit = policy.address_max_failures if scope == "addr" else policy.username_max_failures
        allowed = counters.c.failures < limit
        values["window_start"] = case((expired, _at(now)), else_=counters.c.window_start)
        first_block = None
    statement = (
        upsert(conn, counters)
        .values(
            scope=scope, subject=subject, failures=1, window_start=now, blocked_until=first_block
        )
        .on_conflict_do_update(
            index_elements=[counters.c.scope, counters.c.subject],
            set_=values,
            where=or_(expired, allowed),
        )
        .returning(counters.c.failures)
    )
    return (await conn.execute(statement)).scalar()


def _blocked_until(policy: ThrottlePolicy, failures: Any, now: datetime) -> Any:
    """From the max_failures-th failure on, now plus the growing delay for that failure."""
    delays = policy.delays()
    whens: list[tuple[Any, Any]] = [(failures < policy.max_failures, _at(None))]
    whens += [
        (failures == policy.max_failures + step, _at(now + delay))
        for step, delay in enumerate(delays[:-1])
    ]
    return case(*whens, else_=_at(now + delays[-1]))


async def _wait(
    conn: AsyncConnection, policy: ThrottlePolicy, scope: str, subject: str, now: datetime
) -> int:
    """Seconds until the counter lets an attempt through again."""
    row = (
        await conn.execute(
            _where(select(counters.c.window_start, counters.c.blocked_until), scope, subject)
        )
    ).one()
    until: datetime = row.blocked_until if scope == "pair" else row.window_start + policy.window
    return max(1, math.ceil((until - now).total_seconds()))
