"""PostgreSQL's column statistics: ``pg_stats``, which ANALYZE (and autovacuum) keep.

``n_distinct`` is a count when positive and minus a fraction of the rows when negative;
the arrays of values are ``anyarray``, read as text arrays (each element its type's text).
A partitioned table keeps only the statistics of its whole tree (``inherited``); an
inheritance parent keeps both, and the whole tree's are what a SELECT reads.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from ..models import ColumnStats, TableRef

_STATS = """
SELECT DISTINCT ON (s.attname)
       s.attname AS name, s.null_frac, s.n_distinct,
       s.most_common_vals::text::text[] AS values, s.most_common_freqs AS freqs,
       s.histogram_bounds::text::text[] AS bounds, c.reltuples
FROM pg_stats s
JOIN pg_namespace n ON n.nspname = s.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
WHERE s.schemaname = :schema AND s.tablename = :name
ORDER BY s.attname, s.inherited DESC
"""


async def column_stats(conn: AsyncConnection, table: TableRef) -> dict[str, ColumnStats]:
    rows = await conn.execute(text(_STATS), {"schema": table.schema, "name": table.name})
    return {row.name: _stats(row) for row in rows}


def _stats(row: Any) -> ColumnStats:
    rows = max(float(row.reltuples), 0.0)
    null_fraction = float(row.null_frac)
    distinct = float(row.n_distinct)
    if distinct < 0:  # a fraction of the rows: the number grows with the table
        distinct = -distinct * rows
    return ColumnStats(
        distinct=round(distinct),
        null_fraction=null_fraction,
        most_common=tuple(zip(row.values or (), map(float, row.freqs or ()), strict=True)),
        bounds=tuple(row.bounds or ()),
    )
