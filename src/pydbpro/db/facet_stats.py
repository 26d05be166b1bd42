"""How many distinct values columns of a table have, without scanning a big table: what
suggested facets are chosen by (``Facets.suggest``).

First the planner's statistics (``db/planner_stats.py``: PostgreSQL's ``pg_stats``,
MariaDB's index cardinality and column statistics, SQLite's ``sqlite_stat1``). A column
they say nothing about is counted exactly only in a table of at most SMALL_TABLE rows,
found out by reading no more than one row past that.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, literal, select

from ..errors import PyDBProError
from .engine import Database
from .models import TableStructure
from .planner_stats import planner_stats
from .reading import fetch_all
from .select import table_clause

#: A table this small is counted exactly for the columns statistics do not cover.
SMALL_TABLE = 10_000


async def distinct_estimates(
    db: Database, structure: TableStructure, columns: Sequence[str]
) -> dict[str, int]:
    """Distinct values (NULL not counted) of those ``columns`` something is known of; a
    read that fails or runs out of time is no answer."""
    stats = await planner_stats(db, structure.info)
    known = {
        name: max(1, s.distinct)
        for name, s in stats.items()
        if name in columns and s.distinct is not None
    }
    unknown = [name for name in columns if name not in known]
    if unknown:
        known |= await _counted_if_small(db, structure, unknown)
    return known


async def _counted_if_small(
    db: Database, structure: TableStructure, columns: Sequence[str]
) -> dict[str, int]:
    table = table_clause(structure)
    head = select(literal(1).label("one")).select_from(table).limit(SMALL_TABLE + 1)
    size = select(func.count()).select_from(head.subquery())
    distinct = select(*(func.count(table.c[name].distinct()) for name in columns))
    seconds = db.settings.count_timeout
    try:
        if (await fetch_all(db, size, seconds))[0][0] > SMALL_TABLE:
            return {}
        counts = (await fetch_all(db, distinct, seconds))[0]
    except PyDBProError:
        return {}  # too slow, or a view that fails: no suggestions, never an error
    return dict(zip(columns, map(int, counts), strict=True))
