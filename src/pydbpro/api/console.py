"""The read-only SQL console: run one statement, or explain it."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import document_response, tag, validate_request

from .. import activity
from ..apidoc import DATABASE_ERRORS, document_errors
from ..auth.guard import current_principal
from ..auth.permissions import Permission, require_permission
from ..errors import BadRequest, Forbidden
from ..monitoring.observe import observed
from ..state import app_state
from .params import RequestBody
from .responses import Body, Cell, ResultColumnInfo, column_json, json_response

blueprint = Blueprint("console", __name__, url_prefix="/api")

MAX_SQL_LENGTH = 100_000  # parsing is CPU the database timeout does not bound


class QueryRequest(RequestBody):
    sql: str = Field(min_length=1, max_length=MAX_SQL_LENGTH)
    max_rows: int | None = Field(None, ge=1, description="At most MAX_RECORDS_RETRIEVE.")
    params: dict[str, Any] | None = Field(
        None, description="Values for :name placeholders, always bound as parameters."
    )


class QueryResult(Body):
    columns: list[ResultColumnInfo] = Field(description="A column's kind is the kind of its "
                                            "first value that is not null.")  # fmt: skip
    rows: list[list[Cell]]
    row_count: int
    truncated: bool = Field(description="More rows than max_rows: the rest were not fetched.")
    elapsed_ms: float
    statement_type: str = Field(description="e.g. SELECT, WITH, SHOW, EXPLAIN.")


class FormatRequest(RequestBody):
    sql: str = Field(min_length=1, max_length=MAX_SQL_LENGTH)


class FormattedSql(Body):
    sql: str = Field(description="The statements laid out by sqlglot, comments kept.")


class QueryPlan(Body):
    plan: Any = Field(description="The database's own plan: PostgreSQL's and MySQL's JSON "
                      "format, SQLite's EXPLAIN QUERY PLAN rows (id, parent, detail).")  # fmt: skip


def console_enabled() -> None:
    if not app_state().settings.allow_sql_console:
        raise Forbidden("the SQL console is disabled (ALLOW_SQL_CONSOLE=false)",
                        code="FEATURE_DISABLED")  # fmt: skip


@blueprint.post("/query")
@require_permission(Permission.QUERY)
@tag(["query"])
@validate_request(QueryRequest)
@document_response(QueryResult)
@document_errors(*DATABASE_ERRORS)
async def run_query(data: QueryRequest) -> Response:
    """Run one read-only statement; rows beyond max_rows are not fetched (truncated). The
    run, refused or failed too, goes into the caller's history (GET /api/history)."""
    console_enabled()
    state = app_state()
    limit = state.settings.max_records_retrieve
    with state.history.recording(current_principal().user.id, data.sql) as run:
        if data.max_rows is not None and data.max_rows > limit:
            raise BadRequest(f"max_rows must be at most {limit} (MAX_RECORDS_RETRIEVE)",
                             code="BAD_MAX_ROWS")  # fmt: skip
        sql = activity.sql_summary(state.settings, data.sql)
        async with observed("console", "query_executed", **sql) as seen:
            result = await state.console.run(data.sql, data.params or {},
                                             data.max_rows or limit)  # fmt: skip
            seen.update(statement_type=result.statement_type, rows=result.row_count,
                        truncated=result.truncated)  # fmt: skip
        run.done(result.row_count, result.elapsed_ms)
    return json_response({
        "columns": [column_json(c) for c in result.columns],
        "rows": result.rows,
        "row_count": result.row_count,
        "truncated": result.truncated,
        "elapsed_ms": result.elapsed_ms,
        "statement_type": result.statement_type,
    })  # fmt: skip


@blueprint.post("/query/explain")
@require_permission(Permission.QUERY)
@tag(["query"])
@validate_request(QueryRequest)
@document_response(QueryPlan)
@document_errors(*DATABASE_ERRORS)
async def explain_query(data: QueryRequest) -> Response:
    """The database's plan for the statement, without running it (EXPLAIN ANALYZE is not used)."""
    console_enabled()
    state = app_state()
    async with observed(
        "explain", "query_explained", **activity.sql_summary(state.settings, data.sql)
    ):
        plan = await state.console.explain(data.sql, data.params or {})
    return json_response({"plan": plan})


@blueprint.post("/query/format")
@require_permission(Permission.QUERY)
@tag(["query"])
@validate_request(FormatRequest)
@document_response(FormattedSql)
@document_errors(400)
async def format_query(data: FormatRequest) -> Response:
    """The statements laid out for reading in the connection's dialect; nothing runs. One
    that does not parse is 400 SQL_PARSE_ERROR with ``details.position`` (1-based)."""
    console_enabled()
    return json_response({"sql": app_state().console.format(data.sql)})
