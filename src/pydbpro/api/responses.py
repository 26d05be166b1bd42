"""JSON responses for the data endpoints, serialised once and fast, and the models that
document them.

Bodies here are already JSON-safe (the cell encoder made them so), so they skip
Quart-Schema's per-response model conversion, which walks every row, and go straight to
orjson. Their shapes are documented with ``@document_response(Model)`` instead: the models
below (and each blueprint's own) describe the dicts the handlers build, field for field;
``tests/test_openapi_fuzz.py`` checks real responses against them.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field
from quart import Response

from ..column_kind import ColumnKind
from ..db.models import Column, ResultColumn


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


class Body(BaseModel):
    """A documented response body: exactly these fields (``additionalProperties: false``),
    so a field added to a handler but not here is a failing test, not a silent drift. A
    field with a default is still always sent, so it is documented as required."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


#: One value of a row. Its shape follows the column's ``kind`` (``db/results.py``): a
#: number, string (BIGINT, DECIMAL, dates, times, intervals...), boolean, null, list, a
#: JSON document, ``{"$truncated": true, "value", "length"}`` for a long text or
#: ``{"$binary": "<hex>", "length"}`` for binary data.
Cell = Annotated[Any, Field(description="A JSON value; its shape follows the column's kind.")]


class ResultColumnInfo(Body):
    """A column of a result: a page, a row, a console statement's rows."""

    name: str
    type: str = Field(description="The database's type, as declared (e.g. character "
                      "varying(100)) or as the driver reports it.")  # fmt: skip
    kind: ColumnKind = Field(description="How this column's values are written in JSON.")


class ColumnDetail(ResultColumnInfo):
    """A column of a table, as its structure describes it."""

    nullable: bool
    default: str | None
    primary_key: int | None = Field(description="1-based position in the primary key.")
    comment: str | None = Field(None, description="The column's comment (none on SQLite).")


def column_json(column: ResultColumn | Column) -> dict[str, Any]:
    """A column as ``ResultColumnInfo``: the one way a column is described to the client."""
    return {"name": column.name, "type": column.type, "kind": column.kind.value}


def column_detail_json(column: Column) -> dict[str, Any]:
    """A table's column as ``ColumnDetail``: ``column_json`` and what the catalog knows."""
    return {**column_json(column), "nullable": column.nullable, "default": column.default,
            "primary_key": column.primary_key_position, "comment": column.comment}  # fmt: skip
