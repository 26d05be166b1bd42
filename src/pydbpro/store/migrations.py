"""Schema versions of the store. Version 1 is the schema as first created.

A later change appends a step ``(version, function)`` that alters existing tables; new
tables need no step because ``create_all`` adds missing tables idempotently.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select, text

from .schema import SCHEMA_VERSION, meta, metadata

Step = Callable[[Connection], None]


def _drop_login_failures(conn: Connection) -> None:
    """Version 2 counts failures in ``login_counters``; the per-failure rows are obsolete."""
    conn.execute(text("DROP TABLE IF EXISTS login_failures"))


def _add_saved_query_chart(conn: Connection) -> None:
    """Version 3 keeps a saved query's chart; a store created at version 3 has it already."""
    if "chart" not in {column["name"] for column in inspect(conn).get_columns("saved_queries")}:
        conn.execute(text("ALTER TABLE saved_queries ADD COLUMN chart TEXT"))


STEPS: list[tuple[int, Step]] = [(2, _drop_login_failures), (3, _add_saved_query_chart)]


def current_version(conn: Connection) -> int:
    """0 for a store that has never been created."""
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def upgrade(conn: Connection) -> int:
    """Bring the store to SCHEMA_VERSION inside the caller's transaction."""
    metadata.create_all(conn, checkfirst=True)
    version = current_version(conn)
    for step_version, step in STEPS:
        if step_version > version:
            step(conn)
    if version == 0:
        conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    elif version < SCHEMA_VERSION:
        conn.execute(
            meta.update().where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
        )
    return SCHEMA_VERSION
