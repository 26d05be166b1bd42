"""Aggregations of a browse selection without SQL: "group by X, count / sum / avg of Y"
(``GET /api/tables/<t>/aggregate`` and its exports).

The rows aggregated are the table view's own (its filters and search, built by
``Browser.selection_where``, as facets count them), so a grouped view sums exactly what the
grid pages through. The statement is built here with SQLAlchemy: identifiers quoted by the
dialect, filter values bound; it runs on the read path like a page (read-only transaction,
MAX_QUERY_TIME, cancelled when the client leaves) or, for an export, as a ``RowStream``.

A date or timestamp column may be grouped by a calendar unit (``group=ordered_at:month``):
each group is the first day of its day, week (from Monday, as the facets' histogram's),
month or year, computed by the dialect's adapter (``date_bucket``).

Every group column, measure and sort name is checked against the table's columns and
their kinds before any SQL runs, so a bad request is a 400, never a database error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..column_kind import ColumnKind
from ..errors import BadRequest
from .browse import BrowseParams, Browser
from .catalog import readable
from .engine import Database
from .export import RowStream, Started
from .facet_buckets import DateUnit
from .facets import FACET_KINDS, NUMBER_KINDS
from .filters import TEXT_COMPARED
from .models import Column, ResultColumn, TableInfo, TableStructure
from .reading import fetch_all
from .results import make_row_encoder
from .select import SortKey, order_by

#: A declared DECIMAL's scale: NUMERIC(12,2), decimal(10, 4).
_SCALE = re.compile(r"\(\s*\d+\s*,\s*(\d+)\s*\)")
#: Group columns one request may give (none: one row of totals).
MAX_GROUPS = 3
#: Measures one request may give.
MAX_MEASURES = 6
#: Kinds min and max are taken of: an order every backend has an aggregate for (PostgreSQL
#: has no min/max of boolean or uuid, so neither has PyDBPro, on any backend).
ORDER_KINDS = NUMBER_KINDS | {
    ColumnKind.TEXT, ColumnKind.ENUM, ColumnKind.DATE, ColumnKind.DATETIME, ColumnKind.TIME
}  # fmt: skip
#: What each function takes: a measure of another kind is 400 COLUMN_NOT_AGGREGABLE.
#: ``count`` alone (no column) counts rows; the others need a column.
FUNCTION_KINDS: dict[str, frozenset[ColumnKind]] = {
    "count": FACET_KINDS,
    "distinct": FACET_KINDS,
    "sum": NUMBER_KINDS,
    "avg": NUMBER_KINDS,
    "min": ORDER_KINDS,
    "max": ORDER_KINDS,
}
#: Kinds a column may be grouped by: those a value can be picked of (as a facet).
GROUP_KINDS = FACET_KINDS
#: The calendar units a group column of each kind may be bucketed by (``<column>:<unit>``);
#: ``GET /api/config`` gives it to the UI. Other kinds take none.
UNITS: tuple[DateUnit, ...] = get_args(DateUnit)
GROUP_UNITS: dict[ColumnKind, tuple[DateUnit, ...]] = {
    kind: UNITS if kind in (ColumnKind.DATE, ColumnKind.DATETIME) else () for kind in ColumnKind
}
#: What an aggregate may do with a column: group by it, or give it to a measure function
#: (``count`` as ``count:<c>``).
Use = Literal["group", "count", "distinct", "sum", "avg", "min", "max"]
USES: tuple[Use, ...] = get_args(Use)
#: Per kind, its ``Use``s. ``GET /api/config`` gives it to the UI, so the two cannot differ.
KIND_USES: dict[ColumnKind, tuple[Use, ...]] = {
    kind: tuple(use for use in USES
                if kind in (GROUP_KINDS if use == "group" else FUNCTION_KINDS[use]))
    for kind in ColumnKind
}  # fmt: skip


@dataclass(frozen=True)
class Measure:
    """One measure spec: ``count``, or ``<function>:<column>``."""

    function: str
    column: str | None

    @property
    def name(self) -> str:
        """The spec text: also the measure's output column name and its sort name."""
        return self.function if self.column is None else f"{self.function}:{self.column}"


