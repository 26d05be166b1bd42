"""Row streams for exports: a table's filtered result or a console statement, read in batches
from a server-side cursor inside one read-only transaction.

Opening a stream does everything that can still fail as an ordinary error (an unknown
column, a refused statement, a syntax error, an unreachable server) and reads the first
batch, so the HTTP layer answers 4xx/5xx before the first byte. After that the stream only
yields batches; the caller closes it, or aborts it when the client went away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..column_kind import ColumnKind
from ..errors import QueryTimeout
from .adapters.base import Problem, RowSource
from .batch_encoding import make_whole_batch_encoder
from .batching import BatchSizer
from .browse import BrowseParams, Browser
from .catalog import readable
from .console import Console
from .engine import Database
from .export_values import make_plain_rows
from .kinds import column_kind
from .models import ResultColumn, TableInfo
from .placeholders import Statement
from .reading import StreamSession, translate_db_error
from .sql_csv import SqlCsv, csv_lines
from .sql_sheet import SqlSheet

log = logging.getLogger(__name__)
BATCH = 2000
#: Failures of the counting statement that are not about its SQL: the export fails too.
_NOT_SQL = frozenset({Problem.TIMEOUT, Problem.CONNECTION})
Batch = list[Any]  # driver rows (SQLAlchemy Row objects: sequences)


class Started(NamedTuple):
    """What a stream's first step gave: its result (None when the CSV statement runs later,
    in ``copy_csv``) and whether the row cap cuts it (None when only the end will tell)."""

    result: RowSource | None
    truncated: bool | None


#: A stream's first step, on its connection: counting and starting its statement.
Start = Callable[[AsyncConnection], Awaitable[Started]]


class RowStream:
    """An opened export: columns, whether the row cap cuts it, and its rows on demand.

    Made by ``open``, which runs the first step and reads the first batch."""

    def __init__(
        self,
        session: StreamSession,
        row_limit: int,
        columns: list[ResultColumn],
        sql_csv: SqlCsv | None,
        filters: list[dict[str, Any]],
        sort: list[dict[str, str]],
        sql_sheet: SqlSheet | None = None,
    ) -> None:
        """``session``: opened; ``sql_csv``: the database may write the CSV (``can_copy``);
        ``sql_sheet``: the XLSX sheet rows (``sheet_rows``), the first batch being only the
        sample that gives the column widths."""
        self.columns = columns
        self.row_limit = row_limit
        #: True/False when known before the first byte; None when only the end will tell.
        self.truncated: bool | None = None
        self.filters = filters
        self.sort = sort
        self.rows_read = 0
        self._session: StreamSession | None = session
        self._result: RowSource | None = None
        self._first: Batch = []
        self._timeout = session.timeout
        self._deadline = time.monotonic() + session.timeout
        self._exhausted = False
        self._sql_csv = sql_csv
        self._sql_sheet = sql_sheet
        self._sizer = BatchSizer(most=BATCH)

    @classmethod
    async def open(
        cls,
        db: Database,
        start: Start,
        row_limit: int,
        *,
        columns: list[ResultColumn] | None = None,
        sql_csv: SqlCsv | None = None,
        sql_sheet: SqlSheet | None = None,
        filters: list[dict[str, Any]] | None = None,
        sort: list[dict[str, str]] | None = None,
        reset: bool = False,
    ) -> RowStream:
        """A stream in a new read-only transaction, its first batch read, so that every
        failure is still an ordinary error. ``columns`` None: the result's own, their kinds
        taken from the first batch (a console statement, as in the console). ``reset``: the
        user's own SQL runs (see ``read_only_connection``)."""
        timeout = db.settings.export_query_time
        session = StreamSession(db, timeout, reset=reset)
        conn = await session.open()
        stream = cls(session, row_limit, columns or [], sql_csv, filters or [], sort or [],
                     sql_sheet)  # fmt: skip
        try:
            await stream._start(conn, start, own_columns=columns is None)
        except BaseException as error:
            await stream.close(aborted=True)
            if isinstance(error, Exception):
                raise translate_db_error(db, error, timeout) from None
            raise
        return stream

    async def _start(self, conn: AsyncConnection, start: Start, own_columns: bool) -> None:
        assert self._session is not None
        async with self._session.watched():
            self._result, self.truncated = await start(conn)
            self._first = await self._fetch()
        if own_columns:
            self.columns = self._result_columns(self._session.db.adapter.duration_kind)

    def _result_columns(self, duration: ColumnKind) -> list[ResultColumn]:
        names = list(self._result.keys()) if self._result is not None else []
        columns = []
        for i, name in enumerate(names):
            kind = column_kind(self._first, i, duration)
            columns.append(ResultColumn(name, kind.value, kind))
        return columns

    @property
    def can_copy(self) -> bool:
        """Whether ``copy_csv`` is available (the database renders every column)."""
        return self._sql_csv is not None

    @property
    def csv_writer(self) -> str:
        """What writes this stream's file rows (CSV or XLSX), for the activity log."""
        plan = self._sql_csv or self._sql_sheet
        return plan.writer if plan is not None else "rows"

    @property
    def sheet_sample(self) -> list[tuple[object, ...]] | None:
        """When the database writes the XLSX sheet rows (``sheet_rows``): the first rows as
        plain values, read in ``open`` (the writer sizes the columns by them); else None."""
        if self._sql_sheet is None:
            return None
        return make_plain_rows([c.kind for c in self.columns])(self._first)

    async def sheet_rows(self) -> AsyncGenerator[Batch, None]:
        """Batches of one-column rows, each a data row's XML with ``ROW_NUMBER`` for its
        number, or each a chunk of numbered rows as bytes (``db/sql_sheet``), instead of
        ``batches``; the row cap is the statement's LIMIT, truncation known from the count."""
        session, plan = self._session, self._sql_sheet
        if session is None or session.conn is None or plan is None:
            return
        self._first = []
        try:
            if self._result is not None:
                result, self._result = self._result, None
                await result.close()  # the sample's, read to its end
            if plan.prepare is not None:
                await plan.prepare(session.conn)
            if plan.copy is None:
                self._result = await session.conn.stream(plan.select)
        except Exception as error:
            raise translate_db_error(session.db, error, self._timeout) from None
        self._exhausted = False
        if plan.copy is not None:
            counted: list[int] = []
            try:
                async for chunk in plan.copy(session.conn, plan.select, counted):
                    yield [(chunk,)]
            except Exception as error:
                raise translate_db_error(session.db, error, self._timeout) from None
            self.rows_read = counted[0] if counted else 0
            self._exhausted = True
        while rows := await self._fetch():
            self.rows_read += len(rows)
            yield rows
        self.truncated = bool(self.truncated)

    async def copy_csv(self, delimiter: str) -> AsyncIterator[bytes]:
        """The CSV data lines written by the database (no header), instead of ``batches``:
        PostgreSQL's COPY, or one ready line per row read in batches (MySQL, SQLite)."""
        session, plan = self._session, self._sql_csv
        if session is None or session.conn is None or plan is None:
            return
        if plan.copy is None:
            async for chunk in self._lines(session, plan, delimiter):
                yield chunk
            return
        counted: list[int] = []
        try:
            async for chunk in plan.copy(session.conn, plan.select(delimiter), delimiter, counted):
                yield chunk
        except Exception as error:
            raise translate_db_error(session.db, error, self._timeout) from None
        self.rows_read = counted[0] if counted else 0
        self._exhausted = True

    async def _lines(
        self, session: StreamSession, plan: SqlCsv, delimiter: str
    ) -> AsyncIterator[bytes]:
        conn = session.conn
        assert conn is not None
        try:
            if plan.prepare is not None:
                await plan.prepare(conn)
            self._result = await conn.stream(plan.select(delimiter))
        except Exception as error:
            raise translate_db_error(session.db, error, self._timeout) from None
        while rows := await self._fetch():
            self.rows_read += len(rows)
            yield (plan.lines or csv_lines)(rows)

    async def batches(self, encoded: bool = False) -> AsyncGenerator[Batch, None]:
        """Plain-value rows (``export_values``), or ``encoded``: the data API's JSON values
        (``results.py``) with nothing cut; at most ``row_limit`` of them."""
        kinds = [c.kind for c in self.columns]
        # encoded: whole, as an export is the place to get every character a page shows cut
        convert = make_whole_batch_encoder(kinds) if encoded else make_plain_rows(kinds)
        batch, self._first = self._first, []
        while batch:
            room = self.row_limit - self.rows_read
            if len(batch) > room:
                batch, self.truncated = batch[:room], True
            self.rows_read += len(batch)
            yield convert(batch)
            if self.rows_read >= self.row_limit:
                more = await self._fetch(1)  # also reads a MySQL result to its end
                self.truncated = bool(self.truncated or more)
                break
            batch = await self._fetch()
        if self.truncated is None:
            self.truncated = False

    async def _fetch(self, size: int | None = None) -> Batch:
        """The next batch: ``size`` rows, or as many as the byte budget allows."""
        if self._result is None or self._session is None:
            return []
        if time.monotonic() > self._deadline:
            raise QueryTimeout(f"the export exceeded {self._timeout:g} s and was stopped")
        wanted = size if size is not None else self._sizer.size
        try:
            rows = list(await self._result.fetchmany(wanted))
        except Exception as error:
            raise translate_db_error(self._session.db, error, self._timeout) from None
        self._exhausted = len(rows) < wanted
        self._sizer.seen(rows)
        return rows

    async def close(self, aborted: bool = False) -> None:
        """Idempotent. ``aborted``: stop the statement and discard the connection."""
        session, self._session, result, self._result = self._session, None, self._result, None
        if session is None:
            return
        # An unbuffered MySQL result with unread rows cannot be closed without reading them
        # all: stopping the statement and dropping the connection is cheaper.
        unread = not self._exhausted and session.db.adapter.drain_unread_before_close
        if aborted or unread:
            await session.abort()
            return
        try:
            if result is not None:
                await result.close()
        except Exception:
            await session.abort()
            return
        await session.close()

    @property
    def closed(self) -> bool:
        return self._session is None


