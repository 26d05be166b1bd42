"""A table of a million rows, for what must stay bounded on a big table (facets' time
budget, statistics instead of scans): ``facet_million(id, kind, code)``, where ``kind``
has five values and an index, and ``code`` is different on every row. Each database
makes the rows itself (a series, not a million inserts) and then gathers its planner
statistics, as a real server's would have been."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from .databases import TestDatabase

BIG_TABLE = "facet_million"
BIG_ROWS = 1_000_000
KINDS = 5

_COLUMNS = "(id INTEGER PRIMARY KEY, kind VARCHAR(10) NOT NULL, code VARCHAR(20) NOT NULL)"
#: PostgreSQL writes no WAL for an unlogged table: a third faster to fill, read the same.
_CREATE = {"postgresql": f"CREATE UNLOGGED TABLE {BIG_TABLE} {_COLUMNS}"}
_INDEX = f"CREATE INDEX ix_{BIG_TABLE}_kind ON {BIG_TABLE} (kind)"
_FILL = {
    "postgresql": [
        f"INSERT INTO {BIG_TABLE} SELECT i, 'k' || (i % {KINDS}), 'c' || i "
        f"FROM generate_series(1, {BIG_ROWS}) AS i",
        f"ANALYZE {BIG_TABLE}",
    ],
    "mysql": [
        f"INSERT INTO {BIG_TABLE} SELECT seq, CONCAT('k', MOD(seq, {KINDS})), CONCAT('c', seq) "
        f"FROM seq_1_to_{BIG_ROWS}",
        f"ANALYZE TABLE {BIG_TABLE}",
    ],
    "sqlite": [
        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BIG_ROWS}) "
        f"INSERT INTO {BIG_TABLE} SELECT i, 'k' || (i % {KINDS}), 'c' || i FROM n",
        f"ANALYZE {BIG_TABLE}",  # this table only: the fixture's small ones stay unanalysed
    ],
}


async def add_big_table(db: TestDatabase) -> None:
    """Create and fill ``facet_million`` in ``db`` (the index after the rows: faster)."""
    fill, analyze = _FILL[db.dialect]
    engine = create_async_engine(db.admin_async_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            create = _CREATE.get(db.dialect, f"CREATE TABLE {BIG_TABLE} {_COLUMNS}")
            for statement in (create, fill, _INDEX):
                await conn.exec_driver_sql(statement)
        async with engine.begin() as conn:
            await conn.exec_driver_sql(analyze)
    finally:
        await engine.dispose()
