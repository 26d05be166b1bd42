"""User accounts in the store: create, find, list, change password, role or state.

The command line and the administration API call the same functions; only the API refuses
to leave no active administrator (``update_user``), because the command line is how an
operator recovers from exactly that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..errors import BadRequest
from ..roles import ADMIN, ROLES, VIEWER
from ..shared import LookupCache
from ..store import Store
from ..store.database import inserted_id
from ..store.schema import api_tokens, sessions, users
from ..store.types import utcnow
from .passwords import check_password_strength, hash_password
from .principal import User
from .sessions import SessionPolicy, alive

DEFAULT_ROLE = VIEWER


class UserError(BadRequest):
    """A user-management request that cannot be carried out; the message says why."""

    code = "BAD_USER_REQUEST"


class UserNotFound(UserError):
    status, code = 404, "USER_NOT_FOUND"


class UserExists(UserError):
    status, code = 409, "USER_EXISTS"


class LastAdmin(UserError):
    status, code = 409, "LAST_ADMIN"


@dataclass(frozen=True)
class Account:
    """A user as the administration page shows them."""

    username: str
    role: str
    active: bool
    created_at: datetime
    password_changed_at: datetime
    sessions: int  # live sessions
    tokens: int  # usable API tokens


def _to_user(row: Row[Any]) -> User:
    return User(id=row.id, username=row.username, role=row.role, is_active=row.is_active)


def _check_username(username: str) -> str:
    """A name that fits a URL path segment (the API addresses users by name)."""
    username = username.strip()
    if not username or len(username) > 150:
        raise UserError("username must be 1 to 150 characters")
    if "/" in username or any(ord(c) < 32 or ord(c) == 127 for c in username):
        raise UserError("username must not contain '/' or control characters")
    return username


async def create_user(store: Store, username: str, password: str, role: str = DEFAULT_ROLE) -> User:
    username = _check_username(username)
    _check_role(role)
    check_password_strength(password)
    now = utcnow()
    try:
        async with store.begin() as conn:
            result = await conn.execute(
                users.insert().values(
                    username=username,
                    password_hash=hash_password(password),
                    role=role,
                    is_active=True,
                    created_at=now,
                    password_changed_at=now,
                )
            )
    except IntegrityError:
        raise UserExists(f"user {username!r} already exists") from None
    return User(id=inserted_id(result), username=username, role=role, is_active=True)


async def find_user(store: Store, username: str) -> tuple[User, str] | None:
    """The user and their password hash, or None."""
    async with store.begin() as conn:
        row = (await conn.execute(select(users).where(users.c.username == username))).first()
    return (_to_user(row), row.password_hash) if row else None


async def require_user(store: Store, username: str) -> User:
    found = await find_user(store, username)
    if found is None:
        raise UserNotFound(f"no user {username!r}")
    return found[0]


async def list_users(store: Store) -> Sequence[User]:
    async with store.begin() as conn:
        rows = (await conn.execute(select(users).order_by(users.c.username))).all()
    return [_to_user(row) for row in rows]


async def accounts(
    store: Store, policy: SessionPolicy, username: str | None = None
) -> Sequence[Account]:
    """Every user (or one) with their counts of live sessions and usable tokens."""
    now = utcnow()
    live_sessions = (
        select(func.count())
        .where(sessions.c.user_id == users.c.id, alive(policy, now))
        .scalar_subquery()
    )
    usable_tokens = (
        select(func.count())
        .where(
            api_tokens.c.user_id == users.c.id,
            api_tokens.c.revoked_at.is_(None),
            api_tokens.c.expires_at.is_(None) | (api_tokens.c.expires_at > now),
        )
        .scalar_subquery()
    )
    query = select(users, live_sessions.label("n_sessions"), usable_tokens.label("n_tokens"))
    if username is not None:
        query = query.where(users.c.username == username)
    async with store.begin() as conn:
        rows = (await conn.execute(query.order_by(users.c.username))).all()
    if username is not None and not rows:
        raise UserNotFound(f"no user {username!r}")
    return [
        Account(r.username, r.role, r.is_active, r.created_at, r.password_changed_at,
                int(r.n_sessions), int(r.n_tokens))
        for r in rows
    ]  # fmt: skip


async def count_users(store: Store) -> int:
    async with store.begin() as conn:
        return int((await conn.execute(select(func.count()).select_from(users))).scalar_one())


async def set_password(store: Store, username: str, password: str, *, lookups: LookupCache) -> None:
    """Change a password and end every session of that user (copied cookies stop working)."""
    check_password_strength(password)
    async with store.begin() as conn:
        user_id = await _require_id(conn, username)
        await conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(password_hash=hash_password(password), password_changed_at=utcnow())
        )
        await conn.execute(sessions.delete().where(sessions.c.user_id == user_id))
    await lookups.invalidate()


async def set_active(store: Store, username: str, active: bool, *, lookups: LookupCache) -> None:
    """Disabling ends the user's sessions; their API tokens stop working while disabled."""
    await _change(store, username, {"is_active": active}, keep_an_admin=False, lookups=lookups)


async def set_role(store: Store, username: str, role: str, *, lookups: LookupCache) -> None:
    """Change a role and end the user's sessions: a browser showing what the old role could
    do logs in again. API tokens keep working and act with the new role from the next call."""
    _check_role(role)
    await _change(store, username, {"role": role}, keep_an_admin=False, lookups=lookups)


async def update_user(
    store: Store,
    username: str,
    *,
    role: str | None = None,
    active: bool | None = None,
    lookups: LookupCache,
) -> None:
    """Change role and/or state as ``set_role``/``set_active`` do, but refuse (409) to leave
    no active administrator: the administration page must not lock everyone out of it."""
    values: dict[str, Any] = {}
    if role is not None:
        _check_role(role)
        values["role"] = role
    if active is not None:
        values["is_active"] = active
    await _change(store, username, values, keep_an_admin=True, lookups=lookups)


async def _change(
    store: Store,
    username: str,
    values: Mapping[str, Any],
    *,
    keep_an_admin: bool,
    lookups: LookupCache,
) -> None:
    """Change the user's row (ending their sessions when the role changes or they are
    disabled), then clear the lookup cache: every instance sees the change at once."""
    async with store.begin() as conn:
        user_id = await _require_id(conn, username)
        if not values:
            return
        demotes = values.get("role", ADMIN) != ADMIN or not values.get("is_active", True)
        if keep_an_admin and demotes:
            await _keep_an_admin(conn, user_id)
        await conn.execute(update(users).where(users.c.id == user_id).values(**values))
        if "role" in values or not values.get("is_active", True):
            await conn.execute(sessions.delete().where(sessions.c.user_id == user_id))
    await lookups.invalidate()


async def _keep_an_admin(conn: AsyncConnection, user_id: int) -> None:
    """Refuse when ``user_id`` is the only active admin. The admins' rows are locked (where
    the database can) so two admins demoting each other at once cannot both succeed."""
    admins = (
        (
            await conn.execute(
                select(users.c.id)
                .where(users.c.role == ADMIN, users.c.is_active.is_(True))
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    if list(admins) == [user_id]:
        raise LastAdmin("this is the only active administrator; make another user admin first")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")


async def rehash_password(store: Store, user_id: int, password: str) -> None:
    async with store.begin() as conn:
        await conn.execute(
            update(users).where(users.c.id == user_id).values(password_hash=hash_password(password))
        )


async def _require_id(conn: AsyncConnection, username: str) -> int:
    row = (await conn.execute(select(users.c.id).where(users.c.username == username))).first()
    if row is None:
        raise UserNotFound(f"no user {username!r}")
    return int(row.id)
