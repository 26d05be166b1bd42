"""Create and drop throw-away test databases loaded with the awkward fixture.

Why: every test that touches a real server needs its own database (tests run in
parallel with other engineers' suites on the same servers) and two roles -- a
full-privilege owner and the least-privilege read-only role that PyDBPro is meant
to run with. Testing only as a superuser would hide permission bugs.

Names are ``pydbpro_t_<8 hex>`` so leftovers are easy to find and remove. Every
engine created here uses ``NullPool`` and is disposed, so nothing leaks into the
test session (pytest runs with warnings as errors).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from .fixture_schema import SALES_SCHEMA, load_fixture

PG_URL_ENV = "PYDBPRO_TEST_PG_URL"
MYSQL_URL_ENV = "PYDBPRO_TEST_MYSQL_URL"
REDIS_URL_ENV = "PYDBPRO_TEST_REDIS_URL"
DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_MYSQL_URL = "mysql+aiomysql://root@127.0.0.1:3306/test"
#: Redis (REDIS_URL) is no database, but its tests need the server the same way.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
NAME_PREFIX = "pydbpro_t_"
SQLITE_FILE_NAME = "fixture.sqlite3"
DIALECTS = ("postgresql", "mysql", "sqlite")

_LABELS = {"postgresql": "PostgreSQL", "mysql": "MariaDB", "redis": "Redis"}
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "redis": 6379}
_ASYNC_DRIVERS = {"postgresql": "asyncpg", "mysql": "aiomysql", "sqlite": "aiosqlite"}
# '%' alone is enough for the local server (skip_name_resolve, no anonymous users),
# but where 127.0.0.1 resolves to 'localhost' an anonymous ''@'localhost' account
# would win over 'user'@'%', so the accounts exist for both hosts.
_MYSQL_HOSTS = ("%", "localhost")
_SAFE_LITERAL = re.compile(r"[A-Za-z0-9_%.]*")


@dataclass
class TestDatabase:
    """One throw-away database; the URLs are what a user or a test would use."""

    __test__: ClassVar[bool] = False  # not a pytest test class despite the name

    dialect: str  # "postgresql" | "mysql" | "sqlite"
    name: str  # database name (file path for sqlite)
    readonly_url: str  # no driver suffix, e.g. postgresql://ro:pw@host:5432/db
    full_url: str  # same, for the owner role
    admin_async_url: str  # SQLAlchemy async URL with full rights (superuser on PG)

    @property
    def rw_user(self) -> str:
        """The owner role / user (not meaningful for SQLite)."""
        return f"{self.name}_rw"

    @property
    def ro_user(self) -> str:
        """The least-privilege role / user (not meaningful for SQLite)."""
        return f"{self.name}_ro"


def admin_url(dialect: str) -> URL:
    """The superuser URL for ``dialect``, overridable through the environment."""
    if dialect == "postgresql":
        return make_url(os.environ.get(PG_URL_ENV, DEFAULT_PG_URL))
    if dialect == "mysql":
        return make_url(os.environ.get(MYSQL_URL_ENV, DEFAULT_MYSQL_URL))
    if dialect == "redis":
        return make_url(redis_url())
    raise ValueError(f"no server for dialect {dialect!r}")


def redis_url() -> str:
    """The test Redis server (``require_server("redis")`` first)."""
    return os.environ.get(REDIS_URL_ENV, DEFAULT_REDIS_URL)


def async_url(url: str) -> str:
    """Turn a driver-less URL (as users write it) into a SQLAlchemy async URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    driver = _ASYNC_DRIVERS["mysql" if backend == "mariadb" else backend]
    parsed = parsed.set(drivername=f"{backend}+{driver}")
    if backend in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed.render_as_string(hide_password=False)


def server_available(dialect: str) -> tuple[bool, str]:
    """Cheap reachability probe (TCP connect, 1 s timeout) with a human reason."""
    if dialect == "sqlite":
        return True, "SQLite is built in"
    url = admin_url(dialect)
    host, port = url.host or "127.0.0.1", url.port or _DEFAULT_PORTS[dialect]
    label = _LABELS[dialect]
    try:
        with socket.create_connection((host, port), timeout=1.0):
            pass
    except OSError as exc:
        return False, f"{label} at {host}:{port} is not reachable: {exc}"
    return True, f"{label} at {host}:{port} is reachable"


def require_server(dialect: str) -> None:
    """Skip the calling test loudly if the server is down -- but fail on CI, where it must run."""
    ok, reason = server_available(dialect)
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: database tests must run, not skip)")
    pytest.skip(f"!!! {reason}: its tests are SKIPPED (see README, `make test`)")


