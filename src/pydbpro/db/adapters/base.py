"""What the service needs from a database, one implementation per dialect.

An adapter holds no connection and no state: it knows its dialect's catalog queries, how to
make a connection read-only, how to recognise the dialect's errors, and every other way the
dialect differs (its URL, its SQL text, what the guard must know of it). Adding a dialect
means adding one module and one registry entry: no code outside ``db/adapters/`` asks
which dialect it has (``tests/test_dialect_boundary.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from ...column_kind import ColumnKind
from ...settings import Settings
from ..facet_buckets import DateUnit
from ..models import (
    Column,
    ColumnStats,
    ForeignKey,
    Partition,
    Routine,
    TableInfo,
    TableRef,
    Trigger,
)
from ..previews import Reading
from ..select import SortKey
from ..sql_csv import SqlCsv
from ..sql_guard import GuardRules
from ..sql_sheet import SqlSheet
from ..sql_tables import view_sources
from ..sqllex import Lexicon
from ..statements import DriverStatement

#: Key in a pooled connection's ``info``: the statement timeout it was opened with.
TIMEOUT_KEY = "pydbpro_timeout_ms"


class Problem(StrEnum):
    """What a database error means for the client, whichever dialect raised it."""

    TIMEOUT = "timeout"  # the statement's time limit stopped it (504)
    CONNECTION = "connection"  # the connection or server went away (503)
    READ_ONLY = "read_only"  # the statement tried to write (403)
    PERMISSION = "permission"  # the database user may not do this (403)
    NOT_POPULATED = "not_populated"  # a materialized view with no data yet (409)
    DATA = "data"  # a value out of range, badly encoded... (400)
    PARAMETER = "parameter"  # a bound value the driver could not send (400 BAD_VALUE)
    STATEMENT = "statement"  # anything else the database refused (400 in the console)


@dataclass(frozen=True)
class DriverProblem:
    problem: Problem
    message: str  # the database's own message, first line
    position: int | None = None  # 1-based character position in the statement, if known


#: View -> the relations its definition reads (None when it cannot be known).
ViewSources = dict[TableRef, frozenset[TableRef] | None]


class RowSource(Protocol):
    """A started statement's rows, read in batches: SQLAlchemy's AsyncResult, or an
    adapter's own reader of the driver's result (``stream_compiled``)."""

    async def fetchmany(self, size: int) -> Sequence[Any]: ...

    def keys(self) -> Any: ...

    async def close(self) -> None: ...


class DialectAdapter(Protocol):
    """Everything PyDBPro does differently per database, in one object per dialect.

    Code outside ``db/adapters/`` asks the adapter and never compares dialect names
    (``tests/test_dialect_boundary.py``), so a new dialect is one module implementing this
    (plus its catalog SQL in ``adapters/sql/`` and, for the fast CSV and XLSX paths, ``db/sql_csv/``
    and ``db/sql_sheet/``).
    """

    #: The registry key and SQLAlchemy backend name: postgresql, mysql or sqlite.
    name: str
    #: Schemas that are system schemas for SHOW_SYSTEM_TABLES.
    system_schemas: frozenset[str]
    #: What a timedelta from the driver is in an ad-hoc result (MySQL: a TIME value).
    duration_kind: ColumnKind
    #: Whether console statements are read through a subquery (``console_readings``).
    wraps_console: bool
    #: The URL schemes an operator may write for it (DATABASE_URL, DB_TYPE), first its own.
    url_schemes: tuple[str, ...]
    #: SQLAlchemy's name for the async driver we use (the scheme a URL is given).
    driver: str
    #: The server's port when DB_PORT is not set; None for a file.
    default_port: int | None
    #: A file its driver opens in this process, not a server: nothing can go silent (no
    #: breaker, no rollback on return), an interrupted statement leaves its connection
    #: usable, the URL is a path (no host, user, port) of which users see the file name.
    local_file: bool
    #: sqlglot's name for the dialect: the guard parses, the legacy pages write, with it.
    sqlglot_dialect: str
    #: Its quotes and comments, for the lexer that finds the code in a statement.
    lexicon: Lexicon
    #: What the read-only guard must know of it beyond the lexicon.
    guard: GuardRules
    #: An error aborts the whole transaction (PostgreSQL): a statement that may fail
    #: without failing the request (a probe, a count) runs inside a savepoint.
    savepoint_around_statements: bool
    #: A result with unread rows is drained to its end when closed (MySQL's unbuffered
    #: results): when rows are left, dropping the connection is cheaper.
    drain_unread_before_close: bool
    #: What makes the console's EXPLAIN return the plan (see ``explain_plan``).
    explain_prefix: str
    #: A browse page computes its long values' previews over the page's rows only, in an
    #: outer query (``select.page_select``): PostgreSQL evaluates the SELECT list below its
    #: sort, for every matching row. MariaDB evaluates it when sending (and would copy
    #: whole long values into a derived table); SQLite measured no difference.
    previews_after_limit: bool

    def prepare_url(self, url: URL, settings: Settings) -> URL:
        """The operator's URL (its driver already set) as this driver needs it: SQLite's
        file opened read-only, PostgreSQL's TLS mode."""

    def explain_plan(self, rows: Sequence[Any]) -> Any:
        """The plan the console shows, from the rows of ``explain_prefix`` + statement."""

    def is_system_table(self, name: str) -> bool:
        """A table the database keeps for itself in a user schema (SQLite's
        ``sqlite_*``); system schemas are ``system_schemas``."""

    def reflection_schema(self, schema: str) -> str | None:
        """The schema to give SQLAlchemy's inspector (SQLite's reads ``main`` with None)."""

    def reflected_name(self, name: str) -> str:
        """A name as SQLAlchemy's reflection returned it, made the real name (MySQL's
        leaves a backtick doubled, as SHOW CREATE TABLE writes it)."""

    def declared(self, sql_type: TypeEngine[Any]) -> TypeEngine[Any]:
        """A reflected type as the database declares it (MySQL: without what
        information_schema.COLUMN_TYPE omits)."""

    def connect_args(self, settings: Settings) -> dict[str, Any]:
        """Driver arguments that make every new connection read-only with a timeout (and
        TLS, where the driver takes it here rather than in the URL: aiomysql)."""

    def on_connect(self, dbapi_connection: Any, info: dict[str, Any], settings: Settings) -> None:
        """Per-connection set-up when the pool opens a connection (sync); ``info`` lives
        as long as the pooled connection and is where per-connection defaults are noted."""

    async def begin_read_only(
        self, conn: AsyncConnection, timeout: float, explicit: bool = False
    ) -> None:
        """Start a read-only transaction whose statements stop after ``timeout`` seconds."""

    async def end_read_only(self, conn: AsyncConnection) -> None:
        """Undo per-transaction changes (the transaction itself is rolled back by the caller)."""

    async def fetch_compiled(
        self, conn: AsyncConnection, statement: DriverStatement
    ) -> Sequence[Sequence[Any]] | None:
        """Every row of ``statement`` run on the driver connection directly, inside what
        ``begin_read_only`` began; None when this connection's state needs SQLAlchemy to
        send it (``db/statements.py``)."""

    async def stream_compiled(
        self, conn: AsyncConnection, statement: DriverStatement
    ) -> RowSource | None:
        """``statement`` started on the driver connection for an export to read in batches
        (an unbuffered result), or None when SQLAlchemy's result is as good."""

    async def reset_session(self, conn: AsyncConnection) -> None:
        """``end_read_only`` after a console statement (the user's own SQL): also clear
        whatever session state survives the rollback, so the next user of this pooled
        connection sees none of it, and restore what ``on_connect`` set. Raising makes
        the caller discard the connection instead."""

    async def cancel(self, engine: AsyncEngine, info: dict[str, Any]) -> None:
        """Stop the statement running on the connection whose ``info`` this is (its client
        went away, or its deadline passed), from outside it: ``engine`` gives an unpooled
        second connection for servers; SQLite is interrupted in place."""

    def drop(self, driver_connection: Any) -> None:
        """Close the driver's connection now, without the goodbye a graceful close waits
        for (a silent server never answers it)."""

    def problem(self, error: BaseException) -> DriverProblem | None:
        """What a driver error means (also inside SQLAlchemy's wrapper); None when ``error``
        did not come from the database or its driver."""

    def error_position(self, sql: str, message: str) -> int | None:
        """Where in ``sql`` (1-based) the database's ``message`` says it failed, for
        databases whose errors carry no position (``db/sql_position.py``); None when that
        place cannot be found unambiguously."""

    async def default_schema(self, conn: AsyncConnection) -> str:
        """The schema an unqualified name means for this login (PostgreSQL's search_path,
        MySQL's database, SQLite's ``main``): where a table without ``schema=`` is found."""

    async def can_write(self, conn: AsyncConnection) -> bool:
        """Whether this login could change data, were PyDBPro not read-only (checked once
        at start-up): operators are told to give PyDBPro a read-only login, since its own
        checks are one layer and the database's grants the real boundary."""

    async def list_schemas(self, conn: AsyncConnection) -> list[str]:
        """Every schema the user can see, system ones included (the catalog filters)."""

    async def list_tables(self, conn: AsyncConnection) -> list[TableInfo]:
        """Tables and views the user may SELECT from, with catalog row estimates."""

    async def view_dependencies(self, conn: AsyncConnection) -> ViewSources:
        """For each view and materialized view, the relations its definition reads directly
        (None: its definition could not be read). HIDDEN_TABLES hides a view over a hidden
        table, since reading the view reads the table; the catalog follows view chains."""

    async def referenced_by(self, conn: AsyncConnection, table: TableRef) -> list[ForeignKey]:
        """Foreign keys of other tables that point at ``table``."""

    async def table_ddl(self, conn: AsyncConnection, table: TableInfo) -> str:
        """The CREATE statement(s) of a table or view, as the database tells them (MySQL's
        SHOW CREATE, SQLite's stored text) or as its catalog lets them be rebuilt
        (PostgreSQL). A database error (a broken view, no privilege) is raised as usual."""

    async def triggers(self, conn: AsyncConnection, table: TableRef) -> list[Trigger]:
        """The triggers of a table or view, read-only: name, timing, event, definition."""

    async def partitions(self, conn: AsyncConnection, table: TableRef) -> list[Partition]:
        """The direct partitions of a partitioned table with their bounds (PostgreSQL)."""

    async def routines(self, conn: AsyncConnection) -> list[Routine]:
        """Functions, procedures and sequences of the user's schemas, names and signatures
        only (SHOW_ROUTINES); none where the database has none (SQLite)."""

    async def value_kinds(
        self, conn: AsyncConnection, table: TableRef, columns: list[str]
    ) -> dict[str, ColumnKind]:
        """Kinds of columns declared without a type, read from their values (SQLite views);
        columns it cannot tell are left out."""

    def readable(self, expr: Any, kind: ColumnKind) -> Any:
        """The column as this driver can read it (a type its driver cannot decode, as text)."""

    def char_length(self, expr: Any) -> Any:
        """SQL for the length of a text in characters."""

    def byte_length(self, expr: Any) -> Any:
        """SQL for the length of a binary value in bytes."""

    def json_text(self, expr: Any) -> Any:
        """SQL for a JSON column's value as its text."""

    def console_readings(
        self, result: Any, description: Sequence[Any], max_text: int, preview: int
    ) -> list[Reading] | None:
        """How to read a console statement's columns (``result`` is it as a subquery, its
        columns described by a probe) so that long values arrive in part; None where the
        dialect does not wrap statements."""

    def sql_csv(
        self, source: Any, columns: Sequence[Column], where: Any, keys: Sequence[SortKey],
        limit: int,
    ) -> SqlCsv | None:  # fmt: skip
        """An export's CSV written by the database (``db/sql_csv``: much faster than a
        Python object per cell), or None when a column needs the row path."""

    def sql_sheet(
        self, source: Any, columns: Sequence[Column], where: Any, keys: Sequence[SortKey],
        limit: int, server_version: tuple[Any, ...] | None,
    ) -> SqlSheet | None:  # fmt: skip
        """An export's XLSX sheet rows written by the database (``db/sql_sheet``), or None
        when a column (or the server's ``server_version``) needs the Python path."""

    def bind_value(self, value: Any) -> Any:
        """Adapt a converted filter value to what this driver binds correctly."""

    async def estimate_rows(self, conn: AsyncConnection, query: Select[Any]) -> int | None:
        """The planner's estimate of how many rows ``query`` returns (its EXPLAIN: nothing
        runs), for a filtered page's ``count=estimate``; None where the database gives
        none (SQLite's query plan has no row counts)."""

    def temporal(self, expr: Any) -> Any:
        """Wrap a date/time column or value so that comparisons compare moments, not text."""

    def date_bucket(self, expr: Any, unit: DateUnit, column: Column) -> Any:
        """SQL for the first day of the calendar ``unit`` (day, week from Monday, month,
        year) that holds ``column``'s value, as a date: the aggregate's ``group=<c>:<unit>``.
        A moment with a time zone is bucketed in UTC, the zone the data API shows it in.
        ``unit`` is one of ``DateUnit``'s, so it may be written into the SQL as a constant
        (the same SQL text in the SELECT list and the GROUP BY)."""

    async def column_stats(self, conn: AsyncConnection, table: TableRef) -> dict[str, ColumnStats]:
        """What the planner keeps about each column of ``table``, by column name, read from
        the catalog (nothing scans the table); columns it keeps nothing for are left out."""


