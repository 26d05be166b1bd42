"""MariaDB/MySQL's CSV: one ``CONCAT`` per row, each cell the documented text, quoted.

What the row path writes is what PyMySQL makes of the server's text protocol, so each cell
starts from the same text (``CAST(x AS CHAR)``) and reshapes it the way the Python
conversion would:

- integers (``x + 0``: ZEROFILL and BIT(n) become plain numbers, as PyMySQL's int does),
  TINYINT(1)/BIT(1) flags ``true``/``false`` for 0/1 and the number otherwise, decimals and
  dates as sent, text and JSON converted to utf8mb4 (the connection's character set; it also
  keeps columns of different character sets concatenable), binary as lowercase hex;
- DOUBLE/FLOAT: the server sends the shortest digits that read back exactly (checked
  against Python's repr on 35,000 random doubles, subnormals included; FLOAT's six digits
  are what PyMySQL reads too), so only the notation changes: fixed from 1e-4 to 1e15, else
  ``d.ddde+XX``; FLOAT(M,D)/DOUBLE(M,D) (fixed decimals) take the row path;
- date-times ``T``-separated with trailing fraction zeros dropped, TIME within a day the
  same and beyond it (or negative) as ``[-]HHH:MM:SS[.ffffff]``; a date PyMySQL cannot
  turn into a Python value (zero dates, day 0, year 0) stays the server's text, as there.

A NULL cell is an empty field; any other NULL (MariaDB returns NULL for a string longer
than ``max_allowed_packet``) makes the whole line NULL, which fails the export.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal
from sqlalchemy.dialects.mysql import CHAR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

from ...column_kind import ColumnKind as K
from ..models import Column
from . import LinePerRow

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


def _float(x: Any) -> Any:
    """Python's ``float_text`` of the value the server's shortest digits spell."""
    s = _text(x)
    fixed = and_(func.abs(x) >= 1e-4, func.abs(x) < 1e15, func.locate("e", s) == 0)
    unsigned = case((x < 0, func.substring(s, 2)), else_=s)
    mantissa = func.substring_index(unsigned, "e", 1)
    exponent = case(
        (func.locate("e", unsigned) > 0, cast(func.substring_index(unsigned, "e", -1), Integer)),
        else_=0,
    )
    whole = func.substring_index(mantissa, ".", 1)
    fraction = case((func.locate(".", mantissa) > 0, func.substring_index(mantissa, ".", -1)),
                    else_="")  # fmt: skip
    digits = func.concat(whole, fraction)
    significant = _Trim("LEADING", "0", digits)
    trimmed = _Trim("TRAILING", "0", significant)
    # The decimal exponent of d.ddd: digits before the point, less leading zeros, less one.
    power = (func.char_length(whole) - (func.char_length(digits) - func.char_length(significant))
             - 1 + exponent)  # fmt: skip
    scientific = func.concat(
        case((x < 0, "-"), else_=""),
        func.left(trimmed, 1),
        case(
            (func.char_length(trimmed) > 1, func.concat(".", func.substring(trimmed, 2))), else_=""
        ),
        case((power < 0, "e-"), else_="e+"),
        case((func.abs(power) < 10, "0"), else_=""),
        func.abs(power),
    )
    return case((fixed, s), (x == 0, s), else_=scientific)


def _valid_date(x: Any) -> Any:
    """Whether Python can hold the date (PyMySQL otherwise hands back the text)."""
    return and_(
        func.year(x) >= 1,
        func.month(x) >= 1,
        func.dayofmonth(x) >= 1,
        func.dayofmonth(x) <= func.dayofmonth(func.last_day(x)),
    )


def _fraction(s: Any) -> Any:
    """``.ffffff`` from a ``...SS.ffffff`` text, trailing zeros (and a bare point) dropped."""
    return _Trim("TRAILING", ".", _Trim("TRAILING", "0", func.substring(s, 9)))


def _datetime(x: Any, column: Column) -> Any:
    s = _text(x)
    moment = func.concat(func.left(s, 10), "T", func.substring(s, 12, 8))
    if "(" in column.type:  # fractional seconds
        moment = func.concat(moment, _fraction(func.substring(s, 12)))
    return case((_valid_date(x), moment), else_=s)


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
        return _float(x) if _PLAIN_FLOAT.match(declared) else None
    if kind is K.BINARY:
        return func.lower(func.hex(x))
    if kind is K.DATETIME:
        return _datetime(x, column)
    if kind is K.TIME:
        return _time(x, column)
    return None


def cell(x: Any, column: Column, null_text: str) -> Any | None:
    """The CSV field: ``"text"`` with quotes doubled, or ``null_text`` for NULL."""
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
