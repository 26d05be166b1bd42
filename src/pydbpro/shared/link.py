"""The one connection to Redis, and what PyDBPro does when Redis does not answer: use the store.

Redis is an optimisation shared by the instances (login counters, a cache of credential
lookups), never a dependency: every command runs under REDIS_TIMEOUT, any failure raises
``RedisUnavailable`` and the caller falls back to the store. After a failure the link is
*down*: for ``RETRY_INTERVAL`` seconds calls fail at once (a hung Redis must not add its
timeout to every request), then one call at a time tries again. Going down is one WARNING,
coming back one INFO, whatever the number of requests in between; each fallback is counted
for /metrics (``fallbacks``, read when scraped).

The redis package is imported only when a link is made: a deployment without REDIS_URL
does not pay its ~15 MB in every worker.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds between two attempts while Redis is down.
RETRY_INTERVAL = 1.0


class RedisUnavailable(Exception):
    """Redis did not answer (in time): use the store instead."""


class RedisLink:
    """A Redis client with short timeouts, no retries and an up/down state of its own."""

    def __init__(self, url: str, key_prefix: str, timeout: float) -> None:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError

        #: What a failed command raises: each means "use the store".
        self._failures: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)
        self.client: Redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),  # the store is the retry
        )
        self.key_prefix = key_prefix
        self.timeout = timeout
        self.up = True  # until a command fails
        #: Fallbacks to the store by use ("lookup", "invalidate", "throttle").
        self.fallbacks: Counter[str] = Counter()
        self._retry_at = 0.0

    def key(self, *parts: str) -> str:
        return self.key_prefix + ":".join(parts)

    def script(self, source: str) -> AsyncScript:
        """A Lua script run by its SHA (loaded on first use, and again after a restart)."""
        return self.client.register_script(source)

    async def call(self, use: str, command: Callable[[Redis], Awaitable[T]]) -> T:
        """``command``'s result, or RedisUnavailable (counted as a fallback for ``use``)."""
        if not self.up:
            now = time.monotonic()
            if now < self._retry_at:
                self.fallbacks[use] += 1
                raise RedisUnavailable("Redis is down")
            self._retry_at = now + RETRY_INTERVAL  # this call tries; the others fall back
        try:
            result = await self._run(command)
        except RedisUnavailable:
            self.fallbacks[use] += 1
            raise
        return result

    async def ping(self, timeout: float) -> bool:
        """Whether Redis answers PING now (the readiness check; it also ends a down spell)."""
        try:
            await self._run(lambda client: client.ping(), timeout=min(timeout, self.timeout))
        except RedisUnavailable:
            return False
        return True

    async def _run(
        self, command: Callable[[Redis], Awaitable[T]], timeout: float | None = None
    ) -> T:
        try:
            async with asyncio.timeout(timeout or self.timeout):
                result = await command(self.client)
        except self._failures as error:
            self._went_down(error)
            raise RedisUnavailable(str(error) or type(error).__name__) from error
        if not self.up:
            self.up = True
            log.info("Redis answers again; login throttling and the lookup cache use it")
        return result

    def _went_down(self, error: BaseException) -> None:
        self._retry_at = time.monotonic() + RETRY_INTERVAL
        if self.up:
            self.up = False
            log.warning("Redis does not answer (%s); the store serves login throttling and "
                        "lookups until it does", str(error) or type(error).__name__)  # fmt: skip

    async def close(self) -> None:
        await self.client.aclose()
