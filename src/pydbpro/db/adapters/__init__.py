"""Dialect adapters, keyed by SQLAlchemy backend name: the one place outside the dialect
modules that knows their names."""

from __future__ import annotations

from .base import DialectAdapter
from .mysql import MySQLAdapter
from .postgresql import PostgreSQLAdapter
from .sqlite import SQLiteAdapter

ADAPTERS: dict[str, DialectAdapter] = {
    adapter.name: adapter for adapter in (PostgreSQLAdapter(), MySQLAdapter(), SQLiteAdapter())
}
#: What an operator may write as a URL scheme or DB_TYPE, and the adapter that serves it.
BY_URL_SCHEME: dict[str, DialectAdapter] = {
    scheme: adapter for adapter in ADAPTERS.values() for scheme in adapter.url_schemes
}


def adapter_for(dialect: str) -> DialectAdapter:
    """The adapter of a SQLAlchemy backend name (``Database.dialect``)."""
    try:
        return ADAPTERS[dialect]
    except KeyError:
        raise ValueError(f"unknown dialect {dialect!r}") from None


__all__ = ["ADAPTERS", "BY_URL_SCHEME", "DialectAdapter", "adapter_for"]
