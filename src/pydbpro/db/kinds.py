"""Which ColumnKind a column or a value has: the kind decides how its values are encoded,
sorted and filtered. A table's columns get theirs from the reflected type; ad-hoc results
(the console) from their values, which carry no dependable type.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import sqltypes
from sqlalchemy.types import TypeDecorator, TypeEngine

from ..column_kind import ColumnKind as K
from .previews import Preview
from .values import Interval, JsonText

# isinstance order matters: Enum is a String, BigInteger an Integer, and before
# SQLAlchemy 2.1 Float was a Numeric. MySQL BIT(n) is a number (SQLAlchemy returns an
# int), BIT(1) a flag. Not listed, so OTHER (a string): MONEY (asyncpg gives '$1.00'),
# INET/CIDR/MACADDR, ranges, tsvector, PostgreSQL BIT, types reflection did not know.
# MariaDB's JSON is LONGTEXT + CHECK(json_valid()): it reflects, and counts, as TEXT.
_TYPE_KINDS: tuple[tuple[type | tuple[type, ...], K], ...] = (
    (sqltypes.NullType, K.OTHER),
    (sqltypes.ARRAY, K.ARRAY),
    (sqltypes.JSON, K.JSON),
    (sqltypes.Uuid, K.UUID),
    (sqltypes.Enum, K.ENUM),
    (sqltypes.Boolean, K.BOOLEAN),
    (sqltypes.BigInteger, K.BIGINT),
    ((sqltypes.Integer, mysql.YEAR, mysql.BIT, postgresql.OID), K.INTEGER),
    (sqltypes.Float, K.FLOAT),
    (sqltypes.Numeric, K.DECIMAL),
    (sqltypes.DateTime, K.DATETIME),
    (sqltypes.Date, K.DATE),
    (sqltypes.Time, K.TIME),
    (sqltypes._Binary, K.BINARY),  # LargeBinary, BLOB variants, (VAR)BINARY, BYTEA
    (sqltypes.String, K.TEXT),  # CHAR, VARCHAR, TEXT variants, CITEXT, MySQL SET
)


def kind_of(sql_type: TypeEngine[Any]) -> K:
    """Map a reflected SQLAlchemy type to a ColumnKind (chosen once per column)."""
    if isinstance(sql_type, (sqltypes.Interval, postgresql.INTERVAL)):
        return K.INTERVAL  # before unwrapping: Interval decorates DateTime
    while isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    if isinstance(sql_type, postgresql.DOMAIN):
        return kind_of(sql_type.data_type)
    if (isinstance(sql_type, mysql.TINYINT) and sql_type.display_width == 1) or (
        isinstance(sql_type, mysql.BIT) and sql_type.length == 1
    ):
        return K.BOOLEAN  # MySQL's BOOLEAN is TINYINT(1); BIT(1) is the other usual flag
    if isinstance(sql_type, sqltypes.Numeric) and not sql_type.asdecimal:
        return K.FLOAT  # its result processor yields floats
    for types, kind in _TYPE_KINDS:
        if isinstance(sql_type, types):
            return kind
    return K.OTHER


def declared_type(
    sql_type: TypeEngine[Any],
    dialect: Dialect,
    as_declared: Callable[[TypeEngine[Any]], TypeEngine[Any]],
) -> str:
    """The type as the database declares it (``as_declared``: the adapter's ``declared``);
    '' when reflection did not know it."""
    if isinstance(sql_type, sqltypes.NullType):
        return ""  # SQLite's untyped column, or a type SQLAlchemy warned it did not know
    try:
        return str(as_declared(sql_type).compile(dialect=dialect))
    except Exception:
        try:
            return str(sql_type)
        except Exception:
            return type(sql_type).__name__


# Most specific first: bool is an int, datetime a date. Tuple subclasses are OTHER, not
# ARRAY: asyncpg's geometric types are tuples.
_VALUE_BASES: tuple[tuple[type, K], ...] = (
    (type(None), K.OTHER),
    (bool, K.BOOLEAN),
    (int, K.INTEGER),
    (float, K.FLOAT),
    (Decimal, K.DECIMAL),
    (str, K.TEXT),
    (bytes, K.BINARY),
    (bytearray, K.BINARY),
    (memoryview, K.BINARY),
    (datetime, K.DATETIME),
    (date, K.DATE),
    (time, K.TIME),
    (timedelta, K.INTERVAL),
    (Interval, K.INTERVAL),
    (UUID, K.UUID),
    (dict, K.JSON),
    (JsonText, K.JSON),
    (Preview, K.TEXT),  # a value read in part: its encoders know it
    (list, K.ARRAY),
    (set, K.TEXT),  # MySQL SET through SQLAlchemy
    (frozenset, K.TEXT),
)
_VALUE_KINDS: dict[type, K] = {**dict(_VALUE_BASES), tuple: K.ARRAY}


def kind_of_value(value: object) -> K:
    """The kind for a value whose column type is unknown (ad-hoc queries, arrays)."""
    kind = _VALUE_KINDS.get(type(value))
    if kind is not None:
        return kind
    for base, kind in _VALUE_BASES:
        if isinstance(value, base):
            return kind
    return K.OTHER


def column_kind(rows: Sequence[Sequence[object]], index: int, duration_kind: K = K.INTERVAL) -> K:
    """Ad-hoc results carry no reliable types: the first non-NULL value decides (one read
    in part, a ``Preview``, only when there is nothing else).

    ``duration_kind`` is what a timedelta means for the dialect (the adapter knows): MySQL
    has no interval values, its drivers return TIME columns as timedelta.
    """
    found = K.OTHER
    for row in rows:
        value = row[index]
        if value is None:
            continue
        if type(value) is Preview:
            found = K.TEXT
            continue
        kind = kind_of_value(value)
        return duration_kind if kind is K.INTERVAL else kind
    return found
