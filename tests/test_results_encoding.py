"""The JSON cell format (``pydbpro.db.results``) on Python values and on real servers.

Why both: the pure tests pin the documented format rule by rule, and the reflection
tests prove that what each real driver hands back for each reflected column type
(asyncpg, aiomysql, aiosqlite) lands on the right rule -- drivers are where the
surprises live (timedelta for MySQL TIME, bytes for BIT, str for SQLite dates).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from pydbpro.column_kind import ColumnKind as K
from pydbpro.db.adapters import adapter_for
from pydbpro.db.batch_encoding import make_whole_batch_encoder
from pydbpro.db.kinds import declared_type, kind_of, kind_of_value
from pydbpro.db.results import _JSON_HOOKS, _SLOW, _parsed_fast, encode_cell, make_row_encoder

BIG = 9_007_199_254_740_993  # 2**53 + 1: not representable as a JavaScript number
SAFE = 2**53 - 1


def enc(value: object, kind: K, **options: int) -> object:
    """Encode and prove the result is strict JSON (no NaN/Infinity, only JSON types)."""
    encoded = encode_cell(value, kind, **options)
    json.dumps(encoded, allow_nan=False)
    return encoded


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text form")


# --- pure encoding ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(K))
def test_none_is_null_for_every_kind(kind: K) -> None:
    assert enc(None, kind) is None


#: (value, kind, its JSON value): every rule of the format, one case each.
SCALAR_RULES: list[tuple[object, K, object]] = [
        (5, K.INTEGER, 5),
        (SAFE, K.INTEGER, SAFE),
        (-SAFE, K.INTEGER, -SAFE),
        (SAFE + 1, K.INTEGER, str(SAFE + 1)),
        (-BIG, K.INTEGER, str(-BIG)),
        (b"\x05", K.INTEGER, 5),  # MySQL BIT(8), raw driver value
        (12, K.BIGINT, "12"),
        (BIG, K.BIGINT, str(BIG)),
        (Decimal("1E+3"), K.DECIMAL, "1000"),
        (Decimal("0.00000001"), K.DECIMAL, "0.00000001"),
        (Decimal("12.50"), K.DECIMAL, "12.50"),
        (Decimal("-0.0000000001"), K.DECIMAL, "-0.0000000001"),
        (
            Decimal("12345678901234567890.1234567890"),
            K.DECIMAL,
            "12345678901234567890.1234567890",
        ),
        (Decimal("NaN"), K.DECIMAL, "NaN"),
        (Decimal("Infinity"), K.DECIMAL, "Infinity"),
        (Decimal("-Infinity"), K.DECIMAL, "-Infinity"),
        (12.5, K.DECIMAL, "12.5"),  # SQLite NUMERIC holding a REAL
        (0.1, K.DECIMAL, "0.1"),
        (1e20, K.DECIMAL, "100000000000000000000"),
        (7, K.DECIMAL, "7"),
        (1.5, K.FLOAT, 1.5),
        (float("nan"), K.FLOAT, "NaN"),
        (float("inf"), K.FLOAT, "Infinity"),
        (float("-inf"), K.FLOAT, "-Infinity"),
        (Decimal("2.5000000000"), K.FLOAT, 2.5),  # MySQL DOUBLE via SQLAlchemy's type
        (Decimal("sNaN"), K.FLOAT, "NaN"),
        (Decimal("sNaN"), K.DECIMAL, "NaN"),
        (3, K.FLOAT, 3),
        (True, K.BOOLEAN, True),
        (False, K.BOOLEAN, False),
        (1, K.BOOLEAN, True),
        (0, K.BOOLEAN, False),
        (2, K.BOOLEAN, 2),  # not a boolean after all: passes through
        (b"\x01", K.BOOLEAN, True),  # MySQL BIT(1), raw
        ("yes", K.BOOLEAN, "yes"),
        ("héllo", K.TEXT, "héllo"),
        ("b", K.ENUM, "b"),
        ({"z", "x"}, K.TEXT, "x,z"),  # MySQL SET through SQLAlchemy
        (b"x", K.TEXT, "x"),  # PostgreSQL "char" through asyncpg
        (uuid.UUID(int=1), K.UUID, "00000000-0000-0000-0000-000000000001"),
        ("00000000-0000-0000-0000-000000000001", K.UUID, "00000000-0000-0000-0000-000000000001"),
        (ipaddress.ip_interface("192.168.0.1/24"), K.OTHER, "192.168.0.1/24"),
        (ipaddress.ip_network("10.0.0.0/8"), K.OTHER, "10.0.0.0/8"),
        ("$12.34", K.OTHER, "$12.34"),
        (date(2024, 2, 29), K.DATE, "2024-02-29"),
        ("2024-02-29", K.DATE, "2024-02-29"),  # SQLite keeps dates as text
        (datetime(2024, 2, 29, 12, 34, 56), K.DATETIME, "2024-02-29T12:34:56"),
        (datetime(2024, 2, 29, 12, 34, 56, 789), K.DATETIME, "2024-02-29T12:34:56.000789"),
        (
            datetime(2024, 2, 29, 12, 34, 56, tzinfo=timezone(timedelta(hours=2))),
            K.DATETIME,
            "2024-02-29T12:34:56+02:00",
        ),
        (datetime(2024, 1, 1, tzinfo=UTC), K.DATETIME, "2024-01-01T00:00:00+00:00"),
        (date(2024, 1, 1), K.DATETIME, "2024-01-01"),
        # SQLite keeps date-times as text: written in the same ISO 8601 form as real ones
        ("2024-02-29 12:34:56.789", K.DATETIME, "2024-02-29T12:34:56.789000"),
        ("2024-02-29 12:34:56+02:00", K.DATETIME, "2024-02-29T12:34:56+02:00"),
        ("yesterday at noon", K.DATETIME, "yesterday at noon"),  # not a date-time: as is
        ("12:34:56.500", K.TIME, "12:34:56.500000"),
        (time(12, 34, 56), K.TIME, "12:34:56"),
        (time(12, 34, 56, 500000), K.TIME, "12:34:56.500000"),
        (time(1, 2, tzinfo=timezone(timedelta(hours=5, minutes=30))), K.TIME, "01:02:00+05:30"),
        (timedelta(hours=12, minutes=34, seconds=56), K.TIME, "12:34:56"),  # MySQL TIME
        (-timedelta(hours=1, minutes=30), K.TIME, "-01:30:00"),
        (-timedelta(hours=1, minutes=30, microseconds=500000), K.TIME, "-01:30:00.500000"),
        (timedelta(hours=838, minutes=59, seconds=59), K.TIME, "838:59:59"),
        (timedelta(0), K.TIME, "00:00:00"),
        ("12:34:56", K.TIME, "12:34:56"),
        (timedelta(days=1, hours=2, minutes=3, seconds=4.5), K.INTERVAL, "P1DT2H3M4.5S"),
        (timedelta(0), K.INTERVAL, "PT0S"),
        (timedelta(days=3), K.INTERVAL, "P3D"),
        (timedelta(minutes=90), K.INTERVAL, "PT1H30M"),
        (timedelta(seconds=10), K.INTERVAL, "PT10S"),
        (timedelta(microseconds=1), K.INTERVAL, "PT0.000001S"),
        (-timedelta(days=1, hours=2), K.INTERVAL, "-P1DT2H"),
        (-timedelta(seconds=0.25), K.INTERVAL, "-PT0.25S"),
        (timedelta.min, K.INTERVAL, "-P999999999D"),
        ([1, 2, None], K.ARRAY, [1, 2, None]),
        ([["a", "b"], ["c", None]], K.ARRAY, [["a", "b"], ["c", None]]),
        (
            [BIG, Decimal("1.50"), float("nan"), b"\xff"],
            K.ARRAY,
            [str(BIG), "1.50", "NaN", {"$binary": "ff", "length": 1}],
        ),
        (
            (date(2024, 1, 1), uuid.UUID(int=0)),
            K.ARRAY,
            ["2024-01-01", "00000000-0000-0000-0000-000000000000"],
        ),
        ([], K.ARRAY, []),
        ("{1,2}", K.ARRAY, "{1,2}"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "kind", "expected"), SCALAR_RULES)
def test_scalar_rules(value: object, kind: K, expected: object) -> None:
    assert enc(value, kind) == expected


def test_integer_results_keep_their_type() -> None:
    assert type(enc(True, K.BOOLEAN)) is bool
    assert type(enc(1, K.BOOLEAN)) is bool
    assert type(enc(5, K.INTEGER)) is int
    assert type(enc(1.5, K.FLOAT)) is float


def test_text_longer_than_max_text_is_truncated_with_its_length() -> None:
    assert enc("abcdef", K.TEXT, max_text=6) == "abcdef"
    assert enc("abcdefg", K.TEXT, max_text=6) == {
        "$truncated": True,
        "value": "abcdef",
        "length": 7,
    }
    assert enc("é" * 20_000, K.ENUM) == {
        "$truncated": True,
        "value": "é" * 10_000,
        "length": 20_000,
    }
    assert enc(["abcdefg"], K.ARRAY, max_text=3) == [
        {"$truncated": True, "value": "abc", "length": 7}
    ]
    other = enc(ipaddress.ip_address("::1"), K.OTHER, max_text=2)
    assert other == {"$truncated": True, "value": "::", "length": 3}


def test_binary_is_a_hex_preview_with_the_full_length() -> None:
    data = bytes(range(100))
    expected = {"$binary": data[:32].hex(), "length": 100}
    assert enc(data, K.BINARY) == expected
    assert enc(bytearray(data), K.BINARY) == expected
    assert enc(memoryview(data), K.BINARY) == expected
    assert enc(memoryview(data)[::50], K.BINARY) == {"$binary": "0032", "length": 2}
    assert enc(data, K.BINARY, binary_preview=2) == {"$binary": "0001", "length": 100}
    assert enc(b"", K.BINARY) == {"$binary": "", "length": 0}
    assert enc(b"\xff\xfe", K.TEXT) == {"$binary": "fffe", "length": 2}  # not UTF-8


def test_json_text_is_parsed_and_big_numbers_become_strings() -> None:
    text = '{"a": 9007199254740993, "b": [1, 2.5, null, true], "c": "x", "d": -9007199254740993}'
    assert enc(text, K.JSON) == {
        "a": str(BIG),
        "b": [1, 2.5, None, True],
        "c": "x",
        "d": str(-BIG),
    }
    assert enc("[NaN, Infinity, -Infinity, 1e999]", K.JSON) == [
        "NaN",
        "Infinity",
        "-Infinity",
        "Infinity",
    ]
    huge = "9" * 5000  # beyond int()'s digit limit: kept as written
    assert enc(f"[{huge}, -{huge}, 1234567890123456, -9999999999999999]", K.JSON) == [
        huge,
        f"-{huge}",
        1234567890123456,
        "-9999999999999999",
    ]
    assert enc('"just a string"', K.JSON) == "just a string"
    assert enc("42", K.JSON) == 42
    assert enc("null", K.JSON) is None
    assert enc(b'{"a": 1}', K.JSON) == {"a": 1}
    assert enc("{not json", K.JSON) == "{not json"


def test_json_values_already_parsed_are_walked() -> None:
    value = {"a": BIG, "b": [{"c": float("inf")}, (1, 2)], "d": Decimal("1.0"), 3: "x"}
    assert enc(value, K.JSON) == {
        "a": str(BIG),
        "b": [{"c": "Infinity"}, [1, 2]],
        "d": "1.0",
        "3": "x",
    }
    assert enc([1, "a"], K.JSON) == [1, "a"]
    assert enc(SAFE + 1, K.JSON) == str(SAFE + 1)
    assert enc(True, K.JSON) is True


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, K.OTHER),
        (True, K.BOOLEAN),
        (1, K.INTEGER),
        (BIG, K.INTEGER),
        (1.5, K.FLOAT),
        (Decimal("1"), K.DECIMAL),
        ("s", K.TEXT),
        (b"b", K.BINARY),
        (bytearray(b"b"), K.BINARY),
        (memoryview(b"b"), K.BINARY),
        (datetime(2024, 1, 1), K.DATETIME),
        (date(2024, 1, 1), K.DATE),
        (time(1), K.TIME),
        (timedelta(1), K.INTERVAL),
        (uuid.UUID(int=1), K.UUID),
        ({"a": 1}, K.JSON),
        ([1], K.ARRAY),
        ((1,), K.ARRAY),
        ({"a"}, K.TEXT),
        (ipaddress.ip_address("::1"), K.OTHER),
        (object(), K.OTHER),
    ],
)
def test_kind_of_value(value: object, kind: K) -> None:
    assert kind_of_value(value) is kind


def test_kind_of_value_follows_subclasses() -> None:
    class Flag(int):
        pass

    class Stamp(datetime):
        pass

    assert kind_of_value(Flag(3)) is K.INTEGER
    assert kind_of_value(Stamp(2024, 1, 1)) is K.DATETIME
    assert enc(Flag(3), K.INTEGER) == 3
    assert enc(Stamp(2024, 1, 1), K.DATETIME) == "2024-01-01T00:00:00"


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("not a number", K.INTEGER, "not a number"),
        ("12.5", K.DECIMAL, "12.5"),
        (5, K.TEXT, 5),
        (1.5, K.BIGINT, 1.5),
        (float("nan"), K.INTEGER, "NaN"),
        ([1, 2], K.TEXT, [1, 2]),
        ({"a": 1}, K.OTHER, {"a": 1}),
        (datetime(2024, 1, 1), K.DATE, "2024-01-01T00:00:00"),
        (b"\x00", K.DATE, {"$binary": "00", "length": 1}),
        ("P1D", K.INTERVAL, "P1D"),
        ("abc", K.BINARY, "abc"),
        (5, K.ARRAY, 5),
        (uuid.UUID(int=2), K.TEXT, "00000000-0000-0000-0000-000000000002"),
        (Decimal("1"), K.BOOLEAN, "1"),
    ],
)
def test_unexpected_types_fall_back_to_their_own_kind(
    value: object, kind: K, expected: object
) -> None:
    assert enc(value, kind) == expected


@pytest.mark.parametrize("kind", list(K))
def test_encoding_never_raises(kind: K) -> None:
    nested: list[object] = []
    deepest = nested
    for _ in range(5000):  # deeper than the recursion limit
        deepest.append([])
        deepest = deepest[0]  # type: ignore[assignment]
    for value in (Unprintable(), nested, object(), float("nan"), {1, "a"}):
        encoded = enc(value, kind)
        assert encoded is not None


def test_unprintable_objects_fall_back_to_the_default_repr() -> None:
    encoded = enc(Unprintable(), K.OTHER)
    assert isinstance(encoded, str)
    assert encoded.startswith("<") and "Unprintable" in encoded


def test_asyncpg_objects_encode_as_postgresql_text() -> None:
    from asyncpg import BitString, Range
    from asyncpg.pgproto.types import Box, Circle, Path, Point

    assert enc(Range(1, 5), K.OTHER) == "[1,5)"
    assert enc(Range(None, 5, upper_inc=True), K.OTHER) == "(,5]"
    assert enc(Range(date(2024, 1, 1), None), K.OTHER) == "[2024-01-01,)"
    assert enc(Range(empty=True), K.OTHER) == "empty"
    assert enc(BitString("00000101"), K.OTHER) == "00000101"
    assert enc(Point(1, 2), K.OTHER) == "(1.0,2.0)"
    assert enc(Box((1, 2), (0, 0)), K.OTHER) == "((1.0,2.0),(0.0,0.0))"
    assert enc(Circle((1, 2), 3), K.OTHER) == "((1,2),3)"
    assert enc(Path((0, 0), (1, 1), is_closed=True), K.OTHER) == "((0.0,0.0),(1.0,1.0))"
    assert enc(Path((0, 0), (1, 1)), K.OTHER) == "[(0.0,0.0),(1.0,1.0)]"


def test_row_encoder_matches_encode_cell() -> None:
    kinds = [K.INTEGER, K.BIGINT, K.DECIMAL, K.FLOAT, K.BOOLEAN, K.TEXT, K.DATETIME, K.BINARY]
    rows = [
        (1, BIG, Decimal("1E+3"), float("inf"), 1, "x" * 12, datetime(2024, 1, 1), b"\x00" * 9),
        (None,) * 8,
        ("?", None, 2.5, Decimal("2"), 2, b"\xff", "2024-01-01", "not bytes"),
    ]
    encode = make_row_encoder(kinds, max_text=10, binary_preview=4)
    for row in rows:
        expected = [
            encode_cell(v, k, max_text=10, binary_preview=4)
            for v, k in zip(row, kinds, strict=True)
        ]
        assert encode(row) == expected
        json.dumps(encode(row), allow_nan=False)
    assert encode(rows[0])[:5] == [1, str(BIG), "1000", "Infinity", True]
    with pytest.raises(ValueError):  # a row that does not match its columns is a bug
        encode((1, 2))


def test_whole_batch_encoder_matches_the_row_encoder() -> None:
    """The exports' column-wise encoder (``batch_encoding``) gives the row encoder's values,
    nothing cut, for every rule: in columns of one type, with NULLs, and of mixed types.
    Documents and arrays come serialised, so the rows are compared as the writers write them."""
    whole = {"max_text": sys.maxsize, "binary_preview": sys.maxsize}
    extra = [("x" * 20_000, K.TEXT), (b"\x01" * 500, K.BINARY), (True, K.INTEGER),
             (-SAFE, K.INTEGER), (float("-inf"), K.FLOAT), (1e308, K.FLOAT),
             ('{"a": [1, -0, 1e-400, 2.5e300, "\\u00e9"], "b": {"c": null}}', K.JSON),
             ("[123456789012345, 9007199254740993]", K.JSON)]  # fmt: skip
    cases = [(value, kind) for value, kind, _ in SCALAR_RULES] + extra
    for kind in K:
        values = [value for value, of in cases if of is kind]
        columns = [[v] for v in values] + [[None, v, None, v] for v in values] + [values]
        row_encoder = make_row_encoder([kind], **whole)
        encode = make_whole_batch_encoder([kind])
        for column in columns:
            rows = [(value,) for value in column]
            expected = [row_encoder(row) for row in rows]
            assert orjson.dumps(encode(rows)) == orjson.dumps(expected), (kind, column)
    assert make_whole_batch_encoder([K.TEXT, K.INTEGER])([]) == []


def test_json_text_parsed_fast_is_parsed_as_the_hooks_parse_it() -> None:
    """orjson reads JSON text where it gives the same values as ``json.loads`` with the
    format's hooks, which read the rest (numbers of 16+ digits, NaN, lone surrogates)."""
    texts = ['{"a": [1, -0, 1e-400, 2.5e300, 0.1, true, null], "é": {"b": "\\n"}}',
             "123456789012345", "-1234567890.123456", '{"a": 1, "a": 2}', " [ ] "]  # fmt: skip
    for text in texts:
        expected = json.loads(text, **_JSON_HOOKS)  # type: ignore[arg-type]
        assert _parsed_fast(text) == expected and _parsed_fast(text.encode()) == expected
    slow = ("[9007199254740993]", "[NaN]", "[1e999]", '"\\ud800"', "{nope", "[1.0000000000000001]")
    for text in slow:
        assert _parsed_fast(text) is _SLOW, text


