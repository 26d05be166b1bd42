"""Plain values as text: the one text form of a cell, used by CSV and PDF.

This is the documented CSV format (README, "Export formats"); the PostgreSQL COPY fast path
renders the same text in SQL, and a test holds the two together:

- booleans ``true``/``false``; integers as digits; decimals with every digit, never an
  exponent; floats in the shortest form that reads back exactly, fixed notation for
  decimal exponents -4..14 and ``1.5e-07``/``1e+15`` beyond (PostgreSQL's own rule),
  ``NaN``/``Infinity``/``-Infinity``;
- dates ``YYYY-MM-DD``; times ``HH:MM:SS[.ffffff]`` with trailing zeros of the fraction
  dropped, and their offset when they have a zone (``12:00:00+05:30``);
  date-times ``YYYY-MM-DDTHH:MM:SS[.ffffff]``, ``Z`` appended when the column has
  a time zone (the value is converted to UTC);
- everything else is already text (JSON as the database's JSON text, binary as hex).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

#: Decimal exponents PostgreSQL (and printf's %g) still writes in fixed notation.
_FIXED_EXPONENTS = range(-4, 15)


def float_text(value: float) -> str:
    if 1e-4 <= abs(value) < 1e15:  # the common case: Python's repr is already fixed-point
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return _float_text(value)


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    point = len(text) + exponent  # digits before the decimal point
    minus = "-" if sign else ""
    if point - 1 in _FIXED_EXPONENTS:
        if point <= 0:
            return f"{minus}0.{'0' * -point}{text}"
        if point >= len(text):
            return f"{minus}{text}{'0' * (point - len(text))}"
        return f"{minus}{text[:point]}.{text[point:]}"
    mantissa = text[0] + (f".{text[1:]}" if len(text) > 1 else "")
    return f"{minus}{mantissa}e{'-' if point - 1 < 0 else '+'}{abs(point - 1):02d}"


def decimal_text(value: Decimal) -> str:
    """Every digit, never an exponent: also a DECIMAL's JSON string (``db/results.py``)."""
    if value.is_finite():
        text = str(value)
        return format(value, "f") if "E" in text else text
    return "NaN" if value.is_nan() else ("-Infinity" if value.is_signed() else "Infinity")


def _fraction(text: str) -> str:
    """Drop trailing zeros of a fraction of seconds (PostgreSQL writes times this way)."""
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


def time_text(value: time) -> str:
    """``HH:MM:SS[.ffffff]``, and a time with a zone keeps its offset (``12:00:00+05:30``):
    a time of day has no date to convert to UTC with."""
    plain = value.replace(tzinfo=None).isoformat()
    return _fraction(plain) + value.isoformat()[len(plain) :]


def datetime_text(value: datetime) -> str:
    if value.tzinfo is not None:
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return _fraction(naive.isoformat()) + "Z"
    return _fraction(value.isoformat())


#: Looked up by the value's exact type, so each function receives the type it is listed with.
_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: str,
    bool: lambda v: "true" if v else "false",
    int: str,
    float: float_text,
    Decimal: decimal_text,
    date: date.isoformat,
    datetime: datetime_text,
    time: time_text,
}


def cell_text(value: object) -> str:
    """The text of one plain value; ``None`` is ''."""
    if value is None:
        return ""
    return _BY_TYPE.get(type(value), str)(value)
