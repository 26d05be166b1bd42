"""MariaDB's column statistics: ``mysql.column_stats``, which ``ANALYZE TABLE ... PERSISTENT
FOR ...`` fills (distinct values as rows per value, the NULL share, min and max, and with
``histogram_type=JSON_HB`` a histogram whose one-value buckets are the common values).

A login without SELECT on ``mysql.column_stats`` (a read-only one, usually) still sees the
indexes' cardinality in ``information_schema.STATISTICS``: the estimated distinct values of
each index's first column. MySQL 8 keeps histograms in ``information_schema.
COLUMN_STATISTICS`` instead; it is not read here (MariaDB is the server PyDBPro is tested on).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..models import ColumnStats, TableRef

_COLUMN_STATS = """
SELECT s.column_name AS name, s.nulls_ratio, s.avg_frequency, s.min_value, s.max_value,
       s.hist_type, s.histogram, t.table_rows
FROM mysql.column_stats s
JOIN information_schema.tables t ON t.table_schema = s.db_name AND t.table_name = s.table_name
WHERE s.db_name = :schema AND s.table_name = :name
"""
_INDEX_CARDINALITY = """
SELECT column_name AS name, max(cardinality) AS distinct_values
FROM information_schema.statistics
WHERE table_schema = :schema AND table_name = :name AND seq_in_index = 1
GROUP BY column_name
"""


async def column_stats(conn: AsyncConnection, table: TableRef) -> dict[str, ColumnStats]:
    bind = {"schema": table.schema, "name": table.name}
    found = {
        row.name: ColumnStats(distinct=int(row.distinct_values))
        for row in await conn.execute(text(_INDEX_CARDINALITY), bind)
        if row.distinct_values is not None
    }
    try:
        rows = (await conn.execute(text(_COLUMN_STATS), bind)).all()
    except DBAPIError:  # no privilege on mysql.column_stats: the indexes' figures it is
        return found
    found.update((row.name, _stats(row)) for row in rows)
    return found


def _stats(row: Any) -> ColumnStats:
    nulls = float(row.nulls_ratio) if row.nulls_ratio is not None else None
    present = (row.table_rows or 0) * (1 - (nulls or 0))
    distinct = None
    if row.avg_frequency:  # rows per distinct value
        distinct = round(present / float(row.avg_frequency))
    bounds = tuple(_text(v) for v in (row.min_value, row.max_value) if v is not None)
    return ColumnStats(
        distinct=distinct,
        null_fraction=nulls,
        most_common=_common_values(row.hist_type, row.histogram, 1 - (nulls or 0)),
        bounds=bounds if len(bounds) == 2 else (),
    )


def _common_values(kind: str | None, histogram: Any, present: float) -> tuple[Any, ...]:
    """The JSON histogram's buckets of one value each, most frequent first; ``size`` is a
    share of the non-NULL rows. The older binary histograms hold no values."""
    if kind != "JSON_HB" or histogram is None:
        return ()
    try:
        buckets = json.loads(_text(histogram)).get("histogram_hb", [])
    except (ValueError, AttributeError):
        return ()
    single = [
        (b["start"], float(b["size"]) * present)
        for b in buckets
        if b.get("ndv") == 1 and "start" in b and "size" in b
    ]
    return tuple(sorted(single, key=lambda item: -item[1]))


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)
