"""Aggregations of a table view: "group by X, count / sum / avg of Y" computed by the
server (``GET /api/tables/<t>/aggregate``; its exports are in ``exports``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import document_response, tag

from ..apidoc import DATABASE_ERRORS, document_errors
from ..auth.permissions import Permission, require_permission
from ..column_kind import ColumnKind
from ..db.aggregate import MAX_GROUPS, MAX_MEASURES, AggregatePage, AggregateParams
from ..db.browse import BrowseParams
from ..errors import BadRequest
from ..monitoring.observe import observed
from ..state import app_state
from .params import query_string
from .responses import Body, Cell, json_response
from .rows import SelectionQuery

blueprint = Blueprint("aggregate", __name__, url_prefix="/api")

Name = Annotated[str, Field(min_length=1, max_length=255)]
Spec = Annotated[str, Field(min_length=1, max_length=300)]


class AggregateSelection(SelectionQuery):
    """The table view's selection (filters, ``match``, ``q``, ``schema`` as ``/data`` takes
    them), the group columns, the measures and the order: what a page and a file share."""

    group: list[Name] = Field(
        default_factory=list, max_length=MAX_GROUPS,
        description=f"Group by these columns, 0 to {MAX_GROUPS}; none: one row of totals.",
    )  # fmt: skip
    measure: list[Spec] = Field(
        min_length=1, max_length=MAX_MEASURES,
        description=f"1 to {MAX_MEASURES}: `count` (rows), `count:<c>` (non-NULL values), "
        "`distinct:<c>`, `sum:<c>`, `avg:<c>`, `min:<c>`, `max:<c>`.",
    )  # fmt: skip
    sort: list[Spec] = Field(
        default_factory=list, max_length=MAX_GROUPS + MAX_MEASURES,
        description="An output name (a group column, or a measure's spec), `-` first for "
        "descending; the group columns ascending follow.",
    )  # fmt: skip


class AggregateQuery(AggregateSelection):
    page: int = Field(1, ge=1, le=1_000_000_000)
    page_size: int | None = Field(None, ge=1, description="Default PAGE_SIZE_DEFAULT, at most "
                                  "MAX_RECORDS_DISPLAY.")  # fmt: skip


class AggregateColumn(Body):
    name: str = Field(description="The group column's name, or the measure's spec.")
    kind: ColumnKind = Field(description="How this column's values are written in JSON.")
    role: Literal["group", "measure"]


class AggregateRows(Body):
    table: str
    schema_: str = Field(alias="schema")
    columns: list[AggregateColumn]
    rows: list[list[Cell]]
    page: int
    page_size: int
    has_more: bool = Field(description="Another page of groups follows (no total is counted).")


def aggregate_params(
    query: AggregateSelection, page: int = 1, page_size: int = 1
) -> AggregateParams:
    """The data layer's parameters of a page or (paging ignored) of a file."""
    selection = BrowseParams(page_size=1, filters=query.filters, match=query.match,
                             q=query.q or None)  # fmt: skip
    return AggregateParams(selection=selection, group=tuple(query.group),
                           measures=tuple(query.measure), sort=tuple(query.sort), page=page,
                           page_size=page_size)  # fmt: skip


def _page_size(query: AggregateQuery) -> int:
    settings = app_state().settings
    size = query.page_size or settings.page_size_default
    if size > settings.max_records_display:
        raise BadRequest(
            f"page_size must be at most {settings.max_records_display} (MAX_RECORDS_DISPLAY)",
            code="BAD_PAGE_SIZE",
        )
    return size


@blueprint.get("/tables/<path:table>/aggregate")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(AggregateQuery)
@document_response(AggregateRows)
@document_errors(404, *DATABASE_ERRORS)
async def aggregate(table: str, query: AggregateQuery) -> Response:
    """The rows the filters and search select, grouped by the ``group`` columns, with each
    ``measure``: one page of groups, within MAX_QUERY_TIME, read-only like ``/data``."""
    state = app_state()
    params = aggregate_params(query, query.page, _page_size(query))
    async with observed("aggregate", "table_aggregated", **_aggregated(table, query)) as seen:
        info = await state.catalog.resolve(table, query.schema_)
        page = await state.aggregates.page(info, params)
        seen["rows"] = len(page.rows)
    return json_response(page_json(page))


def page_json(page: AggregatePage) -> dict[str, Any]:
    return {
        "table": page.table.name,
        "schema": page.table.schema,
        "columns": [{"name": c.name, "kind": c.kind.value, "role": c.role} for c in page.columns],
        "rows": page.rows,
        "page": page.page,
        "page_size": page.page_size,
        "has_more": page.has_more,
    }


def _aggregated(table: str, query: AggregateQuery) -> dict[str, Any]:
    """What the activity log says about a grouped view: the table, its selection, the
    groups and measures, which page."""
    return {
        "table": table, "schema": query.schema_, "group": query.group, "measure": query.measure,
        "sort": query.sort or None, "page": query.page, "filters": dict(query.filters) or None,
        "match": query.match, "q": query.q,
    }  # fmt: skip
