"""The kind of a column: the one vocabulary the data layer, the HTTP layer and the file
writers share.

The data layer decides each column's kind (``db/kinds.py``), the API documents it, and the
writers in ``export/`` format by it. It lives outside ``db/`` so that ``export/`` needs
nothing from the data layer: the writers are fed plain values only.
"""

from __future__ import annotations

from enum import StrEnum


class ColumnKind(StrEnum):
    """How a column's values are encoded in JSON; clients read it from the column info.

    BIGINT and DECIMAL values are always JSON strings so no digit is lost in JavaScript.
    """

    INTEGER = "integer"  # JSON number (fits in 2^53)
    BIGINT = "bigint"  # JSON string
    DECIMAL = "decimal"  # JSON string, every digit kept
    FLOAT = "float"  # JSON number; NaN/Infinity as strings
    BOOLEAN = "boolean"
    TEXT = "text"
    DATE = "date"  # ISO 8601 string
    DATETIME = "datetime"  # ISO 8601 string, with offset when the type has a zone
    TIME = "time"
    INTERVAL = "interval"  # ISO 8601 duration string
    JSON = "json"  # the JSON value itself
    BINARY = "binary"  # {"$binary": "<hex preview>", "length": n}
    UUID = "uuid"
    ARRAY = "array"
    ENUM = "enum"  # string
    OTHER = "other"  # string (network types, geometry, ...)

    @property
    def is_text(self) -> bool:
        return self in (ColumnKind.TEXT, ColumnKind.ENUM)
