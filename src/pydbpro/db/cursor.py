"""Opaque keyset cursors: the boundary row's sort-key values, the direction and the page.

A cursor is only valid for the query it came from (same table, sort, filters): a digest
of that query is inside it, and a mismatch is a 400 rather than a silently wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any, Literal

from ..errors import BadRequest


@dataclass(frozen=True)
class Cursor:
    values: tuple[Any, ...]  # the boundary row's sort-key values, as the driver returned them
    direction: Literal["next", "prev"]
    page: int


def _pack(value: Any) -> Any:
    """Tag each value with its Python type so it is bound back exactly as it was read
    (SQLite keeps dates as text, MySQL returns TIME as timedelta...)."""
    if value is None or isinstance(value, str | bool):
        return value
    for tag, kind in _TYPES.items():
        if type(value) is kind:
            return [tag, _TO_TEXT.get(tag, str)(value)]
    return ["s", str(value)]


def _unpack(item: Any) -> Any:
    if item is None or isinstance(item, str | bool):
        return item
    tag, text = item
    return _FROM_TEXT[tag](text)


_TYPES: dict[str, type] = {
    "i": int,
    "f": float,
    "d": Decimal,
    "dt": datetime,
    "da": date,
    "t": dtime,
    "td": timedelta,
    "u": uuid.UUID,
    "b": bytes,
}
_TO_TEXT: dict[str, Any] = {
    "f": repr,
    "dt": datetime.isoformat,
    "da": date.isoformat,
    "t": dtime.isoformat,
    "td": lambda v: repr(v.total_seconds()),
    "b": bytes.hex,
}
_FROM_TEXT: dict[str, Any] = {
    "i": int,
    "f": float,
    "d": Decimal,
    "dt": datetime.fromisoformat,
    "da": date.fromisoformat,
    "t": dtime.fromisoformat,
    "td": lambda t: timedelta(seconds=float(t)),
    "u": uuid.UUID,
    "b": bytes.fromhex,
    "s": str,
}


def query_digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def encode_cursor(cursor: Cursor, digest: str) -> str:
    payload = {
        "v": [_pack(v) for v in cursor.values],
        "d": cursor.direction[0],
        "p": cursor.page,
        "q": digest,
    }
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, digest: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        values = tuple(_unpack(v) for v in payload["v"])
        direction: Literal["next", "prev"] = "prev" if payload["d"] == "p" else "next"
        page = int(payload["p"])
        matches = payload["q"] == digest
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, ArithmeticError):
        raise BadRequest("invalid cursor", code="BAD_CURSOR") from None
    if not matches:
        raise BadRequest(
            "this cursor belongs to another sort or filter; start from page 1", code="BAD_CURSOR"
        )
    return Cursor(values, direction, max(1, page))
