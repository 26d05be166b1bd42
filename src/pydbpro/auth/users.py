"""User accounts in the store: create, find, change password or role, disable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..roles import ROLES, VIEWER
from ..store import Store
from ..store.database import inserted_id
from ..store.schema import sessions, users
from ..store.types import utcnow
from .passwords import check_password_strength, hash_password
from .principal import User

DEFAULT_ROLE = VIEWER


class UserError(ValueError):
    """A user-management request that cannot be carried out; the text is for the operator."""


def _to_user(row: Row[Any]) -> User:
    return User(id=row.id, username=row.username, role=row.role, is_active=row.is_active)


async def create_user(store: Store, username: str, password: str, role: str = DEFAULT_ROLE) -> User:
    username = username.strip()
    if not username or len(username) > 150:
        raise UserError("username must be 1 to 150 characters")
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
        raise UserError(f"user {username!r} already exists") from None
    return User(id=inserted_id(result), username=username, role=role, is_active=True)


async def find_user(store: Store, username: str) -> tuple[User, str] | None:
    """The user and their password hash, or None."""
    async with store.begin() as conn:
        row = (await conn.execute(select(users).where(users.c.username == username))).first()
    return (_to_user(row), row.password_hash) if row else None


async def list_users(store: Store) -> Sequence[User]:
    async with store.begin() as conn:
        rows = (await conn.execute(select(users).order_by(users.c.username))).all()
    return [_to_user(row) for row in rows]


async def count_users(store: Store) -> int:
    async with store.begin() as conn:
        return int((await conn.execute(select(func.count()).select_from(users))).scalar_one())


async def set_password(store: Store, username: str, password: str) -> None:
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


async def set_active(store: Store, username: str, active: bool) -> None:
    """Disabling ends the user's sessions; their API tokens stop working while disabled."""
    async with store.begin() as conn:
        user_id = await _require_id(conn, username)
        await conn.execute(update(users).where(users.c.id == user_id).values(is_active=active))
        if not active:
            await conn.execute(sessions.delete().where(sessions.c.user_id == user_id))


async def set_role(store: Store, username: str, role: str) -> None:
    """Change a role and end the user's sessions: a browser showing what the old role could
    do logs in again. API tokens keep working and act with the new role from the next call."""
    _check_role(role)
    async with store.begin() as conn:
        user_id = await _require_id(conn, username)
        await conn.execute(update(users).where(users.c.id == user_id).values(role=role))
        await conn.execute(sessions.delete().where(sessions.c.user_id == user_id))


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
        raise UserError(f"no user {username!r}")
    return int(row.id)
