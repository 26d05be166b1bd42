"""PyDBPro's own store: users, sessions, API tokens, login failures (later audit events).

It is a separate database (SQLite file by default, PostgreSQL when configured) and is never
the explored database.
"""

from .database import Store

__all__ = ["Store"]