class Explain(Executable, ClauseElement):
    """``prefix`` (``EXPLAIN ...``) and a statement built with SQLAlchemy, its values still
    bound: how an adapter asks the planner about a browse query."""

    inherit_cache = False  # rare and cheap to compile: not worth a cache key

    def __init__(self, prefix: str, statement: Select[Any]) -> None:
        self.prefix = prefix
        self.statement = statement


@compiles(Explain)
def _compile_explain(element: Explain, compiler: Any, **kw: Any) -> str:
    return f"{element.prefix}{compiler.process(element.statement, **kw)}"


@cache
def sql_resource(name: str) -> str:
    """A catalog query kept as a .sql file beside the adapters (readable, testable SQL)."""
    return (Path(__file__).parent / "sql" / name).read_text(encoding="utf-8")


def json_plan(rows: Sequence[Any]) -> Any:
    """EXPLAIN ... FORMAT JSON's one value (its text, or a list the driver decoded)."""
    plan = rows[0][0]
    return json.loads(plan) if isinstance(plan, str) else plan


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def parsed_view_sources(views: Iterable[tuple[TableRef, str]], dialect: str) -> ViewSources:
    """`ViewSources` from view definitions read with sqlglot, for a catalog that does not
    keep them (SQLite, MariaDB): an unqualified source is in the view's schema; a definition
    that cannot be read (or that the login may not see: MySQL shows it empty) is None."""
    found: ViewSources = {}
    for view, definition in views:
        try:
            refs = view_sources(definition, dialect) if definition else None
        except Exception:  # sqlglot could not read it: the catalog takes the safe side
            refs = None
        found[view] = (
            None if refs is None else frozenset(TableRef(s or view.schema, n) for s, n in refs)
        )
    return found
