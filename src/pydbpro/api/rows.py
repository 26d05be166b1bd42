"""Table data: a page (filtered, sorted, keyset or offset paged) and a single row."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import document_response, tag
from werkzeug.datastructures import MultiDict

from ..apidoc import DATABASE_ERRORS, document_errors, document_file
from ..auth.permissions import Permission, require_permission
from ..db.browse import BrowseParams
from ..db.filters import Op
from ..db.models import Page
from ..errors import BadRequest
from ..monitoring.observe import observed
from ..state import app_state
from .catalog import TableSummary, table_json
from .filter_syntax import FILTER_PREFIXES, filter_items
from .params import QueryString, query_string, split_list
from .responses import Body, Cell, ResultColumnInfo, column_json, json_response

blueprint = Blueprint("rows", __name__, url_prefix="/api")

#: ``GET .../labels?value_customer_id=7&value_customer_id=9``: values of one column.
LABEL_PREFIX = "value_"


class SelectionQuery(QueryString):
    """Which rows of a table: ``schema``, the search ``q``, and filters, written
    ``filter_<column>[_<op>]=value``, or the specification's ``filter[<column>]=value`` and
    ``filter[column]=..&filter[op]=..&filter[value]=..`` (see the README). Rows and facets
    take the same."""

    extra_prefixes = FILTER_PREFIXES

    schema_: str | None = Field(None, alias="schema", max_length=255)
    match: Literal["all", "any"] = "all"
    q: str | None = Field(None, max_length=500)

    @property
    def filters(self) -> tuple[tuple[str, str], ...]:
        """Every filter, in PyDBPro's own form (``filter_syntax``)."""
        return filter_items(MultiDict(self.extra))


class DataQuery(SelectionQuery):
    """The selection, and how a page of it is cut and sorted."""

    page: int = Field(1, ge=1, le=1_000_000_000)
    page_size: int | None = Field(None, ge=1)
    limit: int | None = Field(None, ge=1, description="The specification's name of page_size.")
    sort: str | None = Field(None, max_length=2000)
    order: str | None = Field(None, max_length=2000)
    columns: str | None = Field(None, max_length=10_000)
    cursor: str | None = Field(None, max_length=4096)
    count: Literal["exact", "estimate", "none"] | None = None


class RowQuery(QueryString):
    """``schema``; the key columns are parameters too (``?id=7``), in ``extra``."""

    extra_any = True

    schema_: str | None = Field(None, alias="schema", max_length=255)


class LabelsQuery(QueryString):
    """``schema``; the values are ``value_<column>=<id>``, repeated, in ``extra``."""

    extra_prefixes = (LABEL_PREFIX,)

    schema_: str | None = Field(None, alias="schema", max_length=255)


class ParentLabelMap(Body):
    labels: dict[str, dict[str, str]] = Field(
        description="Per foreign-key column: each value that has a parent row with a label, "
        "and that label (the parent's first text column)."
    )


class ImageQuery(QueryString):
    """``column`` and ``schema``; the key columns are parameters too (``?id=7``)."""

    extra_any = True

    schema_: str | None = Field(None, alias="schema", max_length=255)
    column: str = Field(max_length=255)


class SortItem(Body):
    column: str
    order: Literal["asc", "desc"]


class FilterItem(Body):
    column: str
    op: Op
    value: str | list[str] | None = Field(description="A list for in and between, null for "
                                                "isnull and notnull.")  # fmt: skip


class RowsPage(Body):
    table: str
    schema_: str = Field(alias="schema")
    columns: list[ResultColumnInfo]
    rows: list[list[Cell]]
    page: int
    page_size: int
    total: int | None = Field(description="null when not counted (count=none, or too slow).")
    total_is_estimate: bool
    next_cursor: str | None
    prev_cursor: str | None
    has_more: bool
    sort: list[SortItem] = Field(description="The requested sort (the tiebreak not shown).")
    filters: list[FilterItem]


class ParentLink(Body):
    """The row of ``schema.table`` this row's ``columns`` reference."""

    table: str
    schema_: str = Field(alias="schema")
    columns: list[str]
    key: dict[str, Cell] | None = Field(description="The parent's key; null if a column is null.")


class ChildLink(Body):
    """The rows of ``schema.table`` whose ``columns`` reference this row."""

    table: str
    schema_: str = Field(alias="schema")
    columns: list[str]
    filter: dict[str, Cell] = Field(description="Query parameters selecting them in /data.")
    count: int | None = Field(description="null if counting took too long.")


class RowDetail(Body):
    table: str
    schema_: str = Field(alias="schema")
    columns: list[ResultColumnInfo]
    row: list[Cell]
    parents: list[ParentLink]
    children: list[ChildLink]
    table_info: TableSummary


