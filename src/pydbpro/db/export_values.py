"""Driver values -> plain Python values for the file exporters, by ColumnKind.

The JSON encoder (``results.py``) makes values safe for JavaScript; a file wants the
opposite: real numbers, dates and booleans that XLSX stores typed and CSV/PDF write in one
text form (``export/text.py``). So exporters get only ``None``, ``bool``, ``int``, ``float``,
``Decimal``, ``str``, ``date``, ``datetime`` (naive, or aware in UTC) and ``time``; every
other value is turned into text here, once, whatever driver returned it:

- MySQL's 0/1 flags and BIT(1) bytes become booleans, BIT(n) bytes integers, a TIME beyond
  one day stays text (``838:59:59``); SQLite's date/time text is parsed when it is ISO 8601.
- JSON is the database's own JSON text; binary is lowercase hex; intervals ISO 8601
  durations; arrays JSON text; anything else its PostgreSQL text form.
- A date/time value Python cannot hold (``DbText``: ``infinity``, BC dates, years past
  9999, ``24:00:00``) stays the database's own text.
- Text is never shortened (MAX_CELL_TEXT is for the screen, not for files).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from ..column_kind import ColumnKind as K
from .kinds import kind_of_value
from .results import _iso_duration, _mysql_time, _pg_text, encode_cell
from .values import Interval

Plain = Callable[[Any], object]
_DAY = timedelta(days=1)


def _text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        try:
            return data.decode()
        except UnicodeDecodeError:
            return data.hex()
    if isinstance(value, (set, frozenset)):
        return ",".join(sorted(str(item) for item in value))
    return value if type(value) is str else _pg_text(value)


def _flag(value: Any) -> bool | int:
    if isinstance(value, (bytes, bytearray)):
        value = int.from_bytes(value, "big")
    return value == 1 if value in (0, 1) else int(value)


def _integer(value: Any) -> int:
    if isinstance(value, (bytes, bytearray)):
        return int.from_bytes(value, "big")  # MySQL BIT(n)
    return int(value)


def _decimal(value: Any) -> Decimal | int:
    if isinstance(value, float):
        return Decimal(repr(value))  # SQLite REAL in a NUMERIC column: its shortest form
    return value if isinstance(value, (Decimal, int)) else Decimal(str(value))


def _iso(parse: Callable[[str], object], text: str) -> object:
    """SQLite's date/time text as a value when it is ISO 8601; any other text stays text."""
    try:
        return parse(text)
    except ValueError:
        return text


def _date(value: Any) -> object:
    return _iso(date.fromisoformat, value) if isinstance(value, str) else value


def _datetime(value: Any) -> object:
    if isinstance(value, str):
        value = _iso(datetime.fromisoformat, value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _time(value: Any) -> object:
    if isinstance(value, timedelta):  # MySQL TIME is a duration
        if timedelta(0) <= value < _DAY:
            return (datetime.min + value).time()
        return _mysql_time(value)
    return _iso(time.fromisoformat, value) if isinstance(value, str) else value


def _json(value: Any) -> str:
    if isinstance(value, (str, bytes, bytearray)):
        return _text(value)  # the database's own JSON text (PostgreSQL: JsonText)
    return json.dumps(value, ensure_ascii=False, default=str)


def _array(value: Any) -> str:
    return json.dumps(encode_cell(value, K.ARRAY, max_text=2**62), ensure_ascii=False)


def _interval(value: Any) -> object:
    if isinstance(value, Interval):
        return value.iso()
    return _iso_duration(value) if isinstance(value, timedelta) else _text(value)


def _by_value(value: Any) -> object:
    """A column of unknown type (an ad-hoc result whose first rows were NULL)."""
    kind = kind_of_value(value)
    return _text(value) if kind is K.OTHER else _BY_KIND[kind](value)


def _binary(value: Any) -> str:
    return bytes(value).hex() if isinstance(value, (bytes, bytearray, memoryview)) else _text(value)


_BY_KIND: dict[K, Plain] = {
    K.INTEGER: _integer,
    K.BIGINT: _integer,
    K.DECIMAL: _decimal,
    K.FLOAT: float,
    K.BOOLEAN: _flag,
    K.TEXT: _text,
    K.ENUM: _text,
    K.UUID: str,
    K.DATE: _date,
    K.DATETIME: _datetime,
    K.TIME: _time,
    K.INTERVAL: _interval,
    K.JSON: _json,
    K.BINARY: _binary,
    K.ARRAY: _array,
    K.OTHER: _by_value,
}


def _safe(convert: Plain) -> Plain:
    """A value its column's kind did not expect is converted by its own kind; never fails."""

    def plain(value: Any) -> object:
        if value is None:
            return None
        try:
            return convert(value)
        except Exception:
            try:
                return _by_value(value)
            except Exception:
                return object.__repr__(value)

    return plain


_SAFE: dict[K, Plain] = {kind: _safe(convert) for kind, convert in _BY_KIND.items()}


def plain_value(kind: K, value: object) -> object:
    """One value as the row path makes it (``make_plain_rows`` does whole batches)."""
    return _SAFE.get(kind, _SAFE[K.OTHER])(value)


#: Values a kind's converter would hand back unchanged: skipped in the hot loop.
_NATIVE: dict[K, tuple[type, ...]] = {
    K.INTEGER: (int,),
    K.BIGINT: (int,),
    K.DECIMAL: (Decimal, int),
    K.FLOAT: (float,),
    K.BOOLEAN: (bool,),
    K.TEXT: (str,),
    K.ENUM: (str,),
    K.DATE: (date,),
    K.TIME: (time,),
}


def make_plain_rows(
    kinds: Sequence[K],
) -> Callable[[Sequence[Sequence[object]]], list[tuple[object, ...]]]:
    """A function turning a batch of driver rows into rows of plain values.

    It works column by column: a column whose values already are plain (the usual case:
    ints, strs, Decimals straight from the driver) is detected with one C-level pass over
    its types and left alone, so only the values that need it pay a Python call.
    """
    converters = tuple(_SAFE.get(kind, _SAFE[K.OTHER]) for kind in kinds)
    natives = tuple(frozenset({*_NATIVE.get(kind, ()), type(None)}) for kind in kinds)
    datetimes = tuple(kind is K.DATETIME for kind in kinds)

    def column(index: int, values: tuple[object, ...]) -> Sequence[object]:
        native = natives[index]
        if set(map(type, values)) <= native:
            return values
        convert = converters[index]
        if datetimes[index]:  # naive date-times are plain; aware ones become UTC
            return [
                v if v is None or (type(v) is datetime and v.tzinfo is None) else convert(v)
                for v in values
            ]
        return [v if type(v) in native else convert(v) for v in values]

    def plain_rows(rows: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
        if not rows:
            return []
        columns = [column(i, values) for i, values in enumerate(zip(*rows, strict=True))]
        return list(zip(*columns, strict=True))

    return plain_rows
