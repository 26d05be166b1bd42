"""The ``dialect_types`` table: one name on every backend, each dialect's own common types.

Why per dialect: the common fixture tables use portable SQLAlchemy types, so they never
show an explorer what a real PostgreSQL or MariaDB schema holds -- intervals, arrays,
enums, network addresses, unsigned integers, YEAR, SET, BIT, MariaDB's TIME beyond 24
hours -- nor SQLite's dynamic typing. The table is named ``dialect_types`` everywhere, so
a test can ask for the same table on each backend and compare against
``DIALECT_TYPE_ROWS[dialect]``.

Columns are named after their type (some are reserved words: quoting is the explorer's
job). Each dialect has three rows: id 1 typical values, id 2 edge values, id 3 NULL in
every column except the key.

``DIALECT_TYPE_ROWS`` holds what the values *are*, as the Python objects the real driver
returns for a plain ``SELECT *`` (which is what the app runs and has to encode), with
two documented exceptions listed in ``RAW_DRIVER_FORMS``. Driver facts worth knowing:

* asyncpg under SQLAlchemy decodes ``json``/``jsonb`` already (SQLAlchemy installs a
  ``json.loads`` codec on every connection), so the app gets dicts/lists, not text;
  ``jsonb`` integers beyond 2**53 stay exact Python ints.
* asyncpg returns ``real`` (float4) widened to a Python float (so 0.1 would come back as
  0.10000000149011612; the fixture uses exactly representable values), ``uuid`` as
  ``asyncpg.pgproto.pgproto.UUID`` (a ``uuid.UUID`` subclass), ``inet`` as
  ``ipaddress.IPv4Address``/``IPv6Interface`` (an address or an interface, depending on
  whether it has a prefix) and ``cidr`` as ``ipaddress.IPv*Network``; ``timestamptz``
  comes back in UTC whatever offset was stored. Intervals with months are lossy
  (asyncpg turns a month into 30 days) -- see the test module.
* PyMySQL returns ``tinyint(1)`` as int, ``TIME`` as ``timedelta`` (it may be negative or
  beyond a day), ``YEAR`` as int, ``SET`` as the text ``'a,c'``, ``BIT`` as big-endian
  bytes and MariaDB ``JSON`` (an alias of LONGTEXT) as text; see ``RAW_DRIVER_FORMS``.
  PyMySQL also *writes* negative timedeltas wrongly (``-01:30:00`` becomes ``-02:30:00``),
  so TIME values are inserted as text -- see ``dialect_types_insert_rows``.
* SQLite stores whatever it is given: ``untyped`` (no declared type) holds an integer in
  one row and text in another, and the NUMERIC column keeps text that is not a number.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import math
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.types import TypeEngine, UserDefinedType

from .fixture_data import (
    BIG_DECIMAL,
    BIG_INT,
    BINARY_VALUE,
    INT64_MAX,
    INT64_MIN,
    JSON_VALUE,
    Row,
)

DIALECT_TYPES = "dialect_types"
DIALECT_TYPES_ROW_COUNT = 3
UTC_PLUS_2 = dt.timezone(dt.timedelta(hours=2))
#: A jsonb document whose integer a JavaScript ``Number`` (or float) would round.
NESTED_JSON: dict[str, Any] = {
    "outer": {"inner": {"big": BIG_INT, "list": [None, True, "ünï"]}, "empty": {}},
}
PG_ENUM_VALUES = ("sad", "ok", "happy", "très bien")
MYSQL_ENUM_VALUES = ("small", "medium", "large", "très grand")
MYSQL_SET_VALUES = ("a", "b", "c")


class _Declared(UserDefinedType[Any]):
    """A column declared with exactly ``name`` (SQLite affinity rules read that text).

    No bind or result processing: values reach the driver, and come back, untouched.
    """

    cache_ok = True

    def __init__(self, name: str) -> None:
        self.name = name

    def get_col_spec(self, **kw: Any) -> str:
        return self.name


# (column, type, typical value, edge value): one line per type keeps the three in sync.
_Spec = list[tuple[str, TypeEngine[Any], Any, Any]]

_POSTGRESQL: _Spec = [
    ("int", sa.Integer(), 42, -2_147_483_648),
    ("bigint", sa.BigInteger(), 1_234_567_890_123, INT64_MAX),
    ("numeric", sa.Numeric(), Decimal("1234.5678"), BIG_DECIMAL),  # unconstrained NUMERIC
    ("float8", sa.Double(), 0.1, math.nan),
    ("float4", sa.REAL(), 1.5, math.inf),
    ("bool", sa.Boolean(), True, False),
    ("text", sa.Text(), 'Zoë says "hi" — 東京 😀\nline 2', ""),
    ("varchar", sa.String(50), "O'Brien", "100% _real_ deal"),
    # Not date.min: asyncpg's own encoder (the fixture loader's) writes it as -infinity.
    # Infinite and BC dates are in fixture_real.py's real_shapes.
    ("date", sa.Date(), dt.date(2024, 2, 29), dt.date(1, 1, 2)),
    (
        "timestamp",
        postgresql.TIMESTAMP(),
        dt.datetime(2024, 2, 29, 23, 59, 59, 123456),
        dt.datetime(1999, 12, 31, 23, 59, 59, 999999),
    ),
    (
        "timestamptz",
        postgresql.TIMESTAMP(timezone=True),
        dt.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=UTC_PLUS_2),
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
    ),
    (
        "interval",
        postgresql.INTERVAL(),
        dt.timedelta(hours=1, minutes=30),
        dt.timedelta(days=1, hours=2, minutes=3, seconds=4.5),  # '1 day 02:03:04.5'
    ),
    (
        "uuid",
        sa.Uuid(),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        uuid.UUID("ffffffff-ffff-ffff-ffff-ffffffffffff"),
    ),
    ("json", postgresql.JSON(none_as_null=True), JSON_VALUE, [BIG_INT, "ünï", None, {}]),
    ("jsonb", postgresql.JSONB(none_as_null=True), JSON_VALUE, NESTED_JSON),
    ("bytea", postgresql.BYTEA(), b"\x00\xffabc", BINARY_VALUE),
    ("int_array", postgresql.ARRAY(sa.Integer()), [1, 2, 3], [-2_147_483_648, None, 0]),
    (
        "text_array",
        postgresql.ARRAY(sa.Text()),
        ["a", "b"],
        ["a,b", 'quote"d', None, "", "NULL", "ünï {x}"],
    ),
    ("enum", postgresql.ENUM(*PG_ENUM_VALUES, name="mood"), "happy", "très bien"),
    (
        "inet",
        postgresql.INET(),
        ipaddress.IPv4Address("192.168.1.10"),
        ipaddress.IPv6Interface("2001:db8::1/64"),
    ),
    (
        "cidr",
        postgresql.CIDR(),
        ipaddress.IPv4Network("192.168.1.0/24"),
        ipaddress.IPv6Network("2001:db8::/32"),
    ),
]

_MYSQL: _Spec = [
    ("tinyint1", mysql.TINYINT(1), 1, 0),
    ("int_unsigned", mysql.INTEGER(unsigned=True), 42, 4_294_967_295),
    ("bigint", mysql.BIGINT(), BIG_INT, INT64_MIN),
    ("decimal", mysql.DECIMAL(30, 10), Decimal("1234.5678000000"), BIG_DECIMAL),
    ("double", mysql.DOUBLE(), 0.1, -1.5e300),
    ("varchar", mysql.VARCHAR(50), "Zoë 東京 😀", ""),
    ("text", mysql.TEXT(), "line\nbreak\ttab 'quoted'", ""),
    ("blob", mysql.BLOB(), b"\x00\xffabc", BINARY_VALUE),
    ("date", mysql.DATE(), dt.date(2024, 2, 29), dt.date(1000, 1, 1)),
    (
        "datetime",
        mysql.DATETIME(),
        dt.datetime(2024, 2, 29, 23, 59, 59),
        dt.datetime(9999, 12, 31, 23, 59, 59),
    ),
    # TIMESTAMP is stored in UTC and shown in the session time zone; values stay clear
    # of the 1970/2038 limits so that any server time zone round-trips them.
    (
        "timestamp",
        mysql.TIMESTAMP(),
        dt.datetime(2024, 2, 29, 12, 0, 0),
        dt.datetime(2038, 1, 17, 3, 14, 7),
    ),
    (
        "time",
        mysql.TIME(),
        -dt.timedelta(hours=1, minutes=30),  # '-01:30:00'
        dt.timedelta(hours=838, minutes=59, seconds=59),  # '838:59:59', the maximum
    ),
    ("year", mysql.YEAR(), 2024, 2155),
    ("enum", mysql.ENUM(*MYSQL_ENUM_VALUES), "medium", "très grand"),
    ("set", mysql.SET(*MYSQL_SET_VALUES), "b", "a,c"),
    ("json", sa.JSON(none_as_null=True), JSON_VALUE, NESTED_JSON),
    ("bit", mysql.BIT(8), 1, 0b10101010),
]

_SQLITE: _Spec = [
    ("integer", _Declared("INTEGER"), 42, INT64_MAX),
    ("real", _Declared("REAL"), 0.1, math.inf),
    ("text", _Declared("TEXT"), "Zoë 東京 😀", ""),
    ("blob", _Declared("BLOB"), b"\x00\xffabc", BINARY_VALUE),
    ("numeric", _Declared("NUMERIC"), 12.5, "not a number"),
    ("untyped", _Declared(""), 7, "seven"),
]

_SPECS: dict[str, _Spec] = {"postgresql": _POSTGRESQL, "mysql": _MYSQL, "sqlite": _SQLITE}


def dialect_key(dialect_name: str) -> str:
    """``mariadb`` and ``mysql`` share one key: one fixture for the MySQL family."""
    return "mysql" if dialect_name in ("mysql", "mariadb") else dialect_name


def _build_table(spec: _Spec) -> sa.Table:
    """``id`` plus the dialect's columns, in a MetaData of its own (same name everywhere)."""
    columns = [sa.Column(name, type_) for name, type_, _, _ in spec]
    return sa.Table(
        DIALECT_TYPES,
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        *columns,
    )


