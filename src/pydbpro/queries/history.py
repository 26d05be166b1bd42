"""Each user's console history, kept in the store (not in one browser's localStorage, which
everyone at that browser shared and which outlived a sign-out): read, paged, cleared.

Runs are written by ``recorder.HistoryLog``. A user reads their own history; an
administrator (``permissions.is_admin``) may read anyone's and delete any entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from .. import activity
from ..auth.permissions import is_admin
from ..auth.principal import Principal
from ..auth.users import find_user
from ..errors import Forbidden, NotFound
from ..state import AppState
from ..store import Store
from ..store.schema import MAX_ID, query_history


def _entry(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "sql": row.sql,
        "at": row.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "ok": row.ok,
        "row_count": row.row_count,
        "elapsed_ms": row.elapsed_ms,
        "error_code": row.error_code,
    }


async def newest_first(
    store: Store, user_id: int, limit: int, before_id: int | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """One page of a user's entries, newest first (keyset on id), and whether more remain."""
    query = (
        select(query_history).where(query_history.c.user_id == user_id)
        .order_by(query_history.c.id.desc()).limit(limit + 1)
    )  # fmt: skip
    if before_id is not None:
        query = query.where(query_history.c.id < before_id)
    async with store.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [_entry(row) for row in rows[:limit]], len(rows) > limit


async def clear(store: Store, user_id: int) -> int:
    """Delete every entry of a user; how many there were."""
    async with store.begin() as conn:
        result = await conn.execute(delete(query_history).where(query_history.c.user_id == user_id))
    return int(result.rowcount or 0)


async def owner_of(store: Store, entry_id: int) -> int:
    """The user an entry belongs to; 404 when there is no such entry."""
    user_id = None
    if entry_id <= MAX_ID:
        async with store.connect() as conn:
            found = await conn.execute(
                select(query_history.c.user_id).where(query_history.c.id == entry_id)
            )
            user_id = found.scalar()
    if user_id is None:
        raise NotFound(f"no history entry {entry_id}", code="HISTORY_ENTRY_NOT_FOUND")
    return int(user_id)


async def delete_entry(store: Store, entry_id: int) -> None:
    async with store.begin() as conn:
        await conn.execute(delete(query_history).where(query_history.c.id == entry_id))


async def page(
    state: AppState, caller: Principal, username: str | None, limit: int, before_id: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """The caller's history, or with ``username`` someone else's (administrators only;
    anyone else gets 403 whether or not that user exists)."""
    user_id = caller.user.id
    if username is not None and username != caller.username:
        if not is_admin(caller):
            raise Forbidden("only an administrator may read another user's history",
                            code="NOT_YOUR_HISTORY")  # fmt: skip
        found = await find_user(state.store, username)
        if found is None:
            raise NotFound(f"no user {username!r}", code="USER_NOT_FOUND")
        user_id = found[0].id
    await state.history.flush()
    return await newest_first(state.store, user_id, limit, before_id)


async def clear_own(state: AppState, caller: Principal) -> int:
    await state.history.flush()
    cleared = await clear(state.store, caller.user.id)
    activity.record("history_cleared", entries=cleared)
    return cleared


async def delete_one(state: AppState, caller: Principal, entry_id: int) -> None:
    """Delete one entry: the caller's own, or anyone's for an administrator (else 403)."""
    await state.history.flush()
    if await owner_of(state.store, entry_id) != caller.user.id and not is_admin(caller):
        raise Forbidden("this history entry is another user's", code="NOT_YOUR_HISTORY")
    await delete_entry(state.store, entry_id)
