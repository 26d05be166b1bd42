"""``/api/history``: the caller's console runs, newest first (an administrator may read
another user's with ``?user=``)."""

from __future__ import annotations

from pydantic import Field
from quart import Blueprint, Response
from quart_schema import document_response, tag

from ..apidoc import document_errors
from ..auth.guard import current_principal
from ..auth.permissions import Permission, require_permission
from ..queries import history
from ..state import app_state
from ..store.schema import MAX_ID
from .params import QueryString, query_string
from .responses import Body, json_response

blueprint = Blueprint("history", __name__, url_prefix="/api")


class HistoryQuery(QueryString):
    user: str | None = Field(
        None, min_length=1, max_length=150, description="Another user's history: admins only."
    )
    limit: int = Field(50, ge=1, le=500)
    cursor: int | None = Field(None, ge=1, le=MAX_ID, description="next_cursor of the "
                               "previous page.")  # fmt: skip


class HistoryEntry(Body):
    id: int
    sql: str
    at: str = Field(description="When it ran: ISO 8601, UTC, milliseconds.")
    ok: bool = Field(description="False when it was refused or failed.")
    row_count: int | None = Field(description="Rows returned; null when it failed.")
    elapsed_ms: float | None = Field(description="Time in the database; null when it failed.")
    error_code: str | None = Field(description="The error's code (e.g. SQL_ERROR, "
                                   "READ_ONLY_VIOLATION) when it failed.")  # fmt: skip


class HistoryPage(Body):
    entries: list[HistoryEntry] = Field(description="Newest first.")
    next_cursor: int | None = Field(description="The cursor for older entries; null at the end.")


class HistoryCleared(Body):
    deleted: int = Field(description="How many entries were deleted.")


@blueprint.get("/history")
@require_permission(Permission.QUERY)
@tag(["history"])
@query_string(HistoryQuery)
@document_response(HistoryPage)
@document_errors(404)
async def list_history(query: HistoryQuery) -> Response:
    """The caller's console runs (kept up to QUERY_HISTORY_LIMIT), newest first."""
    found, more = await history.page(app_state(), current_principal(), query.user, query.limit,
                                     query.cursor)  # fmt: skip
    return json_response({"entries": found, "next_cursor": found[-1]["id"] if more else None})


@blueprint.delete("/history")
@require_permission(Permission.QUERY)
@tag(["history"])
@document_response(HistoryCleared)
async def clear_history() -> Response:
    """Delete every entry of the caller's own history."""
    return json_response({"deleted": await history.clear_own(app_state(), current_principal())})


@blueprint.delete("/history/<int:entry_id>")
@require_permission(Permission.QUERY)
@tag(["history"])
@document_response(HistoryCleared)
@document_errors(404)
async def delete_history_entry(entry_id: int) -> Response:
    """Delete one entry of the caller's history (an administrator: of anyone's)."""
    await history.delete_one(app_state(), current_principal(), entry_id)
    return json_response({"deleted": 1})