def _engine(url: URL | str, **kwargs: object) -> AsyncEngine:
    """An engine that keeps no idle connections, so dispose() leaves nothing open.

    JSON is stored as real UTF-8 ("Zoë"), not ``\\u00eb`` escapes, like most real data.
    """
    return create_async_engine(url, poolclass=NullPool, json_serializer=_json_dumps, **kwargs)


def _json_dumps(value: object) -> str:
    """``json.dumps`` keeping non-ASCII characters as they are."""
    return json.dumps(value, ensure_ascii=False)


def _plain_url(dialect: str, server: URL, user: str, password: str, database: str) -> str:
    """Driver-less URL with credentials, rendered with proper escaping."""
    return URL.create(
        dialect,
        username=user,
        password=password,
        host=server.host,
        port=server.port or _DEFAULT_PORTS[dialect],
        database=database,
    ).render_as_string(hide_password=False)


def _sql_string(value: str) -> str:
    """A SQL string literal for generated names, hosts and hex passwords.

    DCL statements take no bind parameters, and escaping rules differ (backslashes
    on MariaDB), so instead of escaping only known-safe characters are accepted.
    """
    if not _SAFE_LITERAL.fullmatch(value):
        raise ValueError(f"refusing to inline {value!r} into SQL")
    return f"'{value}'"


async def create_database(dialect: str, tmp_dir: Path) -> TestDatabase:
    """Create a fresh database with both roles and the fixture loaded as the owner."""
    if dialect == "sqlite":
        return await _create_sqlite(tmp_dir)
    name = f"{NAME_PREFIX}{secrets.token_hex(4)}"
    passwords = {"rw": secrets.token_hex(12), "ro": secrets.token_hex(12)}
    server = admin_url(dialect)
    db = TestDatabase(
        dialect=dialect,
        name=name,
        readonly_url=_plain_url(dialect, server, f"{name}_ro", passwords["ro"], name),
        full_url=_plain_url(dialect, server, f"{name}_rw", passwords["rw"], name),
        admin_async_url=server.set(database=name).render_as_string(hide_password=False),
    )
    try:
        if dialect == "postgresql":
            await _create_postgresql(db, server, passwords)
        elif dialect == "mysql":
            await _create_mysql(db, server, passwords)
        else:
            raise ValueError(f"unknown dialect {dialect!r}")
    except BaseException:
        await drop_database(db)
        raise
    return db


async def drop_database(db: TestDatabase) -> None:
    """Remove the database and its roles; safe to call on a half-created database."""
    if db.dialect == "sqlite":
        _remove_sqlite_files(db.name)
    elif db.dialect == "postgresql":
        await _drop_postgresql(db)
    elif db.dialect == "mysql":
        await _drop_mysql(db)
    else:
        raise ValueError(f"unknown dialect {db.dialect!r}")


