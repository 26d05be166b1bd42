"""A short-lived cache of credential lookups (sessions, API tokens) in Redis, for every instance.

The guard resolves the caller's session or token on every request; with this cache a recent
answer comes from Redis instead of the store. What makes it safe is one *generation* for the
whole cache: every entry is stored with the generation read **before** its store query, a hit
counts only when the entry's generation is still the current one (read in the same round
trip), and every change that could make an entry wrong (a session ended, a token revoked, a
user's role, state or password changed) bumps the generation **after** its transaction
commits. So an entry is either newer than the last change or no longer used, on every
instance at once, whatever the order in which instances read and write. A change is rare and
only costs each client one store query on its next request.

An instance that could not reach Redis bumps the generation before it trusts the cache
again: changes made during an outage (by any instance: none could bump) then cannot leave
old entries in use once Redis is back. Only a change made by an instance cut off from a
Redis that others still reach can be missed by them, for at most AUTH_CACHE_SECONDS (the
entries' lifetime). The generation starts from Redis's clock in microseconds, so one lost
with a restart or an eviction never comes back to a value an old entry carries.

Without REDIS_URL and with the store in a SQLite file, each server process keeps its own
cache (``LocalLookupCache``), cleared at once by a change made by any process through a
signal file beside the store: without it every request of an API client would cost a store
transaction (a thread hop on SQLite), most of a data page's CPU. With a PostgreSQL store
(several hosts) and no Redis, nothing is cached.

Entries are plain JSON objects: what they mean, and when one is fresh enough to use, is up
to the caller (``auth.sessions``, ``auth.tokens``). ``NO_CACHE`` (AUTH_CACHE_SECONDS=0)
keeps nothing.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from ..db.ttlcache import TTLCache
from .link import RedisLink, RedisUnavailable

#: The current generation (created from the server's clock when missing) and the entry.
_LOOKUP = """
if redis.replicate_commands then redis.replicate_commands() end
local generation = redis.call('GET', KEYS[2])
if not generation then
  local now = redis.call('TIME')
  generation = now[1] .. string.format('%06d', tonumber(now[2]))
  redis.call('SET', KEYS[2], generation)
end
return {generation, redis.call('GET', KEYS[1])}
"""

#: A new generation: the next one, or (when lost) one from the server's clock.
_BUMP = """
if redis.replicate_commands then redis.replicate_commands() end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCR', KEYS[1])
end
local now = redis.call('TIME')
redis.call('SET', KEYS[1], now[1] .. string.format('%06d', tonumber(now[2])))
return 0
"""


@dataclass(frozen=True)
class Cached:
    """What a lookup found: the entry (None when there is no current one) and the generation
    it was read under, which a ``put`` after the store query stores with the new entry."""

    value: dict[str, Any] | None
    generation: str | None = None


MISS = Cached(None)


class LookupCache(Protocol):
    async def get(self, key: str) -> Cached:
        """The current entry for ``key``, if any (a MISS whenever Redis does not answer)."""
        ...

    async def put(self, key: str, seen: Cached, value: dict[str, Any]) -> None:
        """Cache ``value``, read from the store after ``seen`` was returned by ``get``."""
        ...

    async def invalidate(self) -> None:
        """After a committed change: no entry cached before it is used again."""
        ...


class NoCache:
    """With AUTH_CACHE_SECONDS=0: every lookup asks the store."""

    async def get(self, key: str) -> Cached:
        return MISS

    async def put(self, key: str, seen: Cached, value: dict[str, Any]) -> None:
        return None

    async def invalidate(self) -> None:
        return None


NO_CACHE = NoCache()


class LocalLookupCache:
    """This process's recent lookups, for at most ``seconds`` each, without Redis, for a
    store in a local SQLite file (so every process that can change users runs on this host).

    Every change (any process: another worker, ``pydbpro users``) replaces ``signal`` (a
    file beside the store) after its transaction commits; every lookup first compares the
    file's identity (one ``stat``) with the one it last saw and forgets every entry when it
    changed. So a change holds at once everywhere, as with Redis. A ``put`` whose lookup
    began before the last change is not kept (the same generation rule as Redis's).
    """

    def __init__(self, seconds: float, signal: Path, max_entries: int = 10_000) -> None:
        self._entries = TTLCache(seconds, max_entries)
        self._signal = signal
        self._seen = self._identity()
        self._generation = 0

    async def get(self, key: str) -> Cached:
        self._notice_changes()
        value: dict[str, Any] | None = self._entries.get(key)
        return Cached(value, str(self._generation))

    async def put(self, key: str, seen: Cached, value: dict[str, Any]) -> None:
        if seen.generation == str(self._generation):  # else a change committed meanwhile
            self._entries.put(key, value)

    async def invalidate(self) -> None:
        fresh = self._signal.with_name(f"{self._signal.name}.{secrets.token_hex(4)}")
        fresh.write_bytes(b"")
        os.replace(fresh, self._signal)  # a new inode: every process sees a new identity
        self._notice_changes()

    def _notice_changes(self) -> None:
        identity = self._identity()
        if identity != self._seen:
            self._seen = identity
            self._generation += 1
            self._entries.clear()

    def _identity(self) -> tuple[int, int] | None:
        try:
            found = os.stat(self._signal)
        except FileNotFoundError:
            return None
        return found.st_ino, found.st_mtime_ns


class RedisLookupCache:
    def __init__(self, link: RedisLink, seconds: float) -> None:
        self.link = link
        self.lifetime_ms = max(1, round(seconds * 1000))
        self._generation = link.key("auth", "generation")
        self._lookup = link.script(_LOOKUP)
        self._bump = link.script(_BUMP)
        #: A bump is owed after any failure (a change, or an outage, Redis may have missed):
        #: it is made before the next lookup trusts an entry.
        self._owed = False

    async def get(self, key: str) -> Cached:
        if self._owed and not await self._bumped():
            return MISS
        keys = [self.link.key("auth", key), self._generation]
        try:
            generation, raw = await self.link.call("lookup", lambda _: self._lookup(keys))
        except RedisUnavailable:
            self._owed = True  # changes made meanwhile may not have reached Redis
            return MISS
        stored, _, body = (raw or "").partition("\n")
        value = orjson.loads(body) if raw and stored == generation else None
        return Cached(value, generation)

    async def put(self, key: str, seen: Cached, value: dict[str, Any]) -> None:
        if seen.generation is None:
            return  # Redis did not answer the lookup: nothing to compare a later hit with
        entry = f"{seen.generation}\n{orjson.dumps(value).decode()}"
        name = self.link.key("auth", key)
        try:
            await self.link.call(
                "lookup", lambda client: client.set(name, entry, px=self.lifetime_ms)
            )
        except RedisUnavailable:
            self._owed = True

    async def invalidate(self) -> None:
        self._owed = True
        await self._bumped()

    async def _bumped(self) -> bool:
        try:
            await self.link.call("invalidate", lambda _: self._bump([self._generation]))
        except RedisUnavailable:
            return False
        self._owed = False
        return True
