"""MariaDB/MySQL's CSV: one ``CONCAT`` per row, each cell the documented text, quoted.

What the row path writes is what PyMySQL makes of the server's text protocol, so each cell
starts from the same text (``CAST(x AS CHAR)``) and reshapes it the way the Python
conversion would:

- integers (``x + 0``: ZEROFILL and BIT(n) become plain numbers, as PyMySQL's int does),
  TINYINT(1)/BIT(1) flags ``true``/``false`` for 0/1 and the number otherwise, decimals and
  dates as sent, text and JSON converted to utf8mb4 (the connection's character set; it also
  keeps columns of different character sets concatenable), binary as lowercase hex;
- TIME within a day with trailing fraction zeros dropped, beyond it (or negative) as
  ``[-]HHH:MM:SS[.ffffff]``; FLOAT(M,D)/DOUBLE(M,D) (fixed decimals) take the row path.

A NULL cell is an empty field; any other NULL (MariaDB returns NULL for a string longer
than ``max_allowed_packet``) makes the whole line NULL, which fails the export.

Two kinds are cheaper in Python than in SQL, and the export's reader (``mysql_results``)
hands Python their text as the server sent it (``InPython``, one batch at a time):

- plain DOUBLE/FLOAT: the server sends the shortest digits that read back exactly (checked
  against Python's repr on 35,000 random doubles, subnormals included; FLOAT's six digits
  are what PyMySQL reads too), so fixed notation from 1e-4 to 1e15 is written as sent;
- date-times of a date Python can hold: ``T``-separated, trailing fraction zeros dropped.

Any other value of theirs (an exponent, a zero date) goes through the row path's own
conversion (``_as_row_path``), so the fields are the row path's by construction. Rendered in
SQL, these two were more than half the server's time for the benchmark table (2.3 of 4.4 s)
and the server, not PyDBPro, bounded the export (4.2 s; now 3.3 s).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pymysql.constants import FIELD_TYPE
from sqlalchemy import and_, case, cast, func, literal, type_coerce
from sqlalchemy.dialects.mysql import CHAR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType, String

from ...column_kind import ColumnKind as K
from ..adapters.mysql_values import DECODERS
from ..models import Column
from . import InPython, LinePerRow, row_path_field

#: Floating-point types whose text is the shortest round-trip form (no fixed decimals).
_PLAIN_FLOAT = re.compile(r"^(FLOAT|DOUBLE|DOUBLE PRECISION|REAL)( UNSIGNED)?$", re.IGNORECASE)
_AS_SENT = frozenset({K.DECIMAL, K.DATE})
_TEXT = frozenset({K.TEXT, K.ENUM, K.JSON})


class _Trim(FunctionElement[str]):
    """``TRIM(LEADING|TRAILING 'c' FROM value)``."""

    type = String()
    inherit_cache = True

    def __init__(self, side: str, char: str, value: Any) -> None:
        self.side = side
        super().__init__(literal(char), value)


@compiles(_Trim)
def _compile_trim(element: _Trim, compiler: Any, **kw: Any) -> str:
    char, value = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"TRIM({element.side} {char} FROM {value})"


class _Utf8(FunctionElement[str]):
    """``CONVERT(value USING utf8mb4)``."""

    type = String()
    inherit_cache = True


@compiles(_Utf8)
def _compile_utf8(element: _Utf8, compiler: Any, **kw: Any) -> str:
    return f"CONVERT({compiler.process(element.clauses, **kw)} USING utf8mb4)"


def _text(expr: Any) -> Any:
    return cast(expr, CHAR())


def _fraction(s: Any) -> Any:
    """``.ffffff`` from a ``...SS.ffffff`` text, trailing zeros (and a bare point) dropped."""
    return _Trim("TRAILING", ".", _Trim("TRAILING", "0", func.substring(s, 9)))


def _time(x: Any, column: Column) -> Any:
    s = _text(x)
    seconds = func.time_to_sec(x)
    clock = func.substring_index(s, ".", 1)
    if "(" not in column.type:
        return clock
    beyond = case(
        (func.microsecond(x) == 0, clock),
        else_=func.concat(clock, ".", func.rpad(func.substring_index(s, ".", -1), 6, "0")),
    )
    within = func.concat(clock, _fraction(s))
    return case((and_(seconds >= 0, seconds < 86400), within), else_=beyond)


def _render(x: Any, column: Column) -> Any | None:
    """``x`` as the text the row path writes for it, or None."""
    kind, declared = column.kind, column.type.upper()
    if "ZEROFILL" in declared and kind not in (K.INTEGER, K.BIGINT):
        return None
    if kind in (K.INTEGER, K.BIGINT):
        return _text(x + 0)
    if kind is K.BOOLEAN:
        number = x + 0
        return case((number == 0, "false"), (number == 1, "true"), else_=_text(number))
    if kind in _AS_SENT:
        return _text(x)
    if kind in _TEXT:
        return _Utf8(x)
    if kind is K.FLOAT:
        return None  # FLOAT(M,D)/DOUBLE(M,D); plain ones are ``InPython`` (``cell``)
    if kind is K.BINARY:
        return func.lower(func.hex(x))
    if kind is K.TIME:
        return _time(x, column)
    return None


def _as_row_path(kind: K, text: bytes) -> bytes:
    """The quoted field the row path writes for a value the server sent as ``text``."""
    return row_path_field(kind, DECODERS[_FIELD_TYPES[kind]](text.decode("ascii"))).encode()


_FIELD_TYPES = {K.FLOAT: FIELD_TYPE.DOUBLE, K.DATETIME: FIELD_TYPE.DATETIME}


def _float_fields(null: bytes) -> Callable[[Sequence[bytes | None]], list[bytes]]:
    """Fixed-notation text within 1e-4..1e15 (or zero) is what ``float_text`` writes."""

    def field(text: bytes | None) -> bytes:
        if text is None:
            return null
        if b"e" not in text:
            number = abs(float(text))
            if number == 0 or 1e-4 <= number < 1e15:
                return b'"' + text + b'"'
        return _as_row_path(K.FLOAT, text)

    return lambda values: [field(v) for v in values]


def _moment_fields(null: bytes) -> Callable[[Sequence[bytes | None]], list[bytes]]:
    """``YYYY-MM-DD HH:MM:SS[.ffffff]`` of a real date: ``T``, the fraction's zeros dropped."""

    def field(text: bytes | None) -> bytes:
        if text is None:
            return null
        # The server's own shape, of a date Python can hold: the text is the value's.
        if text[10:11] == b" " and (len(text) == 19 or text[19:20] == b"."):
            try:
                datetime.fromisoformat(text.decode("ascii"))
            except ValueError:
                return _as_row_path(K.DATETIME, text)
            if len(text) > 19:
                text = text.rstrip(b"0").rstrip(b".")
            return b'"' + text[:10] + b"T" + text[11:] + b'"'
        return _as_row_path(K.DATETIME, text)

    return lambda values: [field(v) for v in values]


def cell(x: Any, column: Column, null_text: str) -> Any | None:
    """The CSV field: ``"text"`` with quotes doubled, or ``null_text`` for NULL."""
    if column.kind is K.DATETIME or (
        column.kind is K.FLOAT and _PLAIN_FLOAT.match(column.type.upper())
    ):
        fields = _moment_fields if column.kind is K.DATETIME else _float_fields
        return InPython(type_coerce(x, NullType()), fields(null_text.encode()))
    rendered = _render(x, column)
    if rendered is None:
        return None
    if column.kind in _TEXT:
        rendered = func.replace(rendered, '"', '""')
    return case((x.is_(None), null_text), else_=func.concat('"', rendered, '"'))


def join(cells: Sequence[Any], delimiter: str) -> Any:
    parts: list[Any] = [cells[0]]
    for expr in cells[1:]:
        parts += [literal(delimiter), expr]
    return func.concat(*parts) if len(parts) > 1 else func.concat(parts[0], "")


LINES = LinePerRow("mysql-sql-csv", cell, join)
