"""Run a synchronous writer in a worker thread, feeding it batches from an async source.

The writer (CSV, XLSX, PDF) is a plain generator over a plain iterable: easy to write and to
test. Here its iterable pulls each batch from the event loop, and the loop pulls each output
chunk from the thread, so at most one batch and one chunk are in flight: memory stays
bounded and the event loop never runs the writer's CPU work.

Writers get their own thread pool: an export holds a thread for its whole length, and must
not starve asyncio's default pool (password hashing uses it).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Sequence
from contextlib import suppress

from .base import ExportColumn, Provenance, Row, Writer

Batch = Sequence[Row]


class Stopped(Exception):
    """Raised inside the writer's thread when the export was stopped from outside."""


class _Feed:
    """The writer's iterable: each step asks the event loop for the next batch."""

    def __init__(self, batches: AsyncIterator[Batch], loop: asyncio.AbstractEventLoop) -> None:
        self._batches = batches
        self._loop = loop
        self._task: asyncio.Task[Batch | None] | None = None  # the batch being read
        self.stopped = False

    def __iter__(self) -> Iterator[Batch]:
        while not self.stopped:
            future = asyncio.run_coroutine_threadsafe(self._next(), self._loop)
            try:
                batch = future.result()
            except (concurrent.futures.CancelledError, asyncio.CancelledError):
                raise Stopped() from None
            if batch is None:
                return
            yield batch
        raise Stopped()

    async def _next(self) -> Batch | None:
        if self.stopped:
            raise asyncio.CancelledError()
        self._task = asyncio.current_task()
        try:
            return await anext(self._batches, None)
        finally:
            self._task = None

    async def stop(self) -> None:
        """No new batch is asked for; the one being read is cancelled and waited for, so
        the source's connection is idle when the caller closes it."""
        self.stopped = True
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])


async def write_in_thread(
    writer: Writer,
    columns: Sequence[ExportColumn],
    batches: AsyncIterator[Batch],
    provenance: Provenance,
    executor: concurrent.futures.Executor,
) -> AsyncGenerator[bytes, None]:
    """The writer's output chunks. If the consumer stops early (the client went away), the
    writer is stopped and its thread released before this generator finishes."""
    loop = asyncio.get_running_loop()
    feed = _Feed(batches, loop)
    chunks = writer(columns, feed, provenance)
    step: asyncio.Future[bytes | None] | None = None
    try:
        while True:
            step = loop.run_in_executor(executor, next, chunks, None)
            chunk = await step
            step = None
            if chunk is None:
                return
            yield chunk
    finally:
        await feed.stop()
        if step is not None:
            with suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(step)  # the thread ends once its batch request fails
        with suppress(Exception):
            chunks.close()