def page_json(page: Page) -> dict[str, Any]:
    return {
        "table": page.table.name,
        "schema": page.table.schema,
        "columns": [column_json(c) for c in page.columns],
        "rows": page.rows,
        "page": page.page,
        "page_size": page.page_size,
        "total": page.total,
        "total_is_estimate": page.total_is_estimate,
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
        "has_more": page.has_more,
        "sort": page.sort,
        "filters": page.filters,
    }


def browse_params(query: DataQuery) -> BrowseParams:
    settings = app_state().settings
    if query.limit and query.page_size and query.limit != query.page_size:
        raise BadRequest("limit and page_size name the same thing; give one of them",
                         code="BAD_PAGE_SIZE")  # fmt: skip
    page_size = query.page_size or query.limit or settings.page_size_default
    if page_size > settings.max_records_display:
        raise BadRequest(
            f"page_size must be at most {settings.max_records_display} (MAX_RECORDS_DISPLAY)",
            code="BAD_PAGE_SIZE",
        )
    return BrowseParams(
        page_size=page_size,
        page=query.page,
        sort=split_list(query.sort),
        order=split_list(query.order),
        filters=query.filters,
        match=query.match,
        q=query.q or None,
        columns=split_list(query.columns) or None,
        cursor=query.cursor,
        count=query.count,
    )


@blueprint.get("/tables/<path:table>/data")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(DataQuery)
@document_response(RowsPage)
@document_errors(404, *DATABASE_ERRORS)
async def data(table: str, query: DataQuery) -> Response:
    """One page of rows. BIGINT and DECIMAL values are strings (see each column's kind)."""
    state = app_state()
    params = browse_params(query)
    async with observed("browse", "table_viewed", **_viewed(table, query, params)) as seen:
        info = await state.catalog.resolve(table, query.schema_)
        page = await state.browser.page(info, params)
        seen["rows"] = len(page.rows)
    return json_response(page_json(page))


def _viewed(table: str, query: DataQuery, params: BrowseParams) -> dict[str, Any]:
    """What the activity log says about a page: the table, its selection, which page."""
    return {
        "table": table, "schema": query.schema_, "page": query.page,
        "cursor": query.cursor is not None, "page_size": params.page_size,
        "sort": query.sort, "order": query.order, "filters": dict(params.filters) or None,
        "match": query.match, "q": query.q, "columns": query.columns,
    }  # fmt: skip


@blueprint.get("/tables/<path:table>/row")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(RowQuery)
@document_response(RowDetail)
@document_errors(404, *DATABASE_ERRORS)
async def row(table: str, query: RowQuery) -> Response:
    """One row by primary key (``?<key column>=<value>``; ``schema`` selects the schema),
    with links to its parent rows and counts of its child rows."""
    state = app_state()
    info = await state.catalog.resolve(table, query.schema_)
    key = dict(query.extra)
    async with observed("row", "row_viewed", table=table, schema=query.schema_, key=key):
        detail = await state.rows.row(info, key)
    columns = [column_json(c) for c in detail["columns"]]
    return json_response({**detail, "columns": columns, "table_info": table_json(info)})


@blueprint.get("/tables/<path:table>/labels")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(LabelsQuery)
@document_response(ParentLabelMap)
@document_errors(404, *DATABASE_ERRORS)
async def labels(table: str, query: LabelsQuery) -> Response:
    """The parent rows' labels of a page's foreign-key values, all columns in one request
    (``value_<column>=<value>``, repeated; at most MAX_RECORDS_DISPLAY values a column)."""
    state = app_state()
    requested: dict[str, list[str]] = {}
    for name, value in query.extra:
        requested.setdefault(name.removeprefix(LABEL_PREFIX), []).append(value)
    if not requested:
        raise BadRequest("give the values as value_<column>=<value>", code="MISSING_VALUES")
    info = await state.catalog.resolve(table, query.schema_)
    found = await state.labels.labels(
        info, list(requested.items()), state.settings.max_records_display
    )
    return json_response({"labels": found})


@blueprint.get("/tables/<path:table>/image")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(ImageQuery)
@document_file(
    ("image/png", "image/jpeg", "image/gif", "image/webp"),
    {"X-Content-Type-Options": "nosniff: the image type, never sniffed as another"},
)
@document_errors(400, 404, *DATABASE_ERRORS)
async def image(table: str, query: ImageQuery) -> Response:
    """One binary value, whole, when it is a PNG, JPEG, GIF or WebP image of at most 4 MB
    (``?column=<c>&<key column>=<value>``): the value panel's preview. Others are 400."""
    state = app_state()
    info = await state.catalog.resolve(table, query.schema_)
    data, mimetype = await state.rows.image(info, dict(query.extra), query.column)
    response = Response(data, mimetype=mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"  # an image, never sniffed as more
    return response
