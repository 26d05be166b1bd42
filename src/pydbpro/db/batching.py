"""How many rows to fetch at a time so that one batch holds a bounded number of bytes.

A fixed batch of rows is fine for small rows and ruinous for large ones (2,000 rows of a
1 MB text is 2 GB). The sizer watches the bytes of the rows it is shown -- the text and
binary values, which are what grows -- and sets the next batch so that it holds about
``budget`` bytes: many rows while they are small, one at a time when each is huge.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Bytes one fetched batch may hold (the driver's own buffers come on top).
BATCH_BYTES = 8_000_000
#: Rows looked at per batch to estimate its size (evenly spread); enough to see big ones.
_SAMPLE_ROWS = 64
_OVERHEAD = 16  # bytes counted for any value, so wide numeric rows count too
#: Rows of a stream's first batch (before any is seen): also the XLSX writer's width sample.
FIRST_BATCH = 50


class BatchSizer:
    def __init__(self, most: int, first: int = FIRST_BATCH, budget: int = BATCH_BYTES) -> None:
        self.most = most
        self.budget = budget
        self.size = min(first, most)

    def seen(self, rows: Sequence[Sequence[object]]) -> None:
        """Size the next batch after the bytes per row of this one."""
        if not rows:
            return
        step = max(1, len(rows) // _SAMPLE_ROWS)
        sample = rows[::step]
        per_row = sum(_row_bytes(row) for row in sample) / len(sample)
        self.size = max(1, min(self.most, int(self.budget // max(per_row, 1))))


def _row_bytes(row: Sequence[object]) -> int:
    total = 0
    for value in row:
        if isinstance(value, str | bytes | bytearray | memoryview):
            total += len(value)
        total += _OVERHEAD
    return total
