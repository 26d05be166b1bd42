"""Dialect adapters, keyed by SQLAlchemy backend name."""

from __future__ import annotations

from .base import DialectAdapter
from .mysql import MySQLAdapter
from .postgresql import PostgreSQLAdapter
from .sqlite import SQLiteAdapter

ADAPTERS: dict[str, DialectAdapter] = {
    adapter.name: adapter for adapter in (PostgreSQLAdapter(), MySQLAdapter(), SQLiteAdapter())
}


def adapter_for(dialect: str) -> DialectAdapter:
    return ADAPTERS[dialect]


__all__ = ["ADAPTERS", "DialectAdapter", "adapter_for"]
