"""Saved queries: a named statement with default values for its ``:name`` placeholders,
private to its owner or shared with everyone.

Who may do what is decided here, once: a private query is its owner's alone (another
user, administrator or not, gets 403); a shared one everyone reads, and only its owner or
an administrator (``permissions.is_admin``) changes or deletes. A saved query is run like
any statement, through the console (``POST /api/query`` with ``params``): there is no second
way to execute SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from .. import activity
from ..auth.permissions import is_admin
from ..auth.principal import Principal
from ..errors import BadRequest, Conflict, Forbidden, NotFound
from ..state import AppState
from ..store.database import inserted_id
from ..store.schema import MAX_ID, saved_queries, users
from ..store.types import utcnow

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Scalar


@dataclass(frozen=True)
class Chart:
    """The chart drawn from the query's result in the browser: its type, the x column and
    the y columns by name (a result's columns are known only when it runs, so these are
    not checked here; the UI ignores a name the result does not have)."""

    type: str
    x: str
    y: list[str]
    stacked: bool

    def json(self) -> dict[str, Any]:
        return {"type": self.type, "x": self.x, "y": list(self.y), "stacked": self.stacked}


def _chart(stored: str | None) -> Chart | None:
    if stored is None:
        return None
    found = orjson.loads(stored)
    return Chart(found["type"], found["x"], found["y"], found["stacked"])


@dataclass(frozen=True)
class Draft:
    """What a client sends to create or replace a saved query (validated by the API)."""

    name: str
    description: str
    sql: str
    parameters: list[Parameter]
    shared: bool
    chart: Chart | None


@dataclass(frozen=True)
class SavedQuery:
    id: int
    owner_id: int
    owner: str
    name: str
    description: str
    sql: str
    parameters: list[Parameter]
    shared: bool
    chart: Chart | None
    created_at: datetime
    updated_at: datetime

    def editable_by(self, caller: Principal) -> bool:
        return self.owner_id == caller.user.id or (self.shared and is_admin(caller))

    def json(self, caller: Principal) -> dict[str, Any]:
        """As ``api/saved_queries.SavedQueryInfo``."""
        return {
            "id": self.id, "name": self.name, "description": self.description,
            "sql": self.sql, "shared": self.shared, "owner": self.owner,
            "parameters": [{"name": p.name, "default": p.default} for p in self.parameters],
            "chart": self.chart.json() if self.chart else None,
            "editable": self.editable_by(caller),
            "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at),
        }  # fmt: skip


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


_COLUMNS = (saved_queries, users.c.username.label("owner"))


def _query(row: Any) -> SavedQuery:
    parameters = [Parameter(p["name"], p.get("default")) for p in orjson.loads(row.parameters)]
    return SavedQuery(row.id, row.user_id, row.owner, row.name, row.description, row.sql,
                      parameters, row.shared, _chart(row.chart), row.created_at,
                      row.updated_at)  # fmt: skip


async def visible(state: AppState, caller: Principal) -> list[SavedQuery]:
    """The caller's own queries and every shared one, by name."""
    query = (
        select(*_COLUMNS).join(users, users.c.id == saved_queries.c.user_id)
        .where(or_(saved_queries.c.user_id == caller.user.id, saved_queries.c.shared))
        .order_by(func.lower(saved_queries.c.name), saved_queries.c.id)
    )  # fmt: skip
    async with state.store.connect() as conn:
        return [_query(row) for row in (await conn.execute(query)).all()]


async def _load(
    conn: AsyncConnection, query_id: int, caller: Principal, *, check: bool = True
) -> SavedQuery:
    row = None
    if query_id <= MAX_ID:
        found = await conn.execute(
            select(*_COLUMNS).join(users, users.c.id == saved_queries.c.user_id)
            .where(saved_queries.c.id == query_id)
        )  # fmt: skip
        row = found.first()
    if row is None:
        raise NotFound(f"no saved query {query_id}", code="SAVED_QUERY_NOT_FOUND")
    query = _query(row)
    if check and not query.shared and query.owner_id != caller.user.id:
        raise Forbidden("this saved query is private to its owner", code="SAVED_QUERY_PRIVATE")
    return query


