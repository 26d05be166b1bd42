"""Browse service: one page of a table (the row view with its related records: ``row_detail``).

The HTTP layer passes typed parameters in and gets plain models back; everything that
touches SQL (filters, order, paging, counting) happens here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.sql.elements import ColumnElement

from ..column_kind import ColumnKind
from ..errors import BadRequest
from .batching import FIRST_BATCH
from .catalog import Catalog, readable
from .counting import CountJob, CountMode, RowCounts
from .cursor import Cursor, decode_cursor, encode_cursor, query_digest
from .engine import Database
from .filters import (
    KIND_RULES,
    ORDERED_KINDS,
    Filter,
    combine,
    condition,
    keyword_condition,
    parse_filters,
)
from .models import Column, Page, ResultColumn, TableInfo, TableRef, TableStructure
from .previews import BINARY_PREVIEW, Preview, Reading, bounded, flat, is_long, readings, rows_of
from .reading import fetch_all
from .results import make_row_encoder
from .select import (
    SortKey,
    beyond,
    export_select,
    page_select,
    seek_after,
    table_clause,
)
from .sql_csv import SqlCsv
from .sql_sheet import SqlSheet
from .ttlcache import TTLCache

MAX_CURSOR_LENGTH = 2048
_FOREVER = float("inf")
_PLANS = 2000  # plans and page queries kept (a few KB each)


@dataclass(frozen=True)
class BrowseParams:
    page_size: int
    page: int = 1
    sort: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    match: Literal["all", "any"] = "all"
    q: str | None = None
    columns: tuple[str, ...] | None = None
    cursor: str | None = None
    count: CountMode | None = None  # None: exact within COUNT_TIMEOUT, else the estimate


@dataclass(frozen=True)
class Selection:
    """The whole filtered, sorted result of a browse request, for an export."""

    columns: list[ResultColumn]
    query: Any  # every row (up to the limit), chosen columns only, in the browse order
    beyond: Any  # a row when more than the limit match: the export is capped
    filters: list[dict[str, Any]]
    sort: list[dict[str, str]]
    sql_csv: SqlCsv | None = None  # the same rows as CSV written by the database
    sql_sheet: SqlSheet | None = None  # the same rows as XLSX sheet rows, likewise
    sample: Any = None  # the first rows of ``query``: the XLSX column widths of ``sql_sheet``


@dataclass(frozen=True)
class _Plan:
    """Everything derived from the parameters before any SQL runs (so errors are 400s)."""

    source: Any
    selected: list[str]
    where: ColumnElement[bool] | None
    keys: list[SortKey]
    keyset: bool
    digest: str  # the whole query: cursors are only valid for it
    where_digest: str  # filters only: counts are shared between sort orders
    filters: list[Filter]
    readings: list[Reading]  # how each selected column is read (long values in part)
    key_readings: list[Reading]  # the sort keys, for cursors (keyset paging only)


class Browser:
    def __init__(self, db: Database, catalog: Catalog) -> None:
        self.db = db
        self.catalog = catalog
        # The table clause of a structure, built once: SQLAlchemy then reuses its cache key.
        self._sources: dict[TableRef, tuple[TableStructure, Any]] = {}
        self.counts = RowCounts(db)
        # What a request's parameters make, kept for the next request that sends the same:
        # building them (SQLAlchemy constructs, their cache keys) cost more CPU than the
        # page's query. Bounded like every cache here; a changed structure is a miss.
        self._plans = TTLCache(_FOREVER, max_entries=_PLANS)
        self._queries = TTLCache(_FOREVER, max_entries=_PLANS)

    async def page(self, table: TableInfo, params: BrowseParams) -> Page:
        """One page of a table as the grid and ``GET /api/tables/<t>/data`` show it.

        Filters, search and sort are checked against the table's real columns first (a bad
        name is a 400 before any SQL runs). Paging is by OFFSET, or by keyset when a cursor
        from the previous page is given (stable and fast however deep). The count runs under
        its own short time limit, beside the page's query when a connection is spare, and
        may come back estimated or absent, so a huge table still pages promptly
        (``counting``). A view whose own SQL fails becomes 409 (``readable``).
        """
        structure = await self.catalog.structure(table)
        plan = self._cached_plan(structure, params)
        cursor = decode_cursor(params.cursor, plan.digest) if params.cursor else None
        page_no = cursor.page if cursor else params.page
        job = CountJob(table, plan.source, plan.where, plan.where_digest)
        async with readable(table):
            counting = self.counts.start(job, params.count)
            try:
                rows, has_more = await self._fetch(plan, params, page_no, cursor)
            except BaseException:
                self.counts.leave(counting)
                raise
            total, estimated = await self.counts.total(job, params.count, counting)
        kinds = [structure.known(name).kind for name in plan.selected]
        encode = make_row_encoder(kinds, max_text=self.db.settings.max_cell_text)
        return Page(
            table=table,
            columns=[result_column(structure, name) for name in plan.selected],
            rows=[encode(row) for row in rows_of(rows, plan.readings)],
            page=page_no,
            page_size=params.page_size,
            total=total,
            total_is_estimate=estimated,
            next_cursor=self._cursor(plan, rows[-1], "next", page_no + 1) if has_more else None,
            prev_cursor=self._cursor(plan, rows[0], "prev", page_no - 1)
            if rows and page_no > 1
            else None,
            has_more=has_more,
            sort=[k.describe() for k in plan.keys[: len(params.sort)]],
            filters=[f.describe() for f in plan.filters],
        )

    async def close(self) -> None:
        """Stop the row counts still running (shutdown, before the pool is disposed)."""
        await self.counts.close()

    async def selection(self, table: TableInfo, params: BrowseParams, limit: int) -> Selection:
        """What an export of this browse request reads; paging parameters are ignored."""
        structure = await self.catalog.structure(table)
        plan = self._plan(structure, params)
        columns = [structure.known(name) for name in plan.selected]
        read = [self.db.adapter.readable(plan.source.c[c.name], c.kind) for c in columns]
        adapter = self.db.adapter
        database_csv = adapter.sql_csv(plan.source, columns, plan.where, plan.keys, limit)
        version = self.db.engine.dialect.server_version_info  # known once connected
        sheet = adapter.sql_sheet(plan.source, columns, plan.where, plan.keys, limit, version)
        return Selection(
            columns=[result_column(structure, name) for name in plan.selected],
            query=export_select(plan.source, read, plan.where, plan.keys, limit),
            sample=export_select(plan.source, read, plan.where, plan.keys, min(limit, FIRST_BATCH)),
            beyond=beyond(plan.source, plan.where, limit),
            filters=[f.describe() for f in plan.filters],
            sort=[k.describe() for k in plan.keys[: len(params.sort)]],
            sql_csv=database_csv,
            sql_sheet=sheet,
        )

    def selection_where(
        self, structure: TableStructure, params: BrowseParams
    ) -> tuple[Any, ColumnElement[bool] | None]:
        """The table clause and the condition of a browse request's filters and search,
        checked like a page's (400s before any SQL): what facets count over."""
        plan = self._cached_plan(structure, params)
        return plan.source, plan.where

    def selection_filters(
        self, structure: TableStructure, params: BrowseParams
    ) -> list[dict[str, Any]]:
        """A browse request's filters as its answer describes them (an aggregate's file
        says what it was made of)."""
        return [f.describe() for f in self._cached_plan(structure, params).filters]

    def source(self, structure: TableStructure) -> Any:
        """The table clause of ``structure``, built once: SQLAlchemy then reuses its cache key."""
        cached = self._sources.get(structure.info.ref)
        if cached is None or cached[0] is not structure:
            cached = (structure, table_clause(structure))
            self._sources[structure.info.ref] = cached
        return cached[1]

    def _cached_plan(self, structure: TableStructure, params: BrowseParams) -> _Plan:
        key = _plan_key(structure, params)
        cached: tuple[TableStructure, _Plan] | None = self._plans.get(key)
        if cached is not None and cached[0] is structure:
            return cached[1]
        plan = self._plan(structure, params)
        self._plans.put(key, (structure, plan))
        return plan

    def _plan(self, structure: TableStructure, params: BrowseParams) -> _Plan:
        source = self.source(structure)
        names = [c.name for c in structure.columns]
        selected = list(params.columns) if params.columns else names
        unknown = [name for name in selected if name not in names]
        if unknown:
            raise BadRequest(
                f"unknown column(s) {', '.join(map(repr, unknown))}", code="UNKNOWN_COLUMN"
            )
        filters = parse_filters(params.filters, structure.columns)
        conditions = [
            condition(f, source.c[f.column], structure.known(f.column), self.db.adapter)
            for f in filters
        ]
        where = combine(conditions, params.match)
        if params.q:
            keyword = keyword_condition(
                params.q, [(source.c[c.name], c) for c in structure.columns]
            )
            where = keyword if where is None else (where & keyword)
        keys, keyset = _sort_keys(structure, params.sort, params.order)
        where_digest = query_digest(
            str(structure.info.ref), [f.describe() for f in filters], params.match, params.q
        )
        digest = query_digest(where_digest, [k.describe() for k in keys])
        shown = self.cell_readings(source, [structure.known(n) for n in selected])
        cursor_keys = [
            bounded(source.c[k.column], structure.known(k.column), self.db.adapter,
                    MAX_CURSOR_LENGTH)
            for k in keys
        ] if keyset else []  # fmt: skip
        return _Plan(source, selected, where, keys, keyset, digest, where_digest, filters, shown,
                     cursor_keys)  # fmt: skip

    def cell_readings(self, source: Any, columns: Sequence[Column]) -> list[Reading]:
        settings = self.db.settings
        return readings(source, columns, self.db.adapter, settings.max_cell_text, BINARY_PREVIEW)

    async def _fetch(
        self, plan: _Plan, params: BrowseParams, page_no: int, cursor: Cursor | None
    ) -> tuple[list[Sequence[Any]], bool]:
        """One page plus one extra row, which only says whether a next page exists."""
        size = params.page_size
        reverse = cursor is not None and cursor.direction == "prev"
        key = (plan.digest, id(plan), size, page_no, params.cursor)
        cached: tuple[_Plan, Any] | None = self._queries.get(key)
        if cached is not None and cached[0] is plan:
            query = cached[1]
        else:
            query = self._page_query(plan, size, page_no, cursor)
            self._queries.put(key, (plan, query))
        rows: list[Sequence[Any]] = list(await fetch_all(self.db, query))
        has_more = len(rows) > size
        rows = rows[:size]
        if reverse:
            rows.reverse()
            has_more = True  # we came back from the page after this one
        return rows, has_more

    def _page_query(self, plan: _Plan, size: int, page_no: int, cursor: Cursor | None) -> Any:
        reverse = cursor is not None and cursor.direction == "prev"
        seek = None
        if cursor is not None:
            if not plan.keyset or len(cursor.values) != len(plan.keys):
                raise BadRequest("cursor paging is not available for this table", code="BAD_CURSOR")
            seek = seek_after(plan.source, plan.keys, cursor.values, reverse=reverse)
        offset = 0 if cursor is not None else (page_no - 1) * size
        return page_select(
            plan.source,
            flat(plan.readings) + flat(plan.key_readings),
            plan.where,
            plan.keys,
            size + 1,
            offset=offset,
            seek=seek,
            reverse=reverse,
            late=self.db.adapter.previews_after_limit,
        )

    def _cursor(
        self, plan: _Plan, row: Sequence[Any], direction: Literal["next", "prev"], page_no: int
    ) -> str | None:
        if not plan.keyset:
            return None
        width = len(flat(plan.readings))  # the shown columns come first, the keys last
        values = rows_of([row[width:]], plan.key_readings)[0]
        if any(isinstance(value, Preview) for value in values):
            return None  # a boundary value too long for a cursor: reached by number instead
        token = encode_cursor(Cursor(values, direction, page_no), plan.digest)
        # A boundary value can be huge (a long text sort key); such a page is reached
        # by number instead (has_more still says whether there is one).
        return token if len(token) <= MAX_CURSOR_LENGTH else None


