"""SQLite's CSV: one ``||`` expression per row, each cell chosen by the value's storage class.

SQLite types values, not columns: an INTEGER column may hold text in one row and a real in
the next, and the row path converts each value by its column's kind *and* its Python type.
So every cell is ``CASE typeof(x)``: the storage classes whose text SQL reproduces exactly
are rendered in SQL -- integers as digits (flags ``true``/``false`` for 0/1), text as is
with quotes doubled, blobs as lowercase hex, ISO 8601 date and date-time text checked to be
a real date and reshaped as Python would -- and every other value goes through
``pydbpro_csv_cell(kind, value)``, a function registered on the connection that runs the
row path's own conversion (``export_values`` and ``export/text.py``) for that one value. So
floats (Python's shortest repr, which SQLite's ``%g`` does not give) and odd values are
exact by construction, and no column kind needs the whole export to fall back.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy.ext.asyncio import AsyncConnection

from ...column_kind import ColumnKind as K
from ...export.text import cell_text, decimal_text, float_text
from ..export_values import plain_value
from ..models import Column
from . import LinePerRow

FUNCTION = "pydbpro_csv_cell"
#: Shortcuts for the usual case, a float in a REAL or NUMERIC column: the same conversion
#: as ``export_values`` + ``cell_text`` for a float, without the general dispatch.
_FLOAT_TEXT = "pydbpro_float_text"  # FLOAT kind: float_text(value)
_DECIMAL_TEXT = "pydbpro_decimal_text"  # DECIMAL kind: decimal_text(Decimal(repr(value)))
_DAY = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
_MOMENT = _DAY + "[ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
_NUMBERS = frozenset({K.INTEGER, K.BIGINT, K.DECIMAL, K.OTHER})
_TEXTS = frozenset({K.TEXT, K.ENUM, K.JSON, K.OTHER})
_BLOBS = frozenset({K.BINARY, K.OTHER})


def _csv_cell(kind: str, value: object) -> str:
    """The quoted CSV field the row path writes for ``value`` in a column of ``kind``."""
    plain = plain_value(K(kind), value)
    return "" if plain is None else '"' + cell_text(plain).replace('"', '""') + '"'


def _decimal_text(value: float) -> str:
    return decimal_text(Decimal(repr(value)))  # export_values._decimal, then cell_text


async def prepare(conn: AsyncConnection) -> None:
    """Registers the functions the cells call on the export's connection (pure ones)."""
    raw: Any = (await conn.get_raw_connection()).driver_connection  # aiosqlite's, untyped here
    for name, arguments, function in (
        (FUNCTION, 2, _csv_cell),
        (_FLOAT_TEXT, 1, float_text),
        (_DECIMAL_TEXT, 1, _decimal_text),
    ):
        await raw.create_function(name, arguments, function, deterministic=True)


def _quoted(text: Any) -> Any:
    return literal('"').concat(text).concat('"')


def _valid_moment(x: Any) -> Any:
    """ISO text that Python's ``fromisoformat`` reads and writes back reshaped only:
    ``YYYY-MM-DD HH:MM:SS`` (or ``T``), optionally ``.`` and 1-6 digits, a real date."""
    day = func.substr(x, 1, 10)
    length = func.length(x)
    fraction = or_(
        length == 19,
        and_(length.between(21, 26), func.substr(x, 20, 1) == ".",
             func.glob("*[^0-9]*", func.substr(x, 21)) == 0),
    )  # fmt: skip
    return and_(
        func.glob(_MOMENT + "*", x) == 1,
        fraction,
        func.substr(x, 1, 4) != "0000",
        func.substr(x, 6, 2).between("01", "12"),
        # A modifier makes SQLite normalise 2024-02-30 to 2024-03-01 (date() alone echoes it).
        or_(func.substr(x, 9, 2).between("01", "28"), func.date(day, "+0 days") == day),
        func.substr(x, 12, 2) < "24",
        func.substr(x, 15, 2) < "60",
        func.substr(x, 18, 2) < "60",
    )


def _moment(x: Any) -> Any:
    fraction = func.rtrim(func.substr(x, 21), "0")
    return _quoted(
        func.substr(x, 1, 10)
        .concat("T")
        .concat(func.substr(x, 12, 8))
        .concat(case((fraction == "", ""), else_=literal(".").concat(fraction)))
    )


def cell(x: Any, column: Column, null_text: str) -> Any:
    """The CSV field of ``x``: rendered in SQL where its storage class allows, else by
    ``pydbpro_csv_cell``."""
    kind = column.kind
    fallback = getattr(func, FUNCTION)(kind.value, x)
    by_class: dict[str, Any] = {"null": null_text}
    if kind in _NUMBERS:
        by_class["integer"] = _quoted(x)
    if kind is K.BOOLEAN:
        by_class["integer"] = case((x == 0, '"false"'), (x == 1, '"true"'), else_=_quoted(x))
    if kind is K.FLOAT:
        by_class["real"] = _quoted(getattr(func, _FLOAT_TEXT)(x))
    if kind is K.DECIMAL:
        by_class["real"] = _quoted(getattr(func, _DECIMAL_TEXT)(x))
    if kind in _TEXTS:
        by_class["text"] = _quoted(func.replace(x, '"', '""'))
    if kind in _BLOBS:
        by_class["blob"] = _quoted(func.lower(func.hex(x)))
    if kind is K.DATE:
        by_class["text"] = case((func.glob(_DAY, x) == 1, _quoted(x)), else_=fallback)
    if kind is K.DATETIME:
        by_class["text"] = case((_valid_moment(x), _moment(x)), else_=fallback)
    return case(by_class, value=func.typeof(x), else_=fallback)


def join(cells: Sequence[Any], delimiter: str) -> Any:
    line = cells[0]
    for expr in cells[1:]:
        line = line.concat(literal(delimiter)).concat(expr)
    return line


LINES = LinePerRow("sqlite-sql-csv", cell, join, prepare)