def parse_measure(spec: str) -> Measure:
    """``count``, ``count:<c>``, ``distinct:<c>``, ``sum:<c>``, ``avg:<c>``, ``min:<c>``,
    ``max:<c>``; anything else is 400 BAD_MEASURE. The column is checked later."""
    function, colon, column = spec.partition(":")
    if function not in FUNCTION_KINDS:
        raise BadRequest(f"unknown measure {spec!r}: use count, or count, distinct, sum, avg, "
                         "min or max with :<column>", code="BAD_MEASURE")  # fmt: skip
    if not colon:
        if function != "count":
            raise BadRequest(f"measure {spec!r} needs a column: {function}:<column>",
                             code="BAD_MEASURE")  # fmt: skip
        return Measure(function, None)
    if not column:
        raise BadRequest(f"measure {spec!r} names no column", code="BAD_MEASURE")
    return Measure(function, column)


@dataclass(frozen=True)
class Group:
    """One group spec: a column's values, or (``<column>:<unit>``) its calendar buckets."""

    column: Column
    unit: DateUnit | None = None

    @property
    def name(self) -> str:
        """The spec text: also the group's output column name and its sort name."""
        return self.column.name if self.unit is None else f"{self.column.name}:{self.unit}"


@dataclass(frozen=True)
class AggregateParams:
    """``selection``: the table view's filters, match and search (its paging ignored)."""

    selection: BrowseParams
    group: tuple[str, ...]
    measures: tuple[str, ...]
    sort: tuple[str, ...] = ()  # output names, ``-`` first for descending
    page: int = 1
    page_size: int = 100


@dataclass(frozen=True)
class OutputColumn:
    name: str
    kind: ColumnKind
    role: str  # "group" or "measure"
    type: str  # the group column's declared type; the measure's kind


@dataclass(frozen=True)
class AggregatePage:
    table: TableInfo
    columns: list[OutputColumn]
    rows: list[list[Any]]  # encoded as the data API encodes cells of each kind
    page: int
    page_size: int
    has_more: bool


@dataclass(frozen=True)
class _Plan:
    columns: list[OutputColumn]
    grouped: Any  # the aggregate as a subquery, its columns labelled g0.., m0..
    keys: list[SortKey]  # on the labels: the requested sort, then every group column
    filters: list[dict[str, Any]]
    sort: list[dict[str, str]]


