"""SQLite's DDL and triggers: the CREATE text it keeps in sqlite_schema, as written."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from ..models import TableInfo, TableRef, Trigger

#: CREATE [TEMP] TRIGGER [IF NOT EXISTS] name [BEFORE|AFTER|INSTEAD OF] event ... ON
_TRIGGER = re.compile(
    r"\b(BEFORE|AFTER|INSTEAD\s+OF)?\s*(INSERT|DELETE|UPDATE(?:\s+OF\s+.*?)?)\s+ON\s",
    re.IGNORECASE | re.DOTALL,
)


async def table_ddl(conn: AsyncConnection, table: TableInfo) -> str:
    """The table's or view's CREATE text, then its indexes' (those SQLite makes for a
    UNIQUE or PRIMARY KEY constraint have none: the table's text declares them)."""
    rows = await conn.execute(
        text(
            "SELECT sql FROM sqlite_schema WHERE tbl_name = :name AND sql IS NOT NULL "
            "AND type IN ('table', 'view', 'index') "
            "ORDER BY type = 'index', name"
        ),
        {"name": table.name},
    )
    return "\n\n".join(f"{row.sql};" for row in rows)


async def triggers(conn: AsyncConnection, table: TableRef) -> list[Trigger]:
    rows = await conn.execute(
        text(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = :name "
            "ORDER BY name"
        ),
        {"name": table.name},
    )
    found = []
    for row in rows:
        sql = str(row.sql or "")
        match = _TRIGGER.search(sql)
        timing = " ".join((match.group(1) or "BEFORE").upper().split()) if match else ""
        event = match.group(2).split()[0].upper() if match else ""
        found.append(Trigger(row.name, timing, event, f"{sql};"))
    return found