def test_row_encoder_for_no_columns() -> None:
    assert make_row_encoder([])(()) == []


def test_unknown_kind_string_is_encoded_by_value() -> None:
    assert encode_cell(5, "integer") == 5  # type: ignore[arg-type]
    assert encode_cell(5, "no such kind") == 5  # type: ignore[arg-type]


# --- generic SQLAlchemy types ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sql_type", "kind"),
    [
        (sa.Integer(), K.INTEGER),
        (sa.SmallInteger(), K.INTEGER),
        (sa.BigInteger(), K.BIGINT),
        (sa.Numeric(10, 2), K.DECIMAL),
        (sa.Numeric(10, 2, asdecimal=False), K.FLOAT),
        (sa.Float(), K.FLOAT),
        (sa.Double(), K.FLOAT),
        (sa.Float(asdecimal=True), K.FLOAT),
        (sa.Boolean(), K.BOOLEAN),
        (sa.String(10), K.TEXT),
        (sa.Text(), K.TEXT),
        (sa.Unicode(5), K.TEXT),
        (sa.Enum("a", "b", name="e"), K.ENUM),
        (sa.Date(), K.DATE),
        (sa.DateTime(), K.DATETIME),
        (sa.DateTime(timezone=True), K.DATETIME),
        (sa.Time(), K.TIME),
        (sa.Interval(), K.INTERVAL),
        (sa.JSON(), K.JSON),
        (sa.LargeBinary(), K.BINARY),
        (sa.BINARY(4), K.BINARY),
        (sa.Uuid(), K.UUID),
        (sa.ARRAY(sa.Integer()), K.ARRAY),
        (sa.types.NullType(), K.OTHER),
        (sa.PickleType(), K.BINARY),  # a TypeDecorator: judged by what it stores
    ],
)
def test_kind_of_generic_types(sql_type: sa.types.TypeEngine[Any], kind: K) -> None:
    assert kind_of(sql_type) is kind


