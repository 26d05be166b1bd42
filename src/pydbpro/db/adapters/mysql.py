"""MySQL and MariaDB through aiomysql.

Each connection is made read-only for its whole session (``tx_read_only`` on MariaDB,
``transaction_read_only`` on MySQL) with a statement time limit, and each transaction is
begun ``START TRANSACTION READ ONLY``. MariaDB limits time with ``max_statement_time``
(seconds), MySQL with ``max_execution_time`` (milliseconds, SELECT only).

Session state is not transactional here: user variables, ``LAST_INSERT_ID(n)`` and what a
stored function sets survive the rollback. After a console statement the session is reset
with COM_RESET_CONNECTION (one round trip; same server thread, no new login) and the
settings above are applied again (a second round trip).
"""

from __future__ import annotations

import copy
import re
import ssl
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import pymysql
from sqlalchemy import Select, cast, func, literal_column, text
from sqlalchemy.dialects.mysql import CHAR, TINYINT
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import TypeEngine

from ...column_kind import ColumnKind
from ...settings import Settings
from .. import sql_position
from ..facet_buckets import DateUnit
from ..models import (
    Column,
    ColumnStats,
    ForeignKey,
    Partition,
    RelationType,
    Routine,
    TableInfo,
    TableRef,
    Trigger,
)
from ..previews import Reading
from ..select import SortKey
from ..sql_csv import SqlCsv
from ..sql_csv import mysql as mysql_csv
from ..sql_guard import GuardRules
from ..sql_sheet import SqlSheet
from ..sqllex import Lexicon
from ..statements import DriverStatement
from . import mysql_ddl, mysql_stats
from .base import (
    TIMEOUT_KEY,
    DriverProblem,
    Explain,
    Problem,
    RowSource,
    ViewSources,
    first_line,
    json_plan,
    parsed_view_sources,
    sql_resource,
)
from .mysql_results import copy_lines, driver_rows
from .mysql_values import DECODERS

_KINDS = {
    "BASE TABLE": RelationType.TABLE,
    "VIEW": RelationType.VIEW,
    "SYSTEM VIEW": RelationType.VIEW,
    "SYSTEM VERSIONED": RelationType.TABLE,
}
_NEAR_AT_LINE = re.compile(r"syntax to use near '(.*)' at line (\d+)$", re.S)
_NEAR_CUT = re.compile(r"syntax to use near '(.*)$", re.S)  # the quote went on past a newline

#: Server (and client, 2xxx) error numbers and what they mean for the client.
_PROBLEMS: dict[int, Problem] = {
    **dict.fromkeys((1969, 3024, 1317), Problem.TIMEOUT),  # statement time limit, KILL QUERY
    **dict.fromkeys((1792, 1290, 1836), Problem.READ_ONLY),  # read-only transaction/server
    **dict.fromkeys((1044, 1045, 1142, 1143, 1227, 1370), Problem.PERMISSION),
    **dict.fromkeys((2002, 2003, 2006, 2013, 2055), Problem.CONNECTION),
    # out of range, truncated, bad date, bad string, too long, division by 0, bad JSON...
    **dict.fromkeys((1264, 1265, 1292, 1365, 1366, 1406, 1690, 3140, 4038), Problem.DATA),
}
_VARIANT_KEY = "pydbpro_mariadb"
_THREAD_KEY = "pydbpro_thread_id"
_TIMEOUT_CHANGED_KEY = "pydbpro_timeout_changed"
#: The protocol command that returns a session to its just-logged-in state (MySQL 5.7.3,
#: MariaDB 10.2.4); PyMySQL knows the byte only as COM_END and has no method for it.
_COM_RESET_CONNECTION = 0x1F
_HAS_VIEW_TABLE_USAGE = (
    "SELECT COUNT(*) FROM information_schema.TABLES "
    "WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'VIEW_TABLE_USAGE'"
)
_VIEW_TABLE_USAGE = (
    "SELECT VIEW_SCHEMA AS schema_name, VIEW_NAME AS view_name, TABLE_SCHEMA AS source_schema, "
    "TABLE_NAME AS source_name FROM information_schema.VIEW_TABLE_USAGE "
    "WHERE VIEW_SCHEMA = DATABASE()"
)
_VIEW_DEFINITIONS = (
    "SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS view_name, VIEW_DEFINITION AS definition "
    "FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()"
)
_DENIED_FUNCTIONS = frozenset({
    "get_lock", "release_lock", "release_all_locks", "load_file", "sys_exec", "sys_eval",
    "master_pos_wait", "source_pos_wait",
})  # fmt: skip
_LEXICON = Lexicon(
    double_quoted_strings=True, backslash_escapes=True, backtick_identifiers=True,
    hash_comments=True, dash_comments_need_space=True, executable_comments=True,
)  # fmt: skip


