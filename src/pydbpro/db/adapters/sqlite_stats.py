"""SQLite's statistics: ``sqlite_stat1`` (written by ANALYZE) keeps, per index, the table's
rows and the average rows per value of each leading column; nothing is kept for a column
without an index, so a column profile samples instead (``db/column_profile.py``)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..models import ColumnStats, TableRef

#: The first column of each index ANALYZE has measured, with its ``stat`` text:
#: "<rows> <rows per value of the first column> ...".
_STAT1 = """
SELECT i.name, s.stat
FROM sqlite_stat1 s, pragma_index_info(s.idx) i
WHERE s.tbl = :name AND i.seqno = 0
"""


async def column_stats(conn: AsyncConnection, table: TableRef) -> dict[str, ColumnStats]:
    if table.schema != "main":  # an attached database's sqlite_stat1 is its own
        return {}
    try:
        rows = (await conn.execute(text(_STAT1), {"name": table.name})).all()
    except DBAPIError:  # never analysed: there is no sqlite_stat1
        return {}
    found: dict[str, ColumnStats] = {}
    for name, stat in rows:
        parts = [int(p) for p in str(stat).split()[:2] if p.isdigit()]
        if len(parts) == 2 and parts[1] > 0 and name is not None:
            found[name] = ColumnStats(distinct=max(1, round(parts[0] / parts[1])))
    return found
