"""Long values read in part, in the database: what a page or a row view shows of them.

A page shows at most MAX_CELL_TEXT characters of a text (or JSON) value and the first
bytes of a binary one; reading the whole value only to cut it in Python held every value
of a page in memory at once (1,000 rows of a 1 MB text peaked a worker at 1.1 GB; one
200 MB value at 778 MB). So the page's SELECT reads each such column as two expressions,
its head and its length, and ``Preview`` carries both to the encoder. A request then holds
at most rows x columns x MAX_CELL_TEXT characters of text, whatever the data.

Sort keys are read whole besides (keyset cursors need the real values), and so are the
columns a row view links with; files (exports) always get whole values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, null

from ..column_kind import ColumnKind as K
from .models import Column

if TYPE_CHECKING:
    from .adapters import DialectAdapter


@dataclass(frozen=True, slots=True)
class Preview:
    """The head of a value too long to send whole, and its whole length (characters for
    text, bytes for binary)."""

    head: str | bytes
    length: int


#: Bytes of a binary value a page shows (as hex).
BINARY_PREVIEW = 32
#: Declared types that are text to SQLAlchemy but short by nature (MySQL ENUM and SET).
_SHORT_TEXT = ("ENUM(", "SET(")


@dataclass(frozen=True)
class Reading:
    """How one column is read: its expressions, and how they make one cell again.

    ``whole``: the value. ``head``: (head, length), a Preview when the head is shorter
    (binary: always). ``gated``: (value, head, length), the value unless it was big.
    ``bounded``: (value, length), the value unless longer than the bound (then a Preview
    with no head: too long to be a cursor's boundary)."""

    exprs: tuple[Any, ...]
    kind: K
    mode: str = "whole"

    def cell(self, values: Sequence[Any]) -> Any:
        if self.mode == "whole":
            return values[0]
        if self.mode == "gated":
            value, head, length = values
            return value if head is None else Preview(head, int(length))
        if self.mode == "bounded":
            value, length = values
            return value if value is not None or length is None else Preview("", int(length))
        head, length = values
        if length is None:
            return head
        if head is None:  # SQLite: the substr() of an empty blob is NULL, its length 0
            head = b"" if self.kind is K.BINARY else ""
        if self.kind is K.BINARY or len(head) < length:
            return Preview(head, int(length))
        return head


def readings(
    source: Any, columns: Sequence[Column], adapter: DialectAdapter, max_text: int, preview: int
) -> list[Reading]:
    return [_reading(source.c[c.name], c, adapter, max_text, preview) for c in columns]


def _reading(expr: Any, column: Column, adapter: DialectAdapter, max_text: int,
             preview: int) -> Reading:  # fmt: skip
    kind = column.kind
    if kind is K.BINARY:
        return Reading((func.substr(expr, 1, preview), adapter.byte_length(expr)), kind, "head")
    if is_long(column):
        text = adapter.json_text(expr) if kind is K.JSON else expr
        return Reading((func.substr(text, 1, max_text), adapter.char_length(text)), kind, "head")
    return Reading((adapter.readable(expr, kind),), kind)


def is_long(column: Column) -> bool:
    """Whether a column's values may be long: text (not MySQL ENUM/SET), JSON, binary."""
    if column.kind is K.TEXT:
        return not column.type.upper().startswith(_SHORT_TEXT)
    return column.kind in (K.JSON, K.BINARY)


def bounded(expr: Any, column: Column, adapter: DialectAdapter, limit: int) -> Reading:
    """A sort key, read whole unless longer than ``limit`` (no cursor holds such a value)."""
    if not is_long(column):
        return Reading((expr,), column.kind)
    if column.kind is K.BINARY:
        length = adapter.byte_length(expr)
    else:
        length = adapter.char_length(adapter.json_text(expr) if column.kind is K.JSON else expr)
    return Reading((case((length <= limit, expr)), length), column.kind, "bounded")


def gated(expr: Any, size: Any, limit: int, head: Any, length: Any) -> Reading:
    """A column of unknown type (a console result): whole while its stored ``size`` is
    at most ``limit`` bytes, else only ``head`` and ``length``."""
    big = size > limit
    return Reading((case((big, null()), else_=expr), case((big, head)), case((big, length))),
                   K.OTHER, "gated")  # fmt: skip


def flat(readings_: Sequence[Reading]) -> list[Any]:
    """Every expression of the readings, in order, for the SELECT list."""
    return [expr for reading in readings_ for expr in reading.exprs]


def rows_of(batch: Sequence[Sequence[Any]], readings_: Sequence[Reading]) -> list[tuple[Any, ...]]:
    """Fetched rows (as ``flat`` laid them out) back to one value per shown column. Column
    by column: a column whose values all came whole (the usual case) passes through as it
    is, without a Python call per value."""
    if not batch:
        return []
    columns = list(zip(*batch, strict=True))
    shown: list[Sequence[Any]] = []
    at = 0
    for reading in readings_:
        width = len(reading.exprs)
        parts = columns[at : at + width]
        at += width
        if width == 1:
            shown.append(parts[0])
        elif reading.mode == "gated" and parts[1].count(None) == len(batch):
            shown.append(parts[0])  # nothing was big
        else:
            shown.append([reading.cell(values) for values in zip(*parts, strict=True)])
    return list(zip(*shown, strict=True))