def _build_rows(spec: _Spec) -> list[Row]:
    """Typical (id 1), edge (id 2) and all-NULL (id 3) rows."""
    return [
        {"id": 1, **{name: typical for name, _, typical, _ in spec}},
        {"id": 2, **{name: edge for name, _, _, edge in spec}},
        {"id": 3, **{name: None for name, _, _, _ in spec}},
    ]


_TABLES: dict[str, sa.Table] = {key: _build_table(spec) for key, spec in _SPECS.items()}

#: dialect -> the three rows of ``dialect_types`` as Python values (see module docstring).
DIALECT_TYPE_ROWS: dict[str, list[Row]] = {key: _build_rows(s) for key, s in _SPECS.items()}

#: dialect -> column -> how the value a plain SELECT returns becomes the one in
#: ``DIALECT_TYPE_ROWS``: the conversions the app itself has to make.
RAW_DRIVER_FORMS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "postgresql": {},
    "mysql": {
        "json": json.loads,  # MariaDB JSON is LONGTEXT: PyMySQL hands back the text
        "bit": lambda raw: int.from_bytes(raw, "big"),  # BIT(8) arrives as b'\xaa'
    },
    "sqlite": {},
}


def dialect_types_table(dialect_name: str) -> sa.Table:
    """The ``dialect_types`` Table for ``dialect_name`` (typed: SQLAlchemy processes values)."""
    return _TABLES[dialect_key(dialect_name)]


def _mysql_time(value: dt.timedelta) -> str:
    """'[-]HHH:MM:SS' -- PyMySQL renders negative timedeltas off by an hour."""
    sign = "-" if value < dt.timedelta(0) else ""
    seconds = abs(int(value.total_seconds()))
    return f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def dialect_types_insert_rows(dialect_name: str) -> list[Row]:
    """``DIALECT_TYPE_ROWS`` ready to insert through ``dialect_types_table``."""
    key = dialect_key(dialect_name)
    rows = [dict(row) for row in DIALECT_TYPE_ROWS[key]]
    if key == "mysql":
        for row in rows:
            if row["time"] is not None:
                row["time"] = _mysql_time(row["time"])
    return rows
