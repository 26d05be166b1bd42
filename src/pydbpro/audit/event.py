"""One activity-log event: who did what, from where, in which request, and its details."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson


@dataclass(frozen=True)
class Actor:
    """Who caused an event, captured while the request is still at hand: exports record
    their event after the handler has returned, when the request is gone."""

    user: str | None
    client: str | None
    request_id: str | None


@dataclass(frozen=True)
class AuditEvent:
    at: datetime  # aware UTC
    event: str
    actor: Actor
    fields: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The record every sink writes; the event's own fields follow the common ones."""
        return {
            "at": self.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "event": self.event,
            "user": self.actor.user,
            "client": self.actor.client,
            "request_id": self.actor.request_id,
            **self.fields,
        }

    def json_line(self) -> bytes:
        return orjson.dumps(self.as_dict(), default=str) + b"\n"


def fields_json(fields: dict[str, Any]) -> str:
    return orjson.dumps(fields, default=str).decode()
