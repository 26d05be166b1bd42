"""Server-side login sessions: the cookie carries a signed random id, the store its hash.

Keeping sessions in the store (not only in the signed cookie) is what lets logout, password
changes and disabling a user end sessions everywhere, and what enforces the idle timeout.
With REDIS_URL a recent lookup is answered from the shared cache (``shared.lookups``); every
function here that ends sessions clears it after committing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update

from ..errors import NotFound
from ..shared import LookupCache
from ..store import Store
from ..store.schema import sessions, users
from ..store.types import utcnow
from .principal import User, cached_user, user_fields


@dataclass(frozen=True)
class SessionPolicy:
    idle_timeout: timedelta
    max_age: timedelta

    @property
    def refresh_interval(self) -> timedelta:
        """Write last-seen at most this often: one write per request would be wasteful."""
        return min(timedelta(minutes=1), self.idle_timeout / 10)


class SessionExpired(Exception):
    """The session existed but timed out; the client is told so it can say 'expired'."""

    def __init__(self, username: str) -> None:
        super().__init__(username)
        self.username = username


class SessionNotFound(NotFound):
    code = "SESSION_NOT_FOUND"


@dataclass(frozen=True)
class SessionInfo:
    """A session as its owner (or an administrator) sees it. ``id`` is the stored hash of
    the secret: it names the session without being able to act as it."""

    id: str
    created_at: datetime
    last_seen_at: datetime
    client_addr: str | None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def alive(policy: SessionPolicy, now: datetime) -> ColumnElement[bool]:
    """A stored session within both limits (expired ones wait for ``prune_expired``)."""
    return (sessions.c.last_seen_at >= now - policy.idle_timeout) & (
        sessions.c.created_at >= now - policy.max_age
    )


async def create_session(store: Store, user: User, client_addr: str | None) -> str:
    """Start a session and return the secret that goes (signed) into the cookie."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    async with store.begin() as conn:
        await conn.execute(
            sessions.insert().values(
                id_hash=hash_secret(secret),
                user_id=user.id,
                created_at=now,
                last_seen_at=now,
                client_addr=client_addr,
            )
        )
    return secret


async def resolve_session(
    store: Store, secret: str, policy: SessionPolicy, lookups: LookupCache
) -> User | None:
    """The session's active user; None if unknown; SessionExpired if it timed out.

    A cached answer is used only while the store would need no write either: within the
    refresh interval of the last-seen time it holds, and before the maximum age. Past that,
    the store is asked (and last-seen moved), so the idle timeout works as without a cache.
    """
    id_hash = hash_secret(secret)
    key = f"session:{id_hash}"
    now = utcnow()
    seen = await lookups.get(key)
    if seen.value is not None:
        cached = _cached(seen.value)
        if cached is not None and _usable(cached, policy, now):
            return cached.user
    async with store.connect() as conn:
        row = (
            await conn.execute(
                select(sessions.c.created_at, sessions.c.last_seen_at, users)
                .join(users, users.c.id == sessions.c.user_id)
                .where(sessions.c.id_hash == id_hash)
            )
        ).first()
        if row is None or not row.is_active:
            return None
        if now - row.last_seen_at > policy.idle_timeout or now - row.created_at > policy.max_age:
            await conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))
            await conn.commit()
            raise SessionExpired(row.username)
        last_seen: datetime = row.last_seen_at
        if now - last_seen > policy.refresh_interval:
            await conn.execute(
                update(sessions).where(sessions.c.id_hash == id_hash).values(last_seen_at=now)
            )
            await conn.commit()
            last_seen = now
    user = User(id=row.id, username=row.username, role=row.role, is_active=row.is_active)
    await lookups.put(key, seen, _entry(_CachedSession(user, row.created_at, last_seen)))
    return user


@dataclass(frozen=True)
class _CachedSession:
    user: User
    created_at: datetime
    last_seen_at: datetime


def _usable(cached: _CachedSession, policy: SessionPolicy, now: datetime) -> bool:
    return (
        now - cached.last_seen_at <= policy.refresh_interval
        and now - cached.created_at <= policy.max_age
    )


def _entry(cached: _CachedSession) -> dict[str, Any]:
    return {
        "user": user_fields(cached.user),
        "created_at": cached.created_at.isoformat(),
        "last_seen_at": cached.last_seen_at.isoformat(),
    }


def _cached(entry: dict[str, Any]) -> _CachedSession | None:
    """The entry back, or None if it is not one this version wrote."""
    try:
        return _CachedSession(
            cached_user(entry["user"]),
            datetime.fromisoformat(entry["created_at"]),
            datetime.fromisoformat(entry["last_seen_at"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


async def end_session(store: Store, id_hash: str, *, lookups: LookupCache) -> None:
    async with store.begin() as conn:
        result = await conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))
    if result.rowcount:
        await lookups.invalidate()


async def list_sessions(store: Store, user_id: int, policy: SessionPolicy) -> Sequence[SessionInfo]:
    """The user's live sessions, the most recently used first."""
    query = (
        select(sessions)
        .where(sessions.c.user_id == user_id, alive(policy, utcnow()))
        .order_by(sessions.c.last_seen_at.desc(), sessions.c.created_at.desc())
    )
    async with store.begin() as conn:
        rows = (await conn.execute(query)).all()
    return [SessionInfo(r.id_hash, r.created_at, r.last_seen_at, r.client_addr) for r in rows]


async def end_sessions(
    store: Store, user_id: int, id_hash: str | None = None, *, lookups: LookupCache
) -> int:
    """End one of the user's sessions (SessionNotFound if it is not theirs) or all of them;
    the number ended."""
    where = sessions.c.user_id == user_id
    if id_hash is not None:
        where &= sessions.c.id_hash == id_hash
    async with store.begin() as conn:
        ended = (await conn.execute(delete(sessions).where(where))).rowcount or 0
    if ended:
        await lookups.invalidate()
    if id_hash is not None and not ended:
        raise SessionNotFound("no such session of yours")
    return ended


async def prune_expired(store: Store, policy: SessionPolicy) -> int:
    """Drop sessions past either limit; run at start-up so the table does not grow forever."""
    async with store.begin() as conn:
        result = await conn.execute(delete(sessions).where(~alive(policy, utcnow())))
    return result.rowcount or 0
