"""XLSX sheet rows written by the database: each row's SpreadsheetML as one text value.

The XLSX writer's Python path costs a Python object and a format call per cell (about
8,000 rows/s for seven columns on this project's benchmark machine); a SELECT that builds
each ``<row>`` element itself leaves Python only the row numbers and the compression. Like
``db/sql_csv``, a dialect renders a column only where it writes exactly the bytes the
Python path writes (``export/xlsx_cells.py``, rules in ``sheet_xml.py``); any other column
sends the whole export down the Python path (the plan is None). A test compares both paths
byte for byte on the type fixtures.

The statement returns one text column, a row's XML with ``sheet_xml.ROW_NUMBER`` where its
number goes, read in batches; or (``copy``, PostgreSQL) the database streams whole numbered
rows as bytes. The column widths come from the first rows read as plain values beforehand
(``RowStream``), as the Python path takes them from its first batch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True)
class SqlSheet:
    """How the database writes an export's sheet rows."""

    writer: str  # its name in the activity log
    select: Select[Any]  # one text column: each row's XML, in the export's order and cap
    prepare: Callable[[AsyncConnection], Awaitable[None]] | None = None  # before it runs
    #: The rows' XML streamed by the database (connection, ``select``, a list that gets
    #: the row count at the end), instead of one row per result row.
    copy: Callable[[AsyncConnection, Select[Any], list[int]], AsyncIterator[bytes]] | None = None