def _sort_keys(
    structure: TableStructure, sort: Sequence[str], order: Sequence[str]
) -> tuple[list[SortKey], bool]:
    """The requested sort plus the row key as a tiebreaker, so every order is total."""
    if order and len(order) not in (1, len(sort)):
        raise BadRequest("give one order, or one per sort column", code="BAD_SORT")
    keys: list[SortKey] = []
    for index, name in enumerate(sort):
        column = structure.column(name)
        if column is None:
            raise BadRequest(f"unknown sort column {name!r}", code="UNKNOWN_COLUMN")
        if not KIND_RULES[column.kind].sortable:
            raise BadRequest(f"column {name!r} ({column.type}) cannot be sorted", code="BAD_SORT")
        direction = (order[index] if len(order) > 1 else order[0]) if order else "asc"
        if direction.lower() not in ("asc", "desc"):
            raise BadRequest(f"order must be asc or desc, not {direction!r}", code="BAD_SORT")
        keys.append(SortKey(name, direction.lower() == "desc", column.nullable,
                            bind_as_column=column.kind is ColumnKind.ENUM))  # fmt: skip
    row_key = structure.row_key
    # Unsortable kinds (PostgreSQL json, point, xid, aclitem[]...) have no dependable order on
    # every backend: never in the order that makes paging total.
    tiebreak = row_key or tuple(c.name for c in structure.columns if KIND_RULES[c.kind].sortable)
    used = {k.column for k in keys}
    # The tiebreaker follows the last sort direction: one direction throughout lets an
    # index on (sort column) serve the whole ORDER BY (MariaDB filesorts mixed directions).
    descending = keys[-1].descending if keys else False
    for name in tiebreak:
        if name not in used:
            column = structure.known(name)
            prefix = not row_key and is_long(column)  # no key: long values by their start
            keys.append(SortKey(name, descending, column.nullable, prefix,
                                column.kind is ColumnKind.ENUM))  # fmt: skip
    seekable = all(structure.known(k.column).kind in ORDERED_KINDS for k in keys)
    return keys, bool(row_key) and seekable


def _plan_key(structure: TableStructure, params: BrowseParams) -> tuple[Any, ...]:
    """What a plan depends on besides the structure: every parameter but paging and count."""
    return (structure.info.ref, params.columns, params.filters, params.match, params.q,
            params.sort, params.order)  # fmt: skip


def result_column(structure: TableStructure, name: str) -> ResultColumn:
    column = structure.known(name)
    return ResultColumn(column.name, column.type, column.kind)
