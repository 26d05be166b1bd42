"""The one cell encoder: driver values -> JSON-safe values, by ColumnKind (``kinds.py``
decides a column's kind).

Every place that sends rows to a client (the JSON API, exports) goes through here, so
the JSON format below is the product's documented format:

- ``None`` -> ``null`` for every kind.
- INTEGER -> number, but a string beyond +-(2**53-1) (SQLite INTEGER holds 64 bits).
- BIGINT -> string. DECIMAL -> string, all digits as returned, never exponent notation
  (``Decimal('1E+3')`` -> ``"1000"``); a float from SQLite -> its shortest repr.
- FLOAT -> number; NaN/+-inf (in every kind) -> ``"NaN"``/``"Infinity"``/``"-Infinity"``.
- BOOLEAN -> true/false; 0/1 (MySQL TINYINT(1)/BIT(1), SQLite) become booleans too.
- TEXT/ENUM/UUID/OTHER -> string (UUID, addresses, ranges via their text form; a MySQL
  SET -> sorted comma-joined). Longer than ``max_text`` characters ->
  ``{"$truncated": true, "value": <first max_text chars>, "length": <full length>}``.
- DATE/DATETIME/TIME -> ISO 8601 (offset when aware, microseconds when non-zero); text
  that is ISO 8601 (SQLite stores dates as text) is written in the same form, other text
  passes through. MySQL TIME arrives as timedelta -> ``[-]HH:MM:SS[.ffffff]``, hours may
  exceed 24. A value Python cannot hold arrives as the database's own text (``DbText``:
  ``infinity``, ``0044-03-15 BC``, ``10000-01-01``, ``24:00:00``) and is written as is.
- INTERVAL -> ISO 8601 duration: PostgreSQL's with IntervalStyle iso_8601 (``P1Y2M3DT4H``,
  each part signed: ``P-1M2D``, ``PT-1H``; ``PT0S``); other drivers' timedelta ->
  ``P1DT2H3M4.5S``, ``-PT1H``.
- JSON -> the JSON value itself (text is parsed; unparseable text stays a string); its
  integers beyond 2**53-1 become strings. Cut only when read in part (below).
- BINARY -> ``{"$binary": <hex of the first binary_preview bytes>, "length": n}``.
- A long value a page or row view read in part in the database (``previews.Preview``) ->
  the same ``$truncated`` or ``$binary`` shape, JSON included (its text, cut).
- ARRAY -> list; each element encoded by its Python type (``kind_of_value``).
- A value the column's kind does not expect is encoded by its own Python type; as a
  last resort ``str(value)``. Encoding never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any, NamedTuple
from uuid import UUID

import orjson
from asyncpg import BitString as PgBitString
from asyncpg import Range as PgRange
from asyncpg import Record as PgRecord
from asyncpg.pgproto.types import Path as PgPath

from ..column_kind import ColumnKind as K
from ..export.text import decimal_text
from .kinds import kind_of_value
from .previews import BINARY_PREVIEW, Preview
from .values import Interval, JsonText

Encoder = Callable[[Any], object]


MAX_SAFE_INT = 2**53 - 1  # largest integer a JavaScript number holds exactly

# json.loads hooks: big integers become strings (17+ digits are always beyond 2**53, and
# are kept as written: int() refuses 4300+ digits), 1e999/NaN/Infinity their names.
_JSON_HOOKS: dict[str, Callable[[str], object]] = {
    "parse_int": lambda text: text if len(text.lstrip("-")) > 16 else _int(int(text)),
    "parse_float": lambda text: _float(float(text)),
    "parse_constant": str,
}


_SLOW = object()  # _parsed_fast could not decide
_LONG_NUMBER = re.compile(r"\d{16}")
_LONG_NUMBER_BYTES = re.compile(rb"\d{16}")


def _parsed_fast(v: str | bytes) -> object:
    """JSON text parsed by orjson, several times faster than ``json.loads`` with hooks and
    the same values, when it can be: no run of 16 digits (so no integer reaches 2**53; 15
    digits are below it) and only what orjson accepts (no NaN, no 1e999, no lone
    surrogate, valid UTF-8). Anything else is ``_SLOW``: the hooks decide."""
    if isinstance(v, str):
        if _LONG_NUMBER.search(v):
            return _SLOW
        v = v if type(v) is str else v[:]  # orjson takes no subclass (JsonText)
    elif _LONG_NUMBER_BYTES.search(v):
        return _SLOW
    try:
        return orjson.loads(v)
    except orjson.JSONDecodeError:
        return _SLOW


def _int(value: int) -> int | str:
    return value if -MAX_SAFE_INT <= value <= MAX_SAFE_INT else str(value)


def _float(value: float) -> float | str:
    if value - value == 0.0:  # False only for NaN and +-inf
        return value
    return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")


def _float_decimal(value: float) -> str:
    """A float in a DECIMAL column (SQLite): shortest repr, without exponent."""
    if value - value != 0.0:
        return str(_float(value))
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text else text


def _split(delta: timedelta) -> tuple[str, int, int, int, int, int]:
    """(sign, days, hours, minutes, seconds, microseconds) of |delta|, without overflow."""
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    seconds, micros_part = divmod(abs(micros), 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return "-" if micros < 0 else "", days, hours, minutes, seconds, micros_part


def _iso_duration(delta: timedelta) -> str:
    sign, days, hours, minutes, seconds, micros = _split(delta)
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or micros:
        clock += f"{seconds}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    if not days and not clock:
        return "PT0S"
    return f"{sign}P{f'{days}D' if days else ''}{'T' + clock if clock else ''}"


def _mysql_time(delta: timedelta) -> str:
    """MySQL TIME is a duration (-838:59:59 .. 838:59:59) that aiomysql hands back as-is."""
    sign, days, hours, minutes, seconds, micros = _split(delta)
    text = f"{sign}{days * 24 + hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{text}.{micros:06d}" if micros else text


def _pg_text(value: object) -> str:
    """PostgreSQL's own text form for asyncpg objects whose str() is a Python repr."""
    if isinstance(value, PgRange):
        if value.isempty:
            return "empty"
        lower = "" if value.lower is None else _pg_text(value.lower)
        upper = "" if value.upper is None else _pg_text(value.upper)
        opening, closing = "[" if value.lower_inc else "(", "]" if value.upper_inc else ")"
        return f"{opening}{lower},{upper}{closing}"
    if isinstance(value, PgBitString):
        return str(value.as_string()).replace(" ", "")  # asyncpg groups bits by four
    if isinstance(value, PgPath):
        points = ",".join(_pg_text(point) for point in value.points)
        return f"({points})" if value.is_closed else f"[{points}]"
    if isinstance(value, tuple):  # Point, Box, Circle, Line, LineSegment
        return "(" + ",".join(_pg_text(part) for part in value) + ")"
    if isinstance(value, PgRecord):  # a composite value (a console result)
        return "(" + ",".join(_composite_field(part) for part in value.values()) + ")"
    return str(value)


