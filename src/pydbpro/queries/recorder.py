"""Recording console runs into each user's history (``history.py`` reads it back).

A console run is handed to ``HistoryLog`` without waiting (a ``WriteBehind`` queue, as the
activity log's): one task writes the runs in batches and trims each user's entries to
QUERY_HISTORY_LIMIT. So recording never delays a statement's answer, and a failing store
write is logged, never turned into the statement's error. A user's own list waits for what is queued
(``flush``), so a run shows up in the history the moment its answer arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, select

from ..store import Store
from ..store.schema import query_history
from ..store.types import utcnow
from ..writebehind import WriteBehind

log = logging.getLogger(__name__)

QUEUE_SIZE = 10_000
BATCH = 500
FLUSH_WAIT = 2.0  # seconds a history read waits for queued runs at most


@dataclass(frozen=True)
class Run:
    """One console run, as the history keeps it."""

    user_id: int
    at: datetime
    sql: str
    ok: bool
    row_count: int | None = None
    elapsed_ms: float | None = None
    error_code: str | None = None


@dataclass
class Recording:
    """A run being made: ``done`` with its outcome, or the error that escapes says it."""

    user_id: int
    sql: str
    at: datetime = field(default_factory=utcnow)
    outcome: Run | None = None

    def done(self, row_count: int, elapsed_ms: float) -> None:
        self.outcome = Run(self.user_id, self.at, self.sql, True, row_count, elapsed_ms)


class HistoryLog:
    def __init__(self, store: Store, limit: int) -> None:
        self.store = store
        self.limit = limit
        self.lost = 0
        self._queue = WriteBehind("history", self._write, QUEUE_SIZE, BATCH)

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    @contextmanager
    def recording(self, user_id: int, sql: str) -> Iterator[Recording]:
        """Record the run made inside the block: its outcome, or the code of the error that
        ends it (a refusal, a database error), which is then raised unchanged."""
        run = Recording(user_id, sql)
        try:
            yield run
        except Exception as error:
            code = getattr(error, "error_code", "INTERNAL_ERROR")
            self.add(Run(user_id, run.at, sql, False, error_code=str(code)))
            raise
        if run.outcome is not None:
            self.add(run.outcome)

    def add(self, run: Run) -> None:
        if self.enabled and not self._queue.put(run):
            self.lost += 1
            log.warning("query history queue full: %d run(s) not recorded", self.lost)

    def start(self) -> None:
        if self.enabled:
            self._queue.start()

    async def flush(self) -> None:
        """Wait (briefly) until every run queued so far is written."""
        await self._queue.flush(FLUSH_WAIT)

    async def stop(self) -> None:
        await self._queue.stop()

    async def _write(self, batch: list[Run]) -> None:
        try:
            await append(self.store, batch, self.limit)
        except Exception:
            self.lost += len(batch)
            log.exception("query history: %d run(s) not recorded", len(batch))


async def append(store: Store, runs: Sequence[Run], limit: int) -> None:
    """Store ``runs`` and keep each of their users' ``limit`` newest entries."""
    rows = [
        {"user_id": r.user_id, "at": r.at, "sql": r.sql, "ok": r.ok, "row_count": r.row_count,
         "elapsed_ms": r.elapsed_ms, "error_code": r.error_code}
        for r in runs
    ]  # fmt: skip
    async with store.begin() as conn:
        await conn.execute(insert(query_history), rows)
        for user_id in {r.user_id for r in runs}:
            mine = query_history.c.user_id == user_id
            oldest_kept = (
                select(query_history.c.id).where(mine).order_by(query_history.c.id.desc())
                .offset(limit - 1).limit(1).scalar_subquery()
            )  # fmt: skip
            await conn.execute(delete(query_history).where(mine, query_history.c.id < oldest_kept))