def _timeout_assignment(is_mariadb: bool, seconds: float) -> str:
    if is_mariadb:
        return f"SESSION max_statement_time = {max(0.001, seconds):.3f}"
    return f"SESSION max_execution_time = {max(1, int(seconds * 1000))}"


def _timeout_statement(is_mariadb: bool, seconds: float) -> str:
    return f"SET {_timeout_assignment(is_mariadb, seconds)}"


def _session_settings(is_mariadb: bool, seconds: float) -> str:
    """PyDBPro's session settings as one SET list: read only, and the time limit."""
    read_only = "tx_read_only" if is_mariadb else "transaction_read_only"
    return f"SESSION {read_only} = 1, {_timeout_assignment(is_mariadb, seconds)}"


class MySQLAdapter:
    name = "mysql"
    system_schemas = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
    duration_kind = ColumnKind.TIME
    wraps_console = False
    url_schemes: tuple[str, ...] = ("mysql", "mariadb")
    driver = "mysql+aiomysql"
    default_port: int | None = 3306
    local_file = False
    sqlglot_dialect = "mysql"
    lexicon = _LEXICON
    guard = GuardRules(_DENIED_FUNCTIONS, user_variables=True, describe_tables=True)
    savepoint_around_statements = False
    drain_unread_before_close = True
    explain_prefix = "EXPLAIN FORMAT=JSON "
    previews_after_limit = False

    def connect_args(self, settings: Settings) -> dict[str, Any]:
        # aiomysql bounds only the TCP connect with it; the breaker covers a silent handshake.
        args = {"charset": "utf8mb4", "connect_timeout": settings.db_connect_timeout,
                "conv": DECODERS}  # fmt: skip
        return args | _ssl_args(settings)

    def prepare_url(self, url: URL, settings: Settings) -> URL:
        return url  # aiomysql takes TLS as an ssl context (connect_args), not in the URL

    def explain_plan(self, rows: Sequence[Any]) -> Any:
        return json_plan(rows)

    def is_system_table(self, name: str) -> bool:
        return False

    def reflection_schema(self, schema: str) -> str | None:
        return schema

    def reflected_name(self, name: str) -> str:
        return name.replace("``", "`")

    def declared(self, sql_type: TypeEngine[Any]) -> TypeEngine[Any]:
        """Without legacy display widths and charsets. MariaDB reports INT(11), but the
        width means nothing except for TINYINT(1) (a boolean) and ZEROFILL columns."""
        width = getattr(sql_type, "display_width", None)
        if getattr(sql_type, "zerofill", False) or (isinstance(sql_type, TINYINT) and width == 1):
            width = None
        charset = getattr(sql_type, "charset", None) or getattr(sql_type, "collation", None)
        if width is None and not charset:
            return sql_type
        plain = copy.copy(sql_type)
        mysql_type: Any = plain  # a MySQL type: these attributes are its own
        if width is not None:
            mysql_type.display_width = None
        if charset:
            mysql_type.charset = mysql_type.collation = None
        return plain

    def on_connect(self, dbapi_connection: Any, info: dict[str, Any], settings: Settings) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT VERSION(), CONNECTION_ID()")
            version, thread_id = cursor.fetchone()
            is_mariadb = "mariadb" in str(version).lower()
            cursor.execute(f"SET {_session_settings(is_mariadb, settings.max_query_time)}")
        finally:
            cursor.close()
        info[_VARIANT_KEY] = is_mariadb
        info[_THREAD_KEY] = int(thread_id)
        info[TIMEOUT_KEY] = int(settings.max_query_time * 1000)

    async def begin_read_only(
        self, conn: AsyncConnection, timeout: float, explicit: bool = False
    ) -> None:
        if conn.info.get(TIMEOUT_KEY) != int(timeout * 1000):
            await conn.execute(text(_timeout_statement(conn.info[_VARIANT_KEY], timeout)))
            conn.info[_TIMEOUT_CHANGED_KEY] = True
        await conn.execute(text("START TRANSACTION READ ONLY"))

    async def stream_compiled(
        self, conn: AsyncConnection, statement: DriverStatement
    ) -> RowSource | None:
        return await driver_rows(conn, statement)  # read many rows at a time (mysql_results)

    async def fetch_compiled(
        self, conn: AsyncConnection, statement: DriverStatement
    ) -> Sequence[Sequence[Any]] | None:
        return None  # aiomysql's result handling is SQLAlchemy's: not worth a second path

    async def end_read_only(self, conn: AsyncConnection) -> None:
        if conn.info.pop(_TIMEOUT_CHANGED_KEY, False):
            seconds = conn.info[TIMEOUT_KEY] / 1000
            await conn.execute(text(_timeout_statement(conn.info[_VARIANT_KEY], seconds)))

    async def reset_session(self, conn: AsyncConnection) -> None:
        """COM_RESET_CONNECTION, then PyDBPro's settings again in one SET: the reset also
        returns autocommit, the character set and the time limit to the server's defaults.
        Sent through the driver (aiomysql's own ``ping`` and ``begin`` use the same two
        calls), so SQLAlchemy begins no transaction that would need another ROLLBACK. A
        server without the command answers with an error: the caller discards the
        connection."""
        driver: Any = (await conn.get_raw_connection()).driver_connection  # aiomysql: untyped
        conn.info.pop(_TIMEOUT_CHANGED_KEY, None)
        await driver._execute_command(_COM_RESET_CONNECTION, b"")
        await driver._read_ok_packet()
        settings = _session_settings(conn.info[_VARIANT_KEY], conn.info[TIMEOUT_KEY] / 1000)
        autocommit = int(bool(driver.autocommit_mode))
        restore = f"SET NAMES {driver.charset}, autocommit = {autocommit}, {settings}"
        cursor = await driver.cursor()
        try:
            await cursor.execute(restore)
        finally:
            await cursor.close()

    async def cancel(self, engine: AsyncEngine, info: dict[str, Any]) -> None:
        """KILL QUERY from a second connection; the first is then discarded (its protocol
        state after an interrupted read is not worth trusting)."""
        async with engine.connect() as other:
            await other.execute(text(f"KILL QUERY {int(info[_THREAD_KEY])}"))

    def drop(self, driver_connection: Any) -> None:
        driver_connection.close()  # aiomysql: closes the socket, sends nothing

    def error_position(self, sql: str, message: str) -> int | None:
        """A syntax error (1064) quotes the text from the failure on, ``near '...' at line
        N``: where that text starts, if it starts only once on that line. The message is
        cut at its first line, so a quote that spans lines is looked for as a prefix."""
        if found := _NEAR_AT_LINE.search(message):
            return sql_position.quoted_text_at(sql, found.group(1), int(found.group(2)))
        if found := _NEAR_CUT.search(message):
            return sql_position.quoted_text_at(sql, found.group(1)) if found.group(1) else None
        return None

    def problem(self, error: BaseException) -> DriverProblem | None:
        original = error.orig if isinstance(error, DBAPIError) else error
        if isinstance(original, OSError):
            return DriverProblem(Problem.CONNECTION, first_line(str(original)))
        if not isinstance(original, pymysql.err.MySQLError):
            return DriverProblem(Problem.STATEMENT, first_line(str(original))) if isinstance(
                error, DBAPIError) else None  # fmt: skip
        args = original.args
        code = args[0] if args and isinstance(args[0], int) else None
        message = first_line(str(args[1] if len(args) > 1 else original))
        problem = _PROBLEMS.get(code) if code is not None else None
        if problem is None:
            if isinstance(original, pymysql.err.DataError):
                problem = Problem.DATA
            elif isinstance(original, pymysql.err.InterfaceError):
                problem = Problem.CONNECTION
            else:
                problem = Problem.STATEMENT
        return DriverProblem(problem, message)

    async def default_schema(self, conn: AsyncConnection) -> str:
        return str((await conn.execute(text("SELECT DATABASE()"))).scalar_one())

    async def can_write(self, conn: AsyncConnection) -> bool:
        return bool((await conn.execute(text(sql_resource("mysql_can_write.sql")))).scalar())

    async def view_dependencies(self, conn: AsyncConnection) -> ViewSources:
        """From information_schema.VIEW_TABLE_USAGE (MySQL 8.0.13+); MariaDB has none, so
        there the definitions in information_schema.VIEWS are read with sqlglot."""
        usage = await conn.execute(text(_HAS_VIEW_TABLE_USAGE))
        if not usage.scalar():
            rows = await conn.execute(text(_VIEW_DEFINITIONS))
            views = [(TableRef(r.schema_name, r.view_name), r.definition or "") for r in rows]
            return parsed_view_sources(views, self.sqlglot_dialect)
        found: dict[TableRef, set[TableRef]] = {}
        for row in await conn.execute(text(_VIEW_TABLE_USAGE)):
            view = TableRef(row.schema_name, row.view_name)
            found.setdefault(view, set()).add(TableRef(row.source_schema, row.source_name))
        return {view: frozenset(sources) for view, sources in found.items()}

    async def list_schemas(self, conn: AsyncConnection) -> list[str]:
        return [await self.default_schema(conn)]

    async def list_tables(self, conn: AsyncConnection) -> list[TableInfo]:
        rows = await conn.execute(text(sql_resource("mysql_tables.sql")))
        return [
            TableInfo(
                row.schema_name,
                row.table_name,
                _KINDS.get(row.kind, RelationType.TABLE),
                None if row.kind == "VIEW" else row.estimated_rows,
            )
            for row in rows
        ]

    async def referenced_by(self, conn: AsyncConnection, table: TableRef) -> list[ForeignKey]:
        rows = await conn.execute(
            text(sql_resource("mysql_referenced_by.sql")),
            {"schema": table.schema, "table": table.name},
        )
        grouped: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
        for row in rows:
            cols, refs = grouped.setdefault((row.schema_name, row.table_name, row.name), ([], []))
            cols.append(row.column_name)
            refs.append(row.ref_column)
        return [
            ForeignKey(name, TableRef(schema, name_), tuple(cols), table, tuple(refs))
            for (schema, name_, name), (cols, refs) in grouped.items()
        ]

    async def table_ddl(self, conn: AsyncConnection, table: TableInfo) -> str:
        return await mysql_ddl.table_ddl(conn, table)

    async def triggers(self, conn: AsyncConnection, table: TableRef) -> list[Trigger]:
        return await mysql_ddl.triggers(conn, table)

    async def partitions(self, conn: AsyncConnection, table: TableRef) -> list[Partition]:
        return []  # its partitions are inside the table: SHOW CREATE TABLE shows them

    async def routines(self, conn: AsyncConnection) -> list[Routine]:
        return await mysql_ddl.routines(conn)

    async def value_kinds(
        self, conn: AsyncConnection, table: TableRef, columns: list[str]
    ) -> dict[str, ColumnKind]:
        return {}  # every column has its type

    def readable(self, expr: Any, kind: ColumnKind) -> Any:
        return expr

    def char_length(self, expr: Any) -> Any:
        return func.char_length(expr)

    def byte_length(self, expr: Any) -> Any:
        return func.octet_length(expr)

    def json_text(self, expr: Any) -> Any:
        return cast(expr, CHAR)  # MySQL's JSON type (MariaDB's JSON already is text)

    def console_readings(
        self, result: Any, description: Sequence[Any], max_text: int, preview: int
    ) -> list[Reading] | None:
        return None  # not wrapped: derived tables may lose their ORDER BY (MariaDB drops it)

    def sql_csv(
        self, source: Any, columns: Sequence[Column], where: Any, keys: Sequence[SortKey],
        limit: int,
    ) -> SqlCsv | None:  # fmt: skip
        plan = mysql_csv.LINES.plan(source, columns, where, keys, limit)
        # The lines read off the wire in bulk rather than row by row (``mysql_results``).
        if plan is None:
            return None
        return replace(plan, copy=partial(copy_lines, plan.in_python or {}))

    def sql_sheet(
        self, source: Any, columns: Sequence[Column], where: Any, keys: Sequence[SortKey],
        limit: int, server_version: tuple[Any, ...] | None,
    ) -> SqlSheet | None:  # fmt: skip
        return None  # not yet: the Python path

    def bind_value(self, value: Any) -> Any:
        return value

    async def estimate_rows(self, conn: AsyncConnection, query: Select[Any]) -> int | None:
        """From EXPLAIN FORMAT=JSON (only it has ``filtered`` on MariaDB): each table's rows
        read times the share its conditions keep, multiplied along the join."""
        rows = (await conn.execute(Explain(self.explain_prefix, query))).all()
        return _estimate(json_plan(rows).get("query_block", {}))

    def temporal(self, expr: Any) -> Any:
        return expr

    def date_bucket(self, expr: Any, unit: DateUnit, column: Column) -> Any:
        """The day (``DATE``) less the days since the bucket's first: ``WEEKDAY`` is 0 on
        Monday. A TIMESTAMP is read in the session's time zone, as the data API shows it."""
        day = func.date(expr)
        one: Any = literal_column("1")
        before = {"day": None, "week": func.weekday(expr), "month": func.dayofmonth(expr) - one,
                  "year": func.dayofyear(expr) - one}[unit]  # fmt: skip
        return day if before is None else func.subdate(day, before)

    async def column_stats(self, conn: AsyncConnection, table: TableRef) -> dict[str, ColumnStats]:
        return await mysql_stats.column_stats(conn, table)