class Exports:
    """Opens row streams; the HTTP layer turns them into files."""

    def __init__(self, db: Database, browser: Browser, console: Console):
        self.db = db
        self.browser = browser
        self.console = console

    async def table(
        self,
        table: TableInfo,
        params: BrowseParams,
        limit: int,
        copy: bool = False,
        sheet: bool = False,
    ) -> RowStream:
        """``copy``: the caller wants CSV, so the database may write it (``can_copy``);
        ``sheet``: the caller wants XLSX, so the database may write its rows (``sheet_rows``)."""
        selection = await self.browser.selection(table, params, limit)
        sql_csv = selection.sql_csv if copy else None
        sql_sheet = selection.sql_sheet if sheet else None

        async def start(conn: AsyncConnection) -> Started:
            truncated = (await conn.execute(selection.beyond)).first() is not None
            if sql_csv is not None:
                return Started(None, truncated)  # the CSV statement runs when the body is sent
            if sql_sheet is not None:  # the widths' sample; the rows' statement runs later
                return Started(await conn.stream(selection.sample), truncated)
            return Started(await self._rows(conn, selection.query), truncated)

        async with readable(table):
            return await RowStream.open(
                self.db,
                start,
                limit,
                columns=selection.columns,
                sql_csv=sql_csv,
                sql_sheet=sql_sheet,
                filters=selection.filters,
                sort=selection.sort,
            )

    async def _rows(self, conn: AsyncConnection, query: Any) -> RowSource:
        """The export's statement started: read by the adapter where it reads a result
        faster than SQLAlchemy (``stream_compiled``), else by SQLAlchemy."""
        statement = self.db.statements.prepare(query)
        if statement is not None:
            rows = await self.db.adapter.stream_compiled(conn, statement)
            if rows is not None:
                return rows
        return await conn.stream(query)

    async def query(self, sql: str, params: dict[str, Any], limit: int) -> RowStream:
        """A console statement, checked by the same guard; its column kinds come from the
        first batch, as in the console."""
        verdict, statement = await self.console.prepare(sql, params)

        async def start(conn: AsyncConnection) -> Started:
            truncated = None
            if verdict.statement_type == "SELECT":
                truncated = await self._bounded_count(conn, statement, params, limit)
            return Started(await conn.stream(statement.clause(), params), truncated)

        return await RowStream.open(self.db, start, limit, reset=True)

    async def _bounded_count(
        self, conn: AsyncConnection, statement: Statement, params: dict[str, Any], limit: int
    ) -> bool | None:
        """Whether the statement returns more than ``limit`` rows, so the truncation header
        can be sent before the file. It runs the statement a second time (stopping after
        limit + 1 rows); a statement that cannot be wrapped as a subquery gets None."""
        # The statement passed the guard (one read-only statement); it is only wrapped.
        counting = statement.clause(
            "SELECT count(*) FROM (SELECT 1 AS one FROM (\n",
            f") AS pydbpro_q LIMIT {int(limit) + 1}) AS pydbpro_c",
            bare=True,
        )
        isolated = self.db.adapter.savepoint_around_statements
        savepoint = await conn.begin_nested() if isolated else None
        try:
            counted = (await conn.execute(counting, params)).scalar_one()
        except DBAPIError as error:
            found = self.db.adapter.problem(error)
            if error.connection_invalidated or (found and found.problem in _NOT_SQL):
                raise
            if savepoint is not None:
                await savepoint.rollback()
            log.info("query export: the row count was not available (%s)", type(error).__name__)
            return None
        if savepoint is not None:
            await savepoint.commit()
        return int(counted) > limit


def describe_filters(filters: Sequence[dict[str, Any]], match: str) -> str:
    """Filters in words for the file's provenance: ``kind = purchase and amount > 500``."""
    if not filters:
        return "none"
    joiner = " and " if match == "all" else " or "
    return joiner.join(
        f"{f['column']} {f['op']}" + ("" if f["value"] is None else f" {f['value']}")
        for f in filters
    )