_COMPOSITE_QUOTED = frozenset(',()"\\ \t\n\r')


def _composite_field(value: object) -> str:
    """One field of a composite as PostgreSQL's record_out writes it."""
    if value is None:
        return ""
    text = ("t" if value else "f") if isinstance(value, bool) else _pg_text(value)
    if text and not _COMPOSITE_QUOTED.intersection(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '""') + '"'


def _iso_text(kind: type[date] | type[time], value: str) -> str:
    """Date/time text (SQLite stores it so) in the ISO 8601 form of the real values:
    ``2025-12-31 19:59:35`` -> ``2025-12-31T19:59:35``. Other text stays as it is."""
    try:
        return kind.fromisoformat(value).isoformat()
    except ValueError:
        return value


def _flag(value: int) -> bool | int | str:
    """0/1 in a BOOLEAN column (TINYINT(1), SQLite) is a boolean; 2 stays a number."""
    return value == 1 if value in (0, 1) else _int(value)


class _Codec(NamedTuple):
    columns: dict[K, Encoder]  # a column's encoder, by its kind
    by_type: dict[K, dict[type, Encoder]]  # within a column's kind, by the value's type


@lru_cache(maxsize=32)
def _encoders(max_text: int, preview: int) -> _Codec:
    """Per-kind encoders for one (max_text, binary_preview), built once and reused.

    A column's encoder looks up the value's exact type among the ones its drivers return
    (one dict lookup, mostly a C-level method such as ``datetime.isoformat``) and hands
    anything else to ``by_value``, which dispatches on the value's own kind and never
    fails. ``by_kind`` encoders never hand a value back to it, so nothing loops.
    """

    def text(v: str) -> object:
        if len(v) <= max_text:
            return v
        return {"$truncated": True, "value": v[:max_text], "length": len(v)}

    def binary(v: bytes | bytearray | memoryview) -> dict[str, object]:
        data = v.tobytes() if isinstance(v, memoryview) else v  # any shape or stride
        return {"$binary": data[:preview].hex(), "length": len(data)}

    def cut(v: Preview) -> object:
        """A value read in part by the database (previews.py)."""
        if isinstance(v.head, str):
            return {"$truncated": True, "value": v.head[:max_text], "length": v.length}
        return {"$binary": bytes(v.head[:preview]).hex(), "length": v.length}

    def text_value(v: Any) -> object:
        if isinstance(v, Preview):
            return cut(v)
        if isinstance(v, (set, frozenset)):
            return text(",".join(sorted(str(item) for item in v)))
        return text(str(v))

    def decoded(v: bytes) -> object:
        """Bytes in a text column (asyncpg returns PostgreSQL "char" as bytes)."""
        try:
            return text(v.decode())
        except UnicodeDecodeError:
            return binary(v)

    def parsed(v: str | bytes) -> object:
        found = _parsed_fast(v)
        if found is not _SLOW:
            return found
        try:
            # typeshed cannot match a ** of hook functions to loads' keyword types
            return json.loads(v, **_JSON_HOOKS)  # type: ignore[arg-type]
        except (ValueError, RecursionError):
            return text(v) if isinstance(v, str) else decoded(v)

    def json_safe(v: Any) -> object:
        kind = type(v)
        if kind is str or kind is bool or v is None:
            return v
        if kind is int or kind is float:
            return _int(v) if kind is int else _float(v)
        if isinstance(v, dict):
            return {k if type(k) is str else str(k): json_safe(item) for k, item in v.items()}
        if isinstance(v, list) or kind is tuple:
            return [json_safe(item) for item in v]
        return by_value(v)

    by_kind: dict[K, Encoder] = {
        K.INTEGER: lambda v: _int(int(v)),
        K.BIGINT: lambda v: str(int(v)),
        K.BOOLEAN: bool,
        K.FLOAT: lambda v: _float(float(v)),
        K.DECIMAL: decimal_text,
        K.TEXT: text_value,
        K.ENUM: text_value,
        K.UUID: str,
        K.DATE: lambda v: v.isoformat(),
        K.DATETIME: lambda v: v.isoformat(),
        K.TIME: lambda v: v.isoformat(),
        K.INTERVAL: lambda v: v.iso() if isinstance(v, Interval) else _iso_duration(v),
        K.JSON: lambda v: parsed(v) if isinstance(v, str) else json_safe(v),
        K.BINARY: binary,
        K.ARRAY: lambda v: [by_value(item) for item in v],
        K.OTHER: lambda v: text(_pg_text(v)),
    }

    def by_value(v: object, kind: K | None = None) -> object:
        if v is None:
            return None
        try:
            return by_kind[kind or kind_of_value(v)](v)
        except Exception:  # a broken __str__, an absurdly deep list: still no failure
            try:
                return text(_pg_text(v))
            except Exception:
                return object.__repr__(v)

    def typed(encoders: dict[type, Encoder]) -> Encoder:
        get = encoders.get
        return lambda v: get(type(v), by_value)(v)

    texts: dict[type, Encoder] = {str: text, bytes: decoded, JsonText: text, Preview: cut}
    json_tree = partial(by_value, kind=K.JSON)
    by_type: dict[K, dict[type, Encoder]] = {
        # bytes: MySQL BIT(n) read without SQLAlchemy's processor
        K.INTEGER: {int: _int, bytes: lambda v: _int(int.from_bytes(v, "big"))},
        K.BIGINT: {int: str},
        K.DECIMAL: {Decimal: decimal_text, float: _float_decimal, int: str},
        # Decimal: MySQL DOUBLE read through SQLAlchemy's reflected type
        K.FLOAT: {float: _float, Decimal: lambda v: "NaN" if v.is_nan() else _float(float(v))},
        # bytes: MySQL BIT(1) read without SQLAlchemy's processor
        K.BOOLEAN: {bool: bool, int: _flag, bytes: lambda v: _flag(int.from_bytes(v))},
        K.TEXT: texts,
        K.ENUM: texts,
        K.UUID: {UUID: str, **texts},
        K.DATE: {date: date.isoformat, str: partial(_iso_text, date)},
        K.DATETIME: {datetime: datetime.isoformat, str: partial(_iso_text, datetime)},
        K.TIME: {time: time.isoformat, timedelta: _mysql_time, str: partial(_iso_text, time)},
        K.INTERVAL: {timedelta: _iso_duration, Interval: Interval.iso},
        K.JSON: {
            str: parsed,
            JsonText: parsed,
            bytes: parsed,
            dict: json_tree,
            list: json_tree,
            Preview: cut,
        },
        K.BINARY: {bytes: binary, bytearray: binary, Preview: cut},  # memoryview: by_value
    }
    columns = {kind: typed(encoders) for kind, encoders in by_type.items()}
    columns[K.ARRAY] = by_value  # a list dispatches per element anyway
    columns[K.OTHER] = by_value
    return _Codec(columns, by_type)


def encode_cell(
    value: object, kind: K, *, max_text: int = 10_000, binary_preview: int = BINARY_PREVIEW
) -> object:
    """JSON-safe value for one cell (see the module docstring for the format)."""
    encoders = _encoders(max_text, binary_preview).columns
    return encoders.get(kind, encoders[K.OTHER])(value)


def make_row_encoder(
    kinds: Sequence[K], *, max_text: int = 10_000, binary_preview: int = BINARY_PREVIEW
) -> Callable[[Sequence[object]], list[object]]:
    """A function encoding whole rows: each column's encoder is chosen once, here.

    A row whose length differs from ``kinds`` raises ValueError: that is a bug upstream.
    """
    encoders = _encoders(max_text, binary_preview).columns
    column_encoders = tuple(encoders.get(kind, encoders[K.OTHER]) for kind in kinds)

    def encode_row(row: Sequence[object]) -> list[object]:
        return [encode(value) for encode, value in zip(column_encoders, row, strict=True)]

    return encode_row
