"""The SQL console: one checked, read-only, time-limited and row-capped statement.

Layer 1 is ``sql_guard.check_statement``; layers 2 and 3 are
``reading.read_only_connection`` (a READ ONLY transaction, the statement timeout), which
also resets the session afterwards, so nothing a statement leaves in it reaches the next
request on that pooled connection. Rows are fetched in batches from a server-side cursor
and fetching stops at the row cap, so a huge result never sits in memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, column, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..column_kind import ColumnKind
from ..errors import BadRequest, Forbidden, SqlError
from . import placeholders
from .batching import BatchSizer
from .catalog import Catalog
from .engine import Database
from .kinds import column_kind
from .models import ResultColumn
from .placeholders import Statement
from .previews import BINARY_PREVIEW, Reading, flat, rows_of
from .reading import read_only_connection
from .results import make_row_encoder
from .sql_format import format_sql
from .sql_guard import Verdict, check_statement
from .sql_position import parse_error_at

BATCH = 500
#: Statements a probe may wrap as a subquery to read long values in part.
WRAPPABLE = frozenset({"SELECT", "VALUES", "TABLE"})


@dataclass
class QueryResult:
    columns: list[ResultColumn]
    rows: list[list[Any]]
    row_count: int
    truncated: bool
    elapsed_ms: float
    statement_type: str


class Console:
    def __init__(self, db: Database, catalog: Catalog) -> None:
        self.db = db
        self.catalog = catalog

    async def check(self, sql: str) -> Verdict:
        """Layer 1: refuse anything but a plain read, or one naming a hidden table, with
        the reason (403)."""
        hidden = await self.catalog.hidden_test()
        denied = self.db.settings.sql_denied_functions
        verdict = check_statement(sql, self.db.adapter, denied, hidden)
        if not verdict.allowed:
            # Refused because it could not be parsed: sqlglot's stop is the likely culprit.
            at = None if verdict.parsed else parse_error_at(sql, self.db.adapter.sqlglot_dialect)
            raise Forbidden(verdict.reason or "this statement is not allowed",
                            code="READ_ONLY_VIOLATION",
                            details={"position": at} if at else None)  # fmt: skip
        return verdict

    async def prepare(self, sql: str, params: dict[str, Any]) -> tuple[Verdict, Statement]:
        """Checked (403 unless a plain read) and with its placeholders matched to ``params``
        (400 on a missing or unknown one): everything before the database sees it."""
        verdict = await self.check(sql)
        return verdict, placeholders.prepare(sql, self.db.adapter.lexicon, params)

    def placeholders(self, sql: str) -> frozenset[str]:
        """The ``:name`` placeholders the console would bind in ``sql`` (in code only)."""
        return placeholders.placeholder_names(sql, self.db.adapter.lexicon)

    async def run(self, sql: str, params: dict[str, Any], max_rows: int) -> QueryResult:
        """Run one user statement: checked by the guard (a refusal is 403 before the
        database sees it), bound with ``:name`` parameters, inside a READ ONLY transaction
        with the statement time limit, fetched up to ``max_rows`` (``truncated`` says when
        more existed). The session is reset afterwards so nothing the statement set leaks
        into the next request on that pooled connection."""
        verdict, statement = await self.prepare(sql, params)
        started = time.perf_counter()
        try:
            async with read_only_connection(self.db, explicit=True, reset=True) as conn:
                wrapped = None
                if verdict.statement_type in WRAPPABLE and self.db.adapter.wraps_console:
                    wrapped = await self._wrapped(conn, statement, params)
                columns, rows, truncated = await self._fetch(conn, statement, params,
                                                             max_rows, wrapped)  # fmt: skip
        except SqlError as error:
            details = {k: v for k, v in (error.details or {}).items() if k != "position"}
            # The database counts in the text it ran, where each :name became the driver's
            # own marker ($1, %s, ?): a position there would point elsewhere.
            if not statement.names:
                at = (error.details or {}).get("position") or self.db.adapter.error_position(
                    sql, error.message)  # fmt: skip
                details |= {"position": at} if at else {}
            error.details = details or None
            raise
        elapsed = (time.perf_counter() - started) * 1000
        return QueryResult(columns, rows, len(rows), truncated, round(elapsed, 2),
                           verdict.statement_type)  # fmt: skip

    async def _wrapped(
        self, conn: AsyncConnection, statement: Statement, params: dict[str, Any]
    ) -> _Wrapped | None:
        """How to read the statement so that long values arrive in part (previews.py), from
        a probe of its columns; None where the dialect or the statement does not allow it
        (two columns of one name cannot be told apart in a subquery)."""
        settings = self.db.settings
        probe = statement.clause("SELECT * FROM (\n", ") AS pydbpro_q LIMIT 0", bare=True)
        adapter = self.db.adapter
        savepoint = await conn.begin_nested() if adapter.savepoint_around_statements else None
        try:
            result = await conn.execute(probe, params)
        except DBAPIError:
            if savepoint is not None:
                await savepoint.rollback()
            return None  # the statement runs as written; its own error shows then
        if savepoint is not None:
            await savepoint.commit()
        names = list(result.keys())
        description = result.cursor.description if result.cursor is not None else None
        if not names or len(set(names)) != len(names) or description is None:
            return None
        subquery = statement.clause(bare=True).columns(*map(column, names)).subquery("pydbpro_q")
        readings = adapter.console_readings(
            subquery, description, settings.max_cell_text, BINARY_PREVIEW
        )
        if readings is None:
            return None
        return _Wrapped(select(*flat(readings)).select_from(subquery), readings, names)

    async def _fetch(
        self, conn: AsyncConnection, statement: Statement, params: dict[str, Any],
        max_rows: int, wrapped: _Wrapped | None,
    ) -> tuple[list[ResultColumn], list[list[Any]], bool]:  # fmt: skip
        """Rows in batches sized to a byte budget, each encoded at once, so a request holds
        the encoded result and one batch; errors raised here, at any fetch, are translated
        once by ``read_only_connection``."""
        query = wrapped.query if wrapped is not None else statement.clause()
        readings = wrapped.readings if wrapped is not None else None
        result = await conn.stream(query, params)
        names = wrapped.names if wrapped is not None else list(result.keys())
        encoded = _Encoded(names, self.db.adapter.duration_kind, self.db.settings.max_cell_text)
        sizer = BatchSizer(most=BATCH)
        fetched = 0
        while fetched <= max_rows:
            batch = await result.fetchmany(min(sizer.size, max_rows + 1 - fetched))
            if not batch:
                break
            sizer.seen(batch)
            fetched += len(batch)
            rows = rows_of(batch, readings) if readings else [tuple(r) for r in batch]
            encoded.add(rows[: max(0, max_rows - (fetched - len(batch)))])
        truncated = fetched > max_rows
        if truncated and self.db.adapter.drain_unread_before_close:
            # An unbuffered MySQL result must be read to its end before the connection can
            # be reused; dropping the connection stops the server instead of draining it.
            await conn.invalidate()
        else:
            await result.close()
        return encoded.columns(), encoded.rows, truncated

    def format(self, sql: str) -> str:
        """``sql`` laid out for reading, in the connection's dialect (``sql_format``)."""
        return format_sql(sql, self.db.adapter.sqlglot_dialect, self.db.adapter.lexicon)

    async def explain(self, sql: str, params: dict[str, Any]) -> Any:
        verdict, statement = await self.prepare(sql, params)
        if verdict.statement_type != "SELECT":
            raise BadRequest("only SELECT statements can be explained", code="BAD_EXPLAIN")
        async with read_only_connection(self.db, explicit=True, reset=True) as conn:
            explain = statement.clause(self.db.adapter.explain_prefix)
            rows = (await conn.execute(explain, params)).all()
        return self.db.adapter.explain_plan(rows)


@dataclass(frozen=True)
class _Wrapped:
    """A console statement read through a subquery: long values arrive in part."""

    query: Select[Any]
    readings: list[Reading]
    names: list[str]  # the statement's own column names (the wrapper's are anonymous)


class _Encoded:
    """A console result encoded batch by batch; a column's kind is the kind of its first
    value that is not NULL (ad-hoc results carry no dependable types), decided once."""

    def __init__(self, names: list[str], duration: ColumnKind, max_text: int) -> None:
        self.names = names
        self.duration = duration
        self.max_text = max_text
        self.kinds: list[ColumnKind] = [ColumnKind.OTHER] * len(names)
        self.decided = [False] * len(names)
        self.rows: list[list[Any]] = []

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        for i, done in enumerate(self.decided):
            if not done:
                kind = column_kind(rows, i, self.duration)
                if kind is not ColumnKind.OTHER or any(r[i] is not None for r in rows):
                    self.kinds[i], self.decided[i] = kind, True
        encode = make_row_encoder(self.kinds, max_text=self.max_text)
        self.rows.extend(encode(row) for row in rows)

    def columns(self) -> list[ResultColumn]:
        return [ResultColumn(n, k.value, k) for n, k in zip(self.names, self.kinds, strict=True)]
