"""A key prefix of its own per test on the shared Redis server, and its keys removed after.

Why: Redis (REDIS_URL) is one server shared by every test run on the machine, and it has no
databases to create and drop; REDIS_KEY_PREFIX keeps each test's keys apart instead.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from .databases import NAME_PREFIX, redis_url, require_server


@asynccontextmanager
async def redis_prefix() -> AsyncIterator[str]:
    """A fresh prefix (the test is skipped, or fails under CI=true, without Redis)."""
    require_server("redis")
    prefix = f"{NAME_PREFIX}{secrets.token_hex(4)}:"
    try:
        yield prefix
    finally:
        await delete_keys(prefix)


async def delete_keys(prefix: str) -> None:
    """Remove every key under ``prefix``."""
    client = Redis.from_url(redis_url())
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def redis_keys(prefix: str) -> list[str]:
    """The keys under ``prefix``, sorted, without it."""
    client = Redis.from_url(redis_url(), decode_responses=True)
    try:
        found = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
    finally:
        await client.aclose()
    return sorted(key.removeprefix(prefix) for key in found)


async def redis_ttl(key: str) -> float:
    """Seconds until ``key`` expires (negative: no expiry or no such key)."""
    client = Redis.from_url(redis_url())
    try:
        return float(await client.pttl(key)) / 1000
    finally:
        await client.aclose()
