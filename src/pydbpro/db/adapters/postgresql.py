"""PostgreSQL through asyncpg.

Every connection starts with ``default_transaction_read_only=on`` and the statement timeout
(server settings sent at connect, so they cost no round trip per request), and every
transaction is additionally begun ``READ ONLY`` by asyncpg.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ...settings import Settings
from ..models import ColumnKind, ForeignKey, RelationType, TableInfo, TableRef
from .base import TIMEOUT_KEY, sql_resource

_KINDS = {
    "r": RelationType.TABLE,
    "p": RelationType.TABLE,
    "f": RelationType.TABLE,
    "v": RelationType.VIEW,
    "m": RelationType.MATERIALIZED_VIEW,
}
QUERY_CANCELED = "57014"
PID_KEY = "pydbpro_backend_pid"


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class PostgreSQLAdapter:
    name = "postgresql"
    system_schemas = frozenset({"pg_catalog", "information_schema", "pg_toast"})
    duration_kind = ColumnKind.INTERVAL

    def connect_args(self, settings: Settings) -> dict[str, Any]:
        return {
            "server_settings": {
                "default_transaction_read_only": "on",
                "statement_timeout": str(_ms(settings.max_query_time)),
                "application_name": "pydbpro",
            }
        }

    def on_connect(self, dbapi_connection: Any, info: dict[str, Any], settings: Settings) -> None:
        info[TIMEOUT_KEY] = _ms(settings.max_query_time)  # what connect_args already set
        info[PID_KEY] = dbapi_connection.driver_connection.get_server_pid()

    async def cancel(self, engine: AsyncEngine, info: dict[str, Any]) -> None:
        async with engine.connect() as other:
            await other.execute(text("SELECT pg_cancel_backend(:pid)"), {"pid": info[PID_KEY]})

    async def begin_read_only(
        self, conn: AsyncConnection, timeout: float, explicit: bool = False
    ) -> None:
        if conn.info.get(TIMEOUT_KEY) == _ms(timeout) and not explicit:
            # The connection's own settings already make every statement's implicit
            # transaction READ ONLY with this timeout: no BEGIN/ROLLBACK round trips.
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            return
        await conn.execution_options(postgresql_readonly=True)
        if conn.info.get(TIMEOUT_KEY) != _ms(timeout):
            # SET LOCAL ends with the transaction, so a pooled connection never keeps it.
            await conn.execute(text(f"SET LOCAL statement_timeout = {_ms(timeout)}"))

    async def end_read_only(self, conn: AsyncConnection) -> None:
        return None

    async def reset_session(self, conn: AsyncConnection) -> None:
        """Nothing beyond the rollback, which already undoes what a read can change in a
        session: SET and set_config(..., false) are transactional, temporary tables and
        sequences need writes, LISTEN takes effect only at commit. What would survive it
        (PREPARE, DECLARE ... WITH HOLD, session advisory locks) the guard refuses.
        DISCARD ALL would cost a round trip and drop asyncpg's prepared-statement cache."""
        return None

    def is_timeout(self, error: BaseException) -> bool:
        original = error.orig if isinstance(error, DBAPIError) else error
        return getattr(original, "sqlstate", None) == QUERY_CANCELED or (
            QUERY_CANCELED in str(getattr(original, "pgcode", ""))
        )

    async def default_schema(self, conn: AsyncConnection) -> str:
        return str((await conn.execute(text("SELECT current_schema()"))).scalar_one())

    async def list_schemas(self, conn: AsyncConnection) -> list[str]:
        rows = await conn.execute(
            text(
                "SELECT nspname FROM pg_catalog.pg_namespace "
                "WHERE has_schema_privilege(oid, 'USAGE') "
                "AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' "
                "ORDER BY nspname"
            )
        )
        return [row[0] for row in rows]

    async def list_tables(self, conn: AsyncConnection) -> list[TableInfo]:
        rows = await conn.execute(text(sql_resource("postgresql_tables.sql")))
        return [
            TableInfo(row.schema_name, row.table_name, _KINDS[row.kind], row.estimated_rows)
            for row in rows
        ]

    async def referenced_by(self, conn: AsyncConnection, table: TableRef) -> list[ForeignKey]:
        rows = await conn.execute(
            text(sql_resource("postgresql_referenced_by.sql")),
            {"schema": table.schema, "table": table.name},
        )
        return [
            ForeignKey(
                name=row.name,
                table=TableRef(row.schema_name, row.table_name),
                columns=tuple(row.columns),
                ref_table=table,
                ref_columns=tuple(row.ref_columns),
            )
            for row in rows
        ]

    def bind_value(self, value: Any) -> Any:
        return value

    def temporal(self, expr: Any) -> Any:
        return expr
