"""Proves the shared test-database infrastructure against the real servers.

Every later integration test relies on ``tests/support``: if the fixture does not
load identically everywhere, or the read-only role can write, or drop leaks
databases and roles onto the shared servers, those tests would be meaningless.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
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
    FIXTURE_ROW_COUNTS,
    PG_ONLY_ROW_COUNTS,
    VIEW_ROW_COUNTS,
    customers,
    metadata,
    types,
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
        name: len((await ro_conn.execute(sa.select(metadata.tables[name]))).all())
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
    names = (
        (
            await ro_conn.execute(
                sa.select(customers.c.name)
                .where(customers.c.id.in_(special_ids))
                .order_by(customers.c.id)
            )
        )
        .scalars()
        .all()
    )
    assert names == [name for name, _, _ in SPECIAL_CUSTOMERS]


_FORBIDDEN = {
    "postgresql": [
        "INSERT INTO customers (id, name) VALUES (100000, 'x')",
        "UPDATE customers SET name = 'x' WHERE id = 1",
        'DELETE FROM "order details"',
        "CREATE TABLE intruder (id int)",
        "CREATE TABLE sales.intruder (id int)",
        "CREATE TEMP TABLE intruder (id int)",
        "CREATE SCHEMA intruder",
        "REFRESH MATERIALIZED VIEW sales.region_summary",
    ],
    "mysql": [
        "INSERT INTO customers (id, name) VALUES (100000, 'x')",
        "UPDATE customers SET name = 'x' WHERE id = 1",
        "DELETE FROM `order details`",
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
