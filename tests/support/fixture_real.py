"""Shapes real databases have and the portable fixture does not (copied from what pagila,
sakila and chinook show, and from what production schemas hold).

Per dialect, hand-written DDL with constant identifiers only:

- PostgreSQL: a declaratively partitioned table (partitions carry the foreign key, as in
  pagila, and one has its own), an inheritance parent with a child (sakila's shape), a
  materialized view never populated, a view that fails when read, a domain with a
  non-ASCII name (pagila's, with dotless i's), enums, ranges and multiranges, tsvector, network
  and bit types, money, xml, a composite type, geometric types, 2-D arrays, generated
  columns, and the values Python cannot hold: ``infinity``, BC and 5-digit-year dates,
  ``24:00:00``, NaN and infinite numbers, intervals of months and centuries.
- MariaDB: ENUM, SET, YEAR, BIT, spatial types, JSON, zero dates, unsigned BIGINT max,
  DECIMAL(65,30), generated columns, and a view over a dropped table.
- SQLite: declared types that hold other storage classes (dynamic typing), dates in
  several text forms, and a view over a dropped table.
- Everywhere: a 300-column table, a view over a join with numeric columns, a trigger on
  ``customers`` (``TRIGGER``; on PostgreSQL with its function, on MariaDB a function too:
  routines for SHOW_ROUTINES).

``UNREADABLE`` names the objects the database itself cannot read; the API must answer them
with 409 OBJECT_NOT_READABLE and stay usable for everything else.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

WIDE_COLUMNS = 300
WIDE_ROWS = 3

#: pagila's domain name: "bigint" with dotless i's.
DOTLESS = "b\u0131g\u0131nt"

_PG = [
    f'CREATE DOMAIN "{DOTLESS}" AS bigint',
    "CREATE DOMAIN positive_amount AS numeric(12, 2) CHECK (VALUE >= 0)",
    "CREATE TYPE rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17')",
    "CREATE TYPE money_pair AS (amount numeric, currency text)",
    f"""CREATE TABLE real_shapes (
        id integer PRIMARY KEY,
        big "{DOTLESS}",
        amount positive_amount,
        rated rating,
        d date, ts timestamp, tstz timestamptz, t time, ttz timetz, span interval,
        f8 double precision, f4 real, n numeric,
        ir int4range, tr tsrange, dr daterange, nr numrange, mr int4multirange,
        doc tsvector, q tsquery,
        ip inet, net cidr, mac macaddr, mac8 macaddr8,
        cash money, bits bit(3), vbits bit varying(16),
        x xml, pair money_pair,
        pt point, bx box, ci circle, ln line, sg lseg, pa path, pg polygon,
        grid integer[][], tags text[], spans interval[], days date[],
        flag "char", lsn pg_lsn, oid_ oid, js jsonb, uid uuid, raw bytea,
        qty integer, price numeric(10, 2),
        total numeric GENERATED ALWAYS AS (qty * price) STORED
    )""",
    """INSERT INTO real_shapes VALUES (
        1, 9007199254740993, 12.50, 'PG-13',
        '2024-02-29', '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59+02', '12:00:00',
        '12:00:00+05:30', '1 year 2 mons 3 days 04:05:06.5',
        0.1, 1.5, 1234.5678,
        '[1,10)', '[2024-01-01 00:00,2024-02-01 00:00)', '[2024-01-01,2024-12-31]',
        '(0.5,1.5]', '{[1,3), [5,7)}',
        'a fat cat sat on a mat', 'fat & rat',
        '192.168.1.10', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
        1234.56, B'101', B'1100',
        '<film><title>Zoë &amp; 東京</title></film>', ROW(9.99, 'EUR'),
        '(1,2)', '((0,0),(1,1))', '<(0,0),1>', '{1,-1,0}', '[(0,0),(1,1)]',
        '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(1,0))',
        '{{1,2},{3,4}}', '{"a,b","quote\\"d",NULL,""}', '{"1 mon","-1 day"}',
        '{2024-02-29,infinity}',
        'x', '16/B374D848', 42, '{"big": 9007199254740993, "list": [1, "ünï", null]}',
        '12345678-1234-5678-1234-567812345678', '\\x00ff10', 3, 2.50
    )""",
    """INSERT INTO real_shapes VALUES (
        2, -9223372036854775808, 0, 'NC-17',
        'infinity', '-infinity', 'infinity', '24:00:00',
        '24:00:00+02', '-178000000 years -1 mons -2 days -00:00:00.000001',
        'NaN', '-Infinity', 'NaN',
        'empty', '(,)', '[-infinity,infinity)', '(,0]', '{}',
        '', '!a',
        '2001:db8::1/64', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff:ff:ff',
        -92233720368547758.08, B'000', B'',
        '<empty/>', ROW(NULL, 'it''s "odd", (really)'),
        '(-1.5e300,1e-300)', '((0,0),(0,0))', '<(0,0),0>', '{0,1,0}', '[(0,0),(0,0)]',
        '((0,0),(1,1))', '((0,0))',
        '{}', '{}', '{}', '{-infinity,4713-01-01 BC}',
        E'\\\\', '0/0', 4294967295, '[]',
        'ffffffff-ffff-ffff-ffff-ffffffffffff', '\\x', 0, 0
    )""",
    """INSERT INTO real_shapes (id, d, ts, tstz, span, n, f8)
       VALUES (3, '4713-01-01 BC', '0044-03-15 12:34:56.5 BC', '0044-03-15 12:00:00+00 BC',
               '100 years', '1e400', 'Infinity')""",
    """INSERT INTO real_shapes (id, d, ts, tstz, n)
       VALUES (4, '10000-01-01', '294276-12-31 23:59:59.999999',
               '12345-06-07 08:09:10+00', '-0.000000000000000000000000000001')""",
    "INSERT INTO real_shapes (id) VALUES (5)",
    # Declarative partitions (hidden from the list; every reference goes to the parent).
    """CREATE TABLE measurements (
        id integer NOT NULL, taken_on date NOT NULL,
        customer_id integer NOT NULL REFERENCES customers (id), reading numeric(8, 2),
        PRIMARY KEY (id, taken_on)
    ) PARTITION BY RANGE (taken_on)""",
    "CREATE TABLE measurements_2024_01 PARTITION OF measurements "
    "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')",
    "CREATE TABLE measurements_2024_02 PARTITION OF measurements "
    "FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')",
    "CREATE TABLE measurements_other PARTITION OF measurements DEFAULT",
    # pagila adds foreign keys on each partition itself: one more, on one partition only.
    "ALTER TABLE measurements_2024_01 ADD CONSTRAINT measurements_2024_01_employee_fk "
    "FOREIGN KEY (customer_id) REFERENCES employees (id)",
    """INSERT INTO measurements VALUES
        (1, '2024-01-05', 1, 1.5), (2, '2024-01-20', 1, 2.5), (3, '2024-02-05', 1, 3.5),
        (4, '2024-02-06', 2, 4.5), (5, '2025-06-01', 1, 5.5)""",
    # Inheritance (sakila on PostgreSQL): the child has the foreign key too.
    """CREATE TABLE visits (
        id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id),
        visited_on date NOT NULL
    )""",
    """CREATE TABLE visits_2024 (
        CHECK (visited_on >= '2024-01-01'),
        FOREIGN KEY (customer_id) REFERENCES customers (id)
    ) INHERITS (visits)""",
    "INSERT INTO visits VALUES (1, 1, '2023-05-01'), (2, 2, '2023-06-01')",
    "INSERT INTO visits_2024 VALUES (3, 1, '2024-05-01'), (4, 1, '2024-06-01')",
    # Objects the database cannot read.
    "CREATE MATERIALIZED VIEW unpopulated_summary AS "
    "SELECT customer_id, count(*) AS n FROM measurements GROUP BY customer_id WITH NO DATA",
    "CREATE FUNCTION broken_value() RETURNS integer LANGUAGE sql AS $$ SELECT 1 / 0 $$",
    "CREATE VIEW failing_view AS SELECT id, broken_value() AS boom FROM customers",
    # A trigger (the structure tab lists it; its function is a routine, SHOW_ROUTINES).
    "CREATE FUNCTION keep_name() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "CREATE TRIGGER customers_keep_name BEFORE INSERT OR UPDATE ON customers "
    "FOR EACH ROW EXECUTE FUNCTION keep_name()",
]

_MYSQL = [
    """CREATE TABLE real_shapes (
        id INT PRIMARY KEY,
        rated ENUM('G', 'PG', 'PG-13', 'R', 'NC-17'),
        features SET('Trailers', 'Commentaries', 'Deleted Scenes', 'Behind the Scenes'),
        released YEAR, flag BIT(1), mask BIT(64),
        spot POINT, area GEOMETRY, doc JSON,
        d DATE, dt DATETIME(6), ts TIMESTAMP NULL, t TIME(6),
        ubig BIGINT UNSIGNED, huge DECIMAL(65, 30), dbl DOUBLE, flt FLOAT,
        tiny TINYTEXT, blobby LONGBLOB, fixed BINARY(4), vbin VARBINARY(16),
        qty INT, price DECIMAL(10, 2),
        total DECIMAL(20, 2) GENERATED ALWAYS AS (qty * price) STORED,
        label VARCHAR(40) GENERATED ALWAYS AS (CONCAT('#', id)) VIRTUAL
    )""",
    f"""INSERT INTO real_shapes (id, rated, features, released, flag, mask, spot, area, doc,
        d, dt, ts, t, ubig, huge, dbl, flt, tiny, blobby, fixed, vbin, qty, price) VALUES
        (1, 'PG-13', 'Trailers,Deleted Scenes', 2006, b'1', b'1010',
         ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'),
         '{{"big": 9007199254740993, "list": [1, "ünï", null]}}',
         '2024-02-29', '2024-02-29 23:59:59.123456', '2024-02-29 12:00:00', '838:59:59',
         18446744073709551615, 12345678901234567890123456789012345.123456789012345678901234567890,
         0.1, 1.5, 'Zoë', x'89504e470d0a1a0a', x'00ff1000', x'00', 3, 2.50),
        (2, 'NC-17', '', 1901, b'0', b'{"1" * 64}',
         NULL, NULL, '[]',
         '0000-00-00', '0000-00-00 00:00:00', NULL, '-838:59:59',
         0, -0.000000000000000000000000000001, -1.5e300, -3.4e38, '', x'', x'00000000', x'',
         0, 0),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-00-00',
         '9999-12-31 23:59:59.999999',
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
    "CREATE TABLE vanishing (x INT)",
    "CREATE VIEW failing_view AS SELECT x FROM vanishing",
    "DROP TABLE vanishing",
    "CREATE TRIGGER customers_keep_name BEFORE UPDATE ON customers "
    "FOR EACH ROW SET NEW.name = NEW.name",
    "CREATE FUNCTION add_one(x INT) RETURNS INT DETERMINISTIC RETURN x + 1",
]

