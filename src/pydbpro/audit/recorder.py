"""The activity log's queue (``writebehind``): requests hand events over without waiting;
one task writes them to every sink.

Recording is ``put_nowait`` on a bounded queue, so an event never delays or fails the
request that caused it. When the queue is full the event is dropped; when a sink raises,
its batch is lost for that sink. Both are counted (``/metrics``) and reported in the
application log, at most once a minute so a broken sink cannot flood it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence

from ..writebehind import WriteBehind
from .event import AuditEvent
from .sinks import Sink

log = logging.getLogger(__name__)

BATCH = 500  # events written per sink call at most
#: After the first event of a batch, wait this long for more: under load one sink call
#: (a thread hop, a transaction) then carries many events instead of one.
BATCH_WINDOW = 0.05
REPORT_EVERY = 60.0  # seconds between application-log reports of losses


class AuditLog:
    def __init__(self, sinks: Sequence[Sink], queue_size: int) -> None:
        self.sinks = list(sinks)
        self.written: Counter[str] = Counter()  # events written, by sink
        self.failed: Counter[str] = Counter()  # events lost by a failing sink, by sink
        self.dropped = 0  # events refused by a full queue
        self._queue = WriteBehind("audit", self._write, queue_size, BATCH, BATCH_WINDOW)
        self._reported_at = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.sinks)

    def enqueue(self, event: AuditEvent) -> None:
        if self.sinks and not self._queue.put(event):
            self.dropped += 1
            self._report(f"the activity log queue is full: {self.dropped} event(s) dropped")

    def start(self) -> None:
        if self.sinks:
            self._queue.start()

    async def stop(self) -> None:
        """Write what is queued (within a grace period), then stop."""
        await self._queue.stop()

    async def flush(self) -> None:
        """Wait until every event recorded so far is written (what tests read back)."""
        await self._queue.flush()

    async def _write(self, batch: list[AuditEvent]) -> None:
        for sink in self.sinks:
            try:
                await sink.write(batch)
            except Exception as error:
                self.failed[sink.name] += len(batch)
                self._report(f"activity log sink {sink.name!r} failed ({error!r}): "
                             f"{self.failed[sink.name]} event(s) lost so far")  # fmt: skip
            else:
                self.written[sink.name] += len(batch)

    def _report(self, message: str) -> None:
        now = time.monotonic()
        if now - self._reported_at >= REPORT_EVERY or not self._reported_at:
            self._reported_at = now
            log.error(message)
