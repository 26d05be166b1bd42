"""CSV written by the database: each dialect renders an export's rows as the documented text.

Python's row path (driver values -> ``export_values`` -> ``export/text.py`` -> the csv
module) costs a Python object per cell; for a big table that, not the database, is the
export's time. So where a dialect can render a column as exactly the bytes the row path
writes, the database does it:

- PostgreSQL (``postgresql.py``): ``COPY (SELECT <each column as text>) TO STDOUT CSV
  FORCE_QUOTE *`` writes whole chunks of the file.
- MariaDB/MySQL (``mysql.py``) and SQLite (``sqlite.py``): a SELECT of ONE text column, the
  complete CSV line (every value quoted, quotes doubled, NULL an empty unquoted field),
  read in batches like any other result; Python only joins the lines. A column SQL cannot
  write exactly and cheaply (SQLite's REAL: Python's shortest repr) may instead be selected
  as its value and formatted by Python a batch at a time (``InPython``): the line is then
  the SQL-written pieces with those fields between them.

Each dialect's adapter says which it uses (``adapter.sql_csv``). A column a dialect
cannot render exactly sends the whole export down the row path (the plan is None). Tests
compare both paths byte for byte on every backend.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from sqlalchemy import Select, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ...column_kind import ColumnKind
from ...export.text import cell_text
from ..export_values import plain_value
from ..models import Column
from ..select import SortKey, order_by

#: A database's own bulk copy of a statement's rows as CSV chunks (PostgreSQL's COPY):
#: (connection, statement, delimiter, a list that receives the row count at the end).
CopyRows = Callable[[AsyncConnection, Select[Any], str, list[int]], AsyncIterator[bytes]]


@dataclass(frozen=True)
class SqlCsv:
    """How the database writes an export's CSV data lines (the header is ours)."""

    writer: str  # its name in the activity log
    copy: CopyRows | None  # chunks of the file by bulk copy, else one line per row
    select: Callable[[str], Select[Any]]  # the statement, for a delimiter
    prepare: Callable[[AsyncConnection], Awaitable[None]] | None = None  # before it runs
    lines: Callable[[Sequence[Sequence[Any]]], bytes] | None = None  # a batch: csv_lines
    #: The ``InPython`` values' positions among the SELECT's columns, and their fields.
    in_python: dict[int, Callable[[Sequence[Any]], list[Any]]] | None = None


@dataclass(frozen=True)
class InPython:
    """A column whose CSV fields Python writes, a batch at a time: far cheaper than a SQL
    function called per value (each call converts its argument and result)."""

    value: Any  # the raw value, as the database holds it
    #: A batch's values -> their quoted fields (str; bytes where the reader gives bytes).
    fields: Callable[[Sequence[Any]], list[Any]]


@dataclass(frozen=True)
class LinePerRow:
    """A dialect whose SELECT builds each row's complete CSV line (MariaDB, SQLite)."""

    writer: str  # its name in the activity log
    cell: Callable[[Any, Column, str], Any | None]  # a column's field; None: it cannot
    #: or ``InPython``
    join: Callable[[Sequence[Any], str], Any]  # the fields as one line
    prepare: Callable[[AsyncConnection], Awaitable[None]] | None = None

    def plan(
        self, source: Any, columns: Sequence[Column], where: Any, keys: Sequence[SortKey],
        limit: int,
    ) -> SqlCsv | None:  # fmt: skip
        """The database's own CSV for this export, or None when a column needs the row path."""
        if not columns:
            return None
        # The csv module writes a row of one NULL as "" (an empty line would read as no row).
        null_text = '""' if len(columns) == 1 else ""
        cells = [self.cell(source.c[c.name], c, null_text) for c in columns]
        if any(cell is None for cell in cells):
            return None

        python = [i for i, cell in enumerate(cells) if isinstance(cell, InPython)]

        def statement(delimiter: str) -> Select[Any]:
            query = select(*self._pieces(cells, delimiter)).select_from(source)
            if where is not None:
                query = query.where(where)
            return query.order_by(*order_by(source, keys)).limit(limit)

        if not python:
            return SqlCsv(self.writer, None, statement, self.prepare)
        formats = {2 * n + 1: cast(InPython, cells[i]).fields for n, i in enumerate(python)}
        return SqlCsv(self.writer, None, statement, self.prepare, partial(_pieced, formats),
                      formats)  # fmt: skip

    def _pieces(self, cells: Sequence[Any], delimiter: str) -> list[Any]:
        """The SELECT's columns: the line, or the SQL-written runs of it (each a text,
        possibly only a delimiter) with each ``InPython`` value between two of them."""
        pieces: list[Any] = []
        run: list[Any] = []
        for i, cell in enumerate(cells):
            if isinstance(cell, InPython):
                pieces += [self._run(run, delimiter, bool(pieces), i > 0), cell.value]
                run = []
            else:
                run.append(cell)
        last = self._run(run, delimiter, bool(pieces), False)
        return [p.label(f"p{n}") for n, p in enumerate([*pieces, last])]

    def _run(self, run: list[Any], delimiter: str, after: bool, before: bool) -> Any:
        """SQL-written fields with the delimiters that separate them from the ``InPython``
        fields ``after`` which and ``before`` which they stand."""
        if not run:
            return literal(delimiter if after and before else "")
        text = self.join(run, delimiter)
        text = literal(delimiter).concat(text) if after else text
        return text.concat(literal(delimiter)) if before else text


def _pieced(formats: dict[int, Callable[[Sequence[Any]], list[Any]]],
            rows: Sequence[Sequence[Any]]) -> bytes:  # fmt: skip
    """A batch of rows of pieces (``LinePerRow._pieces``) as the file's bytes."""
    return joined_lines(formats, list(zip(*rows, strict=True)))


def csv_lines(rows: Sequence[Sequence[Any]]) -> bytes:
    """A batch of one-column rows (complete CSV lines) as the file's bytes."""
    return joined_lines({}, [[row[0] for row in rows]])


def joined_lines(
    formats: dict[int, Callable[[Sequence[Any]], list[Any]]], columns: list[Sequence[Any]]
) -> bytes:
    """A batch's columns of pieces (str, or bytes as a reader received them) as the file's
    bytes: the values at ``formats``' positions formatted a column at a time, then each row
    joined into its line.

    A NULL piece means the database could not build it (MariaDB returns NULL instead of a
    string longer than ``max_allowed_packet``): that fails the export rather than writing a
    wrong line.
    """
    if not columns or not columns[0]:
        return b""
    for position, fields in formats.items():
        columns[position] = fields(columns[position])
    if any(None in columns[p] for p in range(0, len(columns), 2)):
        raise ValueError("the database returned no CSV text for a row (too long?)")
    empty = columns[0][0][:0]  # "" or b"", as the pieces are
    lines = columns[0] if len(columns) == 1 else list(map(empty.join, zip(*columns, strict=True)))
    if isinstance(empty, bytes):
        return b"\n".join(lines) + b"\n"
    return ("\n".join(lines) + "\n").encode()


def row_path_field(kind: ColumnKind, value: object) -> str:
    """The quoted CSV field the row path writes for ``value`` in a column of ``kind``:
    what a database-written CSV falls back to for a value it does not render itself."""
    plain = plain_value(kind, value)
    return "" if plain is None else '"' + cell_text(plain).replace('"', '""') + '"'
