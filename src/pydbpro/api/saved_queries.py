"""``/api/saved-queries``: named statements, the caller's own and those shared with everyone.

A saved query is run like any statement: ``POST /api/query`` with its ``sql`` and ``params``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator
from quart import Blueprint, Response
from quart_schema import document_response, tag, validate_request

from ..apidoc import document_errors
from ..auth.guard import current_principal
from ..auth.permissions import Permission, require_permission
from ..queries import saved
from ..state import app_state
from .console import MAX_SQL_LENGTH
from .params import RequestBody
from .responses import Body, json_response

blueprint = Blueprint("saved_queries", __name__, url_prefix="/api")

ID = "<int:query_id>"
#: A placeholder's value, as the console binds it (no objects, see db/placeholders.py).
ParamValue = str | int | float | bool | None
#: The charts the UI draws from a result (lib/chartSpec.ts).
ChartType = Literal["line", "bar", "area", "scatter", "pie"]
#: A result column's name, as the console returns it.
ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class ParameterSpec(RequestBody):
    name: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        max_length=100,
        description="A :name placeholder of the statement, without the colon.",
    )
    default: ParamValue = Field(description="The value offered when the query is opened "
                                "(null: none).")  # fmt: skip


class ChartSpec(RequestBody):
    type: ChartType
    x: ColumnName = Field(description="The result column along the x axis (a pie's labels).")
    y: list[ColumnName] = Field(min_length=1, max_length=50,
                                description="The result columns plotted (a pie uses the "
                                "first).")  # fmt: skip
    stacked: bool = Field(description="Bars and areas stacked rather than side by side.")

    def chart(self) -> saved.Chart:
        return saved.Chart(self.type, self.x, list(self.y), self.stacked)


class SavedQueryRequest(RequestBody):
    name: str = Field(min_length=1, max_length=100, description="Unique among the owner's.")
    description: str = Field("", max_length=2000)
    sql: str = Field(min_length=1, max_length=MAX_SQL_LENGTH)
    parameters: list[ParameterSpec] = Field(default_factory=list, max_length=100)
    shared: bool = Field(False, description="Everyone may read and run it; only its owner "
                         "or an administrator may change it.")  # fmt: skip
    chart: ChartSpec | None = Field(None, description="The chart shown with its result in "
                                    "the console (null: none).")  # fmt: skip

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a name needs a character that is not a space")
        return value.strip()

    def draft(self) -> saved.Draft:
        return saved.Draft(self.name, self.description, self.sql,
                           [saved.Parameter(p.name, p.default) for p in self.parameters],
                           self.shared, self.chart.chart() if self.chart else None)  # fmt: skip


class ParameterInfo(Body):
    name: str
    default: ParamValue


class ChartInfo(Body):
    type: ChartType
    x: str
    y: list[str]
    stacked: bool


class SavedQueryInfo(Body):
    id: int
    name: str
    description: str
    sql: str
    parameters: list[ParameterInfo]
    shared: bool
    chart: ChartInfo | None = Field(description="The chart shown with its result, or null.")
    owner: str = Field(description="The username of who saved it.")
    editable: bool = Field(description="Whether the caller may change or delete it.")
    created_at: str = Field(description="ISO 8601, UTC, milliseconds.")
    updated_at: str = Field(description="ISO 8601, UTC, milliseconds.")


class SavedQueryList(Body):
    queries: list[SavedQueryInfo] = Field(description="The caller's own and every shared "
                                          "one, by name.")  # fmt: skip


class SavedQueryDeleted(Body):
    deleted: int


@blueprint.get("/saved-queries")
@require_permission(Permission.QUERY)
@tag(["saved queries"])
@document_response(SavedQueryList)
async def list_saved() -> Response:
    """The caller's own saved queries and every shared one."""
    caller = current_principal()
    found = await saved.visible(app_state(), caller)
    return json_response({"queries": [query.json(caller) for query in found]})


@blueprint.post("/saved-queries")
@require_permission(Permission.QUERY)
@tag(["saved queries"])
@validate_request(SavedQueryRequest)
@document_response(SavedQueryInfo, 201)
@document_errors(409)
async def create_saved(data: SavedQueryRequest) -> Response:
    """Save a statement; its parameters must be placeholders it has (else 400)."""
    caller = current_principal()
    created = await saved.create(app_state(), caller, data.draft())
    return json_response(created.json(caller), status=201)


@blueprint.get(f"/saved-queries/{ID}")
@require_permission(Permission.QUERY)
@tag(["saved queries"])
@document_response(SavedQueryInfo)
@document_errors(404)
async def get_saved(query_id: int) -> Response:
    """One saved query: the caller's own or a shared one (another's private one is 403)."""
    caller = current_principal()
    return json_response((await saved.get(app_state(), caller, query_id)).json(caller))


@blueprint.put(f"/saved-queries/{ID}")
@require_permission(Permission.QUERY)
@tag(["saved queries"])
@validate_request(SavedQueryRequest)
@document_response(SavedQueryInfo)
@document_errors(404, 409)
async def replace_saved(query_id: int, data: SavedQueryRequest) -> Response:
    """Replace every field of a saved query (its owner, or an administrator if shared)."""
    caller = current_principal()
    changed = await saved.replace(app_state(), caller, query_id, data.draft())
    return json_response(changed.json(caller))


@blueprint.delete(f"/saved-queries/{ID}")
@require_permission(Permission.QUERY)
@tag(["saved queries"])
@document_response(SavedQueryDeleted)
@document_errors(404)
async def delete_saved(query_id: int) -> Response:
    """Delete a saved query (its owner, or an administrator if shared)."""
    await saved.remove(app_state(), current_principal(), query_id)
    return json_response({"deleted": 1})
