"""MySQL/MariaDB's DDL, triggers and routines: what SHOW CREATE and information_schema say.

SHOW CREATE takes no bound parameters, so the names are quoted by the dialect's own
identifier preparer (backticks doubled); everything in information_schema is bound.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from ..models import RelationType, Routine, TableInfo, TableRef, Trigger

_TRIGGERS = """
SELECT trigger_name AS name, action_timing AS timing, event_manipulation AS event,
       action_statement AS body
FROM information_schema.triggers
WHERE event_object_schema = :schema AND event_object_table = :name
ORDER BY action_order, trigger_name
"""
_ROUTINES = """
SELECT r.routine_schema AS schema_name, r.routine_name AS name,
       lower(r.routine_type) AS kind,
       concat('(', coalesce((SELECT group_concat(concat_ws(' ', nullif(p.parameter_mode, 'IN'),
                                                           p.parameter_name, p.dtd_identifier)
                                                 ORDER BY p.ordinal_position SEPARATOR ', ')
                             FROM information_schema.parameters p
                             WHERE p.specific_schema = r.routine_schema
                               AND p.specific_name = r.specific_name
                               AND p.ordinal_position > 0), ''), ')',
              CASE WHEN r.routine_type = 'FUNCTION'
                   THEN concat(' → ', r.dtd_identifier) ELSE '' END) AS signature
FROM information_schema.routines r
WHERE r.routine_schema = DATABASE()
UNION ALL
SELECT table_schema, table_name, 'sequence', ''
FROM information_schema.tables
WHERE table_schema = DATABASE() AND table_type = 'SEQUENCE'
ORDER BY 1, 3, 2
"""


async def table_ddl(conn: AsyncConnection, table: TableInfo) -> str:
    quote = conn.dialect.identifier_preparer.quote
    what = "TABLE" if table.type is RelationType.TABLE else "VIEW"
    # S608: both names quoted by the dialect -- the statement takes no parameters.
    row = (
        await conn.execute(text(f"SHOW CREATE {what} {quote(table.schema)}.{quote(table.name)}"))
    ).one()
    return f"{row[1]};"


async def triggers(conn: AsyncConnection, table: TableRef) -> list[Trigger]:
    rows = await conn.execute(text(_TRIGGERS), {"schema": table.schema, "name": table.name})
    quote = conn.dialect.identifier_preparer.quote
    return [
        Trigger(r.name, r.timing, r.event,
                f"CREATE TRIGGER {quote(r.name)} {r.timing} {r.event} ON {quote(table.name)} "
                f"FOR EACH ROW {r.body}")
        for r in rows
    ]  # fmt: skip


async def routines(conn: AsyncConnection) -> list[Routine]:
    rows = await conn.execute(text(_ROUTINES))
    return [Routine(r.schema_name, r.name, r.kind, r.signature or "") for r in rows]
