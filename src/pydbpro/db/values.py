"""Database values that Python's own types cannot hold, as the data layer hands them on.

Drivers give ``date``, ``datetime``, ``time`` and ``timedelta``; PostgreSQL also has
``infinity``, dates before year 1 and after 9999, ``24:00:00`` and intervals of months. Such
a value reaches the client as the database's own text (``DbText``), in one documented form
for every output (JSON, CSV, XLSX, PDF), and intervals keep their months (``Interval``).
JSON is kept as the database's text (``JsonText``) until a JSON value is wanted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class DbText(str):
    """A value as the database writes it, for a value no Python type can hold: PostgreSQL's
    text (DateStyle ISO, time zone UTC), e.g. ``infinity``, ``0044-03-15 00:00:00 BC``,
    ``10000-01-01``, ``24:00:00``."""

    __slots__ = ()


class JsonText(str):
    """A JSON value as the database wrote it (PostgreSQL json/jsonb, see engine.py): parsed
    only where a JSON value is wanted, and exported as the database's own text.

    ``text["key"]`` reads a member of a JSON object: SQLAlchemy's PostgreSQL reflection
    builds objects with ``json_build_object`` (a column's collation) and indexes them, on
    the same connection. Without it, any column with its own collation (every ``name``
    column of pg_catalog) made the table's structure a 500.
    """

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return json.loads(self)[key]
        return str.__getitem__(self, key)


@dataclass(frozen=True, slots=True)
class Interval:
    """A PostgreSQL interval, exactly: months and days are not fixed numbers of seconds."""

    months: int
    days: int
    microseconds: int

    def iso(self) -> str:
        """ISO 8601, as PostgreSQL writes it with ``IntervalStyle = iso_8601`` (each part
        carries its own sign: ``P1M-2DT-3H``; zero is ``PT0S``)."""
        if not (self.months or self.days or self.microseconds):
            return "PT0S"
        years, months = _trunc_divmod(self.months, 12)
        hours, rest = _trunc_divmod(self.microseconds, 3_600_000_000)
        minutes, rest = _trunc_divmod(rest, 60_000_000)
        seconds, fraction = _trunc_divmod(rest, 1_000_000)
        text = "P" + _part(years, "Y") + _part(months, "M") + _part(self.days, "D")
        if hours or minutes or seconds or fraction:
            text += "T" + _part(hours, "H") + _part(minutes, "M")
        if seconds or fraction:
            sign = "-" if seconds < 0 or fraction < 0 else ""
            digits = f".{abs(fraction):06d}".rstrip("0") if fraction else ""
            text += f"{sign}{abs(seconds)}{digits}S"
        return text


def _trunc_divmod(value: int, by: int) -> tuple[int, int]:
    """C's division (toward zero), which PostgreSQL uses to split an interval."""
    quotient = abs(value) // by * (1 if value >= 0 else -1)
    return quotient, value - quotient * by


def _part(value: int, unit: str) -> str:
    return f"{value}{unit}" if value else ""
