"""Login throttling after OWASP: a lockout per (username, address), wide limits against spraying.

Three counters, shared by every worker and every instance:

* ``pair`` (username, address): the lockout. From the ``max_failures``-th failure on, each
  further attempt waits a delay that starts at ``lockout_delay`` and doubles per failure, up
  to the window. Failures from one address never block the right password from another one.
* ``addr``: only against password spraying; a much higher count per window.
* ``user``: against guesses spread over many addresses; it ends with its window, and a
  success from an address that had not failed for that username resets it.

An attempt is reserved before the password hash runs: all three counters count it as a
failure, atomically, and only if each is under its limit (otherwise none changes and the
attempt is Throttled), so concurrent guesses cannot all pass the check. A success then gives
the reservation back. Within a process, attempts for one username also queue on a lock.
Usernames count whether or not the account exists, so a 429 reveals nothing.

The counters live behind ``Counters``: in the store (``throttle_store``, the default) or in
Redis (``throttle_redis``, with REDIS_URL), chosen once when the app is built; with Redis,
``FallbackCounters`` counts in the store whenever Redis does not answer.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, Protocol

from ..shared import RedisUnavailable

log = logging.getLogger(__name__)


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
    counted_in: Literal["store", "redis"] = "store"


class Counters(Protocol):
    """Where the three counters live."""

    async def reserve(self, username: str, addr: str) -> Reservation:
        """Count this attempt as a failure in advance, or raise Throttled with the longest
        wait (then no counter changed)."""
        ...

    async def succeeded(self, reservation: Reservation) -> None:
        """The right password: forget the pair and give the attempt back to the other
        counters. The username's count is reset only from an address that had not failed
        for it (OWASP: the owner's usual address), otherwise only this attempt is given back.
        """
        ...


# One lock per username while someone waits on it: the weak dictionary bounds itself.
_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def normalised(username: str) -> str:
    return username.strip().lower()[:150]


@asynccontextmanager
async def serialised(username: str) -> AsyncIterator[None]:
    """Attempts for one username run one after another within this process."""
    lock = _locks.get(normalised(username))
    if lock is None:
        lock = _locks[normalised(username)] = asyncio.Lock()
    async with lock:
        yield


def subjects(username: str, addr: str) -> dict[str, str]:
    """What each counter counts for this attempt, by scope."""
    addr = addr[:64]  # a trusted proxy passes on whatever X-Forwarded-For it was sent
    return {"pair": f"{normalised(username)}\n{addr}", "user": normalised(username), "addr": addr}


class FallbackCounters:
    """Redis's counters while Redis answers, the store's otherwise.

    The two keep separate counts, so across a Redis outage a guesser can get at most one
    more set of attempts (the limits are per window anyway); a reservation is given back
    where it was counted (a give-back Redis misses leaves the attempt counted: the safe side).
    """

    def __init__(self, redis: Counters, store: Counters) -> None:
        self.redis = redis
        self.store = store

    async def reserve(self, username: str, addr: str) -> Reservation:
        try:
            return await self.redis.reserve(username, addr)
        except RedisUnavailable:
            return await self.store.reserve(username, addr)

    async def succeeded(self, reservation: Reservation) -> None:
        if reservation.counted_in == "store":
            await self.store.succeeded(reservation)
            return
        try:
            await self.redis.succeeded(reservation)
        except RedisUnavailable:
            log.info("a successful login's attempt stays counted: Redis did not answer")
