"""What the database's planner knows of a table's columns, read without scanning the table.

Each database keeps its own (``DialectAdapter.column_stats``): PostgreSQL's ``pg_stats``
after ANALYZE (distinct values, the NULL share, the most common values and a histogram),
MariaDB's ``mysql.column_stats`` after ``ANALYZE TABLE ... PERSISTENT`` (or only the
indexes' cardinality), SQLite's ``sqlite_stat1`` (the indexes' rows per value). A column
profile falls back on it when counting takes too long; facets may suggest columns by it.

The values the catalog keeps are often its text (PostgreSQL's arrays of ``anyarray``,
MariaDB's min and max): ``typed_value`` makes them the column's type where the text
reads as one, so that they are encoded like any cell.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, DatabaseBusy, DatabaseUnavailable, QueryTimeout
from .counting import ESTIMATE_SECONDS
from .engine import Database
from .filters import convert
from .models import Column, ColumnStats, TableInfo
from .reading import run_read


async def planner_stats(db: Database, table: TableInfo) -> dict[str, ColumnStats]:
    """The planner's statistics of every column of ``table`` it keeps them for, by name;
    none when the database does not answer within ESTIMATE_SECONDS (an estimate is a
    courtesy, never worth failing a request for)."""
    try:
        return await run_read(
            db, lambda conn: db.adapter.column_stats(conn, table.ref), ESTIMATE_SECONDS
        )
    except (QueryTimeout, DatabaseBusy, DatabaseUnavailable):
        return {}


def typed_value(value: Any, column: Column) -> Any:
    """A value the catalog keeps as text, as the column's Python type where it reads as one
    (as a filter value would), else unchanged."""
    if not isinstance(value, str):
        return value
    try:
        return convert(value, column)
    except (BadRequest, KeyError):  # text of another form, or a kind read as it is (JSON)
        return value


def rows_of(share: float | None, rows: int | None) -> int | None:
    """A share of the table's rows as a number of rows, when both are known."""
    return None if share is None or rows is None else round(share * rows)