_SQLITE = [
    """CREATE TABLE real_shapes (
        id INTEGER PRIMARY KEY, happened DATETIME, flag BOOLEAN, amount NUMERIC,
        born DATE, alarm TIME, anything, price DECIMAL(10, 2)
    )""",
    """INSERT INTO real_shapes VALUES
        (1, '2025-12-31 19:59:35', 1, 12.5, '2024-02-29', '12:00:00', 7, 9.99),
        (2, '2025-12-31T19:59:35.123+02:00', 0, 'not a number', '2024-02-29 10:00:00',
         '24:00:00', 'seven', '1e5'),
        (3, 'yesterday', 'yes', x'00ff', 'infinity', 1700000000, 1.5e300, NULL),
        (4, 1735675175, 2, -0.0, 20240229, 43200.5, x'', 'abc'),
        (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
    "CREATE TABLE vanishing (x INTEGER)",
    "CREATE VIEW failing_view AS SELECT x FROM vanishing",
    "DROP TABLE vanishing",
    # Untyped columns whose values are ISO dates: date-times, as in a table.
    "CREATE VIEW first_orders AS SELECT customer_id, min(ordered_at) AS first_order, "
    "date(min(ordered_at)) AS first_day, count(*) AS n FROM orders GROUP BY customer_id",
    "CREATE TRIGGER customers_keep_name BEFORE UPDATE ON customers BEGIN SELECT 1; END",
]

DDL = {"postgresql": _PG, "mysql": _MYSQL, "sqlite": _SQLITE}
#: Objects the database cannot read: (dialect, name) -> the words the 409 must contain.
UNREADABLE: dict[str, dict[str, str]] = {
    "postgresql": {"unpopulated_summary": "has not been populated", "failing_view": "division"},
    "mysql": {"failing_view": "invalid"},
    "sqlite": {"failing_view": "no such table"},
}
#: The trigger every dialect has on ``customers`` (the structure tab lists it).
TRIGGER = "customers_keep_name"
#: Partitions and inheritance children that the references never name (a parent's
#: structure tab lists its partitions, with a link to each).
PG_PARTITIONS = ("measurements_2024_01", "measurements_2024_02", "measurements_other")


def _wide_value(row: int, n: int) -> str:
    return (f"{row * 1000 + n}", f"'v{row}_{n}'", f"{n}.25", "'2024-01-01'")[n % 4]


def _wide() -> list[str]:
    """``wide``: an id and 300 more columns of mixed types, a few rows."""
    types = ("INTEGER", "VARCHAR(20)", "NUMERIC(10, 2)", "DATE")
    columns = ", ".join(f"c{n:03d} {types[n % 4]}" for n in range(1, WIDE_COLUMNS + 1))
    rows = [
        ", ".join([str(row)] + [_wide_value(row, n) for n in range(1, WIDE_COLUMNS + 1)])
        for row in range(1, WIDE_ROWS + 1)
    ]
    return [f"CREATE TABLE wide (id INTEGER PRIMARY KEY, {columns})",
            *(f"INSERT INTO wide VALUES ({values})" for values in rows)]  # fmt: skip


async def load_real_shapes(conn: AsyncConnection) -> None:
    """Create the real-world shapes of ``conn``'s dialect (the caller commits)."""
    dialect = "mysql" if conn.dialect.name in ("mysql", "mariadb") else conn.dialect.name
    if dialect == "mysql":
        await conn.exec_driver_sql("SET SESSION sql_mode = ''")  # zero dates are real data
    percent = "%%" if conn.dialect.paramstyle in ("format", "pyformat") else "%"
    for statement in [*DDL[dialect], *_wide()]:
        await conn.exec_driver_sql(statement.replace("%", percent))