class Aggregates:
    """Grouped counts and sums of a browse selection: a page, or a stream for an export."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.db: Database = browser.db
        self.catalog = browser.catalog

    async def page(self, table: TableInfo, params: AggregateParams) -> AggregatePage:
        """One page of groups, in the requested order (default: by the group columns), one
        row more read to know whether another page follows; no total is counted."""
        plan = self._plan(await self.catalog.structure(table), params)
        size = params.page_size
        query = _ordered(plan).limit(size + 1).offset((params.page - 1) * size)
        async with readable(table):
            rows = await fetch_all(self.db, query)
        encode = make_row_encoder([c.kind for c in plan.columns],
                                  max_text=self.db.settings.max_cell_text)  # fmt: skip
        return AggregatePage(
            table=table,
            columns=plan.columns,
            rows=[encode(row) for row in rows[:size]],
            page=params.page,
            page_size=size,
            has_more=len(rows) > size,
        )

    async def export(self, table: TableInfo, params: AggregateParams, limit: int) -> RowStream:
        """Every group (at most ``limit``; paging ignored) as a stream from a server-side
        cursor, opened and its first batch read: every failure is still an ordinary error.
        Whether ``limit`` cuts it is known before the first byte, at the cost of running the
        aggregate once more (reading ``limit`` + 1 groups); without group columns never."""
        plan = self._plan(await self.catalog.structure(table), params)
        query = _ordered(plan).limit(limit)
        beyond = select(literal(1)).select_from(plan.grouped).offset(limit).limit(1)
        grouped = any(c.role == "group" for c in plan.columns)

        async def start(conn: AsyncConnection) -> Started:
            truncated = grouped and (await conn.execute(beyond)).first() is not None
            return Started(await conn.stream(query), truncated)

        columns = [ResultColumn(c.name, c.type, c.kind) for c in plan.columns]
        async with readable(table):
            return await RowStream.open(self.db, start, limit, columns=columns,
                                        filters=plan.filters, sort=plan.sort)  # fmt: skip

    def _plan(self, structure: TableStructure, params: AggregateParams) -> _Plan:
        """Everything checked and built before any SQL runs (so errors are 400s)."""
        groups = _groups(structure, params.group)
        measures = _measures(structure, params.measures)
        source, where = self.browser.selection_where(structure, params.selection)
        adapter = self.db.adapter
        selected: list[Any] = []
        grouping: list[Any] = []
        columns: list[OutputColumn] = []
        for i, group in enumerate(groups):
            column = group.column
            if group.unit is None:
                value = adapter.readable(_comparable(source.c[column.name], column), column.kind)
                output = OutputColumn(column.name, column.kind, "group",
                                      column.type or column.kind.value)  # fmt: skip
            else:
                value = adapter.date_bucket(source.c[column.name], group.unit, column)
                output = OutputColumn(group.name, ColumnKind.DATE, "group", "date")
            grouping.append(value)
            selected.append(value.label(f"g{i}"))
            columns.append(output)
        for i, (measure, measured) in enumerate(measures):
            expr, kind = _measure(source, measure, measured, adapter)
            selected.append(expr.label(f"m{i}"))
            columns.append(OutputColumn(measure.name, kind, "measure", kind.value))
        query = select(*selected).select_from(source)
        if where is not None:
            query = query.where(where)
        if grouping:
            query = query.group_by(*grouping)
        grouped = query.subquery("grouped")
        labels = [f"g{i}" for i in range(len(groups))] + [f"m{i}" for i in range(len(measures))]
        keys, sort = _sort_keys(columns, labels, params.sort)
        filters = self.browser.selection_filters(structure, params.selection)
        return _Plan(columns, grouped, keys, filters, sort)


def _groups(structure: TableStructure, specs: Sequence[str]) -> list[Group]:
    if len(specs) > MAX_GROUPS:
        raise BadRequest(f"at most {MAX_GROUPS} group columns", code="BAD_GROUP")
    if len(set(specs)) != len(specs):
        raise BadRequest("a group column is given twice", code="BAD_GROUP")
    return [_group(structure, spec) for spec in specs]


def _group(structure: TableStructure, spec: str) -> Group:
    """``<column>``, or ``<column>:<unit>`` for a date or timestamp column. A column whose
    own name has a colon is itself: the unit is what follows the last colon otherwise."""
    name, colon, unit = spec.rpartition(":")
    if structure.column(spec) is not None or not colon:
        return Group(_column(structure, spec, GROUP_KINDS, "grouped by"))
    if unit not in UNITS:
        raise BadRequest(f"unknown unit {unit!r} in group {spec!r}: use "
                         f"{', '.join(UNITS)}", code="BAD_GROUP")  # fmt: skip
    column = structure.column(name)
    if column is None:
        raise BadRequest(f"unknown column {name!r}", code="UNKNOWN_COLUMN")
    if unit not in GROUP_UNITS[column.kind]:
        takes = [k.value for k, units in GROUP_UNITS.items() if units]
        raise BadRequest(f"column {name!r} ({column.type or column.kind.value}) cannot be "
                         f"grouped by {unit}: only {' and '.join(takes)} columns can",
                         code="BAD_GROUP")  # fmt: skip
    return Group(column, unit)


def _measures(
    structure: TableStructure, specs: Sequence[str]
) -> list[tuple[Measure, Column | None]]:
    if not 1 <= len(specs) <= MAX_MEASURES:
        raise BadRequest(f"give 1 to {MAX_MEASURES} measures", code="BAD_MEASURE")
    parsed = [parse_measure(spec) for spec in specs]
    if len({m.name for m in parsed}) != len(parsed):
        raise BadRequest("a measure is given twice", code="BAD_MEASURE")
    return [(m, None if m.column is None else
             _column(structure, m.column, FUNCTION_KINDS[m.function], f"a {m.function} of"))
            for m in parsed]  # fmt: skip


def _column(structure: TableStructure, name: str, kinds: frozenset[ColumnKind], use: str) -> Column:
    column = structure.column(name)
    if column is None:
        raise BadRequest(f"unknown column {name!r}", code="UNKNOWN_COLUMN")
    if column.kind not in kinds:
        raise BadRequest(
            f"column {name!r} ({column.type or column.kind.value}) cannot be {use}: "
            f"{', '.join(sorted(k.value for k in kinds))} columns can",
            code="COLUMN_NOT_AGGREGABLE",
        )
    return column


def _comparable(expr: Any, column: Column) -> Any:
    """Values compared as their text where the database may have no equality of its own
    (network addresses, geometry: ``TEXT_COMPARED``), as filters and facets compare them."""
    return cast(expr, String) if column.kind in TEXT_COMPARED else expr


def _measure(
    source: Any, measure: Measure, column: Column | None, adapter: Any
) -> tuple[Any, ColumnKind]:
    """The aggregate expression and the kind its values are encoded as: counts are
    integers, a sum or average of integers or decimals is a decimal (the databases answer
    an exact type: NUMERIC, DECIMAL; SQLite a number), of floats a float; min and max are
    of the column's own kind."""
    if column is None:
        return func.count(), ColumnKind.INTEGER
    expr = source.c[column.name]
    if measure.function == "count":
        return func.count(expr), ColumnKind.INTEGER
    if measure.function == "distinct":
        return func.count(_comparable(expr, column).distinct()), ColumnKind.INTEGER
    found = getattr(func, measure.function)(expr)  # sum, avg, min or max: checked above
    if measure.function in ("min", "max"):
        return adapter.readable(found, column.kind), column.kind
    scale = _SCALE.search(column.type or "")
    if measure.function == "sum" and column.kind is ColumnKind.DECIMAL and scale:
        # SQLite adds NUMERIC values as floats (409799.86000000016); rounded to the declared
        # scale the sum is exact again. Elsewhere the sum already has that scale: a no-op.
        found = func.round(found, int(scale.group(1)))
    return found, ColumnKind.FLOAT if column.kind is ColumnKind.FLOAT else ColumnKind.DECIMAL


