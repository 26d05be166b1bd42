"""Facets of a browse selection: each chosen column's most frequent values with their
counts, and for numbers and dates a histogram (``GET /api/tables/<t>/facets``).

The selection is the table view's own (its filters and search, built by ``Browser``), so a
facet counts exactly the rows the grid pages through. A facet request is bounded as a whole:
one deadline (FACET_TIMEOUT) for all its columns, each statement under the database's
statement timeout for the time left, one connection at a time (never more than a count
holds), cancelled on the server when the client leaves (``reading``). A column whose
statement runs out of time comes back ``timed_out`` with what was known by then; the
request itself still answers.

The histogram's buckets are compared through the filter code (``condition``) with edges
written as filter text, so the range filter the UI makes of a bucket selects what it
counted, on every backend (SQLite compares dates as julianday(), for one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from ..column_kind import ColumnKind
from ..errors import BadRequest, QueryTimeout
from .browse import BrowseParams, Browser
from .catalog import readable
from .facet_buckets import DateUnit, date_edges, date_unit, moment_edges, number_edges
from .facet_stats import distinct_estimates
from .filters import KIND_RULES, TEXT_COMPARED, Filter, Op, condition
from .models import Column, TableInfo, TableStructure
from .reading import fetch_all
from .results import make_row_encoder

#: Values listed per column (one more is read to know whether there are more).
TOP_VALUES = 30
#: Columns one request may ask for.
MAX_COLUMNS = 5
#: Less time than this left: the statement is not started (it could not finish).
_LEAST_SECONDS = 0.05
#: Kinds a value can be picked of: those an equality filter applies to.
FACET_KINDS = frozenset(kind for kind, rules in KIND_RULES.items() if Op.EQ in rules.operators)
NUMBER_KINDS = frozenset({ColumnKind.INTEGER, ColumnKind.BIGINT, ColumnKind.DECIMAL,
                          ColumnKind.FLOAT})  # fmt: skip
DATE_KINDS = frozenset({ColumnKind.DATE, ColumnKind.DATETIME})
INT64_MIN, INT64_MAX = Decimal(-(2**63)), Decimal(2**63 - 1)


@dataclass(frozen=True)
class Bucket:
    """Rows with ``start <= value < end`` (both as filter text); no ``end``: no upper bound
    (the last bucket of an integer column holding its type's greatest value)."""

    start: str
    end: str | None
    count: int


@dataclass
class Facet:
    column: str
    kind: ColumnKind
    values: list[tuple[Any, int]] = field(default_factory=list)  # encoded value, count
    truncated: bool = False  # more distinct values than listed
    timed_out: bool = False  # a statement ran out of time: what follows it is missing
    histogram: list[Bucket] | None = None  # numbers and dates only
    unit: str | None = None  # "number", or the dates' day/week/month/year


class Facets:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.db = browser.db
        self.catalog = browser.catalog

    async def facets(
        self, table: TableInfo, params: BrowseParams, columns: Sequence[str]
    ) -> list[Facet]:
        """The facets of ``columns`` (at most MAX_COLUMNS: the caller's limit) over the rows
        ``params`` select (paging ignored).

        Every column is checked before any SQL runs: unknown is 400 UNKNOWN_COLUMN, one
        whose values cannot be picked (binary, JSON, arrays, intervals) 400
        COLUMN_NOT_FACETABLE."""
        structure = await self.catalog.structure(table)
        checked = [_facetable(structure, name) for name in dict.fromkeys(columns)]
        source, where = self.browser.selection_where(structure, params)
        deadline = asyncio.get_running_loop().time() + self.db.settings.facet_timeout
        async with readable(table):
            return [await self._facet(source, where, column, deadline) for column in checked]

    async def suggest(self, table: TableInfo) -> list[tuple[str, int]]:
        """Columns worth a facet: at most TOP_VALUES distinct values (a facet lists them
        all), as the planner's statistics estimate (``facet_stats``); the row key never.
        At most MAX_COLUMNS, fewest values first."""
        structure = await self.catalog.structure(table)
        key = structure.row_key if len(structure.row_key) == 1 else ()
        candidates = [c.name for c in structure.columns
                      if c.kind in FACET_KINDS and c.name not in key]  # fmt: skip
        async with readable(table):
            found = await distinct_estimates(self.db, structure, candidates)
        few = [(name, found[name]) for name in candidates if 0 < found.get(name, 0) <= TOP_VALUES]
        return sorted(few, key=lambda item: item[1])[:MAX_COLUMNS]

    async def _facet(
        self, source: Any, where: ColumnElement[bool] | None, column: Column, deadline: float
    ) -> Facet:
        facet = Facet(column.name, column.kind)
        try:
            await self._top_values(facet, source, where, column, deadline)
            if column.kind in NUMBER_KINDS | DATE_KINDS:
                await self._histogram(facet, source, where, column, deadline)
        except QueryTimeout:
            facet.timed_out = True
        return facet

    async def _top_values(
        self, facet: Facet, source: Any, where: ColumnElement[bool] | None, column: Column,
        deadline: float,
    ) -> None:  # fmt: skip
        expr = source.c[column.name]
        value = cast(expr, String) if column.kind in TEXT_COMPARED else expr
        inner = select(self.db.adapter.readable(value, column.kind).label("value"))
        rows = inner.select_from(source)
        picked = (rows.where(where) if where is not None else rows).subquery()
        count = func.count().label("n")
        query = (
            select(picked.c.value, count)
            .group_by(picked.c.value)
            .order_by(count.desc(), picked.c.value.is_(None), picked.c.value)
            .limit(TOP_VALUES + 1)
        )
        found = await self._read(query, deadline)
        encode = make_row_encoder([column.kind], max_text=self.db.settings.max_cell_text)
        facet.values = [(encode([v])[0], int(n)) for v, n in found[:TOP_VALUES]]
        facet.truncated = len(found) > TOP_VALUES

    async def _histogram(
        self, facet: Facet, source: Any, where: ColumnElement[bool] | None, column: Column,
        deadline: float,
    ) -> None:  # fmt: skip
        expr = source.c[column.name]
        query = select(func.min(expr), func.max(expr)).select_from(source)
        low, high = (await self._read(query.where(where) if where is not None else query,
                                      deadline))[0]  # fmt: skip
        if low is None or high is None:
            facet.histogram = []
            return
        encode = make_row_encoder([column.kind, column.kind])
        edges, unit = _edges(column.kind, *encode([low, high]))
        if not edges:
            return  # values no edge can be written for (BC dates, year 9999)
        facet.unit = unit
        texts = [None if edge is None else _text(edge) for edge in edges]
        # Only the inner edges are compared: every value is past the first and before the
        # last, which may lie beyond what the column's type can hold.
        inner = [t for t in texts[1:-1] if t is not None]  # (None only ever ends the list)
        before = [condition(Filter(column.name, Op.LT, (t,)), expr, column, self.db.adapter)
                  for t in inner]  # fmt: skip
        last = literal(len(edges) - 2)
        bucket = case(*((c, i) for i, c in enumerate(before)), else_=last) if before else last
        rows = select(bucket.label("bucket")).select_from(source)
        wanted = and_(expr.is_not(None), where) if where is not None else expr.is_not(None)
        picked = rows.where(wanted).subquery()
        counted = select(picked.c.bucket, func.count()).group_by(picked.c.bucket)
        counts = {int(b): int(n) for b, n in await self._read(counted, deadline)}
        facet.histogram = [Bucket(texts[i] or "", texts[i + 1], counts.get(i, 0))
                           for i in range(len(edges) - 1)]  # fmt: skip

    async def _read(self, query: Any, deadline: float) -> list[Any]:
        left = deadline - asyncio.get_running_loop().time()
        if left < _LEAST_SECONDS:
            raise QueryTimeout("no time left for this column")
        return list(await fetch_all(self.db, query, left))


def _facetable(structure: TableStructure, name: str) -> Column:
    column = structure.column(name)
    if column is None:
        raise BadRequest(f"unknown column {name!r}", code="UNKNOWN_COLUMN")
    if column.kind not in FACET_KINDS:
        raise BadRequest(
            f"column {name!r} ({column.type or column.kind.value}) has no values to pick "
            "from: binary, JSON, array and interval columns have no facets",
            code="COLUMN_NOT_FACETABLE",
        )
    return column


def _edges(kind: ColumnKind, low: Any, high: Any) -> tuple[list[Any], str | None]:
    """Bucket edges for the encoded least and greatest values; none when either cannot
    be read back (a BC date's text) or an edge cannot be written (past year 9999)."""
    try:
        if kind in NUMBER_KINDS:
            low, high = Decimal(str(low)), Decimal(str(high))
            if not (low.is_finite() and high.is_finite()):
                return [], None  # NaN and infinity (PostgreSQL floats) have no round edges
            integral = kind in (ColumnKind.INTEGER, ColumnKind.BIGINT)
            edges = number_edges(low, high, integral)
            return (within_integers(edges, low) if integral else edges), "number"
        if kind is ColumnKind.DATE:
            first, last = date.fromisoformat(str(low)), date.fromisoformat(str(high))
            unit: DateUnit = date_unit(first, last)
            return date_edges(first, last, unit), unit
        start, end = datetime.fromisoformat(str(low)), datetime.fromisoformat(str(high))
        unit = date_unit(start.date(), end.date())
        return moment_edges(date_edges(start.date(), end.date(), unit), start), unit
    except (ValueError, OverflowError, InvalidOperation):
        return [], None


def within_integers(edges: list[Decimal], low: Decimal) -> list[Decimal | None]:
    """Edges an integer filter can take: a first edge below the 64-bit range starts at the
    least value instead, a last one above it is no bound (None)."""
    bounded: list[Decimal | None] = list(edges)
    if edges[0] < INT64_MIN:
        bounded[0] = low
    if edges[-1] > INT64_MAX:
        bounded[-1] = None
    return bounded


def _text(edge: Any) -> str:
    return edge.isoformat() if isinstance(edge, (date, datetime)) else str(edge)
