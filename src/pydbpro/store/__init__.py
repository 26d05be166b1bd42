"""PyDBPro's own store: users, sessions, API tokens, login counters, audit events.

It is a separate database (SQLite file by default, PostgreSQL when configured) and is never
the explored database.
"""

from .database import Store, upsert

__all__ = ["Store", "upsert"]