def _sort_keys(
    columns: Sequence[OutputColumn], labels: Sequence[str], sort: Sequence[str]
) -> tuple[list[SortKey], list[dict[str, str]]]:
    """The requested order on output names (``-name``: descending), then every group column
    ascending, which makes the order total (a group is one row) and pages stable."""
    by_name: dict[str, list[str]] = {}
    for column, label in zip(columns, labels, strict=True):
        by_name.setdefault(column.name, []).append(label)
    keys: list[SortKey] = []
    described: list[dict[str, str]] = []
    for item in sort:
        descending = item.startswith("-")
        name = item[1:] if descending else item
        found = by_name.get(name)
        if not found:
            raise BadRequest(f"unknown sort {name!r}: sort by a group column or a measure "
                             f"({', '.join(by_name)})", code="BAD_SORT")  # fmt: skip
        if len(found) > 1:
            raise BadRequest(f"sort {name!r} is both a group column and a measure",
                             code="BAD_SORT")  # fmt: skip
        if any(k.column == found[0] for k in keys):
            raise BadRequest(f"sort {name!r} is given twice", code="BAD_SORT")
        keys.append(SortKey(found[0], descending))
        described.append({"column": name, "order": "desc" if descending else "asc"})
    used = {k.column for k in keys}
    keys += [SortKey(label) for column, label in zip(columns, labels, strict=True)
             if column.role == "group" and label not in used]  # fmt: skip
    return keys, described


def _ordered(plan: _Plan) -> Any:
    """Every group in the plan's order (NULLs last ascending, first descending: ``order_by``)."""
    grouped = plan.grouped
    return select(*grouped.c).order_by(*order_by(grouped, plan.keys))
