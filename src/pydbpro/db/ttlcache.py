"""A small time-bounded, size-bounded cache for metadata and row counts.

Entries expire after ``ttl`` seconds; beyond ``max_entries`` the oldest are dropped, so a
client sending endless distinct filters cannot grow memory without bound.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class TTLCache:
    def __init__(self, ttl: float, max_entries: int = 1000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        self._entries[key] = (time.monotonic() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    async def get_or_load(
        self, key: Hashable, load: Callable[[], Awaitable[T]], refresh: bool = False
    ) -> T:
        if not refresh:
            hit: T | None = self.get(key)  # the entry ``load`` stored under this key
            if hit is not None:
                return hit
        value = await load()
        self.put(key, value)
        return value
