"""The body of an export download: rows from a stream, through a writer, out in chunks.

It runs after the view returned (outside the app and request contexts), so everything it
needs is passed in. It always ends by closing the row stream: normally when the file is
complete, as an abort when the client left or something failed, and then the activity-log
event says which.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from concurrent.futures import Executor
from typing import Any, Protocol

from .base import ExportColumn, Provenance, Row
from .formats import ExportFormat
from .stream import write_in_thread

log = logging.getLogger(__name__)


class RowSource(Protocol):
    """An opened row stream as a download sees it (``db/export.py``'s ``RowStream``): plain
    values, or the data API's JSON values, so this package needs nothing from the data
    layer."""

    @property
    def rows_read(self) -> int: ...
    @property
    def truncated(self) -> bool | None: ...
    @property
    def can_copy(self) -> bool: ...
    @property
    def csv_writer(self) -> str: ...
    @property
    def sheet_sample(self) -> Sequence[Row] | None: ...
    @property
    def closed(self) -> bool: ...
    def batches(self, encoded: bool = False) -> AsyncGenerator[Sequence[Row], None]: ...
    def copy_csv(self, delimiter: str) -> AsyncIterator[bytes]: ...
    def sheet_rows(self) -> AsyncGenerator[Sequence[Row], None]: ...
    async def close(self, aborted: bool = False) -> None: ...


async def file_chunks(
    stream: RowSource,
    columns: Sequence[ExportColumn],
    export_format: ExportFormat,
    provenance: Provenance,
    executor: Executor,
    finished: Callable[..., None],
) -> AsyncGenerator[bytes, None]:
    """The file's bytes. A failure is logged and re-raised, so the server drops the
    connection and the client sees an incomplete download, never error text in the file."""
    started, sent, outcome = time.perf_counter(), 0, "aborted"
    writer, sample = export_format.writer, stream.sheet_sample
    if sample is not None and export_format.database_writer is not None:
        writer = export_format.database_writer(sample)  # the database wrote the rows' XML
    database = writer is not export_format.writer
    rows = stream.sheet_rows() if database else stream.batches(export_format.encoded)
    counted = _counted(rows, stream, provenance)
    copied = stream.can_copy and export_format.delimiter is not None
    chunks = (
        _copied(stream, export_format, columns, provenance)
        if copied
        else write_in_thread(writer, columns, counted, provenance, executor)
    )
    try:
        async for chunk in chunks:
            sent += len(chunk)
            yield chunk
        outcome = "completed"
    except Exception:
        outcome = "failed"
        log.exception("export failed after the download started; the connection is dropped")
        raise
    finally:
        await chunks.aclose()  # stops the writer thread first
        await counted.aclose()
        await rows.aclose()
        await stream.close(aborted=outcome != "completed")
        finished(outcome=outcome, rows=stream.rows_read, bytes=sent,
                 seconds=time.perf_counter() - started, truncated=stream.truncated,
                 writer=stream.csv_writer if copied or database else "rows")  # fmt: skip


def close_when_task_ends(stream: RowSource) -> None:
    """If the response never starts streaming (the client left before the first byte), the
    body's own cleanup never runs: close the stream when the request's task ends (its
    activity event is ``finished_export``'s own concern)."""
    task = asyncio.current_task()
    if task is None:
        return

    def closer(_: object) -> None:
        if not stream.closed:
            asyncio.get_running_loop().create_task(stream.close(aborted=True))

    task.add_done_callback(closer)


async def _copied(
    stream: RowSource,
    export_format: ExportFormat,
    columns: Sequence[ExportColumn],
    provenance: Provenance,
) -> AsyncGenerator[bytes, None]:
    """CSV written by the database (``db/sql_csv``), after the header our own writer makes."""
    for header in export_format.writer(columns, [], provenance):
        yield header
    async for chunk in stream.copy_csv(export_format.delimiter or ","):
        yield chunk
    provenance.row_count = stream.rows_read


async def _counted(
    batches: AsyncIterator[Any], stream: RowSource, provenance: Provenance
) -> AsyncGenerator[Any, None]:
    """Keeps the provenance's row count and truncation current for the writers."""
    async for batch in batches:
        yield batch
        provenance.row_count = stream.rows_read
    provenance.row_count = stream.rows_read
    provenance.truncated = bool(stream.truncated)
