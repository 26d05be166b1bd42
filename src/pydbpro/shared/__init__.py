"""What the instances share besides the store: the optional Redis (REDIS_URL).

Redis holds the login counters (``auth.throttle_redis``) and a short-lived cache of session
and token lookups (``lookups``); the store stays the truth and serves both whenever Redis
does not answer (``link``). Which implementation a deployment uses is decided once, when
the app's services are built (``app.py``), from the settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ..settings import Settings
from ..store.database import sqlite_store_file
from .link import RedisLink, RedisUnavailable
from .lookups import NO_CACHE, LocalLookupCache, LookupCache, RedisLookupCache

#: Replaced (beside a SQLite store) by every change to users, sessions or tokens.
SIGNAL_FILE = "pydbpro-auth-changed"


def redis_link(settings: Settings) -> RedisLink | None:
    """The link to REDIS_URL, or None without one (connections open on first use)."""
    if settings.redis_url is None:
        return None
    return RedisLink(
        settings.redis_url.get_secret_value(), settings.redis_key_prefix, settings.redis_timeout
    )


def lookup_cache(settings: Settings, link: RedisLink | None) -> LookupCache:
    """Redis's cache, shared by every instance; without Redis, each process's own where
    every process that can change users shares this host (a SQLite store), else none."""
    if settings.auth_cache_seconds <= 0:
        return NO_CACHE
    if link is not None:
        return RedisLookupCache(link, settings.auth_cache_seconds)
    store_file = sqlite_store_file(settings)
    if store_file is None:
        return NO_CACHE
    return LocalLookupCache(settings.auth_cache_seconds, store_file.with_name(SIGNAL_FILE))


@asynccontextmanager
async def opened_lookup_cache(settings: Settings) -> AsyncIterator[LookupCache]:
    """The lookup cache for a command that changes users or tokens outside a running app
    (``pydbpro users ...``): its changes then reach the instances' cache at once too."""
    link = redis_link(settings)
    try:
        yield lookup_cache(settings, link)
    finally:
        if link is not None:
            await link.close()


__all__ = [
    "NO_CACHE",
    "LookupCache",
    "RedisLink",
    "RedisUnavailable",
    "lookup_cache",
    "opened_lookup_cache",
    "redis_link",
]
