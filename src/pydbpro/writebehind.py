"""A bounded queue that requests hand items to without waiting, and one task that writes
them in batches: what the activity log and the query history both need.

``put`` never waits and never fails the request (a full queue refuses the item and says
so); the writer gets up to ``batch`` items per call, and a writer that raises loses that
batch only (logged), never the task. ``flush`` waits for what is queued so far, ``stop``
writes what is left within a grace period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

STOP_GRACE = 5.0  # seconds given to writing what is queued at shutdown


class WriteBehind(Generic[T]):
    def __init__(
        self,
        name: str,
        write: Callable[[list[T]], Awaitable[None]],
        size: int,
        batch: int = 500,
        window: float = 0.0,
    ) -> None:
        """``window``: after the first item of a batch, wait this long for more, so that
        under load one write (a thread hop, a transaction) carries many items."""
        self.name = name
        self.queue: asyncio.Queue[T] = asyncio.Queue(size)
        self._write = write
        self._batch = batch
        self._window = window
        self._task: asyncio.Task[None] | None = None

    def put(self, item: T) -> bool:
        """Queue ``item``; False when the queue is full (the item is not kept)."""
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            return False
        return True

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain(), name=self.name)

    async def flush(self, timeout: float | None = None) -> None:
        """Wait until everything queued so far is written (at most ``timeout`` seconds)."""
        if self._task is None:
            return
        with suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self.queue.join()

    async def stop(self) -> None:
        """Write what is queued (within a grace period), then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        try:
            async with asyncio.timeout(STOP_GRACE):
                await self.queue.join()
        except TimeoutError:
            log.warning("%s: %d item(s) unwritten at shutdown", self.name, self.queue.qsize())
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def _drain(self) -> None:
        while True:
            batch = [await self.queue.get()]
            if self._window:
                await asyncio.sleep(self._window)
            while len(batch) < self._batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                await self._write(batch)
            except Exception:
                log.exception("%s: %d item(s) not written", self.name, len(batch))
            finally:
                for _ in batch:
                    self.queue.task_done()
