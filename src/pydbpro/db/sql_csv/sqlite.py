"""SQLite's CSV: one ``||`` expression per row, each cell chosen by the value's storage class.

SQLite types values, not columns: an INTEGER column may hold text in one row and a real in
the next, and the row path converts each value by its column's kind *and* its Python type.
So every cell is ``CASE typeof(x)``: the storage classes whose text SQL reproduces exactly
are rendered in SQL -- integers as digits (flags ``true``/``false`` for 0/1), text as is
with quotes doubled, blobs as lowercase hex, ISO 8601 date and date-time text checked to be
a real date and reshaped as Python would -- and every other value goes through
``pydbpro_csv_cell(kind, value)``, a function registered on the connection that runs the
row path's own conversion (``export_values`` and ``export/text.py``) for that one value. So
odd values are exact by construction, and no column kind needs the whole export to fall
back.

Float, decimal and date-time columns are not rendered in SQL at all: their values are
selected as they are and Python writes the fields a batch at a time (``InPython``), with
the same conversion. A float needs Python's shortest repr, which SQLite's ``%g`` does not
give, and calling a Python function per value from SQL cost 40% of the statement; checking
ISO date-time text in SQL was the other big part, and ``datetime.fromisoformat`` does it
in C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import NullType

from ...column_kind import ColumnKind as K
from ...export.text import datetime_text, decimal_text, float_text
from ..models import Column
from . import InPython, LinePerRow, row_path_field

FUNCTION = "pydbpro_csv_cell"
_DAY = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
_NUMBERS = frozenset({K.INTEGER, K.BIGINT, K.OTHER})
_TEXTS = frozenset({K.TEXT, K.ENUM, K.JSON, K.OTHER})
_BLOBS = frozenset({K.BINARY, K.OTHER})


def _csv_cell(kind: str, value: object) -> str:
    """``row_path_field`` for SQL, which passes the kind by its name."""
    return row_path_field(K(kind), value)


def _decimal_text(value: float) -> str:
    return decimal_text(Decimal(repr(value)))  # export_values._decimal, then cell_text


async def prepare(conn: AsyncConnection) -> None:
    """Registers the function the cells call on the export's connection (a pure one)."""
    raw: Any = (await conn.get_raw_connection()).driver_connection  # aiosqlite's, untyped here
    await raw.create_function(FUNCTION, 2, _csv_cell, deterministic=True)


def _fields(kind: K, null_text: str) -> Callable[[Sequence[Any]], list[str]]:
    """The quoted fields of a batch of a float, decimal or date-time column's values: the
    usual type inline, the rest as ``_csv_cell`` writes them."""
    other = kind.value

    def rest(value: Any) -> str:
        return null_text if value is None else _csv_cell(other, value)

    if kind is K.FLOAT:
        return lambda values: [
            f'"{float_text(v)}"' if type(v) is float else rest(v) for v in values
        ]
    if kind is K.DECIMAL:
        return lambda values: [
            f'"{_decimal_text(v)}"' if type(v) is float else rest(v) for v in values
        ]

    def moment(value: Any) -> str:
        """Naive ISO text as ``export_values`` + ``datetime_text`` write it."""
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return rest(value)
        return rest(value) if parsed.tzinfo is not None else f'"{datetime_text(parsed)}"'

    return lambda values: [moment(v) if type(v) is str else rest(v) for v in values]


def _quoted(text: Any) -> Any:
    return literal('"').concat(text).concat('"')


def cell(x: Any, column: Column, null_text: str) -> Any:
    """The CSV field of ``x``: rendered in SQL where its storage class allows, else by
    ``pydbpro_csv_cell``."""
    kind = column.kind
    if kind in (K.FLOAT, K.DECIMAL, K.DATETIME):  # the value itself, not SQLAlchemy's
        return InPython(type_coerce(x, NullType()), _fields(kind, null_text))
    fallback = getattr(func, FUNCTION)(kind.value, x)
    by_class: dict[str, Any] = {"null": null_text}
    if kind in _NUMBERS:
        by_class["integer"] = _quoted(x)
    if kind is K.BOOLEAN:
        by_class["integer"] = case((x == 0, '"false"'), (x == 1, '"true"'), else_=_quoted(x))
    if kind in _TEXTS:
        by_class["text"] = _quoted(func.replace(x, '"', '""'))
    if kind in _BLOBS:
        by_class["blob"] = _quoted(func.lower(func.hex(x)))
    if kind is K.DATE:
        by_class["text"] = case((func.glob(_DAY, x) == 1, _quoted(x)), else_=fallback)
    return case(by_class, value=func.typeof(x), else_=fallback)


def join(cells: Sequence[Any], delimiter: str) -> Any:
    line = cells[0]
    for expr in cells[1:]:
        line = line.concat(literal(delimiter)).concat(expr)
    return line


LINES = LinePerRow("sqlite-sql-csv", cell, join, prepare)
