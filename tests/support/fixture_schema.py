"""An awkward fixture schema that loads identically on PostgreSQL, MariaDB and SQLite.

Why awkward: a database explorer builds SQL for tables it has never seen, so the
fixture contains every identifier and value shape that breaks string-built SQL --
spaces, quotes, dots, reserved words, mixed case and unicode in names; composite,
self-referencing and missing primary keys; integers beyond 2**53, decimals beyond
double precision, binary, JSON, large text and all-NULL rows.

Shapes the browse API relies on: FKs in and out of one table (``orders``), a self
reference (``employees``), a composite PK (``Order Details``) and a composite FK into it
(``line_notes``, whose PK is not its first column), no PK at all (``no_pk``), no PK but a
UNIQUE NOT NULL key (``no_pk_unique``), views, and on PostgreSQL a second schema with a
materialized view. Each dialect's own column types are in ``fixture_types.py``.

Tables are created through SQLAlchemy (so identifiers are always quoted by the
dialect); view DDL is hand-written per dialect but every identifier in it goes
through the dialect's ``identifier_preparer``.

Usage::

    async with engine.begin() as conn:   # the caller owns the transaction
        await load_fixture(conn)
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from .fixture_data import Row, build_all, build_regions
from .fixture_real import load_real_shapes
from .fixture_types import (
    DIALECT_TYPES,
    DIALECT_TYPES_ROW_COUNT,
    dialect_types_insert_rows,
    dialect_types_table,
)

_MYSQL = ("mysql", "mariadb")

# MariaDB defaults would silently truncate: DATETIME/TIME drop fractional seconds
# and TEXT holds only 64 KB. The variants keep values equal on every backend.
_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *_MYSQL)
_TIME = sa.Time().with_variant(mysql.TIME(fsp=6), *_MYSQL)
_LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), *_MYSQL)

metadata = sa.MetaData()

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, comment="Display name; may be ''"),
    sa.Column("email", sa.String(255)),
    sa.Column("city", sa.String(100)),
    sa.Column("created_at", sa.DateTime),
    sa.Column("balance", sa.Numeric(12, 2)),
    sa.Column("vip", sa.Boolean),
    comment="Customers, including deliberately awkward names",
)

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("ordered_at", sa.DateTime),
    sa.Column("total", sa.Numeric(12, 2)),
    sa.Column("status", sa.String(20)),
    sa.Index("ix_orders_customer_id", "customer_id"),
)

#: SQLite (always) and MariaDB with lower_case_table_names=1/2 fold table-name case, so
#: a lower-case "order details" could not exist next to this one: there is only this one.
order_details = sa.Table(
    "Order Details",
    metadata,
    sa.Column(
        "order_id", sa.Integer, sa.ForeignKey("orders.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("line_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("product", sa.String(100)),
    sa.Column("unit price", sa.Numeric(10, 2)),
    sa.Column("qty", sa.Integer),
)

#: PK not the first column; a composite FK into "Order Details"'s composite PK.
line_notes = sa.Table(
    "line_notes",
    metadata,
    sa.Column("note", sa.String(200)),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, nullable=False),
    sa.Column("line_no", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(
        ["order_id", "line_no"],
        [order_details.c.order_id, order_details.c.line_no],
        name="fk_line_notes_order_details",
    ),
)

mixed_case = sa.Table(
    "Mixed Case",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("CamelCol", sa.String(50)),
    sa.Column("user id", sa.Integer),
)

reserved = sa.Table(
    "select",
    metadata,
    sa.Column("from", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("where", sa.String(50)),
    sa.Column("group", sa.String(50)),
)

weird_name = sa.Table(
    'weird"name',
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column('say "hi"', sa.String(50)),
)

its = sa.Table(
    "it's",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("it's col", sa.String(50)),
)

cafe = sa.Table(
    "café",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("naïve", sa.String(50)),
    sa.Column("prix €", sa.Numeric(8, 2)),
)

dotted = sa.Table(
    "a.b",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("c.d", sa.String(50)),
)

mixed_case_2 = sa.Table(
    "MixedCase",  # PostgreSQL folds unquoted names to lower case: must be quoted
    metadata,
    sa.Column("Id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("CamelName", sa.String(50)),
    sa.Column("UPPER", sa.Integer),
)

name_with_dots = sa.Table(
    "name.with.dots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("col.with.dots", sa.String(50)),
    sa.Column("customer.id", sa.Integer, sa.ForeignKey(customers.c.id)),
)

unicode_name = sa.Table(
    "ünïcødé",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("ñame", sa.String(50)),
    sa.Column("größe", sa.Numeric(8, 2)),
)

backtick = sa.Table(
    "back`tick",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("back`tick col", sa.String(50)),
)

no_pk = sa.Table(
    "no_pk",
    metadata,
    sa.Column("a", sa.Integer),
    sa.Column("b", sa.String(20)),
)

#: No primary key, but ``code`` is UNIQUE NOT NULL: the stable key to page by.
#: ``barcode`` is UNIQUE too but nullable, so it is *not* a usable key.
no_pk_unique = sa.Table(
    "no_pk_unique",
    metadata,
    sa.Column("label", sa.String(50)),
    sa.Column("code", sa.String(20), nullable=False),
    sa.Column("barcode", sa.String(20)),
    sa.UniqueConstraint("code", name="uq_no_pk_unique_code"),
    sa.UniqueConstraint("barcode", name="uq_no_pk_unique_barcode"),
)

types = sa.Table(
    "types",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("big", sa.BigInteger),
    sa.Column("dec", sa.Numeric(30, 10)),
    sa.Column("flt", sa.Double),
    sa.Column("flag", sa.Boolean),
    sa.Column("d", sa.Date),
    sa.Column("ts", _DATETIME),
    sa.Column("t", _TIME),
    sa.Column("txt", _LONG_TEXT),
    sa.Column("bin", sa.LargeBinary),
    # none_as_null: otherwise Python None is stored as the JSON text 'null'.
    sa.Column("doc", sa.JSON(none_as_null=True)),
)

employees = sa.Table(
    "employees",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("manager_id", sa.Integer, sa.ForeignKey("employees.id")),
)

#: PostgreSQL only: a second schema, so the explorer must handle schema selection.
SALES_SCHEMA = "sales"
pg_metadata = sa.MetaData(schema=SALES_SCHEMA)
regions = sa.Table(
    "regions",
    pg_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("country", sa.String(2)),
    sa.Column("population", sa.BigInteger),
)

FIXTURE_DATA = build_all()
REGION_DATA = build_regions()

#: Table name -> row count, for the tables present on every backend (``dialect_types``
#: has the same name and row count everywhere but different columns per dialect).
FIXTURE_ROW_COUNTS: dict[str, int] = {
    **{name: len(rows) for name, rows in FIXTURE_DATA.items()},
    DIALECT_TYPES: DIALECT_TYPES_ROW_COUNT,
}
#: View name -> row count (both views have one row per customer).
VIEW_ROW_COUNTS: dict[str, int] = {
    "customer_orders": FIXTURE_ROW_COUNTS["customers"],
    "view with space": FIXTURE_ROW_COUNTS["customers"],
}
#: (schema, name) -> row count for the PostgreSQL-only objects (a table and a matview).
PG_ONLY_ROW_COUNTS: dict[tuple[str, str], int] = {
    (SALES_SCHEMA, "regions"): len(REGION_DATA),
    (SALES_SCHEMA, "region_summary"): len({r["country"] for r in REGION_DATA}),
}
TABLE_NAMES: tuple[str, ...] = tuple(FIXTURE_ROW_COUNTS)
#: Tables whose names break string-built SQL (space, case, reserved word, dots, unicode,
#: quote characters of every dialect), all present on every backend.
AWKWARD_TABLE_NAMES: tuple[str, ...] = (
    *("Order Details", "select", "MixedCase", "Mixed Case", "name.with.dots", "a.b"),
    *("ünïcødé", "café", 'weird"name', "back`tick", "it's"),
)
VIEW_NAMES: tuple[str, ...] = tuple(VIEW_ROW_COUNTS)
MATVIEW_NAMES: tuple[tuple[str, str], ...] = ((SALES_SCHEMA, "region_summary"),)

assert set(FIXTURE_DATA) == set(metadata.tables), "fixture data and schema disagree"


def table_for(name: str, dialect_name: str) -> sa.Table:
    """The Table object of a common table on ``dialect_name`` (``dialect_types`` varies)."""
    return dialect_types_table(dialect_name) if name == DIALECT_TYPES else metadata.tables[name]


def view_ddl(dialect: Dialect) -> list[str]:
    """CREATE VIEW statements for ``dialect``, every identifier quoted by its preparer."""
    q: Callable[[str], str] = dialect.identifier_preparer.quote
    # S608: only constant identifiers, each quoted by the dialect -- no outside input.
    return [
        f"CREATE VIEW {q('customer_orders')} AS "
        f"SELECT c.{q('id')} AS {q('customer_id')}, c.{q('name')} AS {q('name')}, "
        f"COUNT(o.{q('id')}) AS {q('order_count')}, "
        f"COALESCE(SUM(o.{q('total')}), 0) AS {q('total_spent')} "
        f"FROM {q('customers')} c LEFT JOIN {q('orders')} o "
        f"ON o.{q('customer_id')} = c.{q('id')} "
        f"GROUP BY c.{q('id')}, c.{q('name')}",
        f"CREATE VIEW {q('view with space')} AS "
        f"SELECT {q('id')}, {q('name')}, {q('city')}, {q('vip')} FROM {q('customers')}",
    ]


def pg_matview_ddl(dialect: Dialect) -> str:
    """The PostgreSQL-only materialized view over ``sales.regions``."""
    q: Callable[[str], str] = dialect.identifier_preparer.quote
    sales = q(SALES_SCHEMA)
    return (
        f"CREATE MATERIALIZED VIEW {sales}.{q('region_summary')} AS "
        f"SELECT {q('country')}, COUNT(*) AS {q('region_count')}, "
        f"SUM({q('population')}) AS {q('population')} "
        f"FROM {sales}.{q('regions')} GROUP BY {q('country')}"
    )


async def _insert(conn: AsyncConnection, table: sa.Table, rows: list[Row]) -> None:
    """One executemany per table -- except bytes on MariaDB.

    aiomysql 0.3.2 with PyMySQL >= 1.2.3 cannot bind ``bytes`` parameters at all
    (aio-libs/aiomysql#1080: ``'str' object is not callable``), so there binary
    values are inserted as NULL and then set from hex text with UNHEX().
    """
    if not rows:
        return
    binary = [c.name for c in table.columns if isinstance(c.type, sa.LargeBinary)]
    if conn.dialect.name not in _MYSQL or not binary:
        await conn.execute(table.insert(), rows)
        return
    await conn.execute(table.insert(), [{**row, **dict.fromkeys(binary)} for row in rows])
    pk = list(table.primary_key.columns)
    for row in rows:
        values = {
            name: sa.func.unhex(row[name].hex()) for name in binary if row.get(name) is not None
        }
        if values:
            where = sa.and_(*(col == row[col.name] for col in pk))
            await conn.execute(table.update().where(where).values(values))


async def load_fixture(conn: AsyncConnection) -> None:
    """Create tables, insert the data (one executemany per table) and create the views.

    ``dialect_types`` gets the column set of ``conn``'s dialect.

    Runs in whatever transaction ``conn`` is in; the caller commits. On PostgreSQL
    the ``sales`` schema, its table and materialized view are created as well.
    """
    dialect = conn.dialect
    await conn.run_sync(metadata.create_all)
    for table in metadata.sorted_tables:  # parents before children
        await _insert(conn, table, FIXTURE_DATA[table.name])
    types_table = dialect_types_table(dialect.name)
    await conn.run_sync(types_table.create)
    await _insert(conn, types_table, dialect_types_insert_rows(dialect.name))
    for statement in view_ddl(dialect):
        await conn.exec_driver_sql(statement)
    await load_real_shapes(conn)
    if dialect.name == "postgresql":
        await conn.execute(sa.schema.CreateSchema(SALES_SCHEMA))
        await conn.run_sync(pg_metadata.create_all)
        await conn.execute(regions.insert(), REGION_DATA)
        await conn.exec_driver_sql(pg_matview_ddl(dialect))