async def get(state: AppState, caller: Principal, query_id: int) -> SavedQuery:
    async with state.store.connect() as conn:
        return await _load(conn, query_id, caller)


def _checked(state: AppState, draft: Draft) -> dict[str, Any]:
    """The row values of a draft whose parameters are placeholders its SQL really has
    (the console's own lexer decides: a ``:name`` in a literal or comment is none)."""
    written = state.console.placeholders(draft.sql)
    names = [p.name for p in draft.parameters]
    unknown = sorted(set(names) - written)
    if unknown:
        found = ", ".join(f":{name}" for name in sorted(written)) or "none"
        raise BadRequest(f"parameter(s) {', '.join(map(repr, unknown))} match no placeholder "
                         f"in the statement (placeholders: {found})",
                         code="UNKNOWN_PARAMETER")  # fmt: skip
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise BadRequest(f"parameter(s) {', '.join(map(repr, twice))} given more than once",
                         code="DUPLICATE_PARAMETER")  # fmt: skip
    parameters = [{"name": p.name, "default": p.default} for p in draft.parameters]
    chart = orjson.dumps(draft.chart.json()).decode() if draft.chart else None
    return {"name": draft.name, "description": draft.description, "sql": draft.sql,
            "parameters": orjson.dumps(parameters).decode(), "shared": draft.shared,
            "chart": chart}  # fmt: skip


async def _name_free(conn: AsyncConnection, owner_id: int, name: str, but: int = 0) -> None:
    taken = (
        await conn.execute(
            select(saved_queries.c.id).where(saved_queries.c.user_id == owner_id,
                                             saved_queries.c.name == name,
                                             saved_queries.c.id != but)
        )
    ).first()  # fmt: skip
    if taken is not None:
        raise _name_taken(name)


def _name_taken(name: str) -> Conflict:
    return Conflict(f"a saved query named {name!r} already exists",
                    code="SAVED_QUERY_EXISTS")  # fmt: skip


def _event(event: str, query: SavedQuery, state: AppState) -> None:
    sql = activity.sql_summary(state.settings, query.sql)
    activity.record(event, saved_query=query.id, name=query.name, owner=query.owner,
                    shared=query.shared, **sql)  # fmt: skip


async def create(state: AppState, caller: Principal, draft: Draft) -> SavedQuery:
    values = _checked(state, draft)
    now = utcnow()
    try:
        async with state.store.begin() as conn:
            await _name_free(conn, caller.user.id, draft.name)
            row = {"user_id": caller.user.id, "created_at": now, "updated_at": now, **values}
            result = await conn.execute(insert(saved_queries).values(**row))
            created = await _load(conn, inserted_id(result), caller)
    except IntegrityError:  # the same name saved at the same moment
        raise _name_taken(draft.name) from None
    _event("saved_query_created", created, state)
    return created


async def _editable(conn: AsyncConnection, query_id: int, caller: Principal) -> SavedQuery:
    found = await _load(conn, query_id, caller)
    if not found.editable_by(caller):
        raise Forbidden("only its owner or an administrator may change this saved query",
                        code="SAVED_QUERY_READ_ONLY")  # fmt: skip
    return found


async def replace(state: AppState, caller: Principal, query_id: int, draft: Draft) -> SavedQuery:
    values = _checked(state, draft)
    try:
        async with state.store.begin() as conn:
            found = await _editable(conn, query_id, caller)
            await _name_free(conn, found.owner_id, draft.name, but=query_id)
            await conn.execute(
                update(saved_queries).where(saved_queries.c.id == query_id)
                .values(updated_at=utcnow(), **values)
            )  # fmt: skip
            # An administrator who made another's query private may no longer read it.
            changed = await _load(conn, query_id, caller, check=False)
    except IntegrityError:
        raise _name_taken(draft.name) from None
    _event("saved_query_updated", changed, state)
    return changed


async def remove(state: AppState, caller: Principal, query_id: int) -> None:
    async with state.store.begin() as conn:
        found = await _editable(conn, query_id, caller)
        await conn.execute(delete(saved_queries).where(saved_queries.c.id == query_id))
    _event("saved_query_deleted", found, state)
