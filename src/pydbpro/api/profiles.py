"""A column's profile: distinct values, NULLs, min, max, average and most common values,
each marked exact or estimated (``db/column_profile.py`` decides which)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import document_response, tag

from ..apidoc import DATABASE_ERRORS, document_errors
from ..auth.permissions import Permission, require_permission
from ..db.column_profile import ColumnProfile, Figure
from ..state import app_state
from .params import QueryString, query_string
from .responses import Body, Cell, ResultColumnInfo, column_json, json_response

blueprint = Blueprint("profiles", __name__, url_prefix="/api")


class ProfileQuery(QueryString):
    column: str = Field(max_length=255, description="The column to profile.")
    schema_: str | None = Field(None, alias="schema", max_length=255)


class ProfileFigure(Body):
    value: Cell = Field(description="null when unknown (or no value is not NULL).")
    exact: bool = Field(description="false: the planner's estimate, or a sample's figure.")


class CommonValue(Body):
    value: Cell
    count: int = Field(description="Rows holding it (estimated unless most_common.exact).")


class CommonValues(Body):
    values: list[CommonValue] = Field(description="Most frequent first, at most 10.")
    exact: bool


class ColumnProfileBody(Body):
    table: str
    schema_: str = Field(alias="schema")
    column: ResultColumnInfo
    source: Literal["exact", "planner", "sample"] = Field(
        description="Where the estimated figures come from: the planner's statistics, or "
        "the first sample_rows rows; exact when every figure is."
    )
    reason: str | None = Field(description="Why figures are estimated.")
    sample_rows: int | None = Field(description="Rows the sample read (source sample).")
    rows: ProfileFigure
    distinct: ProfileFigure = Field(description="Distinct values that are not NULL.")
    nulls: ProfileFigure
    min: ProfileFigure | None = Field(description="null for kinds without an order.")
    max: ProfileFigure | None = Field(description="null for kinds without an order.")
    avg: ProfileFigure | None = Field(description="A JSON number; null for non-numbers.")
    most_common: CommonValues


def _figure(figure: Figure | None) -> dict[str, Any] | None:
    return None if figure is None else {"value": figure.value, "exact": figure.exact}


def profile_json(profile: ColumnProfile) -> dict[str, Any]:
    common = [{"value": value, "count": count} for value, count in profile.most_common]
    return {
        "table": profile.table.name, "schema": profile.table.schema,
        "column": column_json(profile.column), "source": profile.source,
        "reason": profile.reason, "sample_rows": profile.sample_rows,
        "rows": _figure(profile.rows), "distinct": _figure(profile.distinct),
        "nulls": _figure(profile.nulls), "min": _figure(profile.minimum),
        "max": _figure(profile.maximum), "avg": _figure(profile.average),
        "most_common": {"values": common, "exact": profile.most_common_exact},
    }  # fmt: skip


@blueprint.get("/tables/<path:table>/profile")
@require_permission(Permission.READ)
@tag(["data"])
@query_string(ProfileQuery)
@document_response(ColumnProfileBody)
@document_errors(404, *DATABASE_ERRORS)
async def profile(table: str, query: ProfileQuery) -> Response:
    """A column's profile (``?column=<c>``): exact within PROFILE_TIMEOUT, else the
    planner's estimates (or a sample's), each figure marked."""
    state = app_state()
    info = await state.catalog.resolve(table, query.schema_)
    found = await state.profiles.profile(info, query.column)
    return json_response(profile_json(found))