def _remove_sqlite_files(name: str) -> None:
    """The database file and any journal/WAL side files SQLite may have left."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def _prepare_sqlite_path(tmp_dir: Path) -> Path:
    """Absolute path of a fresh (non-existing) database file under ``tmp_dir``."""
    path = (tmp_dir / SQLITE_FILE_NAME).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_sqlite_files(str(path))
    return path


async def _create_sqlite(tmp_dir: Path) -> TestDatabase:
    """A file database; the application itself opens it read-only."""
    path = _prepare_sqlite_path(tmp_dir)
    url = f"sqlite:///{path}"  # absolute path -> four slashes
    db = TestDatabase(
        dialect="sqlite",
        name=str(path),
        readonly_url=url,
        full_url=url,
        admin_async_url=async_url(url),
    )
    engine = _engine(db.admin_async_url)
    try:
        async with engine.begin() as conn:
            await load_fixture(conn)
    finally:
        await engine.dispose()
    return db


async def _run(conn: AsyncConnection, *statements: str) -> None:
    """Execute DDL/DCL that takes no bind parameters.

    aiomysql applies ``statement % args`` even when there are no parameters, so a
    literal '%' (the any-host wildcard in ``'user'@'%'``) must be doubled there.
    """
    percent = "%%" if conn.dialect.paramstyle in ("format", "pyformat") else "%"
    for statement in statements:
        await conn.exec_driver_sql(statement.replace("%", percent))


async def _create_postgresql(db: TestDatabase, server: URL, passwords: dict[str, str]) -> None:
    """Owner role owns the database and every object; ro gets CONNECT/USAGE/SELECT only."""
    admin = _engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            q = conn.dialect.identifier_preparer.quote
            dbq, rw, ro = q(db.name), q(db.rw_user), q(db.ro_user)
            await _run(
                conn,
                f"CREATE ROLE {rw} LOGIN PASSWORD {_sql_string(passwords['rw'])}",
                f"CREATE ROLE {ro} LOGIN PASSWORD {_sql_string(passwords['ro'])}",
                f"CREATE DATABASE {dbq} OWNER {rw} ENCODING 'UTF8' TEMPLATE template0",
                # PUBLIC would otherwise have CONNECT and TEMPORARY on the database.
                f"REVOKE ALL ON DATABASE {dbq} FROM PUBLIC",
                f"GRANT CONNECT ON DATABASE {dbq} TO {ro}",
            )
    finally:
        await admin.dispose()

    owner = _engine(async_url(db.full_url))
    try:
        async with owner.begin() as conn:
            await load_fixture(conn)
            await _grant_pg_readonly(conn, db)
    finally:
        await owner.dispose()

    # Tables a test later creates through admin_async_url (owned by the superuser)
    # should be readable by ro too, like the ones the owner created.
    admin_in_db = _engine(db.admin_async_url)
    try:
        async with admin_in_db.begin() as conn:
            await _grant_pg_readonly(conn, db, existing=False)
    finally:
        await admin_in_db.dispose()


async def _grant_pg_readonly(
    conn: AsyncConnection, db: TestDatabase, *, existing: bool = True
) -> None:
    """USAGE + SELECT on public and sales (tables, views, matviews), now and by default."""
    q = conn.dialect.identifier_preparer.quote
    ro = q(db.ro_user)
    schemas = f"{q('public')}, {q(SALES_SCHEMA)}"
    statements = [f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schemas} GRANT SELECT ON TABLES TO {ro}"]
    if existing:
        statements[:0] = [
            f"GRANT USAGE ON SCHEMA {schemas} TO {ro}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {schemas} TO {ro}",
        ]
    await _run(conn, *statements)


async def _drop_postgresql(db: TestDatabase) -> None:
    """Kick out every session on the database, then drop it and both roles."""
    admin = _engine(admin_url("postgresql"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            q = conn.dialect.identifier_preparer.quote
            await conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": db.name},
            )
            await _run(
                conn,
                f"DROP DATABASE IF EXISTS {q(db.name)} WITH (FORCE)",
                f"DROP ROLE IF EXISTS {q(db.ro_user)}",
                f"DROP ROLE IF EXISTS {q(db.rw_user)}",
            )
    finally:
        await admin.dispose()


def _mysql_accounts(user: str) -> list[str]:
    """``'user'@'host'`` for every host the account is created for."""
    return [f"{_sql_string(user)}@{_sql_string(host)}" for host in _MYSQL_HOSTS]


async def _create_mysql(db: TestDatabase, server: URL, passwords: dict[str, str]) -> None:
    """Owner user gets ALL on the database; ro gets SELECT and SHOW VIEW only."""
    admin = _engine(server)
    try:
        async with admin.connect() as conn:
            q = conn.dialect.identifier_preparer.quote
            # In GRANT ... ON `db`.* an unescaped '_' is a wildcard matching any
            # character, so the grant would also cover other databases.
            grant_target = q(db.name.replace("_", "\\_")) + ".*"
            statements = [
                f"CREATE DATABASE {q(db.name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            ]
            for role, user, privileges in (
                ("rw", db.rw_user, "ALL PRIVILEGES"),
                ("ro", db.ro_user, "SELECT, SHOW VIEW"),
            ):
                for account in _mysql_accounts(user):
                    statements += [
                        f"CREATE USER {account} IDENTIFIED BY {_sql_string(passwords[role])}",
                        f"GRANT {privileges} ON {grant_target} TO {account}",
                    ]
            await _run(conn, *statements)
    finally:
        await admin.dispose()

    owner = _engine(async_url(db.full_url))
    try:
        async with owner.begin() as conn:
            await load_fixture(conn)
    finally:
        await owner.dispose()


async def _drop_mysql(db: TestDatabase) -> None:
    """Kill the users' sessions (DROP DATABASE would wait on their locks), then drop."""
    admin = _engine(admin_url("mysql"))
    try:
        async with admin.connect() as conn:
            result = await conn.execute(
                sa.text("SELECT ID FROM information_schema.PROCESSLIST WHERE USER IN (:rw, :ro)"),
                {"rw": db.rw_user, "ro": db.ro_user},
            )
            for (session_id,) in result.all():
                try:
                    await conn.exec_driver_sql(f"KILL CONNECTION {int(session_id)}")
                except sa.exc.DBAPIError:
                    pass  # already gone
            accounts = ", ".join(_mysql_accounts(db.rw_user) + _mysql_accounts(db.ro_user))
            await _run(
                conn,
                f"DROP DATABASE IF EXISTS {conn.dialect.identifier_preparer.quote(db.name)}",
                f"DROP USER IF EXISTS {accounts}",
            )
    finally:
        await admin.dispose()
