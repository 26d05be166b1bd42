"""Login throttling after OWASP: a lockout per (username, address), wide limits against spraying.

Three counters, each one row of ``login_counters`` in the store, so that every worker and
every instance sees the same numbers:

* ``pair`` (username, address): the lockout. From the ``max_failures``-th failure on, each
  further attempt waits a delay that starts at ``lockout_delay`` and doubles per failure, up
  to the window. Failures from one address never block the right password from another one.
* ``addr``: only against password spraying; a much higher count per window.
* ``user``: against guesses spread over many addresses; it ends with its window, and a
  success from an address that had not failed for that username resets it.

An attempt is reserved before the password hash runs: one statement per counter counts it
as a failure only while the counter is under its limit (INSERT ... ON CONFLICT DO UPDATE ...
WHERE ... RETURNING, SQLite >= 3.35 and PostgreSQL), all in one transaction, so concurrent
guesses cannot all pass the check. A success then gives the reservation back. Within a
process, attempts for one username also queue on a lock. Usernames count whether or not
the account exists, so a 429 reveals nothing.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import Store, upsert
from ..store.schema import login_counters as counters
from ..store.types import UTCDateTime, utcnow


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int  # per (username, address) before the growing delays start
    window: timedelta
    lockout_delay: timedelta  # the first delay; doubles per further failure
    address_max_failures: int
    username_max_failures: int

    def delays(self) -> list[timedelta]:
        """The lockout delays in order, the last one (the window) repeating."""
        out = [min(self.lockout_delay, self.window)]
        while out[-1] < self.window:
            out.append(min(out[-1] * 2, self.window))
        return out


class Throttled(Exception):
    """The attempt was not reserved; login answers 429 with this Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Reservation:
    """Handed back after the password check, to give the attempt back on success."""

    username: str
    addr: str
    address_had_failed: bool


# One lock per username while someone waits on it: the weak dictionary bounds itself.
_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _key(username: str) -> str:
    return username.strip().lower()[:150]


@asynccontextmanager
async def serialised(username: str) -> AsyncIterator[None]:
    """Attempts for one username run one after another within this process."""
    lock = _locks.get(_key(username))
    if lock is None:
        lock = _locks[_key(username)] = asyncio.Lock()
    async with lock:
        yield


def _subjects(username: str, addr: str) -> dict[str, str]:
    addr = addr[:64]  # a trusted proxy passes on whatever X-Forwarded-For it was sent
    return {"pair": f"{_key(username)}\n{addr}", "user": _key(username), "addr": addr}


async def reserve(store: Store, policy: ThrottlePolicy, username: str, addr: str) -> Reservation:
    """Count this attempt as a failure in advance, or raise Throttled with the longest wait."""
    now = utcnow()
    waits: list[int] = []
    pair_failures = 0
    async with store.begin() as conn:
        await conn.execute(delete(counters).where(counters.c.window_start <= now - policy.window))
        for scope, subject in _subjects(username, addr).items():
            failures = await _count(conn, policy, scope, subject, now)
            if failures is None:
                waits.append(await _wait(conn, policy, scope, subject, now))
            elif scope == "pair":
                pair_failures = failures
        if waits:
            raise Throttled(max(waits))  # rolls back the counters this attempt raised
    return Reservation(_key(username), addr, address_had_failed=pair_failures > 1)


async def succeeded(store: Store, reservation: Reservation) -> None:
    """The right password: forget the pair and give the attempt back to the other counters.

    The username's count is reset only from an address that had not failed for it (OWASP:
    the owner's usual address), otherwise only this attempt is given back.
    """
    subjects = _subjects(reservation.username, reservation.addr)
    give_back = ["addr", "user"]
    async with store.begin() as conn:
        await conn.execute(_where(delete(counters), "pair", subjects["pair"]))
        if not reservation.address_had_failed:
            await conn.execute(_where(delete(counters), "user", subjects["user"]))
            give_back = ["addr"]
        for scope in give_back:
            await conn.execute(
                _where(update(counters), scope, subjects[scope]).values(
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
