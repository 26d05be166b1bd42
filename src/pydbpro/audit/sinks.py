"""Where activity events go. Each sink writes a batch; a failure is the recorder's to count.

The stdout and file sinks do blocking I/O, so they write from a worker thread: a slow disk
or a full pipe must never stall the event loop that serves requests.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..settings import Settings
from ..store import Store
from . import storage
from .event import AuditEvent

log = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0  # seconds between retention prunes of the store sink


class Sink(Protocol):
    name: str

    async def write(self, events: Sequence[AuditEvent]) -> None: ...


class StdoutSink:
    """JSON lines on stdout: what container platforms collect."""

    name = "stdout"

    async def write(self, events: Sequence[AuditEvent]) -> None:
        data = b"".join(event.json_line() for event in events)
        await asyncio.to_thread(_write_stdout, data)


def _write_stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


class FileSink:
    """JSON lines in a file, rotated by size: ``name`` -> ``name.1`` -> ... ``name.N``."""

    name = "file"

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups

    async def write(self, events: Sequence[AuditEvent]) -> None:
        data = b"".join(event.json_line() for event in events)
        await asyncio.to_thread(self._append, data)

    def _append(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        size = self.path.stat().st_size if self.path.exists() else 0
        if size and size + len(data) > self.max_bytes:
            self._rotate()
        with self.path.open("ab") as file:
            file.write(data)

    def _rotate(self) -> None:
        if self.backups == 0:
            self.path.unlink()
            return
        for n in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{n + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))


class StoreSink:
    """Rows in PyDBPro's own database, which GET /api/audit and ``pydbpro audit`` read.

    Events past AUDIT_RETENTION_DAYS are pruned on the first write and hourly after that,
    from the writing task, so no request ever pays for it.
    """

    name = "store"

    def __init__(self, store: Store, retention_days: float) -> None:
        self.store = store
        self.retention_days = retention_days
        self._pruned_at: float | None = None

    async def write(self, events: Sequence[AuditEvent]) -> None:
        await storage.append(self.store, events)
        now = time.monotonic()
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            removed = await storage.prune(self.store, self.retention_days)
            if removed:
                log.info("activity log: pruned %d event(s) older than %g days",
                         removed, self.retention_days)  # fmt: skip


def configured_sinks(settings: Settings, store: Store) -> list[Sink]:
    sinks: list[Sink] = []
    if "stdout" in settings.audit_sinks:
        sinks.append(StdoutSink())
    if settings.audit_file is not None:
        sinks.append(FileSink(settings.audit_file, settings.log_file_max_bytes,
                              settings.log_file_backups))  # fmt: skip
    if settings.audit_store:
        sinks.append(StoreSink(store, settings.audit_retention_days))
    return sinks
