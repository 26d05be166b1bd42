"""One call per database read made for a request: it counts it (/metrics), logs it at
WARNING when slower than SLOW_QUERY_SECONDS, and records its activity event.

Handlers wrap their service call in ``observed(...)``; streamed exports, which finish
after the handler has returned, get a ``finished_export`` callback instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from .. import activity
from ..errors import Forbidden, PyDBProError, QueryTimeout
from ..state import app_state

log = logging.getLogger("pydbpro.slow")


def outcome_of(error: BaseException) -> str:
    if isinstance(error, asyncio.CancelledError):
        return "aborted"  # the client left and Quart cancelled the request
    if isinstance(error, QueryTimeout):
        return "timeout"
    if isinstance(error, Forbidden):
        return "refused"
    return "failed"


@asynccontextmanager
async def observed(source: str, event: str | None, **fields: Any) -> AsyncIterator[dict[str, Any]]:
    """Time the block; the dict it yields takes the result's fields (rows, truncated...)."""
    details: dict[str, Any] = {}
    started, outcome = time.perf_counter(), "ok"
    try:
        yield details
    except BaseException as error:
        outcome = outcome_of(error)
        if isinstance(error, PyDBProError):
            details["error"] = error.error_code
        raise
    finally:
        seconds = time.perf_counter() - started
        app_state().metrics.queries.labels(source, outcome).inc()
        _warn_if_slow(source, seconds, fields)
        if outcome == "refused":
            activity.denial_details(**fields)  # one "denied" event says it, with these
        elif event is not None:
            activity.record(event, outcome=outcome, duration_ms=_ms(seconds), **fields,
                            **details)  # fmt: skip


def finished_export(export_format: str, **fields: Any) -> Callable[..., None]:
    """What a streamed export calls when its last byte is sent (or it stops); made before
    its statement runs. Only the first call counts. The body reports the end, but a client
    that leaves before the body starts (while the statement runs, or before the first byte)
    gets its request's task cancelled and no body ever runs: then the export is recorded
    when that task ends, as aborted."""
    state = app_state()
    metrics, slow = state.metrics, state.settings.slow_query_seconds
    record = activity.later("export", format=export_format, **fields)
    started, reported = time.perf_counter(), False

    def finish(*, outcome: str, rows: int, bytes: int, seconds: float, **more: Any) -> None:
        nonlocal reported
        if reported:
            return
        reported = True
        metrics.exports.labels(export_format, outcome).inc()
        metrics.export_rows.labels(export_format).inc(rows)
        metrics.export_bytes.labels(export_format).inc(bytes)
        metrics.export_seconds.labels(export_format).observe(seconds)
        if seconds >= slow:
            log.warning("slow export: %.2f s, %d rows, %d bytes, format=%s %s", seconds, rows,
                        bytes, export_format, _describe(fields))  # fmt: skip
        record(outcome=outcome, rows=rows, bytes=bytes, duration_ms=_ms(seconds), **more)

    def ended(task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            finish(outcome="aborted", rows=0, bytes=0, seconds=time.perf_counter() - started,
                   truncated=None, writer=None)  # fmt: skip

    task = asyncio.current_task()
    if task is not None:
        task.add_done_callback(ended)
    return finish


def _warn_if_slow(source: str, seconds: float, fields: dict[str, Any]) -> None:
    if seconds >= app_state().settings.slow_query_seconds:
        log.warning("slow %s: %.2f s %s", source, seconds, _describe(fields))


def _describe(fields: dict[str, Any]) -> str:
    """The fields worth a slow-log line: what was read, never the SQL text itself."""
    shown = {k: v for k, v in fields.items() if k in ("table", "schema", "sql_sha256", "source")}
    return " ".join(f"{k}={v}" for k, v in shown.items())


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