def test_declared_type_never_raises() -> None:
    class Broken(sa.types.UserDefinedType[object]):
        def get_col_spec(self, **kw: Any) -> str:
            raise RuntimeError("no spec")

    sqlite, as_declared = sqlite_dialect(), adapter_for("sqlite").declared
    assert declared_type(sa.types.NullType(), sqlite, as_declared) == ""
    assert declared_type(Broken(), sqlite, as_declared) == "Broken"
    assert declared_type(sa.Numeric(12, 2), sqlite, as_declared) == "NUMERIC(12, 2)"


# --- real servers ----------------------------------------------------------------------


@asynccontextmanager
async def scratch_table(
    databases: dict[str, Any], dialect: str, ddl: str, insert: str, *, pg_types: bool = False
) -> AsyncIterator[tuple[AsyncConnection, str]]:
    """A table ``enc_<hex>`` for one test, dropped after it (with PostgreSQL's
    ``<table>_t`` enum and ``<table>_d`` domain when ``pg_types``).

    ``ddl`` may hold several statements separated by ';' (asyncpg runs one at a time).
    """
    db = await databases["get"](dialect)
    name = f"enc_{secrets.token_hex(4)}"
    engine = create_async_engine(db.admin_async_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            try:
                for statement in [*ddl.split(";"), insert]:
                    if statement.strip():
                        await conn.exec_driver_sql(statement.format(t=name))
                await conn.commit()
                yield conn, name
            finally:
                await conn.rollback()
                await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
                if pg_types:
                    await conn.exec_driver_sql(f"DROP TYPE IF EXISTS {name}_t")
                    await conn.exec_driver_sql(f"DROP DOMAIN IF EXISTS {name}_d")
                await conn.commit()
    finally:
        await engine.dispose()


async def reflect(conn: AsyncConnection, name: str) -> dict[str, sa.types.TypeEngine[Any]]:
    columns = await conn.run_sync(lambda sync: sa.inspect(sync).get_columns(name))
    return {column["name"]: column["type"] for column in columns}


async def fetch_raw(conn: AsyncConnection, name: str) -> dict[str, object]:
    """The row as the driver returns it, without SQLAlchemy's result processors."""
    result = await conn.exec_driver_sql(f"SELECT * FROM {name}")
    return dict(result.one()._mapping)


def check_columns(
    types: dict[str, sa.types.TypeEngine[Any]],
    row: dict[str, object],
    dialect: sa.engine.Dialect,
    expected: dict[str, tuple[K, str, object]],
) -> None:
    """kind_of, declared_type and the encoded driver value for every expected column."""
    assert set(expected) <= set(types)
    problems = []
    for column, (kind, declared, value) in expected.items():
        got_kind = kind_of(types[column])
        got_declared = declared_type(types[column], dialect, adapter_for(dialect.name).declared)
        got_value = encode_cell(row[column], got_kind)
        json.dumps(got_value, allow_nan=False)
        if (got_kind, got_declared, got_value) != (kind, declared, value):
            problems.append((column, got_kind, got_declared, got_value, row[column]))
    assert not problems


PG_DDL = """
CREATE TYPE {t}_t AS ENUM ('a', 'b');
CREATE DOMAIN {t}_d AS numeric(10, 2);
CREATE TABLE {t} (
  i integer, si smallint, bi bigint, n numeric(40, 10), nn numeric, m money,
  r real, dp double precision, b boolean, vc varchar(100), tx text, ch char(3),
  d date, ts timestamp, tstz timestamptz(3), tm time, tmtz timetz, iv interval,
  u uuid, j json, jb jsonb, ia int[], ta text[][], ip inet, cd cidr, mac macaddr,
  by bytea, bt bit(8), r4 int4range, e {t}_t, o oid, dm {t}_d, nul integer,
  ci "char", pt point
)
"""
PG_INSERT = """
INSERT INTO {t} VALUES (
  1, 2, 9007199254740993, 12345678901234567890.1234567890, 1E+3, 12.34,
  1.5, 'NaN', true, 'Zoë', 'long text', 'ab', '2024-02-29',
  '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789+02', '12:34:56',
  '12:34:56+05:30', '1 day 02:03:04.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{{"a": 9007199254740993}}', '{{"b": [1, 2.5, null]}}', '{{1,2,NULL}}',
  '{{{{a,b}},{{c,d}}}}', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03',
  '\\x00ff', '00000101', '[1,5)', 'b', 42, 12.5, NULL, 'x', '(1,2)'
)
"""


@pytest.mark.postgresql
async def test_postgresql_reflection_and_values(databases: dict[str, Any]) -> None:
    async with scratch_table(databases, "postgresql", PG_DDL, PG_INSERT, pg_types=True) as (
        conn,
        t,
    ):
        with pytest.warns(SAWarning, match="Did not recognize type 'point'"):
            types = await reflect(conn, t)
        await conn.exec_driver_sql("SET lc_monetary TO 'C'")  # money's text is locale's
        row = await fetch_raw(conn, t)
        check_columns(
            types,
            row,
            conn.dialect,
            {
                "i": (K.INTEGER, "INTEGER", 1),
                "si": (K.INTEGER, "SMALLINT", 2),
                "bi": (K.BIGINT, "BIGINT", str(BIG)),
                "n": (K.DECIMAL, "NUMERIC(40, 10)", "12345678901234567890.1234567890"),
                "nn": (K.DECIMAL, "NUMERIC", "1000"),
                "m": (K.OTHER, "MONEY", "$12.34"),
                "r": (K.FLOAT, "REAL", 1.5),
                "dp": (K.FLOAT, "DOUBLE PRECISION", "NaN"),
                "b": (K.BOOLEAN, "BOOLEAN", True),
                "vc": (K.TEXT, "VARCHAR(100)", "Zoë"),
                "tx": (K.TEXT, "TEXT", "long text"),
                "ch": (K.TEXT, "CHAR(3)", "ab "),
                "d": (K.DATE, "DATE", "2024-02-29"),
                "ts": (K.DATETIME, "TIMESTAMP WITHOUT TIME ZONE", "2024-02-29T12:34:56.789000"),
                "tstz": (
                    K.DATETIME,
                    "TIMESTAMP(3) WITH TIME ZONE",
                    "2024-02-29T10:34:56.789000+00:00",
                ),
                "tm": (K.TIME, "TIME WITHOUT TIME ZONE", "12:34:56"),
                "tmtz": (K.TIME, "TIME WITH TIME ZONE", "12:34:56+05:30"),
                "iv": (K.INTERVAL, "INTERVAL", "P1DT2H3M4.5S"),
                "u": (K.UUID, "UUID", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                "j": (K.JSON, "JSON", {"a": str(BIG)}),
                "jb": (K.JSON, "JSONB", {"b": [1, 2.5, None]}),
                "ia": (K.ARRAY, "INTEGER[]", [1, 2, None]),
                "ta": (K.ARRAY, "TEXT[]", [["a", "b"], ["c", "d"]]),
                "ip": (K.OTHER, "INET", "192.168.0.1/24"),
                "cd": (K.OTHER, "CIDR", "10.0.0.0/8"),
                "mac": (K.OTHER, "MACADDR", "08:00:2b:01:02:03"),
                "by": (K.BINARY, "BYTEA", {"$binary": "00ff", "length": 2}),
                "bt": (K.OTHER, "BIT(8)", "00000101"),
                "r4": (K.OTHER, "INT4RANGE", "[1,5)"),
                "e": (K.ENUM, f"{t}_t", "b"),
                "o": (K.INTEGER, "OID", 42),
                "dm": (K.DECIMAL, f"{t}_d", "12.50"),
                "nul": (K.INTEGER, "INTEGER", None),
                "ci": (K.TEXT, "VARCHAR", "x"),  # asyncpg returns "char" as bytes
                "pt": (K.OTHER, "", "(1.0,2.0)"),  # unknown to SQLAlchemy: warned above
            },
        )


MYSQL_DDL = """
CREATE TABLE {t} (
  ti1 tinyint(1), bo boolean, ti tinyint, iu int unsigned, i int, bi bigint,
  biu bigint unsigned, y year, e enum('a','b'), s set('x','y','z'), bt bit(8),
  b1 bit(1), tm time(6), tm0 time, j json, bl blob, mb mediumblob, vb varbinary(10),
  n decimal(40,10), f float, db double, dt datetime(6), ts timestamp NULL, d date,
  vc varchar(100), mt mediumtext, lt longtext
)
"""
MYSQL_INSERT = """
INSERT INTO {t} VALUES (
  1, 0, -2, 4294967295, -5, 9007199254740993, 18446744073709551615, 2024, 'b', 'z,x',
  b'00000101', b'1', '-01:30:00.5', '838:59:59', '{{"a": 9007199254740993}}', x'00ff',
  x'01', x'02', 12345678901234567890.1234567890, 1.5, 2.5,
  '2024-02-29 12:34:56.789', '2024-02-29 12:34:56', '2024-02-29', 'v', 'm', 'l'
)
"""


@pytest.mark.mysql
async def test_mysql_reflection_and_values(databases: dict[str, Any]) -> None:
    async with scratch_table(databases, "mysql", MYSQL_DDL, MYSQL_INSERT) as (conn, t):
        types = await reflect(conn, t)
        row = await fetch_raw(conn, t)
        mariadb = bool(getattr(conn.dialect, "is_mariadb", False))
        expected: dict[str, tuple[K, str, object]] = {
            "ti1": (K.BOOLEAN, "TINYINT(1)", True),
            "bo": (K.BOOLEAN, "TINYINT(1)", False),
            "ti": (K.INTEGER, "TINYINT", -2),
            "iu": (K.INTEGER, "INTEGER UNSIGNED", 4294967295),
            "i": (K.INTEGER, "INTEGER", -5),
            "bi": (K.BIGINT, "BIGINT", str(BIG)),
            "biu": (K.BIGINT, "BIGINT UNSIGNED", "18446744073709551615"),
            "y": (K.INTEGER, "YEAR", 2024),
            "e": (K.ENUM, "ENUM('a','b')", "b"),
            "s": (K.TEXT, "SET('x','y','z')", "x,z"),
            "bt": (K.INTEGER, "BIT(8)", 5),
            "b1": (K.BOOLEAN, "BIT(1)", True),
            "tm": (K.TIME, "TIME(6)", "-01:30:00.500000"),
            "tm0": (K.TIME, "TIME", "838:59:59"),
            # MariaDB's JSON is LONGTEXT + CHECK (json_valid(j)): reflected as text.
            "j": (K.TEXT, "LONGTEXT", '{"a": 9007199254740993}')
            if mariadb
            else (K.JSON, "JSON", {"a": str(BIG)}),
            "bl": (K.BINARY, "BLOB", {"$binary": "00ff", "length": 2}),
            "mb": (K.BINARY, "MEDIUMBLOB", {"$binary": "01", "length": 1}),
            "vb": (K.BINARY, "VARBINARY(10)", {"$binary": "02", "length": 1}),
            "n": (K.DECIMAL, "DECIMAL(40, 10)", "12345678901234567890.1234567890"),
            "f": (K.FLOAT, "FLOAT", 1.5),
            "db": (K.FLOAT, "DOUBLE", 2.5),
            "dt": (K.DATETIME, "DATETIME(6)", "2024-02-29T12:34:56.789000"),
            "ts": (K.DATETIME, "TIMESTAMP", "2024-02-29T12:34:56"),
            "d": (K.DATE, "DATE", "2024-02-29"),
            "vc": (K.TEXT, "VARCHAR(100)", "v"),
            "mt": (K.TEXT, "MEDIUMTEXT", "m"),
            "lt": (K.TEXT, "LONGTEXT", "l"),
        }
        check_columns(types, row, conn.dialect, expected)
        assert encode_cell(row["j"], K.JSON) == {"a": str(BIG)}

        # Through SQLAlchemy's result processors SET, BIT and DOUBLE change Python
        # type (set, int, Decimal) but must encode the same. (SQLAlchemy turns TIME
        # into a time of day, corrupting negative and >24h values: not compared.)
        kinds = {name: kind_of(sql_type) for name, sql_type in types.items()}
        processed = await conn.run_sync(
            lambda sync: dict(
                sync.execute(sa.select(sa.Table(t, sa.MetaData(), autoload_with=sync)))
                .one()
                ._mapping
            )
        )
        for column in ("s", "bt", "b1", "db", "bi", "biu", "n", "ti1", "e", "bl"):
            assert encode_cell(processed[column], kinds[column]) == expected[column][2], column


SQLITE_DDL = """
CREATE TABLE {t} (
  i INTEGER, bi BIGINT, n NUMERIC(12, 2), dc DECIMAL(10, 3), f FLOAT, r REAL,
  b BOOLEAN, bl BLOB, d DATE, dt DATETIME, ts TIMESTAMP, tm TIME, j JSON, tx TEXT,
  vc VARCHAR(10), x, big INTEGER
)
"""
SQLITE_INSERT = """
INSERT INTO {t} VALUES (
  5, 9007199254740993, 12.5, 7, 1.5, 'NaN', 1, x'00ff', '2024-02-29',
  '2024-02-29 12:34:56.789', '2024-02-29 12:34:56', '12:34:56',
  '{{"a": 9007199254740993}}', 'Zoë', 'v', 5, 9007199254740993
)
"""


async def test_sqlite_reflection_and_values(databases: dict[str, Any]) -> None:
    async with scratch_table(databases, "sqlite", SQLITE_DDL, SQLITE_INSERT) as (conn, t):
        types = await reflect(conn, t)
        row = await fetch_raw(conn, t)
        check_columns(
            types,
            row,
            conn.dialect,
            {
                "i": (K.INTEGER, "INTEGER", 5),
                "bi": (K.BIGINT, "BIGINT", str(BIG)),
                "n": (K.DECIMAL, "NUMERIC(12, 2)", "12.5"),  # stored as REAL 12.5
                "dc": (K.DECIMAL, "DECIMAL(10, 3)", "7"),  # stored as INTEGER 7
                "f": (K.FLOAT, "FLOAT", 1.5),
                "r": (K.FLOAT, "REAL", "NaN"),  # text in a REAL column: stays text
                "b": (K.BOOLEAN, "BOOLEAN", True),
                "bl": (K.BINARY, "BLOB", {"$binary": "00ff", "length": 2}),
                "d": (K.DATE, "DATE", "2024-02-29"),
                "dt": (K.DATETIME, "DATETIME", "2024-02-29T12:34:56.789000"),
                "ts": (K.DATETIME, "TIMESTAMP", "2024-02-29T12:34:56"),
                "tm": (K.TIME, "TIME", "12:34:56"),
                "j": (K.JSON, "JSON", {"a": str(BIG)}),
                "tx": (K.TEXT, "TEXT", "Zoë"),
                "vc": (K.TEXT, "VARCHAR(10)", "v"),
                "x": (K.OTHER, "", 5),  # no declared type: encoded by value
                "big": (K.INTEGER, "INTEGER", str(BIG)),  # INTEGER affinity holds 64 bits
            },
        )


def test_row_encoder_covers_every_kind() -> None:
    """A row with every kind at once goes through the hot path as strict JSON."""
    values: dict[K, object] = {
        K.INTEGER: 1,
        K.BIGINT: BIG,
        K.DECIMAL: Decimal("1.10"),
        K.FLOAT: float("-inf"),
        K.BOOLEAN: 0,
        K.TEXT: "t",
        K.DATE: date(2024, 1, 1),
        K.DATETIME: datetime(2024, 1, 1, 1, 2, 3),
        K.TIME: time(1, 2, 3),
        K.INTERVAL: timedelta(hours=1),
        K.JSON: '{"a": [1]}',
        K.BINARY: b"\x01",
        K.UUID: uuid.UUID(int=3),
        K.ARRAY: [1, "a"],
        K.ENUM: "e",
        K.OTHER: ipaddress.ip_address("10.0.0.1"),
    }
    assert set(values) == set(K)
    encode = make_row_encoder(list(values))
    encoded = encode(list(values.values()))
    json.dumps(encoded, allow_nan=False)
    assert encoded == [
        1,
        str(BIG),
        "1.10",
        "-Infinity",
        False,
        "t",
        "2024-01-01",
        "2024-01-01T01:02:03",
        "01:02:03",
        "PT1H",
        {"a": [1]},
        {"$binary": "01", "length": 1},
        "00000000-0000-0000-0000-000000000003",
        [1, "a"],
        "e",
        "10.0.0.1",
    ]
    assert encode([None] * len(values)) == [None] * len(values)
