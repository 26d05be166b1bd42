"""JSON Lines and JSON exports: the data API's values (``db/results.py``), for programs.

The rows arrive already encoded, exactly as ``GET /api/tables/<t>/data`` writes each kind
(BIGINT and DECIMAL as strings, dates ISO 8601, binary ``{"$binary", "length"}``...), but
never cut: text is whole and binary is all its bytes. Here they are only serialised.

- JSON Lines: one object per row, keyed by column name, each line ending with LF. A name
  that repeats (``SELECT a.id, b.id`` in the console) gets ``_2``, ``_3``... so no value is
  lost to a duplicate key; ``unique_names`` says how.
- JSON: one document shaped like a data page: ``{"columns": [{"name", "type", "kind"}...],
  "rows": [[...], ...], "row_count": n, "truncated": bool}``, one row per line. The row count
  and the truncation flag come last because only the end of the stream knows them.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

import orjson

from .base import Batches, ExportColumn, Provenance


def unique_names(names: Sequence[str]) -> list[str]:
    """The names, each repeat suffixed ``_2``, ``_3``... (the first suffix that is no
    column's own name), so every value of a row has its own key."""
    taken, used = set(names), set()
    unique = []
    for name in names:
        key, number = name, 1
        while key in used or (key != name and key in taken):
            number += 1
            key = f"{name}_{number}"
        used.add(key)
        unique.append(key)
    return unique


def write_jsonl(
    columns: Sequence[ExportColumn], batches: Batches, provenance: Provenance
) -> Generator[bytes, None, None]:
    keys = unique_names([c.name for c in columns])
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    for batch in batches:
        yield b"".join([dumps(dict(zip(keys, row, strict=True)), option=newline) for row in batch])


def write_json(
    columns: Sequence[ExportColumn], batches: Batches, provenance: Provenance
) -> Generator[bytes, None, None]:
    described = [{"name": c.name, "type": c.type, "kind": c.kind.value} for c in columns]
    yield b'{"columns":' + orjson.dumps(described) + b',"rows":['  # before the first batch
    separator = b"\n"
    for batch in batches:  # never empty (``RowStream.batches``)
        yield separator + b",\n".join(map(orjson.dumps, batch))
        separator = b",\n"
    end = {"row_count": provenance.row_count, "truncated": provenance.truncated}
    yield b"\n]," + orjson.dumps(end)[1:] + b"\n"
