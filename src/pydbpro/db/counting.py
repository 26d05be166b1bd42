"""How many rows a browse page's filters match: counted, shared, cached, else estimated.

A COUNT over a big table is the most expensive part of a page, so each distinct count
(a table and its filters: ``where_digest``) runs once at a time: identical requests that
arrive while it runs wait for the same one (no thundering herd of COUNTs filling the
pool), and its result is then reused for COUNT_CACHE_SECONDS. The running count is a task
of its own: a waiting request that goes away (client gone, its deadline) stops waiting
but never stops the count the others wait for; the last one to go stops it (an exact
count may run for MAX_QUERY_TIME, which nobody should pay for once nobody waits).

The default count gives up after COUNT_TIMEOUT and answers the estimate instead: the
catalog's row count for a whole table, the planner's estimate (EXPLAIN, nothing runs)
for a filtered one, where the database has one (``DialectAdapter.estimate_rows``). A count
that gave up is not tried again for COUNT_CACHE_SECONDS: on a table too big to count in
time, every page would otherwise hold a connection for COUNT_TIMEOUT to learn nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any, Literal

from sqlalchemy import table as sa_table
from sqlalchemy.sql.elements import ColumnElement

from ..errors import DatabaseBusy, DatabaseUnavailable, PyDBProError, QueryTimeout
from .engine import Database
from .models import TableInfo
from .reading import fetch_scalar, run_read
from .select import count_select, match_select
from .ttlcache import TTLCache

log = logging.getLogger(__name__)

CountMode = Literal["exact", "estimate", "none"]
#: A count and whether it is an estimate; None when nothing is known.
Total = tuple[int | None, bool]
#: How counts were answered, for /metrics (``pydbpro_row_counts``).
OUTCOMES = ("counted", "shared", "cached", "estimated", "timeout")
#: Seconds EXPLAIN may take for an estimate: it plans and reads statistics, nothing more.
ESTIMATE_SECONDS = 0.5
#: Tables counted for one table list at most (each also within COUNT_TIMEOUT, all together
#: too): a list is for finding a table, not for counting a database.
LIST_COUNTS = 100
LIST_COUNTS_AT_ONCE = 3
#: The digest of a whole table's count for the list (browse digests are hex, never this).
_WHOLE = "whole table"


@dataclass(frozen=True)
class CountJob:
    """One page's count: what to count, and the key identical counts share."""

    table: TableInfo
    source: Any
    where: ColumnElement[bool] | None
    where_digest: str  # the table and its filters, not the sort order

    @property
    def key(self) -> Hashable:
        return (self.table.ref, self.where_digest)


