"""Facets of a table view: the frequent values of a few columns, and which columns are
worth it (``GET /api/tables/<t>/facets`` and ``.../facets/suggest``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import document_response, tag

from ..apidoc import DATABASE_ERRORS, document_errors
from ..auth.permissions import Permission, require_permission
from ..column_kind import ColumnKind
from ..db.browse import BrowseParams
from ..db.facets import MAX_COLUMNS, TOP_VALUES, Facet
from ..state import app_state
from .params import QueryString, query_string
from .responses import Body, Cell, json_response
from .rows import SelectionQuery

blueprint = Blueprint("facets", __name__, url_prefix="/api")


class FacetsQuery(SelectionQuery):
    """The table view's selection (its filters, search and schema, as ``/data`` takes
    them) and the columns, ``column=<name>`` repeated."""

    column: list[str] = Field(min_length=1, max_length=MAX_COLUMNS,
                              description=f"At most {MAX_COLUMNS} columns.")  # fmt: skip


class SuggestQuery(QueryString):
    schema_: str | None = Field(None, alias="schema", max_length=255)


class FacetValue(Body):
    value: Cell = Field(description="A value as a cell of the column shows it; null for NULL.")
    count: int


class FacetBucket(Body):
    start: str = Field(description="The least value in the bucket, as filter text (_ge).")
    end: str | None = Field(
        description="The first value past the bucket, as filter text (_lt); null: no upper "
        "bound (the last bucket of an integer column holding its type's greatest value)."
    )
    count: int


class ColumnFacet(Body):
    column: str
    kind: ColumnKind
    values: list[FacetValue] = Field(description=f"The {TOP_VALUES} most frequent values at "
                                     "most, most frequent first; NULL is a value.")  # fmt: skip
    truncated: bool = Field(description="More distinct values than listed.")
    timed_out: bool = Field(description="FACET_TIMEOUT ran out: what is missing was not read.")
    histogram: list[FacetBucket] | None = Field(
        description="Numbers and dates: every bucket from the least value to the greatest "
        "(NULLs not in any); null for other kinds, or when not read."
    )
    unit: Literal["number", "day", "week", "month", "year"] | None = Field(
        description="What a bucket spans: a round number, or a day, week (from Monday), "
        "month or year(s)."
    )


class TableFacets(Body):
    table: str
    schema_: str = Field(alias="schema")
    facets: list[ColumnFacet]


class SuggestedFacet(Body):
    column: str
    distinct: int = Field(description="Distinct values, as the planner's statistics estimate.")


class FacetSuggestions(Body):
    table: str
    schema_: str = Field(alias="schema")
    columns: list[SuggestedFacet]


@blueprint.get("/tables/<path:table>/facets")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(FacetsQuery)
@document_response(TableFacets)
@document_errors(404, *DATABASE_ERRORS)
async def facets(table: str, query: FacetsQuery) -> Response:
    """The most frequent values (with counts) of each ``column`` among the rows the filters
    and search select, and a histogram for numbers and dates; all columns within
    FACET_TIMEOUT together."""
    state = app_state()
    params = BrowseParams(page_size=1, filters=query.filters, match=query.match, q=query.q)
    info = await state.catalog.resolve(table, query.schema_)
    found = await state.facets.facets(info, params, query.column)
    return json_response({"table": info.name, "schema": info.schema,
                          "facets": [_facet_json(f) for f in found]})  # fmt: skip


@blueprint.get("/tables/<path:table>/facets/suggest")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(SuggestQuery)
@document_response(FacetSuggestions)
@document_errors(404, *DATABASE_ERRORS)
async def suggest(table: str, query: SuggestQuery) -> Response:
    """Columns with few distinct values (at most the values a facet lists), fewest first,
    as the database's planner statistics tell: nothing is scanned to find out."""
    state = app_state()
    info = await state.catalog.resolve(table, query.schema_)
    found = await state.facets.suggest(info)
    columns = [{"column": name, "distinct": count} for name, count in found]
    return json_response({"table": info.name, "schema": info.schema, "columns": columns})


def _facet_json(facet: Facet) -> dict[str, Any]:
    histogram = None if facet.histogram is None else [
        {"start": b.start, "end": b.end, "count": b.count} for b in facet.histogram
    ]  # fmt: skip
    return {
        "column": facet.column,
        "kind": facet.kind.value,
        "values": [{"value": value, "count": count} for value, count in facet.values],
        "truncated": facet.truncated,
        "timed_out": facet.timed_out,
        "histogram": histogram,
        "unit": facet.unit,
    }
