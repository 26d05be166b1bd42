"""Proves the shared test-database infrastructure against the real servers.

Every later integration test relies on ``tests/support``: if the fixture does not
load identically everywhere, or the read-only role can write, or drop leaks
databases and roles onto the shared servers, those tests would be meaningless.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pymysql.converters import escape_timedelta
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from .support.databases import (
    TestDatabase,
    admin_url,
    async_url,
    create_database,
    drop_database,
    require_server,
    server_available,
)
from .support.fixture_data import (
    BIG_DECIMAL,
    BIG_INT,
    SPECIAL_CUSTOMERS,
    build_types_rows,
)
from .support.fixture_schema import (
    AWKWARD_TABLE_NAMES,
    FIXTURE_ROW_COUNTS,
    PG_ONLY_ROW_COUNTS,
    VIEW_ROW_COUNTS,
    customers,
    table_for,
    types,
)
from .support.fixture_types import (
    DIALECT_TYPE_ROWS,
    DIALECT_TYPES,
    RAW_DRIVER_FORMS,
    dialect_types_table,
)
from .support.tcp_proxy import TcpProxy

SERVER_DIALECTS = [
    pytest.param("postgresql", marks=pytest.mark.postgresql, id="postgresql"),
    pytest.param("mysql", marks=pytest.mark.mysql, id="mysql"),
]
ALL_DIALECTS = [*SERVER_DIALECTS, pytest.param("sqlite", id="sqlite")]

# SQLSTATE / MariaDB error numbers meaning "you are not allowed to do that".
PG_INSUFFICIENT_PRIVILEGE = "42501"
MYSQL_ACCESS_DENIED = {1044, 1142, 1227}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def _engine(url: str) -> AsyncEngine:
    """NullPool: every connection really closes when the test is done with it."""
    return create_async_engine(url, poolclass=NullPool)


def _readonly_async_url(db: TestDatabase) -> str:
    """The ro URL as an async URL; for SQLite the read-only open the app will do."""
    if db.dialect == "sqlite":
        return f"sqlite+aiosqlite:///file:{db.name}?mode=ro&uri=true"
    return async_url(db.readonly_url)


@pytest.fixture(scope="module", params=ALL_DIALECTS)
async def fixture_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[TestDatabase]:
    """One loaded database per dialect, shared by the read-only tests below."""
    dialect: str = request.param
    require_server(dialect)
    db = await create_database(dialect, tmp_path_factory.mktemp(dialect))
    try:
        yield db
    finally:
        await drop_database(db)


@pytest.fixture
async def ro_conn(fixture_db: TestDatabase) -> AsyncIterator[AsyncConnection]:
    """A connection made exactly like the application will: from the read-only URL."""
    engine = _engine(_readonly_async_url(fixture_db))
    try:
        async with engine.connect() as conn:
            yield conn
    finally:
        await engine.dispose()


async def _count(conn: AsyncConnection, name: str, schema: str | None = None) -> int:
    """Row count of a table or view, identifier quoted by SQLAlchemy."""
    query = sa.select(sa.func.count()).select_from(sa.table(name, schema=schema))
    return (await conn.execute(query)).scalar_one()


async def test_readonly_url_sees_expected_rows(
    fixture_db: TestDatabase, ro_conn: AsyncConnection
) -> None:
    """Every table (all columns) and view is readable as ro and has the expected size."""
    if fixture_db.dialect == "postgresql":
        assert (
            await ro_conn.execute(sa.text("SELECT current_user"))
        ).scalar_one() == fixture_db.ro_user
    elif fixture_db.dialect == "mysql":
        user = (await ro_conn.execute(sa.text("SELECT CURRENT_USER()"))).scalar_one()
        assert user.startswith(fixture_db.ro_user + "@")
    counts = {
        name: len((await ro_conn.execute(sa.select(table_for(name, fixture_db.dialect)))).all())
        for name in FIXTURE_ROW_COUNTS
    }
    assert counts == FIXTURE_ROW_COUNTS
    assert {name: await _count(ro_conn, name) for name in VIEW_ROW_COUNTS} == VIEW_ROW_COUNTS
    if fixture_db.dialect == "postgresql":
        pg_counts = {key: await _count(ro_conn, key[1], key[0]) for key in PG_ONLY_ROW_COUNTS}
        assert pg_counts == PG_ONLY_ROW_COUNTS


async def test_values_round_trip(fixture_db: TestDatabase, ro_conn: AsyncConnection) -> None:
    """Big integers/decimals, binary, JSON, time fractions and awkward strings survive."""
    rows = [
        dict(row._mapping) for row in await ro_conn.execute(sa.select(types).order_by(types.c.id))
    ]
    expected = build_types_rows()
    assert rows[0]["big"] == BIG_INT
    if fixture_db.dialect == "sqlite":
        # NUMERIC affinity stores a REAL: SQLite cannot keep 30 significant digits.
        assert rows[0]["dec"] != BIG_DECIMAL
        assert float(rows[0]["dec"]) == float(BIG_DECIMAL)
        for row in (*rows, *expected):
            row.pop("dec")
    else:
        assert rows[0]["dec"] == BIG_DECIMAL
    assert rows == expected

    special_ids = range(1, len(SPECIAL_CUSTOMERS) + 1)
    query = sa.select(customers.c.name).where(customers.c.id.in_(special_ids))
    names = (await ro_conn.execute(query.order_by(customers.c.id))).scalars().all()
    assert names == [name for name, _, _ in SPECIAL_CUSTOMERS]


def _shapes(sync: Connection) -> dict[str, Any]:
    """What the browse API's tests rely on, as the read-only role's inspector sees it."""
    insp = sa.inspect(sync)

    def fks(table: str) -> list[tuple[Any, ...]]:
        keys = ("constrained_columns", "referred_table", "referred_columns")
        return [tuple(fk[k] for k in keys) for fk in insp.get_foreign_keys(table)]

    return {
        "awkward": set(AWKWARD_TABLE_NAMES) - set(insp.get_table_names()),
        "details pk": insp.get_pk_constraint("Order Details")["constrained_columns"],
        "notes columns": [c["name"] for c in insp.get_columns("line_notes")],
        "notes pk": insp.get_pk_constraint("line_notes")["constrained_columns"],
        "notes fks": fks("line_notes"),
        "dots fks": fks("name.with.dots"),
        "unique pk": insp.get_pk_constraint("no_pk_unique")["constrained_columns"],
        "uniques": sorted(u["column_names"] for u in insp.get_unique_constraints("no_pk_unique")),
        "nullable": {c["name"]: c["nullable"] for c in insp.get_columns("no_pk_unique")},
    }


async def test_fixture_shapes_visible_to_readonly(
    fixture_db: TestDatabase, ro_conn: AsyncConnection
) -> None:
    """Awkward names, composite PK/FK, PK not first, UNIQUE-NOT-NULL-but-no-PK exist for ro."""
    assert await ro_conn.run_sync(_shapes) == {
        "awkward": set(),
        "details pk": ["order_id", "line_no"],
        "notes columns": ["note", "id", "order_id", "line_no"],
        "notes pk": ["id"],
        "notes fks": [(["order_id", "line_no"], "Order Details", ["order_id", "line_no"])],
        "dots fks": [(["customer.id"], "customers", ["id"])],
        "unique pk": [],
        "uniques": [["barcode"], ["code"]],
        "nullable": {"label": True, "code": False, "barcode": True},
    }
    if fixture_db.dialect == "mysql":
        # MariaDB trap: with no PRIMARY KEY, information_schema.COLUMNS reports the first
        # UNIQUE NOT NULL key as COLUMN_KEY 'PRI' although no PRIMARY KEY constraint exists.
        keys = await ro_conn.execute(
            sa.text(
                "SELECT COLUMN_NAME, COLUMN_KEY FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'no_pk_unique'"
            )
        )
        assert {name: key for name, key in keys} == {"label": "", "code": "PRI", "barcode": "UNI"}


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    """NaN never equals NaN, so compare it as a marker."""
    return {k: "NaN" if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}


async def test_dialect_types_round_trip(fixture_db: TestDatabase, ro_conn: AsyncConnection) -> None:
    """A plain SELECT (as the app runs it: no SQLAlchemy types) returns DIALECT_TYPE_ROWS
    once RAW_DRIVER_FORMS is applied; the asserts after that pin the raw driver forms."""
    dialect = fixture_db.dialect
    q = ro_conn.dialect.identifier_preparer.quote
    result = await ro_conn.exec_driver_sql(f"SELECT * FROM {q(DIALECT_TYPES)} ORDER BY {q('id')}")
    raw = [dict(row) for row in result.mappings()]
    forms = RAW_DRIVER_FORMS[dialect]
    decoded = [
        {k: v if v is None or k not in forms else forms[k](v) for k, v in row.items()}
        for row in raw
    ]
    assert [_comparable(r) for r in decoded] == [_comparable(r) for r in DIALECT_TYPE_ROWS[dialect]]
    typical, edge = raw[0], raw[1]
    if dialect == "postgresql":
        # SQLAlchemy installs json.loads codecs in asyncpg: json/jsonb arrive decoded, and
        # the integer beyond 2**53 is an exact int (jsonb reorders keys, json does not).
        assert edge["jsonb"]["outer"]["inner"]["big"] == BIG_INT
        uid = typical["uuid"]  # asyncpg's own uuid.UUID subclass
        assert isinstance(uid, uuid.UUID) and type(uid) is not uuid.UUID
        assert typical["timestamptz"].tzinfo == dt.UTC  # stored with +02:00
        assert [type(r["inet"]).__name__ for r in raw[:2]] == ["IPv4Address", "IPv6Interface"]
    elif dialect == "mysql":
        assert (edge["bit"], edge["set"], typical["tinyint1"]) == (b"\xaa", "a,c", 1)
        assert isinstance(edge["json"], str) and edge["time"] == dt.timedelta(
            hours=838, seconds=3599
        )
    else:
        # SQLite keeps what it was given: the declared type is only an affinity.
        storage = await ro_conn.exec_driver_sql(
            'SELECT typeof("numeric"), typeof("untyped") FROM dialect_types ORDER BY id'
        )
        assert list(storage) == [("real", "integer"), ("text", "text"), ("null", "null")]


async def test_driver_quirks(fixture_db: TestDatabase, ro_conn: AsyncConnection) -> None:
    """Lossy conversions below the app, pinned so that a driver upgrade is noticed."""
    if fixture_db.dialect == "postgresql":
        # asyncpg: a month is 30 days and a year 365 (no calendar), and +-infinity dates
        # and timestamps become date.max / datetime.min, like real values at the limits.
        row = await ro_conn.exec_driver_sql(
            "SELECT '1 year 2 mons 3 days'::interval, 'infinity'::date, '-infinity'::timestamp"
        )
        assert row.one() == (dt.timedelta(days=428), dt.date.max, dt.datetime.min)
    elif fixture_db.dialect == "mysql":
        # PyMySQL renders negative timedeltas an hour off, so the fixture inserts TIME as text.
        assert escape_timedelta(-dt.timedelta(hours=1, minutes=30)) == "'-2:30:00'"
        # SQLAlchemy's mysql.TIME keeps only timedelta.seconds: negative and >24 h values
        # wrap silently, so TIME must never be read through it.
        table = dialect_types_table("mysql")
        times = await ro_conn.execute(sa.select(table.c.time).order_by(table.c.id))
        assert times.scalars().all() == [dt.time(22, 30), dt.time(22, 59, 59), None]
    else:
        # SQLite cannot store NaN: it silently becomes NULL.
        assert (await ro_conn.exec_driver_sql("SELECT typeof(?)", (math.nan,))).scalar() == "null"


_FORBIDDEN = {
    "postgresql": [
        "INSERT INTO customers (id, name) VALUES (100000, 'x')",
        "UPDATE customers SET name = 'x' WHERE id = 1",
        'DELETE FROM "Order Details"',
        "CREATE TABLE intruder (id int)",
        "CREATE TABLE sales.intruder (id int)",
        "CREATE TEMP TABLE intruder (id int)",
        "CREATE SCHEMA intruder",
        "REFRESH MATERIALIZED VIEW sales.region_summary",
    ],
    "mysql": [
        "INSERT INTO customers (id, name) VALUES (100000, 'x')",
        "UPDATE customers SET name = 'x' WHERE id = 1",
        "DELETE FROM `Order Details`",
        "CREATE TABLE intruder (id int)",
        "CREATE TEMPORARY TABLE intruder (id int)",
        "CREATE VIEW intruder AS SELECT 1",
    ],
    # No roles in SQLite: the application opens the file read-only (mode=ro).
    "sqlite": [
        "INSERT INTO customers (id, name) VALUES (100000, 'x')",
        "CREATE TABLE intruder (id int)",
    ],
}


async def test_readonly_role_cannot_write(fixture_db: TestDatabase) -> None:
    """Each write/DDL attempt as ro fails with a permission error, not another error."""
    engine = _engine(_readonly_async_url(fixture_db))
    errors: dict[str, str] = {}
    try:
        for statement in _FORBIDDEN[fixture_db.dialect]:
            async with engine.connect() as conn:  # fresh: PG aborts the txn on error
                with pytest.raises(DBAPIError) as excinfo:
                    await conn.exec_driver_sql(statement)
            orig = excinfo.value.orig
            if fixture_db.dialect == "postgresql":
                code = getattr(orig, "sqlstate", None)
                if code != PG_INSUFFICIENT_PRIVILEGE:
                    errors[statement] = f"{code}: {orig}"
            elif fixture_db.dialect == "sqlite":
                if "readonly database" not in str(orig):
                    errors[statement] = str(orig)
            elif orig is None or orig.args[0] not in MYSQL_ACCESS_DENIED:
                errors[statement] = str(orig)
    finally:
        await engine.dispose()
    assert errors == {}, "failed for a reason other than missing privileges"


def _file_exists(name: str) -> bool:
    """Sync helper: pathlib calls do not belong in a coroutine."""
    return Path(name).exists()


async def _leftovers(db: TestDatabase) -> list[str]:
    """Databases/roles/users (or files) of ``db`` that still exist on the server."""
    if db.dialect == "sqlite":
        return [db.name] if _file_exists(db.name) else []
    if db.dialect == "postgresql":
        query = sa.text(
            "SELECT datname FROM pg_database WHERE datname = :db "
            "UNION ALL SELECT rolname FROM pg_roles WHERE rolname IN (:rw, :ro)"
        )
    else:
        query = sa.text(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
            "WHERE SCHEMA_NAME = :db UNION ALL SELECT CONCAT(User, '@', Host) "
            "FROM mysql.user WHERE User IN (:rw, :ro)"
        )
    engine = _engine(admin_url(db.dialect))
    try:
        async with engine.connect() as conn:
            params = {"db": db.name, "rw": db.rw_user, "ro": db.ro_user}
            return list((await conn.execute(query, params)).scalars())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
async def test_create_then_drop_leaves_nothing(dialect: str, tmp_path: Path) -> None:
    """Drop works even while a client is still connected, and removes every trace."""
    require_server(dialect)
    started = time.perf_counter()
    db = await create_database(dialect, tmp_path)
    created = time.perf_counter()
    assert await _leftovers(db), "create_database left nothing to drop"
    engine = _engine(async_url(db.readonly_url))
    try:
        conn = await engine.connect()
        try:
            assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
            dropping = time.perf_counter()
            await drop_database(db)  # must not hang on the open session
            dropped = time.perf_counter()
            if dialect != "sqlite":
                with pytest.raises(DBAPIError):  # the session was terminated
                    await conn.execute(sa.text("SELECT 1"))
        finally:
            await conn.close()
    finally:
        await engine.dispose()
    assert await _leftovers(db) == []
    print(f"{dialect}: create+load {created - started:.2f}s, drop {dropped - dropping:.2f}s")


def test_server_available_reports_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reason names the server and address so a skipped/failed run is self-explaining."""
    monkeypatch.setenv("PYDBPRO_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:1/x")
    ok, reason = server_available("postgresql")
    assert not ok
    assert reason.startswith("PostgreSQL at 127.0.0.1:1 is not reachable: ")
    assert server_available("sqlite")[0]


@pytest.mark.parametrize("dialect", SERVER_DIALECTS)
async def test_tcp_proxy_outage_and_recovery(dialect: str) -> None:
    """Through the proxy: works, breaks on stop(), refuses while down, recovers on start()."""
    require_server(dialect)
    target = admin_url(dialect)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or DEFAULT_PORTS[dialect])
    await proxy.start()
    port = proxy.port
    engine = create_async_engine(target.set(host="127.0.0.1", port=port), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
            await proxy.stop()
            with pytest.raises(DBAPIError) as excinfo:
                await conn.execute(sa.text("SELECT 1"))
            assert excinfo.value.connection_invalidated
        with pytest.raises((DBAPIError, OSError)):  # nobody listening now
            async with engine.connect():
                pass
        await proxy.start()
        assert proxy.port == port
        async with engine.connect() as conn:
            assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
    finally:
        await proxy.stop()
        await engine.dispose()
