"""The store sink's table: append events, read them back filtered and paged, prune old ones."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.sql import Select

from ..store import Store
from ..store.schema import audit_events
from ..store.types import utcnow
from .event import AuditEvent, fields_json


def utc_time(value: str | datetime) -> datetime:
    """A date (midnight) or ISO 8601 date-time; without a zone it is taken as UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class EventFilter:
    user: str | None = None
    event: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


async def append(store: Store, events: Sequence[AuditEvent]) -> None:
    rows = [
        {
            "at": e.at,
            "event": e.event,
            "username": e.actor.user,
            "client_addr": e.actor.client,
            "request_id": e.actor.request_id,
            "fields": fields_json(e.fields),
        }
        for e in events
    ]
    async with store.begin() as conn:
        await conn.execute(insert(audit_events), rows)


def _query(where: EventFilter) -> Select[Any]:
    query = select(audit_events)
    if where.user is not None:
        query = query.where(audit_events.c.username == where.user)
    if where.event is not None:
        query = query.where(audit_events.c.event == where.event)
    if where.since is not None:
        query = query.where(audit_events.c.at >= where.since)
    if where.until is not None:
        query = query.where(audit_events.c.at < where.until)
    return query


def _record(row: Any) -> dict[str, Any]:
    fields = orjson.loads(row.fields) if row.fields else {}
    return {
        "id": row.id,
        "at": row.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": row.event,
        "user": row.username,
        "client": row.client_addr,
        "request_id": row.request_id,
        **fields,
    }


async def newest_first(
    store: Store, where: EventFilter, limit: int, before_id: int | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """One page, newest first (keyset on id), and whether older events remain."""
    query = _query(where).order_by(audit_events.c.id.desc()).limit(limit + 1)
    if before_id is not None:
        query = query.where(audit_events.c.id < before_id)
    async with store.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [_record(row) for row in rows[:limit]], len(rows) > limit


async def oldest_first(
    store: Store, where: EventFilter, batch: int = 1000
) -> AsyncIterator[dict[str, Any]]:
    """Every matching event in time order, read in batches (an export of months of events)."""
    after = 0
    while True:
        query = _query(where).where(audit_events.c.id > after)
        async with store.connect() as conn:
            rows = (await conn.execute(query.order_by(audit_events.c.id).limit(batch))).all()
        for row in rows:
            yield _record(row)
        if len(rows) < batch:
            return
        after = rows[-1].id


async def prune(store: Store, retention_days: float) -> int:
    """Delete events older than the retention; 0 days keeps everything."""
    if retention_days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=retention_days)
    async with store.begin() as conn:
        result = await conn.execute(delete(audit_events).where(audit_events.c.at < cutoff))
    return int(result.rowcount or 0)