def _estimate(block: dict[str, Any]) -> int | None:
    """Rows a plan's top query block returns: MariaDB nests its tables in ``nested_loop``
    (or gives one ``table``), MySQL 8 says ``rows_produced_per_join`` itself. A plan
    without row figures (a message such as "Impossible WHERE": none match) is 0, one that
    cannot be read None."""
    tables = [step["table"] for step in block.get("nested_loop", []) if "table" in step]
    if not tables and isinstance(block.get("table"), dict):
        tables = [block["table"]]
    if not tables:
        return 0 if "message" in block.get("table", block) else None
    if "rows_produced_per_join" in tables[-1]:
        return int(tables[-1]["rows_produced_per_join"])
    estimate = 1.0
    for table in tables:
        if "rows" not in table:
            return 0 if "message" in table else None
        estimate *= float(table["rows"]) * float(table.get("filtered", 100)) / 100
    return round(estimate)


def _ssl_args(settings: Settings) -> dict[str, Any]:
    """DB_SSL_MODE as aiomysql takes it: an ssl context (verifying only for verify-*)."""
    if settings.db_ssl_mode in (None, "disable"):
        return {}
    context = ssl.create_default_context()
    if settings.db_ssl_mode in ("allow", "prefer", "require"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return {"ssl": context}
