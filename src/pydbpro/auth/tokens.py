"""API tokens for scripts: shown once at creation, stored only as a SHA-256 hash.

Tokens are long random strings, so a fast hash is enough (no password-style stretching);
the prefix kept in clear lets an operator recognise a token in `tokens list`. With
REDIS_URL a recent lookup is answered from the shared cache (``shared.lookups``); a
revocation clears it after committing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from ..errors import NotFound
from ..shared import LookupCache
from ..store import Store
from ..store.database import inserted_id
from ..store.schema import MAX_ID, api_tokens, users
from ..store.types import utcnow
from .principal import User, cached_user, user_fields
from .users import UserNotFound

TOKEN_PREFIX = "pdb_"  # noqa: S105 -- a public marker, not a secret
#: last_used_at is written at most this often.
USE_NOTED_EVERY = timedelta(minutes=1)


class TokenNotFound(NotFound):
    code = "TOKEN_NOT_FOUND"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        """Neither revoked nor expired: it authenticates."""
        expired = self.expires_at is not None and self.expires_at <= utcnow()
        return self.revoked_at is None and not expired


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(
    store: Store, username: str, name: str = "", expires_days: float | None = None
) -> tuple[str, TokenInfo]:
    """Create a token for ``username``; the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(days=expires_days) if expires_days else None
    async with store.begin() as conn:
        row = (await conn.execute(select(users.c.id).where(users.c.username == username))).first()
        if row is None:
            raise UserNotFound(f"no user {username!r}")
        result = await conn.execute(
            api_tokens.insert().values(
                user_id=row.id,
                name=name,
                prefix=token[:12],
                token_hash=_hash(token),
                created_at=now,
                expires_at=expires_at,
            )
        )
    info = TokenInfo(inserted_id(result), username, name, token[:12], now, expires_at, None, None)
    return token, info


@dataclass(frozen=True)
class TokenUse:
    user: User
    token_id: int
    first_today: bool  # its first use this UTC day: what the activity log records


async def resolve_token(store: Store, token: str, lookups: LookupCache) -> TokenUse | None:
    """The active user behind a valid, unexpired, unrevoked token, and the token id.

    A cached answer is used only while the store would need no write either (last use
    within the minute, on the same UTC day), so last-use times and the daily "token_used"
    event come out as without a cache.
    """
    now = utcnow()
    token_hash = _hash(token)
    key = f"token:{token_hash}"
    seen = await lookups.get(key)
    if seen.value is not None:
        cached = _cached(seen.value)
        if cached is not None and _usable(cached, now):
            return TokenUse(cached.user, cached.token_id, first_today=False)
    async with store.connect() as conn:
        row = (
            await conn.execute(
                select(
                    api_tokens.c.id.label("token_id"),
                    api_tokens.c.expires_at,
                    api_tokens.c.revoked_at,
                    api_tokens.c.last_used_at,
                    users,
                )
                .join(users, users.c.id == api_tokens.c.user_id)
                .where(api_tokens.c.token_hash == token_hash)
            )
        ).first()
        if row is None or row.revoked_at is not None or not row.is_active:
            return None
        if row.expires_at is not None and row.expires_at <= now:
            return None
        last_used: datetime | None = row.last_used_at
        if last_used is None or now - last_used > USE_NOTED_EVERY:
            await conn.execute(
                update(api_tokens).where(api_tokens.c.id == row.token_id).values(last_used_at=now)
            )
            await conn.commit()
            last_used = now
    user = User(id=row.id, username=row.username, role=row.role, is_active=row.is_active)
    use = _CachedToken(user, int(row.token_id), row.expires_at, last_used)
    await lookups.put(key, seen, _entry(use))
    first_today = row.last_used_at is None or row.last_used_at.date() != now.date()
    return TokenUse(user, use.token_id, first_today)


@dataclass(frozen=True)
class _CachedToken:
    user: User
    token_id: int
    expires_at: datetime | None
    last_used_at: datetime


def _usable(cached: _CachedToken, now: datetime) -> bool:
    last_used = cached.last_used_at
    return (
        (cached.expires_at is None or cached.expires_at > now)
        and now - last_used <= USE_NOTED_EVERY
        and last_used.date() == now.date()
    )


def _entry(cached: _CachedToken) -> dict[str, Any]:
    expires = cached.expires_at
    return {
        "user": user_fields(cached.user),
        "token_id": cached.token_id,
        "expires_at": expires.isoformat() if expires else None,
        "last_used_at": cached.last_used_at.isoformat(),
    }


def _cached(entry: dict[str, Any]) -> _CachedToken | None:
    """The entry back, or None if it is not one this version wrote."""
    try:
        expires = entry["expires_at"]
        return _CachedToken(
            cached_user(entry["user"]),
            int(entry["token_id"]),
            datetime.fromisoformat(expires) if expires is not None else None,
            datetime.fromisoformat(entry["last_used_at"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


async def list_tokens(store: Store, username: str | None = None) -> Sequence[TokenInfo]:
    """Tokens (all, or one user's), newest first."""
    query = (
        select(api_tokens, users.c.username)
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id.desc())
    )
    if username:
        query = query.where(users.c.username == username)
    async with store.begin() as conn:
        rows = (await conn.execute(query)).all()
    return [
        TokenInfo(
            r.id,
            r.username,
            r.name,
            r.prefix,
            r.created_at,
            r.expires_at,
            r.revoked_at,
            r.last_used_at,
        )
        for r in rows
    ]


async def revoke_token(
    store: Store, token_id: int, owner_id: int | None = None, *, lookups: LookupCache
) -> None:
    """Revoke a token, only if it belongs to ``owner_id`` when one is given (a user revoking
    their own; someone else's is reported as not found, not as forbidden)."""
    if not 0 < token_id <= MAX_ID:
        raise TokenNotFound(f"no active token with id {token_id}")
    where = (api_tokens.c.id == token_id) & api_tokens.c.revoked_at.is_(None)
    if owner_id is not None:
        where &= api_tokens.c.user_id == owner_id
    async with store.begin() as conn:
        result = await conn.execute(update(api_tokens).where(where).values(revoked_at=utcnow()))
    if not result.rowcount:
        raise TokenNotFound(f"no active token with id {token_id}")
    await lookups.invalidate()
