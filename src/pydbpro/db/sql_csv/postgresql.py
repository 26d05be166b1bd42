"""PostgreSQL's CSV: ``COPY (SELECT ...) TO STDOUT`` writes the file itself.

Rows then never become Python objects, which makes a big table's export several times
faster. The SELECT renders each column as exactly the text ``export/text.py`` documents, and
``COPY ... CSV FORCE_QUOTE *`` quotes like ``export/csv.py`` (every value quoted, NULL an
empty unquoted field), so both paths give the same bytes; a test holds them together. A
column whose text PostgreSQL cannot render the same way (intervals, arrays, time with time
zone, network types...) sends the whole export down the ordinary path, and so does a single
nullable column: COPY writes its NULL as an empty line, the csv module as ``""``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import Select, case, cast, func, literal, literal_column, null, select, text
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import Text

from ...column_kind import ColumnKind as K
from ..models import Column
from ..select import SortKey, order_by
from . import SqlCsv

#: Kinds whose PostgreSQL text output already is the documented text (intervals with
#: IntervalStyle iso_8601, as ``values.Interval.iso`` writes them).
_AS_IS = frozenset({K.INTEGER, K.BIGINT, K.DECIMAL, K.TEXT, K.ENUM, K.UUID, K.JSON, K.INTERVAL})
#: The moments Python holds; the row path writes any other (infinity, BC, year 10000+) as
#: PostgreSQL's own text (``values.DbText``), and so does COPY.
_PYTHON_RANGE = ("0001-01-01 00:00:00", "9999-12-31 23:59:59.999999")
#: asyncpg inlines parameters by replacing ``$n`` in the statement text, identifiers too.
_PLACEHOLDER_LIKE = re.compile(r"\$\d")
#: Session settings the text forms depend on, for this transaction only.
SETTINGS = text(
    "SELECT set_config('DateStyle', 'ISO, YMD', true), "
    "set_config('extra_float_digits', '1', true), "
    "set_config('IntervalStyle', 'iso_8601', true), set_config('TimeZone', 'UTC', true)"
)
_QUEUED_CHUNKS = 8  # backpressure: COPY waits while the client is slow


def column_text(expr: Any, column: Column) -> Any | None:
    """``expr`` as SQL text equal to ``cell_text`` of its plain value, or None."""
    zoned = "WITH TIME ZONE" in column.type.upper()
    if column.kind in _AS_IS:
        return expr
    if column.kind is K.BOOLEAN:
        return case((expr.is_(True), literal("true")), (expr.is_(False), literal("false")))
    if column.kind is K.FLOAT:
        return cast(expr, DOUBLE_PRECISION)  # real too: Python sees it as a double
    if column.kind is K.BINARY:
        return func.encode(expr, "hex")
    if column.kind is K.TIME and not zoned:
        return expr
    if column.kind is K.DATE:
        return cast(expr, Text)  # the ISO form, or PostgreSQL's text outside Python's range
    if column.kind is K.DATETIME:
        local = func.timezone("UTC", expr) if zoned else expr
        moment = func.replace(cast(local, Text), " ", "T")
        return in_python_range(local, moment.concat("Z") if zoned else moment, expr)
    return None


def in_python_range(local: Any, rendered: Any, expr: Any) -> Any:
    """``rendered`` for a moment Python holds, else the database's own text of ``expr``
    (``infinity``, ``0044-03-15 00:00:00+00 BC``: TimeZone is UTC for the export)."""
    low, high = _PYTHON_RANGE
    return case(
        (expr.is_(None), null()),
        (local.between(literal_column(f"'{low}'"), literal_column(f"'{high}'")), rendered),
        else_=cast(expr, Text),
    )


def plan(
    source: Any, columns: Sequence[Column], where: Any, keys: Sequence[SortKey], limit: int
) -> SqlCsv | None:
    """The export as COPY's CSV, or None when a column needs the row path."""
    query = copy_select(source, columns, where, keys, limit)
    return None if query is None else SqlCsv("postgresql-copy", copy_rows, lambda _: query)


_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


def copy_select(
    source: Any,
    columns: Sequence[Column],
    where: Any,
    keys: Sequence[SortKey],
    limit: int,
) -> Select[Any] | None:
    """The export's SELECT with every column rendered as text, or None when one cannot be."""
    if len(columns) == 1 and columns[0].nullable:
        return None
    rendered = []
    for column in columns:
        expr = column_text(source.c[column.name], column)
        if expr is None or _PLACEHOLDER_LIKE.search(column.name):
            return None
        rendered.append(expr.label(column.name))
    query = select(*rendered).select_from(source)
    if where is not None:
        query = query.where(where)
    query = query.order_by(*order_by(source, keys)).limit(limit)
    return query if copy_fits(query) else None


async def copy_rows(
    conn: AsyncConnection, query: Select[Any], delimiter: str, counted: list[int]
) -> AsyncIterator[bytes]:
    """The CSV lines of ``query`` as PostgreSQL sends them; ``counted`` gets the row count
    when COPY has finished. Stopping early cancels the COPY (the caller then discards the
    connection)."""
    async for chunk in copy_out(conn, query, counted, delimiter=delimiter, force_quote=True):
        yield chunk


#: asyncpg sends COPY's parameters inlined by one SELECT of quote_literal() per value, and
#: a SELECT lists at most 1,664 entries.
MAX_COPY_PARAMETERS = 1600


def copy_fits(query: Select[Any]) -> bool:
    """Whether COPY can run ``query``: a very wide table's statement has too many values."""
    compiled = query.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
    return len(compiled.positiontup or ()) <= MAX_COPY_PARAMETERS


def placeholder_free(columns: Sequence[Column]) -> bool:
    """Whether COPY can run a statement on these columns (see ``_PLACEHOLDER_LIKE``)."""
    return not any(_PLACEHOLDER_LIKE.search(column.name) for column in columns)


async def copy_out(
    conn: AsyncConnection, query: Select[Any], counted: list[int], **options: Any
) -> AsyncIterator[bytes]:
    """``COPY (query) TO STDOUT`` in CSV with asyncpg's ``options``, in chunks as they come
    (a few queued: COPY waits while the reader is slow); ``counted`` as in ``copy_rows``."""
    await conn.execute(SETTINGS)
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = [params[name] for name in compiled.positiontup or ()]
    raw: Any = (await conn.get_raw_connection()).driver_connection  # asyncpg: untyped
    chunks: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue(_QUEUED_CHUNKS)

    async def run() -> None:
        try:
            status = await raw.copy_from_query(
                compiled.string, *args, output=chunks.put, format="csv", **options
            )
            counted.append(int(status.rsplit(" ", 1)[-1]))
            await chunks.put(None)
        except BaseException as error:  # handed to the reader, who raises it
            await chunks.put(error)
            raise

    task = asyncio.get_running_loop().create_task(run())
    try:
        while (chunk := await chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield bytes(chunk)  # asyncpg hands out memoryviews of its buffer
    finally:
        if not task.done():
            task.cancel()
            await asyncio.wait([task])
        elif not task.cancelled():
            task.exception()  # retrieved: already raised above if it failed
