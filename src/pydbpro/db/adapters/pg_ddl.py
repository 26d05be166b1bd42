"""PostgreSQL's DDL of a table or view, reconstructed from the catalog.

PostgreSQL has no SHOW CREATE TABLE; pg_dump writes it from the catalog, and so does this,
for one relation: columns (type, collation, default, identity, generated, NOT NULL), the
constraints declared on it (``pg_get_constraintdef``), its other indexes
(``pg_get_indexdef``), its partition key or bound, and the comments. A view's is
``pg_get_viewdef``. Every identifier is quoted by the server (``format('%I')``), every
value bound.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from ..models import Partition, TableInfo, TableRef, Trigger
from .base import sql_resource

_VIEWS = {"v": "VIEW", "m": "MATERIALIZED VIEW"}


async def table_ddl(conn: AsyncConnection, table: TableInfo) -> str:
    relation = (
        await conn.execute(
            text(sql_resource("postgresql_ddl_relation.sql")),
            {"schema": table.schema, "name": table.name},
        )
    ).one()
    if relation.kind in _VIEWS:
        ddl = f"CREATE {_VIEWS[relation.kind]} {relation.qualified} AS\n{relation.view_sql}"
        return _with_comment(ddl, relation)
    bind = {"oid": relation.oid}
    columns = (await conn.execute(text(sql_resource("postgresql_ddl_columns.sql")), bind)).all()
    constraints = (
        await conn.execute(text(sql_resource("postgresql_ddl_constraints.sql")), bind)
    ).all()
    indexes = (await conn.execute(text(sql_resource("postgresql_ddl_indexes.sql")), bind)).all()
    if relation.bound is not None:  # a partition: its columns and keys are its parent's
        head = (
            f"CREATE TABLE {relation.qualified} PARTITION OF {relation.parents}\n{relation.bound}"
        )
        extra = [f"ALTER TABLE {relation.qualified} ADD CONSTRAINT {c.name} {c.definition}"
                 for c in constraints]  # fmt: skip
        ddl = ";\n".join([head, *extra])
    else:
        body = [_column(c) for c in columns if c.local]
        body += [f"CONSTRAINT {c.name} {c.definition}" for c in constraints]
        ddl = f"CREATE TABLE {relation.qualified} (\n    " + ",\n    ".join(body) + "\n)"
        if relation.parents:
            ddl += f"\nINHERITS ({relation.parents})"
        if relation.partition_key:
            ddl += f"\nPARTITION BY {relation.partition_key}"
    statements = [ddl, *(row.definition for row in indexes)]
    statements += [
        f"COMMENT ON COLUMN {relation.qualified}.{c.name} IS {c.comment_literal}"
        for c in columns
        if c.comment is not None
    ]
    return _with_comment(";\n\n".join(statements), relation)


def _with_comment(ddl: str, relation: Any) -> str:
    if relation.comment is None:
        return ddl + ";"
    comment = relation.comment.replace("'", "''")
    kind = _VIEWS.get(relation.kind, "TABLE")
    return f"{ddl};\n\nCOMMENT ON {kind} {relation.qualified} IS '{comment}';"


def _column(column: Any) -> str:
    parts = [column.name, column.type]
    if column.collation:
        parts.append(f"COLLATE {column.collation}")
    if column.identity:
        parts.append("GENERATED " + ("ALWAYS" if column.identity == "a" else "BY DEFAULT")
                     + " AS IDENTITY")  # fmt: skip
    elif column.generated == "s":
        parts.append(f"GENERATED ALWAYS AS ({column.default_}) STORED")
    elif column.default_ is not None:
        parts.append(f"DEFAULT {column.default_}")
    if column.not_null:
        parts.append("NOT NULL")
    return " ".join(parts)


async def triggers(conn: AsyncConnection, table: TableRef) -> list[Trigger]:
    rows = await conn.execute(
        text(sql_resource("postgresql_triggers.sql")), {"schema": table.schema, "name": table.name}
    )
    return [Trigger(r.name, r.timing, r.event, r.definition) for r in rows]


async def partitions(conn: AsyncConnection, table: TableRef) -> list[Partition]:
    rows = await conn.execute(
        text(sql_resource("postgresql_partitions.sql")),
        {"schema": table.schema, "name": table.name},
    )
    return [Partition(TableRef(r.schema_name, r.table_name), r.bound) for r in rows]
