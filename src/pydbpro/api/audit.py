"""``GET /api/audit``: the stored activity log, filtered and paged newest first."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from quart import Blueprint, Response
from quart_schema import document_response, tag

from ..apidoc import document_errors
from ..audit import storage
from ..auth.permissions import Permission, require_permission
from ..errors import NotFound
from ..state import app_state
from ..store.schema import MAX_ID
from .params import QueryString, query_string
from .responses import Body, json_response

blueprint = Blueprint("audit", __name__, url_prefix="/api")


class AuditQuery(QueryString):
    user: str | None = Field(None, max_length=150)
    event: str | None = Field(None, max_length=40, description="e.g. login, query_executed")
    since: datetime | None = Field(None, description="ISO 8601, inclusive; UTC if no zone.")
    until: datetime | None = Field(None, description="ISO 8601, exclusive; UTC if no zone.")
    limit: int = Field(100, ge=1, le=1000)
    cursor: int | None = Field(None, ge=1, le=MAX_ID, description="next_cursor of the "
                               "previous page.")  # fmt: skip

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        try:
            return None if value is None else storage.utc_time(value)
        except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
            raise ValueError("outside the years 1 to 9999 in UTC") from None


class AuditEvent(BaseModel):
    """One event: these fields, then the event's own (e.g. table, sql, rows)."""

    model_config = ConfigDict(extra="allow")

    id: int
    at: str = Field(description="ISO 8601, UTC, milliseconds: 2024-05-01T12:00:00.000Z.")
    event: str
    user: str | None
    client: str | None = Field(description="The client's address.")
    request_id: str | None


class AuditPage(Body):
    events: list[AuditEvent] = Field(description="Newest first.")
    next_cursor: int | None = Field(description="The cursor for older events; null at the end.")


@blueprint.get("/audit")
@require_permission(Permission.AUDIT)
@tag(["audit"])
@query_string(AuditQuery)
@document_response(AuditPage)
@document_errors(404)
async def events(query: AuditQuery) -> Response:
    """Stored activity events, newest first; needs the ``store`` sink in AUDIT_SINKS."""
    state = app_state()
    if not state.settings.audit_store:
        raise NotFound("the activity log is not stored: enable ENABLE_ACTIVITY_LOG with "
                       "store in AUDIT_SINKS", code="AUDIT_STORE_OFF")  # fmt: skip
    where = storage.EventFilter(user=query.user, event=query.event, since=query.since,
                                until=query.until)  # fmt: skip
    found, more = await storage.newest_first(state.store, where, query.limit, query.cursor)
    return json_response({"events": found, "next_cursor": found[-1]["id"] if more else None})
