"""Whole batches in the data API's JSON encoding (``results.py``), column by column: the
JSON exports' row path, which must keep up with CSV's.

Encoding cell by cell costs a Python call or two per value. Most columns of a batch need
less: their values already are their JSON (the strs of a text column, the ints of an
integer column below 2**53), or are all of one type whose encoder can be mapped over them
directly. Nothing is cut here: an export is where a page's cut text and binary come whole.

A JSON document or an array becomes an ``orjson.Fragment``: its serialised bytes, exactly
what ``orjson.dumps`` writes for it inside a row. A batch of parsed documents would be a
few thousand containers alive at once, and the garbage collector's passes over them cost
more than parsing them did (PostgreSQL's jsonb made JSON Lines about 12% slower than CSV).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from ..column_kind import ColumnKind as K
from .results import MAX_SAFE_INT, Encoder, _encoders

#: The one type whose values are their own JSON value in a column of a kind, when nothing
#: is cut (integers and floats only within the limits ``_as_they_are`` checks).
_UNCHANGED: dict[K, type] = {K.TEXT: str, K.ENUM: str, K.BOOLEAN: bool, K.INTEGER: int,
                             K.FLOAT: float}  # fmt: skip

Rows = Sequence[Sequence[object]]


def make_whole_batch_encoder(kinds: Sequence[K]) -> Callable[[Rows], list[tuple[object, ...]]]:
    """A function encoding a batch of driver rows as ``make_row_encoder`` encodes each row
    with nothing cut (same values, a test holds them together), a column at a time."""
    codec = _encoders(sys.maxsize, sys.maxsize)
    columns = tuple(_serialised(codec.columns.get(kind, codec.columns[K.OTHER]), kind)
                    for kind in kinds)  # fmt: skip
    tables = tuple({type_: _serialised(encode, kind)
                    for type_, encode in codec.by_type.get(kind, {}).items()}
                   for kind in kinds)  # fmt: skip

    def column(index: int, values: tuple[object, ...]) -> Sequence[object]:
        types = set(map(type, values))
        nulls = type(None) in types
        types.discard(type(None))
        if _as_they_are(kinds[index], types, values, nulls):
            return values
        encode = tables[index].get(types.pop()) if len(types) == 1 else None
        if encode is None:
            return list(map(columns[index], values))
        if nulls:
            return [None if v is None else encode(v) for v in values]
        return list(map(encode, values))

    def encode_rows(rows: Rows) -> list[tuple[object, ...]]:
        if not rows:
            return []
        encoded = [column(i, values) for i, values in enumerate(zip(*rows, strict=True))]
        return list(zip(*encoded, strict=True))

    return encode_rows


def _serialised(encode: Encoder, kind: K) -> Encoder:
    """``encode``, its documents and arrays (JSON, ARRAY columns) serialised at once."""
    if kind is not K.JSON and kind is not K.ARRAY:
        return encode
    dumps, fragment = orjson.dumps, orjson.Fragment

    def serialised(value: Any) -> object:
        encoded = encode(value)
        shape = type(encoded)
        return fragment(dumps(encoded)) if shape is dict or shape is list else encoded

    return serialised


def _as_they_are(kind: K, types: set[type], values: Sequence[Any], nulls: bool) -> bool:
    """Whether a column's values (``types``: theirs, NULL aside) are what the encoder would
    make of them: strs, booleans, integers within 2**53, finite floats."""
    if not types:
        return True  # all NULL
    if types != {_UNCHANGED.get(kind)}:
        return False
    if kind is not K.INTEGER and kind is not K.FLOAT:
        return True
    present = [v for v in values if v is not None] if nulls else values
    if kind is K.INTEGER:
        return bool(-MAX_SAFE_INT <= min(present) and max(present) <= MAX_SAFE_INT)
    return all(map(math.isfinite, present))