class RowCounts:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache = TTLCache(db.settings.count_cache_seconds, max_entries=10_000)
        #: Keys whose default count ran out of time: answered by the estimate meanwhile.
        self._too_slow = TTLCache(db.settings.count_cache_seconds, max_entries=10_000)
        self._running: dict[Hashable, asyncio.Task[Total]] = {}
        self._waiters: dict[asyncio.Task[Total], int] = {}
        #: Counts by outcome since start (OUTCOMES), read by /metrics when scraped.
        self.outcomes = dict.fromkeys(OUTCOMES, 0)

    def start(self, job: CountJob, mode: CountMode | None) -> asyncio.Task[Total] | None:
        """Begin the count now, alongside the page's own query, when the pool has a spare
        connection (otherwise ``total`` runs it after the page: a count must never make
        pages wait for connections); give what it returns to ``total``. None when there is
        nothing to start: cached, another mode, or no spare connection. The caller now
        waits for it: ``total``, or ``leave`` when the page fails."""
        if mode in ("none", "estimate") or self._known(job, mode):
            return None
        status = self.db.pool_status()
        if status.in_use + status.waiting >= status.size:
            return None
        return self._join(self._task(job, mode))

    async def total(
        self, job: CountJob, mode: CountMode | None, started: asyncio.Task[Total] | None = None
    ) -> Total:
        """The count ``mode`` asks for: None (the default) exact within COUNT_TIMEOUT, then
        the estimate; ``exact`` within MAX_QUERY_TIME (else QueryTimeout); ``estimate``;
        ``none``. ``started``: what ``start`` returned. Errors of a shared count reach
        every request waiting for it."""
        if mode == "none":
            return None, False
        if mode == "estimate" or (mode is None and self._too_slow.get(job.key)):
            self.leave(started)  # known too slow since it started: not worth its connection
            return await self.estimate(job)
        if started is None:
            cached = self._cache.get(job.key)
            if cached is not None:
                self.outcomes["cached"] += 1
                return cached, False
            started = self._join(self._task(job, mode))
        try:
            # shield: a waiter cancelled (its client left) must not cancel the shared count.
            return await asyncio.shield(started)
        finally:
            self.leave(started)

    async def small_tables(self, tables: list[TableInfo]) -> list[TableInfo]:
        """``tables`` with an exact count where the database has no estimate and the table
        is small (``TableInfo.countable``: PostgreSQL's never-analysed tables show no
        number otherwise). The counts are this class's: shared, cached, and given up after
        COUNT_TIMEOUT; all of them together stop at COUNT_TIMEOUT too (what is not counted
        by then keeps no number), a few at a time so pages keep their connections."""
        deadline = asyncio.get_running_loop().time() + self.db.settings.count_timeout
        slots = asyncio.Semaphore(LIST_COUNTS_AT_ONCE)

        async def counted(table: TableInfo) -> TableInfo:
            job = CountJob(table, sa_table(table.name, schema=table.schema), None, _WHOLE)
            try:
                async with asyncio.timeout_at(deadline):
                    async with slots:
                        total, estimated = await self.total(job, None)
            except (TimeoutError, PyDBProError):
                return table  # a list never fails for a count
            if total is None or estimated:
                return table
            return replace(table, estimated_rows=total, rows_exact=True)

        wanted = [t for t in tables if t.countable and t.estimated_rows is None][:LIST_COUNTS]
        done = dict(zip(wanted, await asyncio.gather(*map(counted, wanted)), strict=True))
        return [done.get(t, t) for t in tables]

    def _known(self, job: CountJob, mode: CountMode | None) -> bool:
        """Whether ``total`` will answer without counting (cached, or known too slow)."""
        too_slow = mode is None and self._too_slow.get(job.key) is not None
        return too_slow or self._cache.get(job.key) is not None

    def _join(self, task: asyncio.Task[Total]) -> asyncio.Task[Total]:
        self._waiters[task] = self._waiters.get(task, 0) + 1
        return task

    def leave(self, task: asyncio.Task[Total] | None) -> None:
        """A waiter no longer waits for ``task``; when it was the last, the count stops."""
        if task is None:
            return
        left = self._waiters.pop(task, 1) - 1
        if left > 0:
            self._waiters[task] = left
        elif not task.done():
            task.cancel()

    async def estimate(self, job: CountJob) -> Total:
        """The catalog's estimate for a whole table; the planner's for filters."""
        self.outcomes["estimated"] += 1
        if job.where is None:
            return job.table.estimated_rows, True
        seconds = min(ESTIMATE_SECONDS, self.db.settings.count_timeout)
        query = match_select(job.source, job.where)
        try:
            rows = await run_read(
                self.db, lambda conn: self.db.adapter.estimate_rows(conn, query), seconds
            )
        except (QueryTimeout, DatabaseBusy, DatabaseUnavailable):
            rows = None  # an estimate is a courtesy: never worth failing the page
        return rows, True

    def _task(self, job: CountJob, mode: CountMode | None) -> asyncio.Task[Total]:
        """The running count for ``job`` (joined: "shared"), else a new one."""
        key = (job.key, mode)
        task = self._running.get(key)
        if task is not None:
            self.outcomes["shared"] += 1
            return task
        task = asyncio.create_task(self._count(job, mode), name=f"count {job.table.name}")
        self._running[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))
        return task

    def _finished(self, key: Hashable, task: asyncio.Task[Total]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled() and task.exception() is not None:
            # Retrieved here, so a count whose waiters all left is not reported as an
            # unhandled error; those still waiting get it from their await.
            log.debug("a row count failed: %s", type(task.exception()).__name__)

    async def _count(self, job: CountJob, mode: CountMode | None) -> Total:
        settings = self.db.settings
        timeout = settings.max_query_time if mode == "exact" else settings.count_timeout
        try:
            total = int(await fetch_scalar(self.db, count_select(job.source, job.where), timeout))
        except QueryTimeout:
            if mode == "exact":
                raise
            self.outcomes["timeout"] += 1
            self._too_slow.put(job.key, True)
            return await self.estimate(job)
        except (DatabaseBusy, DatabaseUnavailable):
            if mode == "exact":
                raise
            # No connection for the count in its time (a busy pool or server): the page,
            # which had one, still answers, with the estimate.
            return await self.estimate(job)
        self.outcomes["counted"] += 1
        self._cache.put(job.key, total)
        return total, False

    async def close(self) -> None:
        """Stop the counts still running (at shutdown, before the pool is disposed)."""
        running = list(self._running.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
