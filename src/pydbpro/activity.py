"""The activity-log hook: every auditable action calls ``record`` here, in one place.

With ENABLE_ACTIVITY_LOG off this does nothing. When on, each event is one JSON line on the
``pydbpro.activity`` logger; the audit work (sinks, store, retention) plugs in here without
touching the callers. SQL text is only included with LOG_SQL_QUERIES; otherwise a hash and
its length, so the log does not become a copy of every query.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from .settings import Settings

log = logging.getLogger("pydbpro.activity")


def sql_summary(settings: Settings, sql: str) -> dict[str, Any]:
    if settings.log_sql_queries:
        return {"sql": sql}
    return {"sql_sha256": hashlib.sha256(sql.encode()).hexdigest(), "sql_length": len(sql)}


def record(settings: Settings, event: str, username: str | None, **fields: Any) -> None:
    if not settings.enable_activity_log:
        return
    entry = {"at": datetime.now(UTC).isoformat(), "event": event, "user": username, **fields}
    log.info(json.dumps(entry, default=str, ensure_ascii=False))
