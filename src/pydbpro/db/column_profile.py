"""A column's profile: distinct values, NULLs, min, max, average, most common values.

Exact first: two aggregate reads of the whole column, each within PROFILE_TIMEOUT on the
read path (read-only transaction, statement timeout, cancelled when the client leaves),
so a small table always gets exact figures. What runs out of time is answered by what
the planner keeps (``planner_stats``) and marked estimated; where it keeps too little
(SQLite; MariaDB without persistent statistics; a view) by the same reads over the first
SAMPLE_ROWS rows. A slow table makes a profile less exact, never a 504.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..column_kind import ColumnKind as K
from ..errors import (
    BadRequest,
    DatabaseBusy,
    DatabaseUnavailable,
    DataError,
    QueryTimeout,
    SqlError,
)
from .browse import Browser
from .catalog import readable
from .models import Column, ColumnStats, TableInfo
from .planner_stats import planner_stats, rows_of, typed_value
from .previews import BINARY_PREVIEW, readings
from .previews import rows_of as cells_of
from .reading import fetch_all
from .results import encode_cell

#: Most common values a profile lists.
MOST_COMMON = 10
#: Rows a sample reads when the planner keeps too little, and the seconds it may take.
SAMPLE_ROWS = 10_000
SAMPLE_SECONDS = 1.0
#: Kinds whose min and max every backend computes (PostgreSQL has no min of a boolean or
#: a uuid; binary, JSON and arrays have no order worth showing).
RANGE_KINDS = frozenset({K.INTEGER, K.BIGINT, K.DECIMAL, K.FLOAT, K.DATE, K.DATETIME, K.TIME,
                         K.TEXT, K.ENUM})  # fmt: skip
NUMBER_KINDS = frozenset({K.INTEGER, K.BIGINT, K.DECIMAL, K.FLOAT})

Source = Literal["exact", "planner", "sample"]


@dataclass(frozen=True)
class Figure:
    """One figure of a profile: its value (encoded like a cell) and whether it is exact."""

    value: Any
    exact: bool


@dataclass(frozen=True)
class ColumnProfile:
    table: TableInfo
    column: Column
    source: Source  # where the estimated figures came from ("exact" when none is)
    reason: str | None  # why some figures are estimated
    rows: Figure
    distinct: Figure
    nulls: Figure
    minimum: Figure | None  # None: the kind has no min, max or average
    maximum: Figure | None
    average: Figure | None
    most_common: tuple[tuple[Any, int], ...]
    most_common_exact: bool
    sample_rows: int | None = None


class ColumnProfiles:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.db = browser.db
        self.catalog = browser.catalog

    async def profile(self, table: TableInfo, name: str) -> ColumnProfile:
        """The profile of ``table``'s column ``name`` (an unknown column is a 400)."""
        structure = await self.catalog.structure(table)
        column = structure.column(name)
        if column is None:
            raise BadRequest(f"unknown column {name!r} in {table.name!r}", code="UNKNOWN_COLUMN")
        source = self.browser.source(structure)
        budget = self.db.settings.profile_timeout
        async with readable(table):
            try:
                summary = await self._summary(table, source, column, budget)
            except QueryTimeout:
                return await self._estimated(table, source, column)
            try:
                common = await self._common(source, column, budget)
            except QueryTimeout:
                estimate = await self._estimated(table, source, column)
                return replace(summary, most_common=estimate.most_common,
                               most_common_exact=False, source=estimate.source,
                               reason=estimate.reason)  # fmt: skip
        return replace(summary, most_common=common)

    async def _summary(
        self, table: TableInfo, source: Any, column: Column, seconds: float
    ) -> ColumnProfile:
        """Rows, distinct values, NULLs, min, max and average in one aggregate read. A
        database that refuses the average (PostgreSQL's float sum past 1e308, or a type with
        no avg such as oid) still gives the rest: read again without it, the average unknown."""
        try:
            query = self._summary_select(source, column)
            row = (await fetch_all(self.db, query, seconds))[0]
        except (SqlError, DataError):
            if column.kind not in NUMBER_KINDS:
                raise
            query = self._summary_select(source, column, average=False)
            row = (*(await fetch_all(self.db, query, seconds))[0], None)
            profile = self._from_summary(table, column, row, exact=True)
            return replace(profile, average=Figure(None, False))
        return self._from_summary(table, column, row, exact=True)

    def _summary_select(self, source: Any, column: Column, average: bool = True) -> Select[Any]:
        value = source.c[column.name]
        figures: list[ColumnElement[Any]] = [
            func.count(), func.count(value), func.count(distinct(self._grouped(value, column)))
        ]  # fmt: skip
        if column.kind in RANGE_KINDS:
            figures += [func.min(value), func.max(value)]
        if column.kind in NUMBER_KINDS and average:
            figures.append(func.avg(value))
        return select(*figures).select_from(source)

    def _from_summary(
        self, table: TableInfo, column: Column, row: Sequence[Any], exact: bool
    ) -> ColumnProfile:
        rows, present, distinct_values, *rest = row
        encode = self._encoder(column)
        minimum = maximum = average = None
        if column.kind in RANGE_KINDS:
            low, high, *rest = rest
            minimum, maximum = Figure(encode(low), exact), Figure(encode(high), exact)
        if column.kind in NUMBER_KINDS:
            mean = None if rest[0] is None else encode_cell(float(rest[0]), K.FLOAT)
            average = Figure(mean, exact)
        return ColumnProfile(
            table=table, column=column, source="exact", reason=None,
            rows=Figure(int(rows), exact), distinct=Figure(int(distinct_values), exact),
            nulls=Figure(int(rows) - int(present), exact),
            minimum=minimum, maximum=maximum, average=average,
            most_common=(), most_common_exact=exact,
        )  # fmt: skip

    async def _common(self, source: Any, column: Column, seconds: float) -> tuple[Any, ...]:
        """The MOST_COMMON most frequent values with their counts, ties in value order; read
        as a page reads them (long values in part)."""
        value = source.c[column.name]
        grouped = self._grouped(value, column)
        count = func.count().label("n")
        top = (
            select(grouped.label("v"), count).select_from(source).where(value.is_not(None))
            .group_by(grouped).order_by(count.desc(), grouped).limit(MOST_COMMON)
        ).subquery()  # fmt: skip
        shown = readings(top, [replace(column, name="v")], self.db.adapter,
                         self.db.settings.max_cell_text, BINARY_PREVIEW)  # fmt: skip
        query = select(*shown[0].exprs, top.c.n).order_by(top.c.n.desc(), top.c.v)
        rows = await fetch_all(self.db, query, seconds)
        encode = self._encoder(column)
        return tuple(
            (encode(cell), int(row[-1]))
            for cell, row in zip((c[0] for c in cells_of(rows, shown)), rows, strict=True)
        )

    def _grouped(self, value: Any, column: Column) -> Any:
        """What distinct values and groups compare: JSON and unknown types as their text
        (PostgreSQL's json and point have no equality)."""
        if column.kind is K.JSON:
            return self.db.adapter.json_text(value)
        return self.db.adapter.readable(value, column.kind)

    async def _estimated(self, table: TableInfo, source: Any, column: Column) -> ColumnProfile:
        """The planner's figures when it keeps the NULL share, else a sample's."""
        reason = (f"the exact figures took longer than {self.db.settings.profile_timeout:g} s "
                  "(PROFILE_TIMEOUT)")  # fmt: skip
        stats = (await planner_stats(self.db, table)).get(column.name, ColumnStats())
        if stats.null_fraction is None:
            sampled = await self._sampled(table, source, column, stats)
            if sampled is not None:
                return replace(sampled, reason=reason)
        return replace(self._from_planner(table, column, stats), reason=reason)

    def _from_planner(self, table: TableInfo, column: Column, stats: ColumnStats) -> ColumnProfile:
        rows = table.estimated_rows
        encode = self._encoder(column)
        common = tuple((encode(typed_value(v, column)), rows_of(share, rows) or 0)
                       for v, share in stats.most_common[:MOST_COMMON])  # fmt: skip
        low, high = _range([typed_value(v, column) for v in stats.bounds]
                           + [typed_value(v, column) for v, _ in stats.most_common])  # fmt: skip
        ranged = column.kind in RANGE_KINDS
        return ColumnProfile(
            table=table, column=column, source="planner", reason=None,
            rows=Figure(rows, table.rows_exact), distinct=Figure(stats.distinct, False),
            nulls=Figure(rows_of(stats.null_fraction, rows), False),
            minimum=Figure(encode(low), False) if ranged else None,
            maximum=Figure(encode(high), False) if ranged else None,
            average=Figure(None, False) if column.kind in NUMBER_KINDS else None,
            most_common=common, most_common_exact=False,
        )  # fmt: skip

    async def _sampled(
        self, table: TableInfo, source: Any, column: Column, stats: ColumnStats
    ) -> ColumnProfile | None:
        """The figures of the first SAMPLE_ROWS rows (exact when the table has no more);
        the planner's distinct count, where it keeps one, beats a sample's. None when even
        the sample takes too long."""
        sample = select(source.c[column.name]).select_from(source).limit(SAMPLE_ROWS).subquery()
        try:
            row = (await fetch_all(self.db, self._summary_select(sample, column),
                                   SAMPLE_SECONDS))[0]  # fmt: skip
            common = await self._common(sample, column, SAMPLE_SECONDS)
        except (QueryTimeout, DatabaseBusy, DatabaseUnavailable):
            return None
        whole = int(row[0]) < SAMPLE_ROWS
        found = self._from_summary(table, column, row, exact=whole)
        if stats.distinct is not None and not whole:
            found = replace(found, distinct=Figure(stats.distinct, False))
        return replace(found, most_common=common, source="sample", sample_rows=int(row[0]))

    def _encoder(self, column: Column) -> Any:
        """A cell of ``column`` as the data API encodes it."""
        return partial(encode_cell, kind=column.kind, max_text=self.db.settings.max_cell_text)


def _range(values: list[Any]) -> tuple[Any, Any]:
    """The smallest and largest of values the planner keeps; (None, None) when there are
    none or they do not compare (text that did not read as the column's type)."""
    try:
        return (min(values), max(values)) if values else (None, None)
    except TypeError:
        return None, None
